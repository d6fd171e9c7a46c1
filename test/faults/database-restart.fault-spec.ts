import type { AppProcess } from '../support/app-process.js';
import { eventually } from '../support/eventually.js';
import { briefs, countByStatus, loadFor, maxLatency, now, startLoad } from '../support/load.js';
import { findPostgresBinaries, startPostgresCluster, type PostgresCluster } from '../support/postgres-cluster.js';
import { TestSystem, type Gateway } from '../support/test-system.js';

const binaries = findPostgresBinaries();
const skipReason = 'reason' in binaries ? binaries.reason : undefined;

/** Short enough that the 3 s outage always outlives the cached stations. */
const CACHE_TTL_MS = 1000;
const OUTAGE_MS = 3000;

interface Operators {
  answered: string[];
  failed: string[];
}

/** What a response says about BR-VDC: the operators report of a 200, the problem detail of an error. */
const inspect = (status: number, body: string): string => {
  const parsed = JSON.parse(body) as { operators?: Operators; detail?: string };
  return status === 200 ? `answered ${parsed.operators?.answered.join(',')} failed ${parsed.operators?.failed.join(',') || '-'}` : (parsed.detail ?? '');
};

describe('fault: the station server database crashes and restarts under load', () => {
  const system = new TestSystem();
  let cluster: PostgresCluster | undefined;
  let server: AppProcess;
  let gateway: Gateway;

  if (skipReason) process.stdout.write(`database-restart skipped: ${skipReason}\n`);

  beforeAll(async () => {
    if ('reason' in binaries) return;
    cluster = await startPostgresCluster(binaries);
    // The server's own cluster (not DATABASE_URL's server): this test crashes it.
    [server, gateway] = await Promise.all([
      system.stationServer('BR-VDC', {
        database: { url: cluster.url, drop: () => Promise.resolve() },
        env: { STATIONS_CACHE_TTL_MS: String(CACHE_TTL_MS) },
      }),
      system.gateway(),
    ]);
    await eventually(async () => expect((await fetch(`${gateway.url}/postos`)).status).toBe(200), 20_000);
  }, 150_000);

  afterAll(async () => {
    await system.shutdown();
    await cluster?.destroy();
  });

  // Today a station server keeps its stations in memory for STATIONS_CACHE_TTL_MS, then reads them
  // again. So while its database is down it answers from memory until the cache expires, and after
  // that with an UNAVAILABLE error: the gateway answers 503 naming BR-VDC as failed (it is the only
  // operator), at once, never 504 or 500. Once the database is back, the next read succeeds.
  (skipReason ? it.skip : it)('answers from memory, then a fast 503 naming BR-VDC failed while PostgreSQL is down, and 200 again once it restarts', async () => {
    const db = cluster!;
    const load = startLoad(`${gateway.url}/postos`, { workers: 8, inspect });
    await loadFor(2000);
    const stopping = now();
    await db.stop('immediate');
    const stopped = now();
    await loadFor(OUTAGE_MS);
    const starting = now();
    await db.start();
    const started = now();
    const firstOk = await eventually(() => {
      const ok = load.samples.find((sample) => sample.status === 200 && sample.startedAt >= started);
      if (!ok) throw new Error('no 200 since PostgreSQL restarted yet');
      return ok;
    }, 15_000);
    await loadFor(2000);
    const samples = await load.stop();

    // Finished before pg_ctl stop began; requests in flight meanwhile may meet the dying database.
    const before = samples.filter((sample) => sample.endedAt < stopping);
    const aroundStop = samples.filter((sample) => sample.endedAt >= stopping && sample.startedAt < stopped);
    const down = samples.filter((sample) => sample.startedAt >= stopped && sample.startedAt < starting);
    const after = samples.filter((sample) => sample.startedAt >= started);
    const failures = samples.filter((sample) => sample.status !== 200);
    const details = [...new Set(failures.map((sample) => `${sample.status} "${sample.detail}"`))];
    const recoveredS = (firstOk.endedAt - started) / 1000;
    const relapses = samples.filter((sample) => sample.startedAt > firstOk.endedAt && sample.status !== 200);
    const lost = server.log.match(/PostgreSQL connection lost/g)?.length ?? 0;
    const label = system.broker.sharedSubscriptions ? 'mosquitto' : 'embedded';
    process.stdout.write(
      `[${label}] own PostgreSQL cluster on :${db.port}, stations cached ${CACHE_TTL_MS} ms: pg_ctl stop -m immediate (${Math.round(stopped - stopping)} ms), ` +
        `down ${OUTAGE_MS / 1000} s, pg_ctl start (${Math.round(started - starting)} ms), 8 workers: ${samples.length} requests; ` +
        `before ${before.length} (${countByStatus(before)}), around the stop ${aroundStop.length} (${countByStatus(aroundStop)}), ` +
        `while down ${down.length} (${countByStatus(down)}, max latency ${maxLatency(down)} ms), ` +
        `after restart ${after.length} (${countByStatus(after)})\n` +
        `[${label}] 200 again ${recoveredS.toFixed(2)} s after pg_ctl start (non-200 after that: ${relapses.length}); failures said: ${details.join('; ') || 'none'}; ` +
        `server running: ${server.running}, "connection lost" log lines: ${lost}\n`,
    );

    expect(before.length).toBeGreaterThan(0);
    expect(briefs(before.filter((sample) => sample.status !== 200), stopping)).toEqual([]);
    expect(down.length).toBeGreaterThan(0);
    // From memory or a clean, fast 503 for BR-VDC: nothing else, and nothing that waits for a deadline.
    expect(briefs(failures.filter((sample) => sample.status !== 503 || !/failed: BR-VDC/.test(String(sample.detail))), stopping)).toEqual([]);
    expect(briefs(failures.filter((sample) => sample.ms >= 1000), stopping)).toEqual([]);
    expect(recoveredS).toBeLessThan(5);
    expect(briefs(relapses, stopping)).toEqual([]);
    expect(server.running).toBe(true);
    expect(gateway.process.running).toBe(true);
  });
});
