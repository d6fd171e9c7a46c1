import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ChargerStatus, EvseStatus, StationEventCause, Topics, type StationEventDto } from '@app/shared';
import type { MqttClient } from 'mqtt';
import { eventually } from '../../../test/support/eventually.js';
import { plainClient } from '../../../test/support/mqtt.js';
import { REPO_ROOT } from '../../../test/support/paths.js';
import { nextMatching, openStream, type SseStream } from '../../../test/support/sse.js';
import { TestSystem, type Gateway } from '../../../test/support/test-system.js';

describe('live station events over Server-Sent Events', () => {
  const system = new TestSystem();
  let gateway: Gateway;
  let charger: MqttClient;
  const streams: SseStream[] = [];
  let clock = 0;

  /** A status change with a time later than every earlier one (the simulator's included). */
  const publish = (operatorId: string, stationId: string, evseUid: string, status: ChargerStatus) => {
    clock = Math.max(clock + 1, Date.now());
    return charger.publishAsync(
      system.topicPrefix + Topics.evseStatus(operatorId, stationId, evseUid),
      JSON.stringify({ status, timestamp: new Date(clock).toISOString() }),
      { qos: 1 },
    );
  };
  const open = async (query = '', headers: Record<string, string> = {}) => {
    const stream = await openStream(`${gateway.url}/postos/eventos${query}`, headers);
    streams.push(stream);
    return stream;
  };

  beforeAll(async () => {
    await Promise.all(['BR-FSA', 'BR-VDC'].map((operatorId) => system.stationServer(operatorId)));
    gateway = await system.gateway({ SSE_HEARTBEAT_MS: '300', SSE_MAX_CLIENTS: '250' });
    charger = await plainClient(system.broker);
    await eventually(async () => {
      const body = (await (await fetch(`${gateway.url}/postos`)).json()) as { operators: { answered: string[] } };
      expect(body.operators.answered).toEqual(['BR-FSA', 'BR-VDC']);
    }, 30_000);
  }, 240_000);

  afterAll(async () => {
    for (const stream of streams) stream.close();
    await charger?.endAsync();
    await system.shutdown();
  });

  it('streams the changes the charger simulator publishes through the broker', async () => {
    const stream = await open('?operator=BR-FSA');
    expect(stream.status).toBe(200);
    const simulator = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'charger-simulator.ts'), '--rate=20', '--count=40', '--operators=BR-FSA'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...system.env() },
      stdio: 'ignore',
    });
    try {
      const event = await nextMatching<StationEventDto>(stream, (e) => e.cause === StationEventCause.Status, 30_000);
      expect(event).toMatchObject({ operator_id: 'BR-FSA', station_id: expect.stringMatching(/^FSA-/), charger_status: expect.any(String) });
      expect(stream.messages[0]).toMatchObject({ event: 'status', id: expect.stringMatching(/^[a-z0-9]+-\d+$/) });
    } finally {
      simulator.kill();
    }
  }, 60_000);

  it('sends each stream only what its operator, station and bounding-box filters ask for', async () => {
    const vdc = await open('?operator=BR-VDC');
    // Around Feira de Santana (BR-FSA), far from Vitoria da Conquista (BR-VDC).
    const box = await open('?bbox=-12.40,-39.10,-12.10,-38.80');
    const one = await open('?station=FSA-002');
    const everything = await open();
    await publish('BR-FSA', 'FSA-002', 'FSA-002-E2', ChargerStatus.Charging);
    await publish('BR-VDC', 'VDC-002', 'VDC-002-E1', ChargerStatus.Charging);
    await publish('BR-FSA', 'FSA-003', 'FSA-003-E1', ChargerStatus.Charging);
    await eventually(() => expect(everything.json<StationEventDto>().map((e) => e.evse_uid)).toEqual(expect.arrayContaining(['FSA-002-E2', 'VDC-002-E1', 'FSA-003-E1'])));
    const uids = (stream: SseStream) => stream.json<StationEventDto>().map((e) => e.evse_uid).filter((uid) => ['FSA-002-E2', 'VDC-002-E1', 'FSA-003-E1'].includes(uid)).sort();
    expect(uids(vdc)).toEqual(['VDC-002-E1']);
    expect(uids(box)).toEqual(['FSA-002-E2', 'FSA-003-E1']);
    expect(uids(one)).toEqual(['FSA-002-E2']);
  });

  it('resumes a stream after Last-Event-ID with the changes it missed', async () => {
    const first = await open('?operator=BR-VDC');
    await publish('BR-VDC', 'VDC-003', 'VDC-003-E1', ChargerStatus.Charging);
    await nextMatching<StationEventDto>(first, (e) => e.evse_uid === 'VDC-003-E1');
    const lastId = first.messages[first.json<StationEventDto>().findIndex((e) => e.evse_uid === 'VDC-003-E1')].id!;
    first.close();
    const watcher = await open('?operator=BR-VDC');
    await publish('BR-VDC', 'VDC-003', 'VDC-003-E2', ChargerStatus.Charging);
    await publish('BR-VDC', 'VDC-003', 'VDC-003-E1', ChargerStatus.Finishing);
    await publish('BR-VDC', 'VDC-003', 'VDC-003-E1', ChargerStatus.Available);
    await eventually(() => expect(watcher.json<StationEventDto>().filter((e) => e.station_id === 'VDC-003')).toHaveLength(3));

    const resumed = await open('?operator=BR-VDC', { 'last-event-id': lastId });
    await eventually(() => expect(resumed.messages.length).toBeGreaterThanOrEqual(3));
    // Each EVSE's changes in their order (two EVSEs' changes may interleave).
    const missed = resumed.json<StationEventDto>();
    expect(missed.filter((e) => e.evse_uid === 'VDC-003-E1').map((e) => e.charger_status)).toEqual(['Finishing', 'Available']);
    expect(missed.filter((e) => e.evse_uid === 'VDC-003-E2').map((e) => e.charger_status)).toEqual(['Charging']);
    expect(missed).toHaveLength(3);
    const ids = resumed.messages.map((m) => Number(m.id!.split('-')[1]));
    expect(ids.every((id) => id > Number(lastId.split('-')[1]))).toBe(true);

    // An id this gateway never gave (another gateway's, an earlier run's): the whole buffer.
    const foreign = await open('?operator=BR-VDC', { 'last-event-id': 'elsewhere-7' });
    await eventually(() => expect(foreign.json<StationEventDto>().map((e) => e.evse_uid)).toEqual(expect.arrayContaining(['VDC-003-E1', 'VDC-003-E2', 'VDC-002-E1'])));
  });

  it('keeps 200 streams open at once and delivers a change to every one; idle streams get heartbeats', async () => {
    const many = await Promise.all(Array.from({ length: 200 }, () => open('?station=VDC-004')));
    expect(many.every((stream) => stream.status === 200)).toBe(true);
    await publish('BR-VDC', 'VDC-004', 'VDC-004-E1', ChargerStatus.Faulted);
    await eventually(() => expect(many.filter((stream) => stream.json<StationEventDto>().some((e) => e.evse_uid === 'VDC-004-E1')).length).toBe(200), 30_000);
    await eventually(() => expect(many[0].comments).toBeGreaterThanOrEqual(2), 10_000);
    for (const stream of many) stream.close();
    await Promise.all(many.map((stream) => stream.closed));
  }, 120_000);

  it('answers 503 past SSE_MAX_CLIENTS and 400 for a bad filter', async () => {
    const limited = await system.gateway({ SSE_MAX_CLIENTS: '2' });
    const a = await openStream(`${limited.url}/postos/eventos`);
    const b = await openStream(`${limited.url}/postos/eventos`);
    streams.push(a, b);
    const refused = await fetch(`${limited.url}/postos/eventos`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    a.close();
    await a.closed;
    await eventually(async () => {
      const again = await openStream(`${limited.url}/postos/eventos`);
      streams.push(again);
      expect(again.status).toBe(200);
    });
    for (const query of ['?bbox=1,2,3', '?bbox=50,0,10,10', '?operator=BR/FSA']) {
      const response = await fetch(`${gateway.url}/postos/eventos${query}`);
      expect(response.status).toBe(400);
    }
  });

  it('shows a reservation as RESERVED in the live events, and AVAILABLE again once canceled', async () => {
    const stream = await open('?station=VDC-005');
    const driver = system.auth.bearer('driver-live-events');
    const created = await fetch(`${gateway.url}/reservas`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...driver },
      body: JSON.stringify({ operator_id: 'BR-VDC', station_id: 'VDC-005', evse_uid: 'VDC-005-E1', token: 'live-events', duration_minutes: 30 }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await expect(nextMatching<StationEventDto>(stream, (e) => e.evse_uid === 'VDC-005-E1' && e.status === EvseStatus.Reserved)).resolves.toMatchObject({
      cause: 'reservation',
    });
    expect((await fetch(`${gateway.url}/reservas/${id}`, { method: 'DELETE', headers: driver })).status).toBe(200);
    await expect(nextMatching<StationEventDto>(stream, (e) => e.evse_uid === 'VDC-005-E1' && e.status === EvseStatus.Available)).resolves.toMatchObject({
      cause: 'reservation',
    });
  });
});
