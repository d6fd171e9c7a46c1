import { randomUUID } from 'node:crypto';
import { ErrorCode, ReservationAction, Resource, Topics, type ReplyEnvelope, type RequestEnvelope, type ReservationDto } from '@app/shared';
import { eventually } from '../../../test/support/eventually.js';
import { signJwt } from '../../../test/support/jwt.js';
import { collect, plainClient, received } from '../../../test/support/mqtt.js';
import { TestSystem, type Gateway } from '../../../test/support/test-system.js';

const OPERATOR = 'BR-VDC';
const METRICS_TOKEN = 'metrics-token-of-this-test-0001';
const HOUR = 3_600_000;
const PROBLEM_JSON = /^application\/problem\+json/;

/** Bearer tokens, missing or bad, on every reservation route; ownership through the gateway and on the wire. */
describe('driver identity', () => {
  const system = new TestSystem();
  let gateway: Gateway;
  const { auth } = system;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    [, gateway] = await Promise.all([system.stationServer(OPERATOR), system.gateway({ METRICS_TOKEN, REQUEST_TIMEOUT_MS: '10000' })]);
    await eventually(async () => expect((await fetch(`${gateway.url}/postos`)).status).toBe(200), 30_000);
  }, 120_000);

  afterAll(() => system.shutdown());

  const booking = (evse: string, token = 'card-1') => ({
    operator_id: OPERATOR,
    station_id: evse.slice(0, 'VDC-001'.length),
    evse_uid: evse,
    token,
    starts_at: new Date(Date.now() + 2 * HOUR).toISOString(),
    duration_minutes: 30,
  });

  async function call(method: string, path: string, headers: Record<string, string> = {}, body?: unknown) {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json().catch(() => undefined)) as Record<string, unknown> & ReservationDto & { data?: ReservationDto[] } };
  }

  // Every row has all three members: Jest would take a missing one for a `done` callback.
  const ROUTES: Array<[string, string, unknown]> = [
    ['POST', '/reservas', booking('VDC-001-E1')],
    ['GET', '/reservas', undefined],
    ['GET', `/reservas/${OPERATOR}-3f1c2a1e-3b7d-4f7e-9b7a-0d3c7e1f2a4b`, undefined],
    ['DELETE', `/reservas/${OPERATOR}-3f1c2a1e-3b7d-4f7e-9b7a-0d3c7e1f2a4b`, undefined],
  ];

  it('keeps station search, health and the docs public, and documents the bearer scheme', async () => {
    for (const path of ['/postos', '/health/live', '/docs']) expect((await fetch(`${gateway.url}${path}`)).status).toBe(200);
    const docs = (await (await fetch(`${gateway.url}/docs-json`)).json()) as {
      components: { securitySchemes: Record<string, { scheme: string }> };
      paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
    };
    expect(docs.components.securitySchemes.bearer).toMatchObject({ scheme: 'bearer' });
    expect(docs.paths['/reservas'].post.security).toEqual([{ bearer: [] }]);
    expect(docs.paths['/reservas'].post.responses['401']).toBeDefined();
    expect(docs.paths['/postos'].get.security).toBeUndefined();
  });

  it.each(ROUTES)('answers %s %s without a bearer token 401 problem+json with a Bearer challenge', async (method, path, body) => {
    for (const headers of [{}, { authorization: 'Basic ZHJpdmVyOnNlY3JldA==' }] as Array<Record<string, string>>) {
      const answer = await call(method, path, headers, body);
      expect({ status: answer.status, body: answer.body }).toMatchObject({ status: 401 });
      expect(answer.headers.get('content-type')).toMatch(PROBLEM_JSON);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="ev-charging"');
      expect(answer.body).toMatchObject({ type: 'about:blank', title: 'Unauthorized', status: 401, instance: path });
    }
  });

  const BAD_TOKENS: Array<[string, () => string, string]> = [
    ['expired', () => auth.token('driver-a', { iat: now() - 7200, exp: now() - 3600 }), 'expired'],
    ['for another audience', () => auth.token('driver-a', { aud: 'another-api' }), 'another audience'],
    ['from another issuer', () => auth.token('driver-a', { iss: 'https://evil.example/' }), 'another issuer'],
    [
      'with a tampered payload',
      () => {
        const [header, , signature] = auth.token('driver-a').split('.');
        return `${header}.${Buffer.from(JSON.stringify({ sub: 'driver-b', iss: auth.issuer, aud: auth.audience, exp: now() + 600 })).toString('base64url')}.${signature}`;
      },
      'signature',
    ],
    ['signed with another secret', () => signJwt({ sub: 'driver-a', iss: auth.issuer, aud: auth.audience, exp: now() + 600 }, 'x'.repeat(40), 'HS256'), 'signature'],
    ['unsigned (alg none)', () => signJwt({ sub: 'driver-a', iss: auth.issuer, aud: auth.audience, exp: now() + 600 }, undefined, 'none'), 'invalid'],
    ['without expiry', () => auth.token('driver-a', { exp: undefined }), 'no expiry'],
    ['that is not a JWT', () => 'not-a-jwt', 'malformed'],
  ];

  it.each(BAD_TOKENS)('answers a token %s 401 with error="invalid_token" on every reservation route', async (_, token, reason) => {
    for (const [method, path, body] of ROUTES) {
      const answer = await call(method, path, { authorization: `Bearer ${token()}` }, body);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('content-type')).toMatch(PROBLEM_JSON);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="ev-charging", error="invalid_token", error_description="[^"]+"$/);
      expect(String(answer.body.detail)).toContain(reason);
    }
  });

  it("keeps a driver from reading, listing or canceling another driver's reservation (404, as if it did not exist)", async () => {
    const a = auth.bearer('driver-a');
    const b = auth.bearer('driver-b');
    const created = await call('POST', '/reservas', a, booking('VDC-001-E2', 'shared-card'));
    expect(created.status).toBe(201);
    const { id } = created.body;

    const read = await call('GET', `/reservas/${id}`, b);
    const unknownId = `${OPERATOR}-${randomUUID()}`;
    const unknown = await call('GET', `/reservas/${unknownId}`, b);
    expect(read.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(String(read.body.detail).replace(id, '<id>')).toBe(String(unknown.body.detail).replace(unknownId, '<id>'));

    const listed = await call('GET', '/reservas', b);
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([]);
    const byCard = await call('GET', '/reservas?token=shared-card', b);
    expect(byCard.body.data).toEqual([]);

    expect((await call('DELETE', `/reservas/${id}`, b)).status).toBe(404);
    const still = await call('GET', `/reservas/${id}`, a);
    expect(still).toMatchObject({ status: 200, body: { id, status: 'RESERVED' } });
    expect((await call('GET', '/reservas', a)).body.data?.map((r) => r.id)).toEqual([id]);
    expect((await call('GET', '/reservas?token=shared-card', a)).body.data?.map((r) => r.id)).toEqual([id]);
    expect((await call('GET', '/reservas?token=another-card', a)).body.data).toEqual([]);
    expect((await call('DELETE', `/reservas/${id}`, a)).body).toMatchObject({ id, status: 'CANCELED' });
  });

  it('scopes an Idempotency-Key by driver: the same key and card of two drivers are two keys', async () => {
    const key = `key-${randomUUID()}`;
    const first = await call('POST', '/reservas', { ...auth.bearer('driver-c'), 'idempotency-key': key }, booking('VDC-001-E3', 'family-card'));
    const other = await call('POST', '/reservas', { ...auth.bearer('driver-d'), 'idempotency-key': key }, booking('VDC-002-E1', 'family-card'));
    expect(first.status).toBe(201);
    expect(other.status).toBe(201);
    expect(other.body.id).not.toBe(first.body.id);
    const replay = await call('POST', '/reservas', { ...auth.bearer('driver-c'), 'idempotency-key': key }, { ...booking('VDC-001-E3', 'family-card'), starts_at: first.body.starts_at });
    expect(replay).toMatchObject({ status: 201, body: { id: first.body.id } });
  });

  it('has the station server refuse hand-made commands whose token is absent or forged, and hide other drivers\' reservations', async () => {
    const created = await call('POST', '/reservas', auth.bearer('driver-e'), booking('VDC-002-E2'));
    expect(created.status).toBe(201);
    const client = await plainClient(system.broker);
    const replyTo = Topics.response(Resource.Reservations, `forger-${randomUUID().slice(0, 8)}`);
    const replies = await collect<ReplyEnvelope<ReservationDto | ReservationDto[]>>(client, system.topicPrefix + replyTo);
    const send = async (topic: string, data: unknown, accessToken?: string) => {
      const envelope: RequestEnvelope = { id: randomUUID(), reply_to: replyTo, data, ...(accessToken === undefined ? {} : { access_token: accessToken }) };
      await client.publishAsync(system.topicPrefix + topic, JSON.stringify(envelope), { qos: 1 });
      return envelope.id;
    };
    try {
      const create = Topics.reservationCommand(OPERATOR, ReservationAction.Create);
      const get = Topics.reservationCommand(OPERATOR, ReservationAction.Get);
      const cancel = Topics.reservationCommand(OPERATOR, ReservationAction.Cancel);
      const command = { station_id: 'VDC-002', evse_uid: 'VDC-002-E3', token: 'forged', duration_minutes: 10, idempotency_key: randomUUID() };
      const forged = signJwt({ sub: 'driver-e', iss: auth.issuer, aud: auth.audience, exp: now() + 600 }, 'a-guessed-secret-of-thirty-two-bytes', 'HS256');
      const expected = new Map<string, string>([
        [await send(create, command), ErrorCode.Unauthorized],
        [await send(create, command, forged), ErrorCode.Unauthorized],
        [await send(get, { id: created.body.id }, forged), ErrorCode.Unauthorized],
        [await send(cancel, { id: created.body.id }), ErrorCode.Unauthorized],
        [await send(get, { id: created.body.id }, auth.token('driver-e', { exp: now() - 3600, iat: now() - 7200 })), ErrorCode.Unauthorized],
        [await send(Topics.reservationsRequest, {}, forged), ErrorCode.Unauthorized],
        [await send(get, { id: created.body.id }, auth.token('driver-f')), ErrorCode.NotFound],
        [await send(cancel, { id: created.body.id }, auth.token('driver-f')), ErrorCode.NotFound],
      ]);
      const allowed = await send(get, { id: created.body.id }, auth.token('driver-e'));
      await received(replies, expected.size + 1);
      for (const [id, code] of expected) expect({ id, code: replies.messages.find((reply) => reply.id === id)?.error?.code }).toEqual({ id, code });
      expect(replies.messages.find((reply) => reply.id === allowed)).toMatchObject({ data: { id: created.body.id, status: 'RESERVED' } });
      // Nothing was booked by the forgeries, and the reservation is still live.
      expect((await call('GET', `/reservas/${created.body.id}`, auth.bearer('driver-e'))).body.status).toBe('RESERVED');
      expect((await call('GET', '/reservas?token=forged', auth.bearer('driver-e'))).body.data).toEqual([]);
    } finally {
      await client.endAsync();
    }
  });

  it('closes /metrics to all but the METRICS_TOKEN bearer', async () => {
    const open = await fetch(`${gateway.url}/metrics`);
    expect(open.status).toBe(401);
    expect(open.headers.get('www-authenticate')).toBe('Bearer realm="ev-charging"');
    expect(open.headers.get('content-type')).toMatch(PROBLEM_JSON);
    const wrong = await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${auth.token('driver-a')}` } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const right = await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(right.status).toBe(200);
    await expect(right.text()).resolves.toContain('process_cpu_seconds_total');
  });
});
