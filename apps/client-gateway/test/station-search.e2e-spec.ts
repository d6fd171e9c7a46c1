import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { Topics } from '@app/shared';
import { eventually } from '../../../test/support/eventually.js';
import { collect, plainClient } from '../../../test/support/mqtt.js';
import { demoDataset } from '../../../test/support/paths.js';
import { TestSystem, type Gateway } from '../../../test/support/test-system.js';

const OPERATORS = ['BR-FSA', 'BR-SSA', 'BR-VDC'];
const EARTH_RADIUS_KM = 6371.0088;

interface DatasetStation {
  id: string;
  country_code: string;
  party_id: string;
  publish: boolean;
  coordinates: { latitude: string; longitude: string };
  evses: Array<{
    uid: string;
    status: string;
    connectors: Array<{ standard: string; power_type: string; max_voltage: number; max_amperage: number; max_electric_power?: number }>;
  }>;
}

interface Query {
  point?: { latitude: number; longitude: number; distance?: number };
  connector?: string[];
  power_type?: string[];
  min_power_kw?: number;
  available?: boolean;
  operator?: string[];
  limit: number;
}

interface Result {
  id: string;
  country_code: string;
  party_id: string;
  distance_km?: number;
}

/** The stations of the demo datasets: the oracle every answer is checked against. */
const stations = OPERATORS.flatMap((operatorId) =>
  (JSON.parse(readFileSync(demoDataset(operatorId), 'utf8')) as DatasetStation[]).map((station) => ({ ...station, operatorId })),
);

function haversineKm(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const h = Math.sin(rad(lat2 - lat1) / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lng2 - lng1) / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

function powerKw(connector: DatasetStation['evses'][number]['connectors'][number]): number {
  const watts = connector.max_electric_power ?? (connector.power_type === 'AC_3_PHASE' ? 3 : 1) * connector.max_voltage * connector.max_amperage;
  return watts / 1000;
}

/** What the query must return, in order: the stations with one EVSE meeting every EVSE filter. */
function expected(query: Query): Array<{ key: string; distance?: number }> {
  const matches = stations
    .filter((station) => station.publish && (!query.operator || query.operator.includes(station.operatorId)))
    .filter((station) =>
      station.evses.some(
        (evse) =>
          (!query.available || evse.status === 'AVAILABLE') &&
          (!(query.connector || query.power_type || query.min_power_kw !== undefined) ||
            evse.connectors.some(
              (c) =>
                (!query.connector || query.connector.includes(c.standard)) &&
                (!query.power_type || query.power_type.includes(c.power_type)) &&
                (query.min_power_kw === undefined || powerKw(c) >= query.min_power_kw),
            )),
      ),
    )
    .map((station) => ({
      key: `${station.operatorId}/${station.id}`,
      operatorId: station.operatorId,
      id: station.id,
      distance: query.point
        ? haversineKm(query.point.latitude, query.point.longitude, Number(station.coordinates.latitude), Number(station.coordinates.longitude))
        : undefined,
    }))
    .filter((station) => !query.point?.distance || station.distance! <= query.point.distance);
  return matches.sort((a, b) =>
    a.distance !== undefined && b.distance !== undefined && a.distance !== b.distance
      ? a.distance - b.distance
      : a.operatorId !== b.operatorId
        ? a.operatorId < b.operatorId ? -1 : 1
        : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
}

function queryString(query: Query): string {
  const params = new URLSearchParams();
  if (query.point) {
    params.set('latitude', String(query.point.latitude));
    params.set('longitude', String(query.point.longitude));
    if (query.point.distance !== undefined) params.set('distance', String(query.point.distance));
  }
  for (const value of query.connector ?? []) params.append('connector', value);
  if (query.power_type) params.set('power_type', query.power_type.join(','));
  if (query.min_power_kw !== undefined) params.set('min_power_kw', String(query.min_power_kw));
  if (query.available) params.set('available', 'true');
  if (query.operator) params.set('operator', query.operator.join(','));
  params.set('limit', String(query.limit));
  return params.toString();
}

/** Every page of a search, following Link rel="next"; each page's size and X-Total-Count as seen. */
async function allPages(gateway: Gateway, query: Query): Promise<{ results: Result[]; totals: number[]; sizes: number[] }> {
  const pages = { results: [] as Result[], totals: [] as number[], sizes: [] as number[] };
  let next: string | undefined = `/postos?${queryString(query)}`;
  while (next) {
    const response = await fetch(`${gateway.url}${next}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: Result[]; total: number; operators: { answered: string[] } };
    expect(body.operators.answered).toEqual(query.operator ? [...query.operator].sort() : OPERATORS);
    pages.results.push(...body.data);
    pages.sizes.push(body.data.length);
    pages.totals.push(Number(response.headers.get('x-total-count')));
    expect(body.total).toBe(Number(response.headers.get('x-total-count')));
    next = /<([^>]+)>; rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
    if (pages.sizes.length > 200) throw new Error('more than 200 pages');
  }
  return pages;
}

const bahia = fc.record({
  // Around the demo stations (Salvador, Feira de Santana, Vitoria da Conquista) and beyond.
  latitude: fc.double({ min: -16, max: -11, noNaN: true }).map((v) => Math.round(v * 1e4) / 1e4),
  longitude: fc.double({ min: -42, max: -37, noNaN: true }).map((v) => Math.round(v * 1e4) / 1e4),
  distance: fc.option(fc.double({ min: 0.5, max: 400, noNaN: true }).map((v) => Math.round(v * 100) / 100), { nil: undefined }),
});
const queries: fc.Arbitrary<Query> = fc.record(
  {
    point: fc.option(bahia, { nil: undefined }),
    connector: fc.option(fc.subarray(['IEC_62196_T2', 'IEC_62196_T2_COMBO', 'CHADEMO', 'GBT_DC', 'IEC_62196_T1', 'MCS'], { minLength: 1 }), { nil: undefined }),
    power_type: fc.option(fc.subarray(['AC_1_PHASE', 'AC_3_PHASE', 'DC'], { minLength: 1 }), { nil: undefined }),
    min_power_kw: fc.option(fc.constantFrom(0, 3.7, 7.4, 22, 50, 60, 150, 350), { nil: undefined }),
    available: fc.option(fc.constant(true), { nil: undefined }),
    operator: fc.option(fc.subarray(OPERATORS, { minLength: 1 }), { nil: undefined }),
    limit: fc.integer({ min: 1, max: 100 }),
  },
  { requiredKeys: ['limit'] },
);

describe('GET /postos search: filters, distance order and paging across three operators', () => {
  const system = new TestSystem();
  let gateway: Gateway;

  beforeAll(async () => {
    await Promise.all(OPERATORS.map((operatorId) => system.stationServer(operatorId)));
    gateway = await system.gateway();
    await eventually(async () => {
      const response = await fetch(`${gateway.url}/postos`);
      expect(((await response.json()) as { operators: { answered: string[] } }).operators.answered).toEqual(OPERATORS);
    }, 30_000);
  }, 240_000);

  afterAll(() => system.shutdown());

  it('returns exactly the matching stations, nearest first, within the distance, on pages that neither repeat nor skip', async () => {
    await fc.assert(
      fc.asyncProperty(queries, async (query) => {
        const want = expected(query);
        const { results, totals, sizes } = await allPages(gateway, query);
        expect(totals.every((total) => total === want.length)).toBe(true);
        expect(sizes.slice(0, -1).every((size) => size === query.limit)).toBe(true);
        const keys = results.map((result) => `${result.country_code}-${result.party_id}/${result.id}`);
        expect(new Set(keys).size).toBe(keys.length);
        expect([...keys].sort()).toEqual(want.map((station) => station.key).sort());
        if (!query.point) {
          expect(keys).toEqual(want.map((station) => station.key));
          expect(results.every((result) => result.distance_km === undefined)).toBe(true);
          return;
        }
        const wanted = new Map(want.map((station) => [station.key, station.distance!]));
        for (const [i, result] of results.entries()) {
          expect(Math.abs(result.distance_km! - wanted.get(keys[i])!)).toBeLessThan(0.001);
          if (query.point.distance !== undefined) expect(result.distance_km!).toBeLessThanOrEqual(query.point.distance + 0.001);
          if (i > 0) expect(result.distance_km!).toBeGreaterThanOrEqual(results[i - 1].distance_km!);
        }
      }),
      { numRuns: 40 },
    );
  }, 240_000);

  it('pages with offset and Link headers: next and prev', async () => {
    const first = await fetch(`${gateway.url}/postos?limit=10&offset=0&latitude=-12.97&longitude=-38.5`);
    expect(first.headers.get('link')).toBe('</postos?limit=10&offset=10&latitude=-12.97&longitude=-38.5>; rel="next"');
    const middle = await fetch(`${gateway.url}/postos?limit=10&offset=20`);
    expect(middle.headers.get('link')).toBe('</postos?limit=10&offset=30>; rel="next", </postos?limit=10&offset=10>; rel="prev"');
    const last = await fetch(`${gateway.url}/postos?limit=10&offset=100`);
    const body = (await last.json()) as { data: unknown[]; total: number };
    expect(body.data).toHaveLength(stations.length - 100);
    expect(last.headers.get('link')).toBe('</postos?limit=10&offset=90>; rel="prev"');
  });

  it.each([
    ['latitude=-12.9', 'latitude needs longitude'],
    ['longitude=-38.5', 'longitude needs latitude'],
    ['distance=5', 'distance needs latitude'],
    ['latitude=91&longitude=0', 'latitude must not be greater than 90'],
    ['latitude=abc&longitude=0', 'latitude must be a number'],
    ['latitude=0&longitude=-181', 'longitude must not be less than -180'],
    ['latitude=0&longitude=0&distance=-1', 'distance must not be less than 0'],
    ['connector=IEC_62196_T2,WARP_DRIVE', 'connector must be one of'],
    ['power_type=DC&power_type=NUCLEAR', 'power_type must be one of'],
    ['min_power_kw=lots', 'min_power_kw must be a number'],
    ['available=maybe', 'available must be true or false'],
    ['limit=101', 'limit must not be greater than 100'],
    ['limit=0', 'limit must not be less than 1'],
    ['offset=-1', 'offset must not be less than 0'],
    ['operator=BR/FSA', 'operator may hold only'],
  ])('answers 400 naming the parameter for %s', async (query, message) => {
    const response = await fetch(`${gateway.url}/postos?${query}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    await expect(response.json()).resolves.toMatchObject({ status: 400, detail: expect.stringContaining(message) });
  });

  it('sends GET /postos/{id} to the owning operator only', async () => {
    const spy = await plainClient(system.broker);
    try {
      const requests = await collect<{ data: unknown }>(spy, `${system.topicPrefix}server/postos/request/#`);
      const topics: string[] = [];
      spy.on('message', (topic) => topics.push(topic.slice(system.topicPrefix.length)));
      const response = await fetch(`${gateway.url}/postos/FSA-001?operator=BR-FSA`);
      expect(response.status).toBe(200);
      await expect(response.json()).resolves.toMatchObject({ id: 'FSA-001', country_code: 'BR', party_id: 'FSA' });
      await eventually(() => expect(requests.messages).toHaveLength(1));
      expect(topics).toEqual(['server/postos/request/BR-FSA/get']);
    } finally {
      await spy.endAsync();
    }
  });

  it('answers 404 for an unknown station, 400 without the operator, 503 for an operator that is not online', async () => {
    const unknown = await fetch(`${gateway.url}/postos/FSA-999?operator=BR-FSA`);
    expect(unknown.status).toBe(404);
    await expect(unknown.json()).resolves.toMatchObject({ status: 404, detail: 'Station FSA-999 not found' });
    const elsewhere = await fetch(`${gateway.url}/postos/FSA-001?operator=BR-SSA`);
    expect(elsewhere.status).toBe(404);
    const noOperator = await fetch(`${gateway.url}/postos/FSA-001`);
    expect(noOperator.status).toBe(400);
    await expect(noOperator.json()).resolves.toMatchObject({ detail: expect.stringContaining('operator') });
    const offline = await fetch(`${gateway.url}/postos/XYZ-001?operator=BR-XYZ`);
    expect(offline.status).toBe(503);
  });

  it('answers 504 when the owning operator is online but does not answer in time', async () => {
    const silent = await plainClient(system.broker);
    const topic = system.topicPrefix + Topics.presence('BR-SLO', 'silent-1');
    try {
      const presence = { operator_id: 'BR-SLO', operator_name: 'Silent', instance_id: 'silent-1', started_at: new Date().toISOString() };
      await silent.publishAsync(topic, JSON.stringify(presence), { retain: true, qos: 1 });
      const response = await eventually(async () => {
        const r = await fetch(`${gateway.url}/postos/SLO-001?operator=BR-SLO`);
        expect(r.status).toBe(504);
        return r;
      });
      await expect(response.json()).resolves.toMatchObject({ status: 504 });
    } finally {
      await silent.publishAsync(topic, '', { retain: true, qos: 1 });
      await silent.endAsync();
    }
  });

  it('asks only the chosen operators when the search names them', async () => {
    const spy = await plainClient(system.broker);
    try {
      const topics: string[] = [];
      await spy.subscribeAsync(`${system.topicPrefix}server/postos/request/#`, { qos: 1 });
      spy.on('message', (topic) => topics.push(topic.slice(system.topicPrefix.length)));
      const response = await fetch(`${gateway.url}/postos?operator=BR-VDC,BR-SSA&limit=5`);
      expect(response.status).toBe(200);
      await eventually(() => expect(topics.sort()).toEqual(['server/postos/request/BR-SSA/search', 'server/postos/request/BR-VDC/search']));
      expect(topics).not.toContain(Topics.stationsRequest);
    } finally {
      await spy.endAsync();
    }
  });
});
