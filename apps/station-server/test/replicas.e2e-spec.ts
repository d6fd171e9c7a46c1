import { randomUUID } from 'node:crypto';
import { Topics, type ReplyEnvelope, type RequestEnvelope } from '@app/shared';
import type { MqttClient } from 'mqtt';
import { eventually } from '../../../test/support/eventually.js';
import { collect, plainClient, received } from '../../../test/support/mqtt.js';
import { TestSystem, runBroker, type Gateway } from '../../../test/support/test-system.js';
import type { AppProcess } from '../../../test/support/app-process.js';

const shared = runBroker().sharedSubscriptions;
const REQUESTS = 60;

describe('two replicas of one operator', () => {
  const system = new TestSystem();
  const replyTo = Topics.response('postos', `tester-${randomUUID().slice(0, 8)}`);
  let replicas: AppProcess[];
  let client: MqttClient;
  let replies: { messages: ReplyEnvelope[] };

  beforeAll(async () => {
    // Both replicas share one database: the dataset is imported once, under a lock.
    const database = await system.database();
    replicas = await Promise.all([
      system.stationServer('BR-FSA', { database: database ?? null }),
      system.stationServer('BR-FSA', { database: database ?? null }),
    ]);
    client = await plainClient(system.broker);
    replies = await collect<ReplyEnvelope>(client, system.topicPrefix + replyTo);
  }, 240_000);

  afterAll(async () => {
    await client?.endAsync();
    await system.shutdown();
  });

  (shared ? it : it.skip)('handles each request exactly once, and spreads the requests over both (shared subscriptions)', async () => {
    const ids = Array.from({ length: REQUESTS }, () => randomUUID());
    for (const id of ids) {
      const request: RequestEnvelope = { id, reply_to: replyTo, data: {} };
      await client.publishAsync(system.topicPrefix + Topics.stationsRequest, JSON.stringify(request), { qos: 1 });
    }
    await received(replies, REQUESTS);
    // Let any duplicate arrive before counting: wait for one more round trip through both replicas.
    const probe: RequestEnvelope = { id: randomUUID(), reply_to: replyTo, data: {} };
    await client.publishAsync(system.topicPrefix + Topics.stationsRequest, JSON.stringify(probe), { qos: 1 });
    await eventually(() => expect(replies.messages.some((reply) => reply.id === probe.id)).toBe(true));

    const perRequest = ids.map((id) => replies.messages.filter((reply) => reply.id === id).length);
    expect(perRequest.every((count) => count === 1)).toBe(true);
    const perInstance = new Map<string, number>();
    for (const reply of replies.messages) perInstance.set(reply.instance_id, (perInstance.get(reply.instance_id) ?? 0) + 1);
    process.stdout.write(`replies per replica: ${JSON.stringify(Object.fromEntries(perInstance))}\n`);
    expect(perInstance.size).toBe(2);
    expect(Math.min(...perInstance.values())).toBeGreaterThan(0);
  });

  (shared ? it.skip : it)('answers once per replica without shared subscriptions, and the gateway counts the operator once', async () => {
    const request: RequestEnvelope = { id: randomUUID(), reply_to: replyTo, data: {} };
    await client.publishAsync(system.topicPrefix + Topics.stationsRequest, JSON.stringify(request), { qos: 1 });
    await eventually(() => expect(replies.messages.filter((reply) => reply.id === request.id)).toHaveLength(2));

    const gateway: Gateway = await system.gateway();
    const body = await eventually(async () => {
      const response = await fetch(`${gateway.url}/postos`);
      expect(response.status).toBe(200);
      return (await response.json()) as { data: Array<{ id: string }>; operators: { answered: string[] } };
    });
    expect(body.operators.answered).toEqual(['BR-FSA']);
    expect(new Set(body.data.map((station) => station.id)).size).toBe(body.data.length);
  });

  it('keeps the operator online while one replica is left', async () => {
    const gateway = await system.gateway();
    await eventually(async () => expect((await fetch(`${gateway.url}/postos`)).status).toBe(200));
    await replicas[0].kill();
    const body = await eventually(async () => {
      const response = await fetch(`${gateway.url}/postos`);
      expect(response.status).toBe(200);
      const json = (await response.json()) as { operators: { answered: string[]; offline: string[] } };
      expect(json.operators.answered).toEqual(['BR-FSA']);
      return json;
    });
    expect(body.operators.offline).toEqual([]);
  });
});
