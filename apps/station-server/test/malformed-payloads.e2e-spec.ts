import { randomUUID } from 'node:crypto';
import { ErrorCode, Topics, type ReplyEnvelope, type RequestEnvelope, type StationPage } from '@app/shared';
import type { MqttClient } from 'mqtt';
import { eventually } from '../../../test/support/eventually.js';
import { collect, plainClient, received } from '../../../test/support/mqtt.js';

const until = (done: () => boolean) => eventually(() => expect(done()).toBe(true));
import { TestSystem } from '../../../test/support/test-system.js';
import type { AppProcess } from '../../../test/support/app-process.js';

describe('station server given malformed requests', () => {
  const system = new TestSystem();
  const requestTopic = system.topicPrefix + Topics.stationsRequest;
  const replyTo = Topics.response('postos', `tester-${randomUUID().slice(0, 8)}`);
  let server: AppProcess;
  let client: MqttClient;
  let replies: { messages: ReplyEnvelope[] };

  const request = (data: unknown, extra: Partial<RequestEnvelope> = {}): RequestEnvelope => ({ id: randomUUID(), reply_to: replyTo, data, ...extra });
  const repliesTo = (id: string) => replies.messages.filter((reply) => reply.id === id);

  beforeAll(async () => {
    server = await system.stationServer('BR-VDC');
    client = await plainClient(system.broker);
    replies = await collect<ReplyEnvelope>(client, system.topicPrefix + replyTo);
  }, 240_000);

  afterAll(async () => {
    await client?.endAsync();
    await system.shutdown();
  });

  it('drops garbage, wrong envelopes and huge payloads, and answers the next good request', async () => {
    const garbage: Array<string | Buffer> = [
      'not json at all',
      '{"id": "unterminated',
      'null',
      '[]',
      '"a string"',
      '12345',
      JSON.stringify({ id: 42, reply_to: replyTo, data: {} }),
      JSON.stringify({ id: 'no-reply-to', data: {} }),
      JSON.stringify({ id: 'wildcard-reply', reply_to: 'client/postos/response/#', data: {} }),
      JSON.stringify({ id: 'foreign-reply', reply_to: 'server/postos/request', data: {} }),
      JSON.stringify(request({}, { expires_at: 'soon' as unknown as number })),
      Buffer.alloc(2 * 1024 * 1024, 'x'),
      JSON.stringify(request({ padding: 'y'.repeat(400 * 1024) })),
      Buffer.from([0xff, 0xfe, 0x00, 0x01]),
      '{"a":'.repeat(5000) + '1' + '}'.repeat(5000),
    ];
    for (const payload of garbage) await client.publishAsync(requestTopic, payload, { qos: 1 });

    const good = request({});
    await client.publishAsync(requestTopic, JSON.stringify(good), { qos: 1 });
    await received(replies, 1);
    expect(replies.messages).toHaveLength(1);
    const [reply] = repliesTo(good.id) as Array<ReplyEnvelope<Omit<StationPage, 'entries'> & { items: unknown[] }>>;
    expect(reply.error).toBeUndefined();
    expect(reply.operator_id).toBe('BR-VDC');
    expect(reply.data!.items.length).toBeGreaterThan(0);
    expect(reply.data!.total).toBeGreaterThanOrEqual(reply.data!.items.length);
    expect(server.running).toBe(true);
    // Log lines travel through a pipe: wait for them rather than read what has arrived so far.
    await expect(server.waitForLog(/over the \d+-byte limit/, 5000)).resolves.toBeUndefined();
    await expect(server.waitForLog(/not JSON/, 5000)).resolves.toBeUndefined();
  });

  it('answers wrong-typed data with an INVALID_PAYLOAD error reply', async () => {
    const cases = [request('text'), request([1, 2]), request({ unexpected: true }), request(null)];
    for (const bad of cases) await client.publishAsync(requestTopic, JSON.stringify(bad), { qos: 1 });
    await received(replies, 1 + cases.length);
    for (const bad of cases) {
      const answers = repliesTo(bad.id);
      expect(answers).toHaveLength(1);
      expect(answers[0].error).toMatchObject({ code: ErrorCode.InvalidPayload });
    }
    expect(server.running).toBe(true);
  });

  (system.broker.protocolVersion === 5 ? it : it.skip)('answers a bare MQTT 5 reply when asked: data or error as the payload, the rest in properties', async () => {
    const bare = await plainClient(system.broker);
    const bareReplyTo = Topics.response('postos', `bare-${randomUUID().slice(0, 8)}`);
    const received: Array<{ payload: string; properties: Record<string, unknown> }> = [];
    bare.on('message', (_topic, payload, packet) => received.push({ payload: payload.toString(), properties: { ...packet.properties } }));
    await bare.subscribeAsync(system.topicPrefix + bareReplyTo, { qos: 1 });
    try {
      const good = { id: randomUUID(), reply_to: bareReplyTo, bare_reply: true, data: {} };
      const bad = { id: randomUUID(), reply_to: bareReplyTo, bare_reply: true, data: 'text' };
      await bare.publishAsync(requestTopic, JSON.stringify(good), { qos: 1 });
      await bare.publishAsync(requestTopic, JSON.stringify(bad), { qos: 1 });
      await until(() => received.length === 2);
      const byId = (id: string) => received.find((r) => (r.properties.correlationData as Buffer).toString() === id)!;
      expect(byId(good.id).properties.userProperties).toEqual({ operator_id: 'BR-VDC', instance_id: expect.any(String) });
      expect(Array.isArray((JSON.parse(byId(good.id).payload) as { items: unknown }).items)).toBe(true);
      expect(byId(bad.id).properties.userProperties).toMatchObject({ operator_id: 'BR-VDC', error: 'true' });
      expect(JSON.parse(byId(bad.id).payload)).toMatchObject({ code: ErrorCode.InvalidPayload });
    } finally {
      await bare.endAsync();
    }
  });

  it('does not handle a request whose deadline has passed', async () => {
    const expired = request({}, { expires_at: Date.now() - 1000 });
    const fresh = request({});
    await client.publishAsync(requestTopic, JSON.stringify(expired), { qos: 1 });
    await client.publishAsync(requestTopic, JSON.stringify(fresh), { qos: 1 });
    await received(replies, 6);
    expect(repliesTo(fresh.id)).toHaveLength(1);
    expect(repliesTo(expired.id)).toHaveLength(0);
    await expect(server.waitForLog(/expired before it could be handled/, 5000)).resolves.toBeUndefined();
  });
});
