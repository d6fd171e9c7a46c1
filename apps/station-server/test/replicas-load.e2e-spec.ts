import { eventually } from '../../../test/support/eventually.js';
import { freePort } from '../../../test/support/ports.js';
import { TestSystem, runBroker, type Gateway } from '../../../test/support/test-system.js';
import type { AppProcess } from '../../../test/support/app-process.js';

const REQUESTS = 1000;

interface Outcome {
  startedAt: number;
  status: number;
}

/** Runs `count` GET /postos over the gateways, `concurrency` at a time; `onProgress` sees the number done. */
async function load(gateways: Gateway[], count: number, concurrency: number, onProgress: (done: number) => void = () => undefined): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const startedAt = Date.now();
        const status = await fetch(`${gateways[i % gateways.length].url}/postos`, { signal: AbortSignal.timeout(10_000) })
          .then(async (r) => (await r.arrayBuffer(), r.status))
          .catch(() => 0);
        outcomes.push({ startedAt, status });
        onProgress(outcomes.length);
      }
    }),
  );
  return outcomes;
}

async function handledBy(healthUrl: string): Promise<number> {
  const text = await (await fetch(`${healthUrl}/metrics`)).text();
  return Number(/mqtt_messages_handled_total\{handler="search",kind="request"\} (\d+)/.exec(text)?.[1] ?? 0);
}

// Shared subscriptions split the requests; brokers without them give every request to every replica.
(runBroker().sharedSubscriptions ? describe : describe.skip)('three replicas of one operator behind two gateways', () => {
  const system = new TestSystem();
  const replicas: Array<{ process: AppProcess; health: string }> = [];
  let gateways: Gateway[];

  beforeAll(async () => {
    const database = await system.database();
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      replicas.push({
        process: await system.stationServer('BR-FSA', { database: database ?? null, env: { HEALTH_PORT: String(port) } }),
        health: `http://127.0.0.1:${port}`,
      });
    }
    gateways = await Promise.all([system.gateway({ REQUEST_TIMEOUT_MS: '3000' }), system.gateway({ REQUEST_TIMEOUT_MS: '3000' })]);
    for (const gateway of gateways) await eventually(async () => expect((await fetch(`${gateway.url}/postos`)).status).toBe(200), 30_000);
  }, 240_000);

  afterAll(() => system.shutdown());

  it(`answers ${REQUESTS} requests, each handled by exactly one replica, spread over all three`, async () => {
    const before = await Promise.all(replicas.map((r) => handledBy(r.health)));
    const outcomes = await load(gateways, REQUESTS, 20);
    const after = await Promise.all(replicas.map((r) => handledBy(r.health)));
    const perReplica = after.map((n, i) => n - before[i]);
    process.stdout.write(`${REQUESTS} requests: per replica ${perReplica.join(' / ')}, statuses ${JSON.stringify(countBy(outcomes))}\n`);
    expect(outcomes.every((o) => o.status === 200)).toBe(true);
    expect(perReplica.reduce((a, b) => a + b, 0)).toBe(REQUESTS);
    expect(Math.min(...perReplica)).toBeGreaterThan(0);
  }, 240_000);

  it('keeps answering when a replica is killed with SIGKILL mid-run', async () => {
    let killedAt = Number.POSITIVE_INFINITY;
    const outcomes = await load(gateways, REQUESTS, 20, (done) => {
      if (done === 300) {
        killedAt = Date.now();
        void replicas[0].process.kill();
      }
    });
    const around = outcomes.filter((o) => o.startedAt < killedAt + 1000);
    const after = outcomes.filter((o) => o.startedAt >= killedAt + 1000);
    process.stdout.write(
      `SIGKILL of one replica after 300 requests: ${JSON.stringify(countBy(outcomes))}; ` +
        `not 200 within 1 s of the kill: ${around.filter((o) => o.status !== 200).length}; started later: ${after.length}, not 200: ${after.filter((o) => o.status !== 200).length}\n`,
    );
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((o) => o.status === 200)).toBe(true);
  }, 240_000);
});

function countBy(outcomes: Outcome[]): Record<number, number> {
  return outcomes.reduce<Record<number, number>>((acc, o) => ({ ...acc, [o.status]: (acc[o.status] ?? 0) + 1 }), {});
}
