import { eventually } from '../../../test/support/eventually.js';
import { freePort } from '../../../test/support/ports.js';
import { TestSystem, type Gateway } from '../../../test/support/test-system.js';
import type { AppProcess } from '../../../test/support/app-process.js';

describe('station server operations: health port, metrics, request ids in the log', () => {
  const system = new TestSystem();
  let server: AppProcess;
  let gateway: Gateway;
  let health: string;

  beforeAll(async () => {
    const port = await freePort();
    health = `http://127.0.0.1:${port}`;
    [server, gateway] = await Promise.all([
      system.stationServer('BR-VDC', { env: { HEALTH_PORT: String(port), LOG_LEVEL: 'debug' } }),
      system.gateway(),
    ]);
    await eventually(async () => expect((await fetch(`${gateway.url}/postos`)).status).toBe(200), 20_000);
  }, 240_000);

  afterAll(() => system.shutdown());

  it('is live, and ready when connected to the broker and the database answers', async () => {
    await expect(fetch(`${health}/health/live`).then((r) => r.status)).resolves.toBe(200);
    const ready = await fetch(`${health}/health/ready`);
    expect(ready.status).toBe(200);
    await expect(ready.json()).resolves.toMatchObject({ status: 'ok', details: { broker: { status: 'up' }, database: { status: 'up' } } });
  });

  it('answers errors on its HTTP port as problem+json', async () => {
    const response = await fetch(`${health}/nothing-here`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    await expect(response.json()).resolves.toMatchObject({ type: 'about:blank', status: 404, instance: '/nothing-here' });
  });

  it('logs the HTTP request id of the requests it handles', async () => {
    const response = await fetch(`${gateway.url}/postos`, { headers: { 'x-request-id': 'trace-4711-abc' } });
    expect(response.status).toBe(200);
    await server.waitForLog(/request trace-4711-abc/, 5000);
  });

  it('counts reservations in its metrics', async () => {
    const booked = await fetch(`${gateway.url}/reservas`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...system.auth.bearer('driver-metrics') },
      body: JSON.stringify({ operator_id: 'BR-VDC', station_id: 'VDC-001', evse_uid: 'VDC-001-E2', token: 'metrics', starts_at: new Date(Date.now() + 3_600_000).toISOString(), duration_minutes: 20 }),
    });
    expect(booked.status).toBe(201);
    const metrics = await (await fetch(`${health}/metrics`)).text();
    expect(metrics).toMatch(/reservations_total\{outcome="created"\} 1/);
    expect(metrics).toMatch(/process_cpu_seconds_total/);
  });
});
