import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  EvseStatus,
  ReservationAction,
  ReservationStatus,
  Resource,
  Topics,
  type LocationDto,
  type ReplyEnvelope,
  type RequestEnvelope,
  type ReservationDto,
} from '@app/shared';
import { eventually } from '../../../test/support/eventually.js';
import { collect, plainClient, received } from '../../../test/support/mqtt.js';
import { demoDataset } from '../../../test/support/paths.js';
import { TestSystem, runBroker, type Gateway } from '../../../test/support/test-system.js';

const OPERATOR = 'BR-FSA';
const stations = JSON.parse(readFileSync(demoDataset(OPERATOR), 'utf8')) as LocationDto[];
/** EVSEs that can be booked (not out of service), with their station. */
const bookable = stations.flatMap((station) =>
  station.evses.filter((evse) => !['OUTOFORDER', 'INOPERATIVE', 'REMOVED', 'BLOCKED', 'PLANNED'].includes(evse.status)).map((evse) => ({ station: station.id, evse: evse.uid })),
);
const MINUTE = 60_000;
const system = new TestSystem();
/** The driver of every booking here; driver-identity.e2e-spec.ts covers several drivers. */
const DRIVER = 'driver-reservations';
const asDriver = () => system.auth.bearer(DRIVER);

interface Answer {
  status: number;
  body: ReservationDto & { conflict?: { evse_uid: string; starts_at: string; ends_at: string }; detail?: string };
}

async function post(gateway: Gateway, body: Record<string, unknown>, key?: string): Promise<Answer> {
  const response = await fetch(`${gateway.url}/reservas`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...asDriver(), ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify({ operator_id: OPERATOR, ...body }),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

async function listByToken(gateway: Gateway, token: string): Promise<ReservationDto[]> {
  const response = await fetch(`${gateway.url}/reservas?token=${token}`, { headers: asDriver() });
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: ReservationDto[] }).data;
}

/** Runs `tasks` with at most `limit` in flight. */
async function pool<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]();
      }
    }),
  );
  return results;
}

const overlaps = (a: { starts_at: string; ends_at: string }, b: { starts_at: string; ends_at: string }) =>
  Date.parse(a.starts_at) < Date.parse(b.ends_at) && Date.parse(b.starts_at) < Date.parse(a.ends_at);

describe('reservations', () => {
  // Several replicas need a database they share: PostgreSQL. On PGlite, one replica.
  const replicas = process.env.DATABASE_URL ? 3 : 1;
  let gateways: Gateway[];

  beforeAll(async () => {
    const database = await system.database();
    await Promise.all(
      Array.from({ length: replicas }, () =>
        system.stationServer(OPERATOR, { database: database ?? null, env: { RESERVATION_SWEEP_INTERVAL_MS: '300' } }),
      ),
    );
    gateways = await Promise.all([system.gateway({ REQUEST_TIMEOUT_MS: '10000' }), system.gateway({ REQUEST_TIMEOUT_MS: '10000' })]);
    await eventually(async () => expect((await fetch(`${gateways[0].url}/postos`)).status).toBe(200), 20_000);
    await eventually(async () => expect((await fetch(`${gateways[1].url}/postos`)).status).toBe(200), 20_000);
    process.stdout.write(`reservations: ${replicas} replica(s) of ${OPERATOR}, 2 gateways, broker shared subscriptions: ${runBroker().sharedSubscriptions}\n`);
  }, 240_000);

  afterAll(() => system.shutdown());

  it('books, reads, lists and cancels; canceling again is harmless', async () => {
    const { station, evse } = bookable[0];
    const token = `drv-${randomUUID().slice(0, 8)}`;
    const created = await post(gateways[0], { station_id: station, evse_uid: evse, token, starts_at: new Date(Date.now() + 600 * MINUTE).toISOString(), duration_minutes: 30 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ operator_id: OPERATOR, station_id: station, evse_uid: evse, token, status: ReservationStatus.Reserved });
    expect(created.body.id).toMatch(/^BR-FSA-[0-9a-f-]{36}$/);

    const read = await fetch(`${gateways[1].url}/reservas/${created.body.id}`, { headers: asDriver() });
    expect(read.status).toBe(200);
    await expect(read.json()).resolves.toMatchObject({ id: created.body.id, status: ReservationStatus.Reserved });
    await expect(listByToken(gateways[1], token)).resolves.toEqual([expect.objectContaining({ id: created.body.id })]);

    for (let i = 0; i < 2; i++) {
      const canceled = await fetch(`${gateways[i].url}/reservas/${created.body.id}`, { method: 'DELETE', headers: asDriver() });
      expect(canceled.status).toBe(200);
      await expect(canceled.json()).resolves.toMatchObject({ status: ReservationStatus.Canceled });
    }
    // The window is free again.
    const again = await post(gateways[0], { station_id: station, evse_uid: evse, token, starts_at: new Date(Date.now() + 600 * MINUTE).toISOString(), duration_minutes: 30 });
    expect(again.status).toBe(201);
  });

  it('answers 404, 400 and 409 as problem+json', async () => {
    const unknown = await fetch(`${gateways[0].url}/reservas/BR-FSA-${randomUUID()}`, { headers: asDriver() });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await post(gateways[0], { station_id: 'FSA-001', evse_uid: 'NO-SUCH-EVSE', token: 't' })).status).toBe(404);
    const { station, evse } = bookable[1];
    const past = await post(gateways[0], { station_id: station, evse_uid: evse, token: 't', starts_at: '2020-01-01T00:00:00Z', duration_minutes: 10 });
    expect(past).toMatchObject({ status: 400, body: { detail: expect.stringContaining('starts_at') } });
    const backwards = await post(gateways[0], { station_id: station, evse_uid: evse, token: 't', starts_at: new Date(Date.now() + 20 * MINUTE).toISOString(), ends_at: new Date(Date.now() + 10 * MINUTE).toISOString() });
    expect(backwards.status).toBe(400);
    const tooLong = await post(gateways[0], { station_id: station, evse_uid: evse, token: 't', duration_minutes: 1000 });
    expect(tooLong.status).toBe(400);
    const outOfService = stations.flatMap((s) => s.evses.filter((e) => e.status === EvseStatus.OutOfOrder).map((e) => ({ station: s.id, evse: e.uid })))[0];
    if (outOfService) {
      const refused = await post(gateways[0], { station_id: outOfService.station, evse_uid: outOfService.evse, token: 't' });
      expect(refused).toMatchObject({ status: 409, body: { detail: expect.stringContaining('out of service') } });
    }
  });

  it('replays the first result for a repeated Idempotency-Key, and refuses the key with another body', async () => {
    const { station, evse } = bookable[2];
    const body = { station_id: station, evse_uid: evse, token: 'idem', starts_at: new Date(Date.now() + 300 * MINUTE).toISOString(), duration_minutes: 20 };
    const key = randomUUID();
    const first = await post(gateways[0], body, key);
    const retries = await Promise.all([post(gateways[1], body, key), post(gateways[0], body, key)]);
    expect(first.status).toBe(201);
    for (const retry of retries) expect(retry).toMatchObject({ status: 201, body: { id: first.body.id } });
    const other = await post(gateways[1], { ...body, duration_minutes: 25 }, key);
    expect(other.status).toBe(422);
    expect((await listByToken(gateways[0], 'idem')).filter((r) => r.evse_uid === evse)).toHaveLength(1);
  });

  it('applies a command delivered twice once (QoS 1 redelivery), answering both with the same reservation', async () => {
    const { station, evse } = bookable[2];
    const client = await plainClient(system.broker);
    const replyTo = Topics.response(Resource.Reservations, `redeliver-${randomUUID().slice(0, 8)}`);
    const replies = await collect<ReplyEnvelope<ReservationDto>>(client, system.topicPrefix + replyTo);
    try {
      const command: RequestEnvelope = {
        id: randomUUID(),
        reply_to: replyTo,
        access_token: system.auth.token(DRIVER),
        data: { station_id: station, evse_uid: evse, token: 'redelivered', starts_at: new Date(Date.now() + 900 * MINUTE).toISOString(), duration_minutes: 15, idempotency_key: randomUUID() },
      };
      const topic = system.topicPrefix + Topics.reservationCommand(OPERATOR, ReservationAction.Create);
      await client.publishAsync(topic, JSON.stringify(command), { qos: 1 });
      await client.publishAsync(topic, JSON.stringify(command), { qos: 1, dup: true });
      const [first, second] = await received(replies, 2);
      expect(first.data?.id).toBeDefined();
      expect(second.data?.id).toBe(first.data?.id);
      expect(await listByToken(gateways[0], 'redelivered')).toHaveLength(1);
    } finally {
      await client.endAsync();
    }
  });

  it('gives exactly one of 200 concurrent overlapping bookings of one EVSE', async () => {
    const { station, evse } = bookable[3];
    const base = Date.now() + 60 * MINUTE;
    const tasks = Array.from({ length: 200 }, (_, i) => () =>
      post(gateways[i % 2], {
        station_id: station,
        evse_uid: evse,
        token: `race-${i}`,
        starts_at: new Date(base + (i % 10) * MINUTE).toISOString(),
        duration_minutes: 30,
      }),
    );
    const answers = await pool(tasks, 100);
    const counts = answers.reduce<Record<number, number>>((acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }), {});
    process.stdout.write(`200 concurrent bookings of one EVSE: ${JSON.stringify(counts)}\n`);
    expect(counts).toEqual({ 201: 1, 409: 199 });
    const winner = answers.find((a) => a.status === 201)!.body;
    for (const loser of answers.filter((a) => a.status === 409)) {
      expect(loser.body.conflict).toEqual({ evse_uid: evse, starts_at: winner.starts_at, ends_at: winner.ends_at });
    }
  });

  it('leaves no overlap after 1,000 random bookings over 20 EVSEs; every 201 is stored and every 409 names a real conflict', async () => {
    const token = `rand-${randomUUID().slice(0, 8)}`;
    const evses = bookable.slice(4, 24);
    expect(evses).toHaveLength(20);
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const base = Date.now() + 10 * MINUTE;
    const requests = Array.from({ length: 1000 }, () => {
      const target = evses[Math.floor(random() * evses.length)];
      return {
        station_id: target.station,
        evse_uid: target.evse,
        token,
        starts_at: new Date(base + Math.floor(random() * 2000) * MINUTE).toISOString(),
        duration_minutes: 10 + Math.floor(random() * 110),
      };
    });
    const answers = await pool(requests.map((body, i) => () => post(gateways[i % 2], body)), 40);
    const created = answers.filter((a) => a.status === 201).map((a) => a.body);
    const conflicts = answers.filter((a) => a.status === 409);
    process.stdout.write(`1,000 random bookings: ${created.length} created, ${conflicts.length} conflicts, other: ${1000 - created.length - conflicts.length}\n`);
    expect(created.length + conflicts.length).toBe(1000);

    const stored = await listByToken(gateways[0], token);
    expect(new Set(stored.map((r) => r.id))).toEqual(new Set(created.map((r) => r.id)));
    for (const evse of evses) {
      const windows = stored.filter((r) => r.evse_uid === evse.evse && r.status === ReservationStatus.Reserved).sort((a, b) => a.starts_at.localeCompare(b.starts_at));
      for (let i = 1; i < windows.length; i++) expect(Date.parse(windows[i].starts_at)).toBeGreaterThanOrEqual(Date.parse(windows[i - 1].ends_at));
    }
    requests.forEach((request, i) => {
      if (answers[i].status !== 409) return;
      const conflict = answers[i].body.conflict!;
      const asked = { starts_at: request.starts_at, ends_at: new Date(Date.parse(request.starts_at) + request.duration_minutes * MINUTE).toISOString() };
      expect(overlaps(conflict, asked)).toBe(true);
      expect(stored.some((r) => r.evse_uid === request.evse_uid && r.starts_at === conflict.starts_at && r.ends_at === conflict.ends_at)).toBe(true);
    });
  }, 180_000);

  it('shows the EVSE as RESERVED while the window is open, then marks the reservation NO_SHOW and frees it', async () => {
    const target = stations.flatMap((s) => s.evses.filter((e) => e.status === EvseStatus.Available).map((e) => ({ station: s.id, evse: e.uid })))[0];
    const evseStatus = async () => {
      const body = (await (await fetch(`${gateways[0].url}/postos`)).json()) as { data: LocationDto[] };
      return body.data.find((s) => s.id === target.station)!.evses.find((e) => e.uid === target.evse)!.status;
    };
    const created = await post(gateways[0], { station_id: target.station, evse_uid: target.evse, token: 'noshow', ends_at: new Date(Date.now() + 3000).toISOString() });
    expect(created.status).toBe(201);
    await eventually(async () => expect(await evseStatus()).toBe('RESERVED'), 5000);
    await eventually(async () => {
      const response = await fetch(`${gateways[1].url}/reservas/${created.body.id}`, { headers: asDriver() });
      await expect(response.json()).resolves.toMatchObject({ status: ReservationStatus.NoShow });
    }, 15_000);
    await eventually(async () => expect(await evseStatus()).toBe('AVAILABLE'), 10_000);
  });
});
