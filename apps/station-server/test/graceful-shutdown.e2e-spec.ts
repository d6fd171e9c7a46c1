import { randomUUID } from 'node:crypto';
import { ReservationAction, Resource, Topics, type ReplyEnvelope, type RequestEnvelope, type ReservationDto } from '@app/shared';
import pg from 'pg';
import { eventually } from '../../../test/support/eventually.js';
import { collect, plainClient, received } from '../../../test/support/mqtt.js';
import { TestSystem } from '../../../test/support/test-system.js';

describe('graceful shutdown with a request in flight', () => {
  const system = new TestSystem();

  /** The retained presence messages of an operator, as a new subscriber gets them. */
  async function retainedPresence(operatorId: string): Promise<string[]> {
    const watcher = await plainClient(system.broker);
    const probe = `${system.topicPrefix}probe/${randomUUID()}`;
    const seen: Array<{ topic: string; payload: string }> = [];
    watcher.on('message', (topic, payload) => seen.push({ topic, payload: payload.toString() }));
    try {
      await watcher.subscribeAsync([system.topicPrefix + Topics.presence(operatorId, '+'), probe], { qos: 1 });
      // Retained messages come right after the subscription, before this probe's delivery.
      await watcher.publishAsync(probe, 'probe', { qos: 1 });
      await eventually(() => expect(seen.some((m) => m.topic === probe)).toBe(true));
      return seen.filter((m) => m.topic !== probe && m.payload.length > 0).map((m) => m.topic);
    } finally {
      await watcher.endAsync();
    }
  }

  afterAll(() => system.shutdown());

  it('a gateway answers the request it is waiting on, then exits 0', async () => {
    const gateway = await system.gateway({ REQUEST_TIMEOUT_MS: '10000' });
    const operator = await plainClient(system.broker);
    try {
      const presence = { operator_id: 'BR-SLW', operator_name: 'Slow', instance_id: 'slow-1', started_at: new Date().toISOString() };
      await operator.publishAsync(system.topicPrefix + Topics.presence('BR-SLW', 'slow-1'), JSON.stringify(presence), { qos: 1, retain: true });
      const requests = await collect<RequestEnvelope>(operator, system.topicPrefix + Topics.stationsRequest);
      await eventually(async () => expect((await fetch(`${gateway.url}/health/ready`)).status).toBe(200));

      const response = fetch(`${gateway.url}/postos`);
      const [request] = await received(requests, 1);
      process.kill(gateway.process.pid, 'SIGTERM');
      const reply: ReplyEnvelope = { id: request.id, operator_id: 'BR-SLW', instance_id: 'slow-1', data: { total: 0, keys: [], items: [] } };
      await operator.publishAsync(system.topicPrefix + request.reply_to, JSON.stringify(reply), { qos: 1 });

      const answered = await response;
      expect(answered.status).toBe(200);
      await expect(answered.json()).resolves.toMatchObject({ operators: { answered: ['BR-SLW'] } });
      await expect(gateway.process.exited).resolves.toBe(0);
    } finally {
      await operator.publishAsync(system.topicPrefix + Topics.presence('BR-SLW', 'slow-1'), '', { qos: 1, retain: true });
      await operator.endAsync();
    }
  });

  // A handler is held in flight by a table lock, which needs PostgreSQL.
  (process.env.DATABASE_URL ? it : it.skip)('a station server finishes the handler it runs, clears its presence and exits 0', async () => {
    const database = (await system.database())!;
    const server = await system.stationServer('BR-VDC', { database });
    const client = await plainClient(system.broker);
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    try {
      const replyTo = Topics.response(Resource.Reservations, `shutdown-${randomUUID().slice(0, 8)}`);
      const replies = await collect<ReplyEnvelope<ReservationDto>>(client, system.topicPrefix + replyTo);
      expect(await retainedPresence('BR-VDC')).toHaveLength(1);

      await locker.query('BEGIN');
      await locker.query('LOCK TABLE idempotency_keys IN ACCESS EXCLUSIVE MODE');
      const command: RequestEnvelope = {
        id: randomUUID(),
        reply_to: replyTo,
        access_token: system.auth.token('driver-shutdown'),
        data: { station_id: 'VDC-001', evse_uid: 'VDC-001-E1', token: 'shutdown', duration_minutes: 15, starts_at: new Date(Date.now() + 3_600_000).toISOString(), idempotency_key: randomUUID() },
      };
      await client.publishAsync(system.topicPrefix + Topics.reservationCommand('BR-VDC', ReservationAction.Create), JSON.stringify(command), { qos: 1 });
      // The handler is in flight once its query waits for the lock.
      await eventually(async () => {
        const waiting = await locker.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()");
        expect(waiting.rows[0].n).toBeGreaterThan(0);
      });

      process.kill(server.pid, 'SIGTERM');
      await server.waitForLog(/Finishing 1 request\(s\) in flight/, 10_000);
      expect(server.running).toBe(true);
      await locker.query('COMMIT');

      const [reply] = await received(replies, 1);
      expect(reply.error).toBeUndefined();
      expect(reply.data).toMatchObject({ evse_uid: 'VDC-001-E1', status: 'RESERVED' });
      await expect(server.exited).resolves.toBe(0);

      expect(await retainedPresence('BR-VDC')).toEqual([]);
    } finally {
      await locker.end().catch(() => undefined);
      await client.endAsync();
    }
  });
});
