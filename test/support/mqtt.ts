import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { eventually } from './eventually.js';
import type { BrokerAddress } from './test-system.js';

/** A plain mqtt.js client on the test broker, standing for a charger, an attacker or a hand-made gateway. */
export async function plainClient(broker: BrokerAddress, options: mqtt.IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(`mqtt://${broker.host}:${broker.port}`, {
    protocolVersion: broker.protocolVersion,
    clientId: `test-${randomBytes(4).toString('hex')}`,
    reconnectPeriod: 0,
    ...options,
  });
}

/** Collects the messages that arrive on a topic filter, parsed as JSON. */
export async function collect<T = unknown>(client: MqttClient, filter: string): Promise<{ messages: T[] }> {
  const sink = { messages: [] as T[] };
  const pattern = new RegExp(`^${filter.replace(/[.]/g, '\\.').replace(/\+/g, '[^/]+').replace(/#$/, '.*')}$`);
  client.on('message', (topic, payload) => {
    if (pattern.test(topic)) sink.messages.push(JSON.parse(payload.toString()) as T);
  });
  await client.subscribeAsync(filter, { qos: 1 });
  return sink;
}

/** Waits until `count` messages were collected. */
export function received<T>(sink: { messages: T[] }, count: number, timeoutMs = 10_000): Promise<T[]> {
  return eventually(() => {
    if (sink.messages.length < count) throw new Error(`received ${sink.messages.length} of ${count} messages`);
    return sink.messages;
  }, timeoutMs);
}
