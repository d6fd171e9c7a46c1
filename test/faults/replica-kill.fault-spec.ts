import type { AppProcess } from '../support/app-process.js';
import { eventually } from '../support/eventually.js';
import { briefs, countByStatus, loadFor, now, startLoad } from '../support/load.js';
import { TestSystem, type Gateway } from '../support/test-system.js';

interface Operators {
  answered: string[];
}

describe('fault: one replica of an operator is killed under load', () => {
  const system = new TestSystem();
  const mode = system.broker.sharedSubscriptions ? 'shared subscriptions: the replicas split the requests' : 'no shared subscriptions: both replicas answer every request';
  let replicas: AppProcess[];
  let gateway: Gateway;

  beforeAll(async () => {
    // Both replicas share one database (PostgreSQL), or each has its own PGlite in memory.
    const db = await system.database();
    replicas = await Promise.all([
      system.stationServer('BR-FSA', { database: db ?? null }),
      system.stationServer('BR-FSA', { database: db ?? null }),
    ]);
    gateway = await system.gateway();
    await eventually(async () => {
      const response = await fetch(`${gateway.url}/postos`);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { operators: Operators }).operators.answered).toEqual(['BR-FSA']);
    }, 20_000);
  }, 150_000);

  afterAll(() => system.shutdown());

  it('keeps answering 200 through the other replica: every request started more than 1 s after the SIGKILL gets 200', async () => {
    const load = startLoad(`${gateway.url}/postos`, { workers: 8 });
    await loadFor(3000);
    const killedAt = now();
    const [killed, survivor] = replicas;
    await killed.kill();
    await loadFor(5000);
    const samples = await load.stop();

    const afterKill = (sample: { startedAt: number }) => sample.startedAt - killedAt;
    const failed = samples.filter((sample) => sample.status !== 200);
    const inFlightAtKill = samples.filter((sample) => sample.startedAt <= killedAt && sample.endedAt >= killedAt);
    const settled = samples.filter((sample) => afterKill(sample) > 1000);
    const failedStarts = failed.map(afterKill);
    const window = failed.length > 0 ? ` (started ${Math.round(Math.min(...failedStarts))}..${Math.round(Math.max(...failedStarts))} ms from the kill)` : '';
    process.stdout.write(
      `[${mode}] replica SIGKILLed under load: ${samples.length} requests (${countByStatus(samples)}); ` +
        `in flight at the kill: ${inFlightAtKill.length}, of which non-200: ${inFlightAtKill.filter((sample) => sample.status !== 200).length}; ` +
        `non-200 around the kill: ${failed.length}${window}\n` +
        `[${mode}] started more than 1 s after the kill: ${settled.length} (${countByStatus(settled)}); ` +
        `killed replica exit code ${await killed.exited}, survivor running: ${survivor.running}, gateway running: ${gateway.process.running}\n`,
    );

    expect(settled.length).toBeGreaterThan(0);
    expect(briefs(settled.filter((sample) => sample.status !== 200), killedAt)).toEqual([]);
    expect(survivor.running).toBe(true);
    expect(gateway.process.running).toBe(true);
  });
});
