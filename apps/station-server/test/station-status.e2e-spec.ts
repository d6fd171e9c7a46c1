import { ChargerStatus, Topics, type StationEventDto } from '@app/shared';
import type { MqttClient } from 'mqtt';
import pg from 'pg';
import type { AppProcess } from '../../../test/support/app-process.js';
import type { TestDatabase } from '../../../test/support/database.js';
import { eventually } from '../../../test/support/eventually.js';
import { collect, plainClient } from '../../../test/support/mqtt.js';
import { freePort } from '../../../test/support/ports.js';
import { TestSystem, type Gateway } from '../../../test/support/test-system.js';

interface Station {
  id: string;
  last_updated: string;
  evses: Array<{ uid: string; status: string; last_updated: string }>;
}

describe('charger status notifications', () => {
  const system = new TestSystem();
  let server: AppProcess;
  let gateway: Gateway;
  let charger: MqttClient;
  let events: { messages: StationEventDto[] };
  let metricsUrl: string;
  let database: TestDatabase | undefined;

  const publish = (stationId: string, evseUid: string, payload: unknown) =>
    charger.publishAsync(system.topicPrefix + Topics.evseStatus('BR-FSA', stationId, evseUid), typeof payload === 'string' ? payload : JSON.stringify(payload), {
      qos: 1,
    });
  const station = async (id: string): Promise<Station> => {
    const response = await fetch(`${gateway.url}/postos/${id}?operator=BR-FSA`);
    expect(response.status).toBe(200);
    return (await response.json()) as Station;
  };
  const evse = async (stationId: string, uid: string) => (await station(stationId)).evses.find((e) => e.uid === uid)!;
  const counted = async (outcome: string): Promise<number> => {
    const text = await (await fetch(metricsUrl)).text();
    return Number(new RegExp(`status_notifications_total\\{outcome="${outcome}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  };

  beforeAll(async () => {
    const healthPort = await freePort();
    metricsUrl = `http://127.0.0.1:${healthPort}/metrics`;
    database = await system.database();
    server = await system.stationServer('BR-FSA', { database: database ?? null, env: { HEALTH_PORT: String(healthPort) } });
    gateway = await system.gateway();
    charger = await plainClient(system.broker);
    events = await collect<StationEventDto>(charger, system.topicPrefix + Topics.stationEventsFilter);
    await eventually(async () => expect((await fetch(`${gateway.url}/postos/FSA-001?operator=BR-FSA`)).status).toBe(200), 30_000);
  }, 240_000);

  afterAll(async () => {
    await charger?.endAsync();
    await system.shutdown();
  });

  it('stores the new status and its time, and announces the normalized change', async () => {
    const at = new Date(Date.now() - 1000).toISOString();
    await publish('FSA-001', 'FSA-001-E3', { status: ChargerStatus.Preparing, timestamp: at, connector_id: 1 });
    await eventually(async () => expect(await evse('FSA-001', 'FSA-001-E3')).toMatchObject({ status: 'CHARGING', last_updated: at }));
    expect(Date.parse((await station('FSA-001')).last_updated)).toBeGreaterThanOrEqual(Date.parse(at));
    const event = await eventually(() => {
      const found = events.messages.find((e) => e.evse_uid === 'FSA-001-E3');
      expect(found).toBeDefined();
      return found!;
    });
    expect(event).toEqual({
      operator_id: 'BR-FSA',
      station_id: 'FSA-001',
      evse_uid: 'FSA-001-E3',
      status: 'CHARGING',
      charger_status: 'Preparing',
      connector_id: '1',
      cause: 'status',
      last_updated: at,
      coordinates: { latitude: expect.any(String), longitude: expect.any(String) },
    });
  });

  it('ignores a notification older than the stored status', async () => {
    const newer = new Date(Date.now() - 2000).toISOString();
    const older = new Date(Date.now() - 60_000).toISOString();
    await publish('FSA-001', 'FSA-001-E4', { status: ChargerStatus.Faulted, timestamp: newer });
    await eventually(async () => expect(await evse('FSA-001', 'FSA-001-E4')).toMatchObject({ status: 'OUTOFORDER', last_updated: newer }));
    const staleBefore = await counted('stale');
    await publish('FSA-001', 'FSA-001-E4', { status: ChargerStatus.Available, timestamp: older });
    // The same notification twice (a redelivery) changes nothing either.
    await publish('FSA-001', 'FSA-001-E4', { status: ChargerStatus.Faulted, timestamp: newer });
    await eventually(async () => expect(await counted('stale')).toBe(staleBefore + 2));
    expect(await evse('FSA-001', 'FSA-001-E4')).toMatchObject({ status: 'OUTOFORDER', last_updated: newer });
    expect(events.messages.filter((e) => e.evse_uid === 'FSA-001-E4').map((e) => e.status)).toEqual(['OUTOFORDER']);
  });

  it('drops garbage, unknown EVSEs and impossible times with a log line, and keeps serving', async () => {
    const now = new Date().toISOString();
    const unknownBefore = await counted('unknown');
    const invalidBefore = await counted('invalid');
    await publish('FSA-001', 'FSA-001-E5', 'not json');
    await publish('FSA-001', 'FSA-001-E5', { status: 'Exploded', timestamp: now });
    await publish('FSA-001', 'FSA-001-E5', { status: ChargerStatus.Charging, timestamp: 'yesterday' });
    await publish('FSA-001', 'FSA-001-E5', { status: ChargerStatus.Charging });
    await publish('FSA-001', 'FSA-001-E5', [1, 2, 3]);
    await publish('FSA-001', 'FSA-001-E5', { status: ChargerStatus.Charging, timestamp: now, extra: true });
    await publish('FSA-001', 'FSA-001-E5', { status: ChargerStatus.Charging, timestamp: new Date(Date.now() + 3_600_000).toISOString() });
    await publish('FSA-001', 'FSA-999-E1', { status: ChargerStatus.Charging, timestamp: now });
    await publish('FSA-999', 'FSA-001-E5', { status: ChargerStatus.Charging, timestamp: now });
    await eventually(async () => expect(await counted('unknown')).toBe(unknownBefore + 2));
    await eventually(async () => expect(await counted('invalid')).toBe(invalidBefore + 1));
    await expect(server.waitForLog(/not JSON/, 5000)).resolves.toBeUndefined();
    await expect(server.waitForLog(/no such EVSE here/, 5000)).resolves.toBeUndefined();
    await expect(server.waitForLog(/Dropped a message on \S+: status: status must be one of/, 5000)).resolves.toBeUndefined();
    expect(server.running).toBe(true);
    expect(await evse('FSA-001', 'FSA-001-E5')).toMatchObject({ status: 'AVAILABLE' });
    await publish('FSA-001', 'FSA-001-E5', { status: ChargerStatus.Unavailable, timestamp: now });
    await eventually(async () => expect(await evse('FSA-001', 'FSA-001-E5')).toMatchObject({ status: 'INOPERATIVE', last_updated: now }));
  });

  it('fulfils the reservation whose window holds the moment a charge begins; it can no longer be canceled', async () => {
    const driver = system.auth.bearer('driver-fulfil');
    const created = await fetch(`${gateway.url}/reservas`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...driver },
      body: JSON.stringify({ operator_id: 'BR-FSA', station_id: 'FSA-003', evse_uid: 'FSA-003-E2', token: 'fulfil-me', duration_minutes: 30 }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await publish('FSA-003', 'FSA-003-E2', { status: ChargerStatus.Charging, timestamp: new Date().toISOString() });
    await eventually(async () => expect(await (await fetch(`${gateway.url}/reservas/${id}`, { headers: driver })).json()).toMatchObject({ status: 'FULFILLED' }));
    const cancel = await fetch(`${gateway.url}/reservas/${id}`, { method: 'DELETE', headers: driver });
    expect(cancel.status).toBe(409);
    expect(await evse('FSA-003', 'FSA-003-E2')).toMatchObject({ status: 'CHARGING' });
  });

  it('keeps a history of the applied changes', async () => {
    if (!database) return; // PGlite lives inside the server process: the history is checked on PostgreSQL.
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ status: string; reported_status: string }>(
        "select status, reported_status from evse_status_history where evse_uid = 'FSA-001-E4' order by occurred_at",
      );
      expect(rows).toEqual([{ status: 'OUTOFORDER', reported_status: 'Faulted' }]);
    } finally {
      await client.end();
    }
  });
});
