import { readFileSync } from 'node:fs';
import { Topics, type PresenceMessage } from '@app/shared';
import type { MqttClient } from 'mqtt';
import { eventually } from '../../../test/support/eventually.js';
import { plainClient } from '../../../test/support/mqtt.js';
import { demoDataset } from '../../../test/support/paths.js';
import { TestSystem, type Gateway } from '../../../test/support/test-system.js';
import type { AppProcess } from '../../../test/support/app-process.js';

const OPERATORS = ['BR-FSA', 'BR-SSA', 'BR-VDC'];
const stationCount = (operatorId: string) => (JSON.parse(readFileSync(demoDataset(operatorId), 'utf8')) as unknown[]).length;
const TOTAL = OPERATORS.reduce((sum, operatorId) => sum + stationCount(operatorId), 0);

interface StationsBody {
  data: Array<{ id: string; country_code: string; party_id: string; evses: unknown[] }>;
  total: number;
  operators: { answered: string[]; timed_out: string[]; failed: string[]; offline: string[] };
}

/** Every page of GET /postos, following the Link header; the body of the first page with the data of all. */
async function getStations(gateway: Gateway): Promise<{ status: number; body: StationsBody; type: string | null }> {
  let response = await fetch(`${gateway.url}/postos?limit=100`);
  const first = { status: response.status, body: (await response.json()) as StationsBody, type: response.headers.get('content-type') };
  let next = /<([^>]+)>; rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
  while (first.status === 200 && next) {
    response = await fetch(`${gateway.url}${next}`);
    first.body.data.push(...((await response.json()) as StationsBody).data);
    next = /<([^>]+)>; rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
  }
  return first;
}

describe('GET /postos with three operators and two gateways', () => {
  const system = new TestSystem();
  let servers: Record<string, AppProcess>;
  let gateways: Gateway[];

  beforeAll(async () => {
    const started = await Promise.all(OPERATORS.map((operatorId) => system.stationServer(operatorId)));
    servers = Object.fromEntries(OPERATORS.map((operatorId, i) => [operatorId, started[i]]));
    gateways = await Promise.all([system.gateway(), system.gateway()]);
  }, 240_000);

  afterAll(() => system.shutdown());

  it('merges the stations of every operator on both gateways', async () => {
    for (const gateway of gateways) {
      const { status, body } = await eventually(async () => {
        const result = await getStations(gateway);
        expect(result.body.operators?.answered).toEqual(OPERATORS);
        return result;
      });
      expect(status).toBe(200);
      expect(body.data).toHaveLength(TOTAL);
      expect(body.total).toBe(TOTAL);
      expect(body.operators).toEqual({ answered: OPERATORS, timed_out: [], failed: [], offline: [] });
      for (const operatorId of OPERATORS) {
        const own = body.data.filter((station) => `${station.country_code}-${station.party_id}` === operatorId);
        expect(own).toHaveLength(stationCount(operatorId));
      }
      expect(new Set(body.data.map((station) => station.id)).size).toBe(TOTAL);
    }
  });

  it('names an operator that is online but does not answer, and returns the others', async () => {
    const silent = await plainClient(system.broker);
    const presence: PresenceMessage = { operator_id: 'BR-SLO', operator_name: 'Silent', instance_id: 'silent-1', started_at: new Date().toISOString() };
    const topic = system.topicPrefix + Topics.presence('BR-SLO', 'silent-1');
    try {
      await silent.publishAsync(topic, JSON.stringify(presence), { retain: true, qos: 1 });
      const { status, body } = await eventually(async () => {
        const result = await getStations(gateways[0]);
        expect(result.body.operators.timed_out).toEqual(['BR-SLO']);
        return result;
      });
      expect(status).toBe(200);
      expect(body.operators.answered).toEqual(OPERATORS);
      expect(body.data).toHaveLength(TOTAL);
    } finally {
      await silent.publishAsync(topic, '', { retain: true, qos: 1 });
      await silent.endAsync();
    }
  });

  it('reports an operator whose server died as offline and returns the others', async () => {
    await servers['BR-VDC'].kill();
    const { status, body } = await eventually(async () => {
      const result = await getStations(gateways[1]);
      expect(result.body.operators.offline).toContain('BR-VDC');
      return result;
    });
    expect(status).toBe(200);
    expect(body.operators.answered).toEqual(['BR-FSA', 'BR-SSA']);
    expect(body.data).toHaveLength(stationCount('BR-FSA') + stationCount('BR-SSA'));
  });
});

describe('GET /postos with no operator online', () => {
  const system = new TestSystem();
  let gateway: Gateway;
  let silent: MqttClient | undefined;

  beforeAll(async () => {
    gateway = await system.gateway();
  });

  afterAll(async () => {
    await silent?.endAsync();
    await system.shutdown();
  });

  it('answers 503 as problem+json', async () => {
    const response = await fetch(`${gateway.url}/postos`, { headers: { 'x-request-id': 'req-503-test' } });
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('x-request-id')).toBe('req-503-test');
    await expect(response.json()).resolves.toMatchObject({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: 'No operator is online',
      instance: '/postos',
      request_id: 'req-503-test',
    });
  });

  it('answers 504 when the only operator online never answers', async () => {
    silent = await plainClient(system.broker, {
      will: { topic: system.topicPrefix + Topics.presence('BR-SLO', 'silent-2'), payload: Buffer.alloc(0), retain: true, qos: 1 },
    });
    const presence = { operator_id: 'BR-SLO', operator_name: 'Silent', instance_id: 'silent-2', started_at: new Date().toISOString() };
    await silent.publishAsync(system.topicPrefix + Topics.presence('BR-SLO', 'silent-2'), JSON.stringify(presence), { qos: 1 });
    const started = Date.now();
    const response = await eventually(async () => {
      const r = await fetch(`${gateway.url}/postos`);
      expect(r.status).toBe(504);
      return r;
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect(response.json()).resolves.toMatchObject({ status: 504, detail: expect.stringContaining('BR-SLO') });
    // The reservation list follows the same rule.
    const list = await fetch(`${gateway.url}/reservas`, { headers: system.auth.bearer('driver-504') });
    expect(list.status).toBe(504);
    await expect(list.json()).resolves.toMatchObject({ status: 504, detail: expect.stringContaining('BR-SLO') });
  });

  it('rejects unknown query parameters with 400 naming them', async () => {
    const response = await fetch(`${gateway.url}/postos?colour=blue`);
    expect(response.status).toBe(400);
    await expect(response.json()).resolves.toMatchObject({ status: 400, detail: expect.stringContaining('colour') });
  });

  it('serves Swagger UI at /docs and the OpenAPI document at /docs-json', async () => {
    const ui = await fetch(`${gateway.url}/docs`);
    expect(ui.status).toBe(200);
    await expect(ui.text()).resolves.toContain('swagger-ui');
    const document = (await (await fetch(`${gateway.url}/docs-json`)).json()) as {
      paths: Record<string, { get: { responses: Record<string, { content?: Record<string, unknown> }> } }>;
    };
    const responses = document.paths['/postos'].get.responses;
    expect(Object.keys(responses)).toEqual(expect.arrayContaining(['200', '400', '503', '504']));
    expect(responses['503'].content).toHaveProperty(['application/problem+json']);
  });
});
