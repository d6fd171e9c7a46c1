// Reference station server for the benchmark: a bare mqtt.js client that answers every request on
// server/postos/request with the same stations, JSON-encoded per request. No framework, no database.
import { readFileSync } from 'node:fs';
import mqtt from 'mqtt';

const { MQTT_BROKER = '127.0.0.1', MQTT_PORT = '1883', MQTT_PROTOCOL_VERSION = '5', MQTT_TOPIC_PREFIX = '', STATIONS_FILE, OPERATOR_ID } = process.env;
const stations = JSON.parse(readFileSync(STATIONS_FILE, 'utf8'));

const client = mqtt.connect(`mqtt://${MQTT_BROKER}:${MQTT_PORT}`, {
  protocolVersion: Number(MQTT_PROTOCOL_VERSION),
  clientId: `ref-responder-${process.pid}`,
});
client.on('connect', () => {
  client.stream.setNoDelay(true);
  client.subscribe(`${MQTT_TOPIC_PREFIX}server/postos/request`, { qos: 0 }, () => process.stdout.write('reference responder ready\n'));
});
client.on('message', (_topic, payload) => {
  const request = JSON.parse(payload.toString());
  const reply = { id: request.id, operator_id: OPERATOR_ID, instance_id: 'ref', data: { stations } };
  client.publish(MQTT_TOPIC_PREFIX + request.reply_to, JSON.stringify(reply), { qos: 0 });
});
