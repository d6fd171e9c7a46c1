import { randomUUID } from 'node:crypto';
import {
  ConnectorType,
  encodeStationPage,
  ReservationStatus,
  Resource,
  Topics,
  TripAction,
  tripStopReservationId,
  type RequestEnvelope,
  type TripHoldCommandDto,
  type TripPartDto,
  type ReservationDto,
} from '@app/shared';
import type { MqttClient } from 'mqtt';
import { eventually } from '../../../test/support/eventually.js';
import { plainClient } from '../../../test/support/mqtt.js';
import type { AppProcess } from '../../../test/support/app-process.js';
import { TestSystem, runBroker, type Gateway } from '../../../test/support/test-system.js';

const OPERATORS = ['BR-FSA', 'BR-SSA', 'BR-VDC'];
const DRIVER = 'driver-trips';
const system = new TestSystem();
const asDriver = () => system.auth.bearer(DRIVER);
const HOUR = 3_600_000;
const LIVE: string[] = [ReservationStatus.Pending, ReservationStatus.Reserved];

/**
 * Camaçari -> Salvador -> Feira de Santana -> Vitória da Conquista -> 100 km further south. With
 * 15 % charge at the start the car must charge in Salvador, then in Feira de Santana (to 100 %:
 * the next leg is ~350 km), then in Vitória da Conquista: one stop at each demo operator.
 */
const VDC = { latitude: -14.8615, longitude: -40.8442 };
function tripBody(departureAt: Date, token: string): Record<string, unknown> {
  return {
    origin: { latitude: -12.6975, longitude: -38.3241 },
    waypoints: [
      { latitude: -12.9714, longitude: -38.5014 },
      { latitude: -12.2664, longitude: -38.9663 },
      VDC,
    ],
    destination: { latitude: -15.75, longitude: -40.8442 },
    departure_at: departureAt.toISOString(),
    vehicle: { range_km: 400, connectors: [ConnectorType.IEC_62196_T2_COMBO, ConnectorType.IEC_62196_T2], max_power_kw: 150, soc_percent: 15 },
    reserve_percent: 5,
    token,
  };
}

interface TripStop {
  stop: number;
  operator_id: string;
  station_id: string;
  evse_uid: string;
  reservation_id: string;
  status: string;
  starts_at: string;
  ends_at: string;
  arrival_at: string;
  departure_at: string;
}
interface Trip {
  id: string;
  status: string;
  stops: TripStop[];
  detail?: string;
  trip_id?: string;
}

async function postTrip(gateway: Gateway, body: Record<string, unknown>): Promise<{ status: number; body: Trip; location: string | null }> {
  const response = await fetch(`${gateway.url}/viagens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...asDriver() },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Trip, location: response.headers.get('location') };
}

async function getTrip(gateway: Gateway, id: string): Promise<{ status: number; body: Trip }> {
  const response = await fetch(`${gateway.url}/viagens/${id}`, { headers: asDriver() });
  return { status: response.status, body: (await response.json()) as Trip };
}

async function reservationsOf(gateway: Gateway, token: string): Promise<ReservationDto[]> {
  const response = await fetch(`${gateway.url}/reservas?token=${token}`, { headers: asDriver() });
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: ReservationDto[] }).data;
}

/** Books a window as another driver: 201 proves nothing else holds it. */
async function bookAsOther(gateway: Gateway, stop: Pick<TripStop, 'operator_id' | 'station_id' | 'evse_uid' | 'starts_at' | 'ends_at'>): Promise<number> {
  const response = await fetch(`${gateway.url}/reservas`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...system.auth.bearer('driver-other') },
    body: JSON.stringify({ operator_id: stop.operator_id, station_id: stop.station_id, evse_uid: stop.evse_uid, starts_at: stop.starts_at, ends_at: stop.ends_at, token: 'other-token' }),
  });
  return response.status;
}

/** A departure of its own for each test, days apart, so that their windows never meet. */
let day = 1;
const nextDeparture = () => new Date(Math.ceil(Date.now() / HOUR) * HOUR + day++ * 24 * HOUR);

/**
 * A hand-made operator just past Vitória da Conquista, on the route, with a faster charger than any
 * there: plans pick it. It answers searches; what it does with a hold is the test's choice.
 */
/** How the hand-made operator answers a trip step: `reply` sends data or an error back to the gateway. */
type Reply = (answer: { data: unknown } | { error: { code: string; message: string } }) => void;
interface FakeSteps {
  hold(reply: Reply, request: RequestEnvelope<TripHoldCommandDto>, client: MqttClient): void;
  confirm?(reply: Reply): void;
}

async function fakeOperator(steps: FakeSteps): Promise<{ stop(): Promise<void> }> {
  const operatorId = 'BR-XYZ';
  const instanceId = `xyz-${randomUUID().slice(0, 8)}`;
  const presenceTopic = system.topicPrefix + Topics.presence(operatorId, instanceId);
  const client = await plainClient(system.broker, { will: { topic: presenceTopic, payload: Buffer.alloc(0), retain: true, qos: 1 } });
  const now = new Date().toISOString();
  const station = {
    country_code: 'BR',
    party_id: 'XYZ',
    id: 'XYZ-001',
    publish: true,
    name: 'Posto XYZ BR-116',
    address: 'BR-116 km 830',
    city: 'Vitória da Conquista',
    country: 'BRA',
    coordinates: { latitude: '-14.9100000', longitude: '-40.8442000' },
    time_zone: 'America/Bahia',
    evses: [
      {
        uid: 'XYZ-001-E1',
        status: 'AVAILABLE',
        connectors: [{ id: '1', standard: 'IEC_62196_T2_COMBO', format: 'CABLE', power_type: 'DC', max_voltage: 920, max_amperage: 500, max_electric_power: 350000, last_updated: now }],
        last_updated: now,
      },
    ],
    last_updated: now,
  };
  const page = encodeStationPage(1, [{ distance: 0, id: station.id, json: JSON.stringify(station) }]);
  // Searches get its station; the broadcasts that list reservations and trips get "nothing here".
  const answers = new Map<string, (request: RequestEnvelope<{ trip_id?: string }>) => string>([
    [Topics.stationsRequest, () => page.json],
    [Topics.reservationsRequest, () => '[]'],
    [Topics.tripsRequest, (request) => JSON.stringify({ trip_id: request.data.trip_id, plan: null, reservations: [] })],
  ]);
  client.on('message', (topic, payload) => {
    const request = JSON.parse(payload.toString()) as RequestEnvelope<{ trip_id?: string }>;
    const reply: Reply = (answer) =>
      void client.publishAsync(system.topicPrefix + request.reply_to, JSON.stringify({ id: request.id, operator_id: operatorId, instance_id: instanceId, ...answer }), { qos: 1 });
    const unprefixed = topic.slice(system.topicPrefix.length);
    if (unprefixed === Topics.tripCommand(operatorId, TripAction.Hold)) return steps.hold(reply, request as RequestEnvelope<TripHoldCommandDto>, client);
    if (unprefixed === Topics.tripCommand(operatorId, TripAction.Confirm)) return steps.confirm?.(reply);
    if (unprefixed === Topics.tripCommand(operatorId, TripAction.Cancel)) return reply({ data: { trip_id: request.data.trip_id, plan: null, reservations: [] } });
    const answer = answers.get(unprefixed);
    if (answer) reply({ data: JSON.parse(answer(request)) as unknown });
  });
  const topics = [...answers.keys(), ...Object.values(TripAction).map((action) => Topics.tripCommand(operatorId, action))];
  await client.subscribeAsync(topics.map((topic) => system.topicPrefix + topic), { qos: 1 });
  await client.publishAsync(presenceTopic, JSON.stringify({ operator_id: operatorId, operator_name: 'XYZ', instance_id: instanceId, started_at: now }), { retain: true, qos: 1 });
  return {
    // Clears its presence, as a server's shutdown does, so later tests do not wait for it.
    async stop() {
      if (client.connected) await client.publishAsync(presenceTopic, '', { retain: true, qos: 1 });
      await client.endAsync(true);
    },
  };
}

describe('trips (POST /viagens): charging stops booked across operators, all or nothing', () => {
  let gateways: Gateway[];
  const servers = new Map<string, AppProcess>();

  beforeAll(async () => {
    await Promise.all(
      OPERATORS.map(async (operatorId) => servers.set(operatorId, await system.stationServer(operatorId, { env: { RESERVATION_SWEEP_INTERVAL_MS: '300' } }))),
    );
    gateways = await Promise.all([system.gateway({ REQUEST_TIMEOUT_MS: '15000' }), system.gateway({ REQUEST_TIMEOUT_MS: '15000' })]);
    await eventually(async () => {
      const body = (await (await fetch(`${gateways[0].url}/postos`)).json()) as { operators: { answered: string[] } };
      expect(body.operators.answered).toEqual(OPERATORS);
    }, 30_000);
    process.stdout.write(`trips: ${OPERATORS.join(', ')}, 2 gateways, broker shared subscriptions: ${runBroker().sharedSubscriptions}\n`);
  }, 240_000);

  afterAll(() => system.shutdown());

  it('books one stop at each of three operators; any gateway shows it, also after a restart; DELETE cancels every stop', async () => {
    const token = `trip-${randomUUID().slice(0, 8)}`;
    const created = await postTrip(gateways[0], tripBody(nextDeparture(), token));
    expect(created.status).toBe(201);
    expect(created.location).toBe(`/viagens/${created.body.id}`);
    const trip = created.body;
    expect(trip.status).toBe('CONFIRMED');
    expect(trip.stops.map((stop) => stop.operator_id)).toEqual(['BR-SSA', 'BR-FSA', 'BR-VDC']);
    for (const [i, stop] of trip.stops.entries()) {
      expect(stop).toMatchObject({ stop: i, status: ReservationStatus.Reserved });
      expect(Date.parse(stop.starts_at)).toBeLessThan(Date.parse(stop.arrival_at));
      expect(Date.parse(stop.ends_at)).toBeGreaterThan(Date.parse(stop.departure_at));
      if (i > 0) expect(Date.parse(stop.arrival_at)).toBeGreaterThan(Date.parse(trip.stops[i - 1].departure_at));
    }
    const held = await reservationsOf(gateways[1], token);
    expect(held.map((r) => [r.id, r.status, r.trip_id]).sort()).toEqual(trip.stops.map((stop) => [stop.reservation_id, ReservationStatus.Reserved, trip.id]).sort());

    // A gateway that did not book it, started afresh, reads it from the operators.
    const fresh = await system.gateway({ REQUEST_TIMEOUT_MS: '15000' });
    const shown = await eventually(async () => {
      const result = await getTrip(fresh, trip.id);
      expect(result.status).toBe(200);
      return result.body;
    }, 20_000);
    expect(shown).toMatchObject({ id: trip.id, status: 'CONFIRMED', stops: trip.stops });
    await fresh.process.stop();
    // Another driver sees nothing.
    const foreign = await fetch(`${gateways[0].url}/viagens/${trip.id}`, { headers: system.auth.bearer('driver-someone-else') });
    expect(foreign.status).toBe(404);

    for (const gateway of gateways) {
      const canceled = await fetch(`${gateway.url}/viagens/${trip.id}`, { method: 'DELETE', headers: asDriver() });
      expect(canceled.status).toBe(200);
      const body = (await canceled.json()) as Trip;
      expect(body.status).toBe('CANCELED');
      expect(body.stops.map((stop) => stop.status)).toEqual([ReservationStatus.Canceled, ReservationStatus.Canceled, ReservationStatus.Canceled]);
    }
    for (const stop of trip.stops) expect(await bookAsOther(gateways[0], stop)).toBe(201);
  });

  it('answers bad requests with problem+json and books nothing: 400, 422, 404, 401', async () => {
    const token = `trip-${randomUUID().slice(0, 8)}`;
    const departure = nextDeparture();
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ ...tripBody(departure, token), destination: undefined }, 400, 'destination'],
      [{ ...tripBody(departure, token), colour: 'blue' }, 400, 'colour'],
      [{ ...tripBody(new Date(Date.now() - 2 * HOUR), token) }, 400, 'departure_at'],
      [{ ...tripBody(departure, token), charge_to_percent: 20, reserve_percent: 30 }, 400, 'charge_to_percent'],
      // Salvador to Feira de Santana on a full battery: nothing to book.
      [{ ...tripBody(departure, token), waypoints: [], origin: { latitude: -12.9714, longitude: -38.5014 }, destination: { latitude: -12.2664, longitude: -38.9663 }, vehicle: { range_km: 400, connectors: ['IEC_62196_T2_COMBO'], max_power_kw: 150, soc_percent: 100 } }, 422, 'No charging stop is needed'],
      // 60 km of range with a 350 km leg and no station between Feira de Santana and Vitória da Conquista.
      [{ ...tripBody(departure, token), vehicle: { range_km: 60, connectors: ['IEC_62196_T2_COMBO'], max_power_kw: 150, soc_percent: 100 } }, 422, 'No plan'],
    ];
    for (const [body, status, detail] of cases) {
      const answer = await postTrip(gateways[0], body);
      expect([answer.status, answer.body.detail]).toEqual([status, expect.stringContaining(detail)]);
    }
    expect(await reservationsOf(gateways[0], token)).toEqual([]);
    expect((await getTrip(gateways[0], randomUUID())).status).toBe(404);
    expect((await getTrip(gateways[0], 'not-a-trip')).status).toBe(404);
    const anonymous = await fetch(`${gateways[0].url}/viagens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(tripBody(departure, token)) });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('when one operator refuses a stop, every hold is released and nothing stays reserved', async () => {
    const departure = nextDeparture();
    const token = `trip-${randomUUID().slice(0, 8)}`;
    // The same trip was planned and canceled: its Vitória da Conquista window is now taken by someone else.
    const first = await postTrip(gateways[0], tripBody(departure, token));
    expect(first.status).toBe(201);
    expect((await fetch(`${gateways[0].url}/viagens/${first.body.id}`, { method: 'DELETE', headers: asDriver() })).status).toBe(200);
    const taken = first.body.stops.find((stop) => stop.operator_id === 'BR-VDC')!;
    expect(await bookAsOther(gateways[0], taken)).toBe(201);

    const refused = await postTrip(gateways[1], tripBody(departure, token));
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('BR-VDC');
    const tripId = refused.body.trip_id!;
    expect(tripId).toMatch(/^[0-9a-f-]{36}$/);

    const shown = await getTrip(gateways[0], tripId);
    expect(shown.status).toBe(200);
    expect(shown.body.status).toBe('FAILED');
    expect(shown.body.stops.map((stop) => [stop.operator_id, stop.status])).toEqual([
      ['BR-SSA', ReservationStatus.Failed],
      ['BR-FSA', ReservationStatus.Failed],
      ['BR-VDC', 'NOT_HELD'],
    ]);
    const ofTrip = (await reservationsOf(gateways[0], token)).filter((r) => r.trip_id === tripId);
    expect(ofTrip.length).toBe(2);
    expect(ofTrip.filter((r) => LIVE.includes(r.status))).toEqual([]);
    for (const stop of shown.body.stops.filter((s) => s.operator_id !== 'BR-VDC')) expect(await bookAsOther(gateways[1], stop)).toBe(201);
  });

  it('when one operator goes down during the booking, every hold is released', async () => {
    const token = `trip-${randomUUID().slice(0, 8)}`;
    // Its server dies the moment it is asked to hold: its last will tells the gateway at once.
    const fake = await fakeOperator({ hold: (_reply, _request, client) => client.stream.destroy() });
    try {
      await eventually(async () => {
        const body = (await (await fetch(`${gateways[1].url}/postos`)).json()) as { operators: { answered: string[] } };
        expect(body.operators.answered).toContain('BR-XYZ');
      });
      const failed = await postTrip(gateways[1], tripBody(nextDeparture(), token));
      expect([503, 504]).toContain(failed.status);
      expect(failed.body.detail).toContain('BR-XYZ');
      const tripId = failed.body.trip_id!;
      const ofTrip = (await reservationsOf(gateways[0], token)).filter((r) => r.trip_id === tripId);
      expect(ofTrip.map((r) => r.operator_id).sort()).toEqual(['BR-FSA', 'BR-SSA']);
      expect(ofTrip.filter((r) => LIVE.includes(r.status))).toEqual([]);
      const shown = await getTrip(gateways[0], tripId);
      expect(shown.body.status).toBe('FAILED');
      expect(shown.body.stops.find((stop) => stop.operator_id === 'BR-XYZ')?.status).toBe('UNKNOWN');
    } finally {
      await fake.stop().catch(() => undefined);
    }
  });

  it('when the gateway dies mid-booking, the holds lapse by themselves', async () => {
    const token = `trip-${randomUUID().slice(0, 8)}`;
    // An operator that never answers a hold keeps the booking waiting after the others held theirs.
    const fake = await fakeOperator({ hold: () => undefined });
    const doomed = await system.gateway({ REQUEST_TIMEOUT_MS: '60000', TRIP_HOLD_SECONDS: '3' });
    try {
      await eventually(async () => {
        const body = (await (await fetch(`${doomed.url}/postos`)).json()) as { operators: { answered: string[] } };
        expect(body.operators.answered).toContain('BR-XYZ');
      });
      const pending = postTrip(doomed, tripBody(nextDeparture(), token)).catch((error: unknown) => error);
      const holds = await eventually(async () => {
        const found = await reservationsOf(gateways[0], token);
        expect(found.map((r) => [r.operator_id, r.status]).sort()).toEqual([
          ['BR-FSA', ReservationStatus.Pending],
          ['BR-SSA', ReservationStatus.Pending],
        ]);
        return found;
      }, 30_000);
      await doomed.process.kill();
      // The driver never got an answer: the connection died with the gateway.
      await expect(pending).resolves.toHaveProperty('message', 'fetch failed');

      const lapsed = await eventually(async () => {
        const found = (await reservationsOf(gateways[0], token)).filter((r) => r.trip_id === holds[0].trip_id);
        expect(found.map((r) => r.status)).toEqual([ReservationStatus.Failed, ReservationStatus.Failed]);
        return found;
      }, 20_000);
      for (const r of lapsed) expect(await bookAsOther(gateways[1], r)).toBe(201);
      const shown = await getTrip(gateways[1], holds[0].trip_id!);
      expect(shown.body.status).toBe('FAILED');
    } finally {
      await fake.stop().catch(() => undefined);
    }
  });

  it('keeps releasing, in the background, confirmed stops at an operator that did not answer the abort', async () => {
    const token = `trip-${randomUUID().slice(0, 8)}`;
    const ssa = servers.get('BR-SSA')!;
    // A gateway of its own with a short deadline, and a watcher of its replies: BR-SSA's confirmation shows there.
    const gateway = await system.gateway({ REQUEST_TIMEOUT_MS: '2000' });
    const watcher = await plainClient(system.broker);
    let ssaConfirmed = false;
    watcher.on('message', (_topic, payload, packet) => {
      // A bare MQTT 5 reply names its operator in a user property; an envelope in its body.
      const parsed = JSON.parse(payload.toString()) as { operator_id?: string; data?: TripPartDto } & Partial<TripPartDto>;
      const operatorId = packet.properties?.userProperties?.operator_id ?? parsed.operator_id;
      const part = packet.properties?.correlationData ? parsed : parsed.data;
      if (operatorId === 'BR-SSA' && part?.reservations?.some((r) => r.status === ReservationStatus.Reserved)) ssaConfirmed = true;
    });
    await watcher.subscribeAsync(system.topicPrefix + Topics.response(Resource.Trips, '+'), { qos: 1 });
    // BR-XYZ holds its stop, then keeps its confirmation until BR-SSA has confirmed and stopped answering.
    let confirmXyz: Reply | undefined;
    const fake = await fakeOperator({
      hold: (reply, request) =>
        reply({
          data: {
            trip_id: request.data.trip_id,
            plan: null,
            reservations: request.data.stops.map((stop) => ({ id: tripStopReservationId('BR-XYZ', request.data.trip_id, stop.stop), status: ReservationStatus.Pending, trip_stop: stop.stop })),
          },
        }),
      confirm: (reply) => (confirmXyz = reply),
    });
    try {
      await eventually(async () => {
        const body = (await (await fetch(`${gateway.url}/postos`)).json()) as { operators: { answered: string[] } };
        expect(body.operators.answered).toContain('BR-XYZ');
      });
      const posted = postTrip(gateway, tripBody(nextDeparture(), token));
      await eventually(() => expect([ssaConfirmed, confirmXyz !== undefined]).toEqual([true, true]), 20_000);
      process.kill(ssa.pid, 'SIGSTOP');
      try {
        confirmXyz!({ error: { code: 'CONFLICT', message: 'the hold lapsed' } });
        const failed = await posted;
        expect(failed.status).toBe(409);
        // BR-SSA confirmed its stop and then did not answer the release: the answer says so.
        expect(failed.body.stops.find((stop) => stop.operator_id === 'BR-SSA')?.status).toBe(ReservationStatus.Reserved);
        expect(failed.body.detail).toContain('stops 0 are not released yet');
      } finally {
        process.kill(ssa.pid, 'SIGCONT');
      }
      // The abort that timed out is not applied late (its deadline passed); a later attempt releases the stop.
      const tripId = (await posted).body.trip_id!;
      await eventually(async () => {
        const ofTrip = (await reservationsOf(gateways[0], token)).filter((r) => r.trip_id === tripId);
        expect(ofTrip.map((r) => [r.operator_id, r.status]).sort()).toEqual([
          ['BR-FSA', ReservationStatus.Failed],
          ['BR-SSA', ReservationStatus.Failed],
        ]);
      }, 30_000);
      expect(gateway.process.log).toMatch(new RegExp(`Trip ${tripId}: stops at BR-SSA released on attempt \\d+`));
    } finally {
      process.kill(ssa.pid, 'SIGCONT');
      await fake.stop().catch(() => undefined);
      await watcher.endAsync();
      await gateway.process.stop();
    }
  });

  it('50 concurrent trips for the same stops: no EVSE booked twice, each trip booked whole or not at all', async () => {
    // Five departures, ten trips each: every trip competes with nine others for the very same stops.
    const departures = Array.from({ length: 5 }, () => nextDeparture());
    const tokens = departures.map(() => `trip-${randomUUID().slice(0, 8)}`);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => postTrip(gateways[i % 2], tripBody(departures[i % 5], tokens[i % 5]))),
    );
    const booked = results.filter((result) => result.status === 201);
    const refused = results.filter((result) => result.status !== 201);
    expect(refused.map((result) => result.status).filter((status) => status !== 409)).toEqual([]);
    expect(booked.length).toBeGreaterThanOrEqual(1);
    for (const result of booked) expect(result.body.stops.map((stop) => stop.status)).toEqual([ReservationStatus.Reserved, ReservationStatus.Reserved, ReservationStatus.Reserved]);

    const all = (await Promise.all(tokens.map((token) => reservationsOf(gateways[0], token)))).flat();
    const bookedIds = new Set(booked.map((result) => result.body.id));
    for (const r of all) expect([r.trip_id, LIVE.includes(r.status)]).toEqual([r.trip_id, bookedIds.has(r.trip_id!)]);
    // Every booked trip has all three stops live; none of the others has any.
    for (const id of bookedIds) expect(all.filter((r) => r.trip_id === id && r.status === ReservationStatus.Reserved)).toHaveLength(3);
    const live = all.filter((r) => LIVE.includes(r.status));
    for (const a of live) {
      for (const b of live) {
        if (a.id !== b.id && a.evse_uid === b.evse_uid) {
          expect(Date.parse(a.starts_at) < Date.parse(b.ends_at) && Date.parse(b.starts_at) < Date.parse(a.ends_at)).toBe(false);
        }
      }
    }
    process.stdout.write(`trips: 50 concurrent, ${booked.length} booked, ${refused.length} refused\n`);
  });
});
