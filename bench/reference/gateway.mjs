// Reference gateway for the benchmark: node:http plus one mqtt.js client with one reply subscription.
// GET /postos publishes a request and answers with the stations of the reply. No framework.
import { createServer } from 'node:http';
import mqtt from 'mqtt';

const { MQTT_BROKER = '127.0.0.1', MQTT_PORT = '1883', MQTT_PROTOCOL_VERSION = '5', MQTT_TOPIC_PREFIX = '', PORT = '0' } = process.env;
const clientId = `ref-gateway-${process.pid}`;
const replyTo = `client/postos/response/${clientId}`;
const pending = new Map();
let nextId = 0;

const client = mqtt.connect(`mqtt://${MQTT_BROKER}:${MQTT_PORT}`, { protocolVersion: Number(MQTT_PROTOCOL_VERSION), clientId });
client.on('connect', () => {
  client.stream.setNoDelay(true);
  client.subscribe(MQTT_TOPIC_PREFIX + replyTo, { qos: 0 });
});
client.on('message', (_topic, payload) => {
  const reply = JSON.parse(payload.toString());
  const res = pending.get(reply.id);
  if (!res) return;
  pending.delete(reply.id);
  clearTimeout(res.timer);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ data: reply.data.stations }));
});

const server = createServer((req, res) => {
  if (req.method !== 'GET' || req.url !== '/postos') {
    res.writeHead(404).end();
    return;
  }
  const id = String(++nextId);
  res.timer = setTimeout(() => {
    pending.delete(id);
    res.writeHead(504).end();
  }, 3000);
  pending.set(id, res);
  client.publish(`${MQTT_TOPIC_PREFIX}server/postos/request`, JSON.stringify({ id, reply_to: replyTo, data: {} }), { qos: 0 });
});
server.listen(Number(PORT), '127.0.0.1', () => process.stdout.write(`reference gateway on ${server.address().port}\n`));
