import { eventually } from '../../../test/support/eventually.js';
import { TestSystem, type Gateway } from '../../../test/support/test-system.js';

describe('operations: health, metrics, limits and headers', () => {
  const system = new TestSystem();
  let gateway: Gateway;
  let limited: Gateway;

  beforeAll(async () => {
    [gateway, limited] = await Promise.all([
      system.gateway({ CORS_ORIGINS: 'https://app.example', BODY_LIMIT_BYTES: '1024' }),
      system.gateway({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000' }),
    ]);
  }, 240_000);

  afterAll(() => system.shutdown());

  it('is live at once, and ready only once an operator is online', async () => {
    await expect(fetch(`${gateway.url}/health/live`).then((r) => r.status)).resolves.toBe(200);
    const notReady = await fetch(`${gateway.url}/health/ready`);
    expect(notReady.status).toBe(503);
    await expect(notReady.json()).resolves.toMatchObject({ details: { broker: { status: 'up' }, operators: { status: 'down' } } });

    await system.stationServer('BR-VDC');
    const ready = await eventually(async () => {
      const response = await fetch(`${gateway.url}/health/ready`);
      expect(response.status).toBe(200);
      return response.json();
    });
    expect(ready).toMatchObject({ status: 'ok', details: { operators: { status: 'up', live: ['BR-VDC'] } } });
  }, 240_000);

  it('exposes Prometheus metrics, with the MQTT round trip by operator and outcome', async () => {
    for (let i = 0; i < 3; i++) expect((await fetch(`${gateway.url}/postos`)).status).toBe(200);
    const response = await fetch(`${gateway.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/mqtt_request_duration_seconds_count\{operator="BR-VDC",outcome="ok"\} [3-9]/);
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/postos",status="200"\} [3-9]/);
    expect(text).toMatch(/mqtt_live_operators 1/);
    expect(text).toMatch(/process_resident_memory_bytes/);
  });

  it('limits requests per client IP with 429 and Retry-After, but never health or metrics', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${limited.url}/postos`);
      statuses.push(response.status);
      if (response.status === 429) {
        retryAfter = response.headers.get('retry-after');
        await expect(response.json()).resolves.toMatchObject({ status: 429, title: 'Too Many Requests' });
      }
    }
    expect(statuses.slice(0, 3).every((s) => s !== 429)).toBe(true);
    expect(statuses.slice(3)).toEqual([429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) expect((await fetch(`${limited.url}/health/live`)).status).toBe(200);
  });

  it('refuses a body over the limit with 413 and unreadable JSON with 400, as problem+json', async () => {
    const big = await fetch(`${gateway.url}/reservas`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(4000) }) });
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const broken = await fetch(`${gateway.url}/reservas`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"station_id":' });
    expect(broken.status).toBe(400);
    await expect(broken.json()).resolves.toMatchObject({ status: 400, request_id: expect.any(String) });
  });

  it('sends security headers and the configured CORS origin', async () => {
    const response = await fetch(`${gateway.url}/postos`, { headers: { origin: 'https://app.example' } });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const other = await fetch(`${gateway.url}/postos`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
