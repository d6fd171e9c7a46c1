import { eventually } from '../../../test/support/eventually.js';
import { startOwnBroker, type OwnBroker } from '../../../test/support/own-broker.js';
import { TestSystem, type Gateway } from '../../../test/support/test-system.js';
import type { AppProcess } from '../../../test/support/app-process.js';

async function timedGet(url: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started };
}

describe('broker outage', () => {
  let broker: OwnBroker;
  let system: TestSystem;
  let server: AppProcess;
  let gateway: Gateway;

  beforeAll(async () => {
    broker = await startOwnBroker();
    system = new TestSystem(broker.address);
    [server, gateway] = await Promise.all([system.stationServer('BR-VDC'), system.gateway()]);
    await eventually(async () => expect((await timedGet(`${gateway.url}/postos`)).status).toBe(200), 20_000);
  }, 240_000);

  afterAll(async () => {
    await system.shutdown();
    await broker.stop();
  });

  it('answers 503 within a second while the broker is down, and 200 again once it is back, without restarts', async () => {
    await broker.stop();
    const whileDown: Array<{ status: number; ms: number }> = [];
    await eventually(async () => {
      const result = await timedGet(`${gateway.url}/postos`);
      whileDown.push(result);
      expect(result.status).toBe(503);
    }, 5000);
    for (let i = 0; i < 5; i++) whileDown.push(await timedGet(`${gateway.url}/postos`));
    process.stdout.write(`[${broker.kind}] while down: ${whileDown.map((r) => `${r.status} in ${r.ms.toFixed(0)} ms`).join(', ')}\n`);
    expect(whileDown.every((r) => r.ms < 1000)).toBe(true);
    expect(whileDown.slice(-5).every((r) => r.status === 503)).toBe(true);

    await broker.start();
    const back = await eventually(async () => {
      const result = await timedGet(`${gateway.url}/postos`);
      expect(result.status).toBe(200);
      return result;
    }, 15_000);
    expect(back.status).toBe(200);
    expect(server.running).toBe(true);
    expect(gateway.process.running).toBe(true);
  });
});
