import type { AppProcess } from '../support/app-process.js';
import { eventually } from '../support/eventually.js';
import { briefs, countByStatus, loadFor, maxLatency, now, startLoad } from '../support/load.js';
import { startOwnBroker, type OwnBroker } from '../support/own-broker.js';
import { TestSystem, type Gateway } from '../support/test-system.js';

describe('fault: the broker goes away under load', () => {
  let broker: OwnBroker;
  let system: TestSystem;
  let server: AppProcess;
  let gateway: Gateway;

  beforeAll(async () => {
    broker = await startOwnBroker();
    system = new TestSystem(broker.address);
    [server, gateway] = await Promise.all([system.stationServer('BR-VDC'), system.gateway()]);
    await eventually(async () => expect((await fetch(`${gateway.url}/postos`)).status).toBe(200), 20_000);
  }, 150_000);

  afterAll(async () => {
    await system?.shutdown();
    await broker?.stop();
  });

  it('answers 503 within a second while the broker is down, and 200 within 5 s of its restart, without exits', async () => {
    const load = startLoad(`${gateway.url}/postos`, { workers: 8 });
    await loadFor(2000);

    const stopping = now();
    await broker.stop();
    const down = now();
    await loadFor(3000);

    const restarting = now();
    await broker.start();
    const up = now();
    const firstOk = await eventually(() => {
      const ok = load.samples.find((sample) => sample.status === 200 && sample.startedAt >= restarting);
      if (!ok) throw new Error('no 200 since the restart yet');
      return ok;
    }, 15_000);
    await loadFor(1000);
    const samples = await load.stop();

    const beforeStop = samples.filter((sample) => sample.startedAt < down);
    const whileDown = samples.filter((sample) => sample.startedAt >= down && sample.startedAt < restarting);
    const afterRestart = samples.filter((sample) => sample.startedAt >= restarting);
    const recoveredS = (firstOk.endedAt - restarting) / 1000;
    const flaps = samples.filter((sample) => sample.startedAt > firstOk.endedAt && sample.status !== 200);
    const exits = [server, gateway.process].filter((app) => !app.running).length;
    process.stdout.write(
      `[${broker.kind}] broker stopped under load (stop took ${Math.round(down - stopping)} ms, start ${Math.round(up - restarting)} ms): ` +
        `${samples.length} requests; started before the stop ${beforeStop.length} (${countByStatus(beforeStop)}); ` +
        `while down ${whileDown.length} (${countByStatus(whileDown)}, max latency ${maxLatency(whileDown)} ms); ` +
        `after restart ${afterRestart.length} (${countByStatus(afterRestart)})\n` +
        `[${broker.kind}] answering 200 again ${recoveredS.toFixed(2)} s after the restart ` +
        `(non-200 started after that first 200: ${flaps.length}), exits: ${exits}\n`,
    );

    expect(whileDown.length).toBeGreaterThan(0);
    expect(briefs(whileDown.filter((sample) => sample.status !== 503), stopping)).toEqual([]);
    expect(briefs(whileDown.filter((sample) => sample.ms >= 1000), stopping)).toEqual([]);
    expect(recoveredS).toBeLessThan(5);
    expect(server.running).toBe(true);
    expect(gateway.process.running).toBe(true);
  });
});
