import { readFileSync } from 'node:fs';
import { ChargerStatus, ErrorCode, ReservationAction, Resource, StationAction, Topics, TripAction, type ReplyEnvelope } from '@app/shared';
import type { MqttClient } from 'mqtt';
import type { AppProcess } from '../support/app-process.js';
import { eventually } from '../support/eventually.js';
import { briefs, countByStatus, loadFor, now, startLoad } from '../support/load.js';
import { collect, plainClient } from '../support/mqtt.js';
import { demoDataset } from '../support/paths.js';
import { TestSystem, type Gateway } from '../support/test-system.js';
import { hostilePayloads, type Kind } from './hostile-payloads.js';

/** Change it to replay another run; the payloads are a function of the seed. */
const SEED = 0x5eed_2026;
/**
 * Flow control: after this many payloads, a good request on our sink must be answered before more
 * are sent, so this case tests what the payloads contain, not how fast they come. Set it to Infinity
 * to flood unpaced: on Mosquitto the station server's outgoing queue then overflows and the broker
 * drops the gateway's requests with the garbage (504s).
 */
const PROBE_EVERY = 50;
const VDC_STATIONS = (JSON.parse(readFileSync(demoDataset('BR-VDC'), 'utf8')) as unknown[]).length;

interface Operators {
  answered: string[];
  timed_out: string[];
  failed: string[];
  offline: string[];
}

describe('fault: hostile payloads on the topics a station server reads, under load', () => {
  const system = new TestSystem();
  const sinkReplyTo = Topics.response(Resource.Stations, `hostile-sink-${SEED.toString(16)}`);
  let server: AppProcess;
  let gateway: Gateway;
  let attacker: MqttClient;
  let listener: MqttClient;
  let sink: { messages: ReplyEnvelope[] };

  beforeAll(async () => {
    [server, gateway] = await Promise.all([system.stationServer('BR-VDC'), system.gateway()]);
    [attacker, listener] = await Promise.all([plainClient(system.broker), plainClient(system.broker)]);
    sink = await collect<ReplyEnvelope>(listener, system.topicPrefix + sinkReplyTo);
    await eventually(async () => expect((await fetch(`${gateway.url}/postos`)).status).toBe(200), 20_000);
  }, 150_000);

  afterAll(async () => {
    await attacker?.endAsync();
    await listener?.endAsync();
    await system.shutdown();
  });

  it('drops or rejects every hostile payload, keeps answering 200 under load, and serves BR-VDC afterwards', async () => {
    const gatewayClientId = /Connected to \S+ as (\S+)/.exec(gateway.process.log)?.[1];
    expect(gatewayClientId).toBeDefined();
    const payloads = hostilePayloads({
      seed: SEED,
      accessToken: system.auth.token('driver-hostile'),
      sinkReplyTo,
      gatewayReplyTo: Topics.response(Resource.Stations, gatewayClientId!),
      // Every topic a station server of BR-VDC subscribes to.
      readTopics: [
        Topics.stationsRequest,
        Topics.reservationsRequest,
        ...Object.values(ReservationAction).map((action) => Topics.reservationCommand('BR-VDC', action)),
        ...Object.values(StationAction).map((action) => Topics.stationCommand('BR-VDC', action)),
        Topics.tripsRequest,
        ...Object.values(TripAction).map((action) => Topics.tripCommand('BR-VDC', action)),
      ],
      // Topics of the contract nothing handles yet: the server must not even read them.
      reservedTopics: [Topics.operatorRequest(Resource.Stations, 'BR-VDC'), Topics.operatorRequest(Resource.Reservations, 'BR-VDC')],
    });

    const load = startLoad(`${gateway.url}/postos`, {
      workers: 4,
      inspect: (status, body) => (status === 200 ? (JSON.parse(body) as { operators: Operators }).operators : undefined),
    });
    await loadFor(1000);
    const sent = new Map<Kind, number>();
    const perTopic = new Map<string, number>();
    const probes: string[] = [];
    let bytes = 0;
    let slowestProbeMs = 0;
    const floodStarted = now();
    for (const [i, { kind, topic, payload }] of payloads.entries()) {
      await attacker.publishAsync(system.topicPrefix + topic, payload, { qos: 0 });
      sent.set(kind, (sent.get(kind) ?? 0) + 1);
      perTopic.set(topic, (perTopic.get(topic) ?? 0) + 1);
      bytes += payload.length;
      if ((i + 1) % PROBE_EVERY === 0) {
        const id = `probe-${i + 1}`;
        const probeStarted = now();
        probes.push(id);
        await attacker.publishAsync(system.topicPrefix + Topics.stationsRequest, JSON.stringify({ id, reply_to: sinkReplyTo, data: { limit: 100 } }), { qos: 0 });
        await eventually(() => expect(sink.messages.some((reply) => reply.id === id)).toBe(true), 10_000);
        slowestProbeMs = Math.max(slowestProbeMs, now() - probeStarted);
      }
    }
    const floodMs = now() - floodStarted;
    await loadFor(2000);
    const samples = await load.stop();

    // One good request after the flood: it queues behind whatever the server still has to read.
    const response = await fetch(`${gateway.url}/postos?limit=100`, { signal: AbortSignal.timeout(10_000) });
    const body = (await response.json()) as { data: Array<{ country_code: string; party_id: string }>; operators: Operators };

    // Replies on our sink: by the README, one INVALID_PAYLOAD error per envelope that is valid apart from its data.
    const expected = new Map(payloads.filter((p) => p.invalidPayloadId).map((p) => [p.invalidPayloadId!, p]));
    await eventually(() => expect(sink.messages.length).toBeGreaterThanOrEqual(expected.size), 5000).catch(() => undefined);
    const invalidPayload: string = ErrorCode.InvalidPayload;
    const outcome = (reply: ReplyEnvelope): string => reply.error?.code ?? 'data';
    const deviations = sink.messages.filter((reply) => expected.has(reply.id) && outcome(reply) !== invalidPayload);
    const strangers = sink.messages.filter((reply) => !expected.has(reply.id) && !probes.includes(reply.id));
    const probeReplies = sink.messages.filter((reply) => probes.includes(reply.id));
    const answered = new Set(sink.messages.map((reply) => reply.id));
    const explain = (reply: ReplyEnvelope) => {
      const cause = expected.get(reply.id)!;
      const data = /"data":(.*)}$/.exec(cause.payload.toString())?.[1] ?? '?';
      return `${outcome(reply)} on ${cause.topic} for data ${data.length > 200 ? 'nested thousands of levels deep' : data}`;
    };
    const deviationCounts = new Map<string, number>();
    for (const reply of deviations) deviationCounts.set(explain(reply), (deviationCounts.get(explain(reply)) ?? 0) + 1);

    const logged = (pattern: RegExp) => server.log.match(pattern)?.length ?? 0;
    const kinds = [...sent.entries()].map(([kind, count]) => `${kind} ${count}`).join(', ');
    const byTopic = [...perTopic.entries()].map(([topic, count]) => `${topic} ${count}`).join(', ');
    const label = system.broker.sharedSubscriptions ? 'mosquitto' : 'embedded';
    process.stdout.write(
      `[${label}] hostile payloads, seed 0x${SEED.toString(16)}: ${payloads.length} sent ` +
        `(${(bytes / 1024 / 1024).toFixed(1)} MiB in ${Math.round(floodMs)} ms, QoS 0, a good request answered every ${PROBE_EVERY} ` +
        `(${probes.length} probes, slowest ${Math.round(slowestProbeMs)} ms)): ${kinds}; by topic: ${byTopic}\n` +
        `[${label}] load (4 workers) meanwhile: ${samples.length} requests (${countByStatus(samples)}); server running: ${server.running}; ` +
        `final request ${response.status} with ${body.data?.length} stations from ${body.operators?.answered?.join(',')}; server logged ` +
        `${logged(/over the \d+-byte limit/g)} over-limit, ${logged(/that is not JSON/g)} not-JSON, ${logged(/without a valid id and reply_to/g)} bad-envelope drops, ` +
        `${logged(/Maximum call stack size exceeded/g)} stack overflows\n` +
        `[${label}] replies on the sink: ${sink.messages.length - probeReplies.length - deviations.length - strangers.length} INVALID_PAYLOAD of ${expected.size} expected, ` +
        `${[...expected.keys()].filter((id) => !answered.has(id)).length} missing, ${strangers.length} to payloads that should have been dropped; ` +
        `deviations: ${[...deviationCounts].sort(([a], [b]) => a.localeCompare(b)).map(([what, count]) => `${count}x ${what}`).join('; ') || 'none'}\n`,
    );

    // Nothing that should have been dropped was answered, and nothing made a handler fail (deep data
    // is refused before validation). Objects whose only keys are constructor/__proto__ still validate as {}.
    expect(strangers.map((reply) => `${reply.id}: ${outcome(reply)}`)).toEqual([]);
    expect(deviations.filter((reply) => outcome(reply) === (ErrorCode.Internal as string)).map(explain)).toEqual([]);
    expect(probeReplies.every((reply) => reply.error === undefined && (reply.data as { items?: unknown[] } | undefined)?.items?.length === VDC_STATIONS)).toBe(true);
    expect(server.running).toBe(true);
    expect(gateway.process.running).toBe(true);
    expect(samples.length).toBeGreaterThan(0);
    expect(briefs(samples.filter((sample) => sample.status !== 200), floodStarted)).toEqual([]);
    for (const sample of samples) expect(sample.detail).toEqual({ answered: ['BR-VDC'], timed_out: [], failed: [], offline: [] });
    expect(response.status).toBe(200);
    expect(body.operators).toEqual({ answered: ['BR-VDC'], timed_out: [], failed: [], offline: [] });
    expect(body.data).toHaveLength(VDC_STATIONS);
    expect(body.data.every((station) => `${station.country_code}-${station.party_id}` === 'BR-VDC')).toBe(true);
  });

  it('drops hostile status notifications with a log line, and applies the next good one', async () => {
    const statusTopic = system.topicPrefix + Topics.evseStatus('BR-VDC', 'VDC-001', 'VDC-001-E2');
    const payloads = hostilePayloads({ seed: SEED + 1, sinkReplyTo, gatewayReplyTo: sinkReplyTo, readTopics: ['-'], reservedTopics: ['-'], accessToken: system.auth.token('driver-hostile') });
    const statuses: unknown[] = [
      { status: 'Available' },
      { status: 'available', timestamp: new Date().toISOString() },
      { status: ChargerStatus.Charging, timestamp: 17 },
      { status: ChargerStatus.Charging, timestamp: new Date().toISOString(), connector_id: { $ne: null } },
      { status: ChargerStatus.Charging, timestamp: new Date().toISOString(), connector_id: 'a/b' },
      { status: ChargerStatus.Charging, timestamp: '+275760-09-13T00:00:00Z' },
    ];
    for (const { payload } of payloads.slice(0, 600)) await attacker.publishAsync(statusTopic, payload, { qos: 0 });
    for (const status of statuses) await attacker.publishAsync(statusTopic, JSON.stringify(status), { qos: 1 });
    const at = new Date().toISOString();
    await attacker.publishAsync(statusTopic, JSON.stringify({ status: ChargerStatus.Faulted, timestamp: at }), { qos: 1 });
    const station = await eventually(async () => {
      const response = await fetch(`${gateway.url}/postos/VDC-001?operator=BR-VDC`);
      const body = (await response.json()) as { evses: Array<{ uid: string; status: string; last_updated: string }> };
      expect(body.evses.find((evse) => evse.uid === 'VDC-001-E2')).toMatchObject({ status: 'OUTOFORDER', last_updated: at });
      return body;
    }, 30_000);
    const dropped = (server.log.match(/Dropped a (message|\d+-byte message) on station\//g) ?? []).length;
    process.stdout.write(`[status topic] ${payloads.slice(0, 600).length + statuses.length} hostile notifications sent, ${dropped} drop lines logged; EVSE then ${station.evses.find((e) => e.uid === 'VDC-001-E2')?.status}\n`);
    expect(dropped).toBeGreaterThan(0);
    expect(server.running).toBe(true);
  }, 120_000);
});
