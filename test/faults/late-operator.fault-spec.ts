import { isRequestEnvelope, Topics, type PresenceMessage, type ReplyEnvelope } from '@app/shared';
import type { MqttClient } from 'mqtt';
import type { AppProcess } from '../support/app-process.js';
import { eventually } from '../support/eventually.js';
import { countByStatus, loadFor, startLoad } from '../support/load.js';
import { plainClient } from '../support/mqtt.js';
import { TestSystem, type Gateway } from '../support/test-system.js';

interface StationsBody {
  data: unknown[];
  operators: { answered: string[]; timed_out: string[]; failed: string[]; offline: string[] };
}

const DEADLINE_MS = 1000;
const LATE_BY_MS = 1500;

/**
 * An operator that is online (retained presence) but answers every station search only after the
 * gateway's deadline: its replies arrive for requests the gateway has already answered.
 */
async function lateOperator(system: TestSystem, operatorId: string, instanceId: string) {
  const presenceTopic = system.topicPrefix + Topics.presence(operatorId, instanceId);
  const requestTopic = system.topicPrefix + Topics.stationsRequest;
  const client: MqttClient = await plainClient(system.broker, {
    will: { topic: presenceTopic, payload: Buffer.alloc(0), retain: true, qos: 1 },
  });
  const pending = new Set<NodeJS.Timeout>();
  const stats = { requests: 0, lateReplies: 0 };
  client.on('message', (topic, payload) => {
    if (topic !== requestTopic) return;
    let request: unknown;
    try {
      request = JSON.parse(payload.toString());
    } catch {
      return;
    }
    if (!isRequestEnvelope(request)) return;
    stats.requests++;
    const { id, reply_to: replyTo } = request;
    const timer = setTimeout(() => {
      pending.delete(timer);
      const reply: ReplyEnvelope = { id, operator_id: operatorId, instance_id: instanceId, data: { total: 0, keys: [], items: [] } };
      client.publish(system.topicPrefix + replyTo, JSON.stringify(reply), { qos: 0 });
      stats.lateReplies++;
    }, LATE_BY_MS);
    pending.add(timer);
  });
  await client.subscribeAsync(requestTopic, { qos: 0 });
  const presence: PresenceMessage = { operator_id: operatorId, operator_name: 'Late Recarga', instance_id: instanceId, started_at: new Date().toISOString() };
  await client.publishAsync(presenceTopic, JSON.stringify(presence), { retain: true, qos: 1 });
  return {
    stats,
    /** Replies not sent yet. */
    get pending(): number {
      return pending.size;
    },
    /** Clears the retained presence and disconnects. */
    async close(): Promise<void> {
      pending.forEach((timer) => clearTimeout(timer));
      pending.clear();
      await client.publishAsync(presenceTopic, '', { retain: true, qos: 1 });
      await client.endAsync();
    },
  };
}

describe('fault: an online operator that always answers after the deadline', () => {
  const system = new TestSystem();
  let server: AppProcess;
  let gateway: Gateway;
  let late: Awaited<ReturnType<typeof lateOperator>> | undefined;

  beforeAll(async () => {
    [server, gateway] = await Promise.all([system.stationServer('BR-VDC'), system.gateway({ REQUEST_TIMEOUT_MS: String(DEADLINE_MS) })]);
    late = await lateOperator(system, 'BR-LAT', 'late-1');
    await eventually(async () => {
      const response = await fetch(`${gateway.url}/postos`);
      expect(response.status).toBe(200);
      expect(((await response.json()) as StationsBody).operators.timed_out).toEqual(['BR-LAT']);
    }, 20_000);
  }, 150_000);

  afterAll(async () => {
    await late?.close();
    await system.shutdown();
  });

  it('answers 200 with BR-VDC answered and BR-LAT timed out, at the deadline, and ignores the late replies', async () => {
    const load = startLoad(`${gateway.url}/postos`, {
      workers: 4,
      inspect: (status, body) => (status === 200 ? (JSON.parse(body) as StationsBody).operators : undefined),
    });
    await loadFor(5000);
    const samples = await load.stop();
    // Every late reply of the load reaches the gateway while it is watched.
    await eventually(() => expect(late!.pending).toBe(0), 5000);
    const after = await fetch(`${gateway.url}/postos`);

    const latencies = samples.map((sample) => sample.ms);
    const malformed = gateway.process.log.match(/Dropped a malformed reply/g)?.length ?? 0;
    process.stdout.write(
      `[${system.broker.sharedSubscriptions ? 'mosquitto' : 'embedded'}] late operator BR-LAT (deadline ${DEADLINE_MS} ms, answers after ${LATE_BY_MS} ms), 4 workers for 5 s: ` +
        `${samples.length} requests (${countByStatus(samples)}), latency ${Math.round(Math.min(...latencies))}..${Math.round(Math.max(...latencies))} ms; ` +
        `BR-LAT got ${late!.stats.requests} requests and sent ${late!.stats.lateReplies} late replies; ` +
        `gateway running: ${gateway.process.running}, malformed-reply log lines: ${malformed}, next request: ${after.status}\n`,
    );

    expect(samples.length).toBeGreaterThan(0);
    for (const sample of samples) {
      expect(sample.status).toBe(200);
      expect(sample.detail).toEqual({ answered: ['BR-VDC'], timed_out: ['BR-LAT'], failed: [], offline: [] });
      expect(sample.ms).toBeGreaterThanOrEqual(DEADLINE_MS);
      expect(sample.ms).toBeLessThan(2 * DEADLINE_MS);
    }
    expect(late!.stats.lateReplies).toBeGreaterThanOrEqual(samples.length);
    expect(malformed).toBe(0);
    expect(after.status).toBe(200);
    expect(gateway.process.running).toBe(true);
    expect(server.running).toBe(true);
  });
});
