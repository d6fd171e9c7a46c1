import 'reflect-metadata';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocationDto } from '@app/shared';
import { DatasetError, loadStationDataset, validateStationDataset } from './station-dataset.js';

const dataFile = (name: string) => fileURLToPath(new URL(`../../data/${name}`, import.meta.url));

function station(id: string, evseUids: string[] = [`${id}-E1`], party = 'FSA') {
  return {
    country_code: 'BR',
    party_id: party,
    id,
    publish: true,
    address: 'Rua A, 1',
    city: 'Feira de Santana',
    country: 'BRA',
    coordinates: { latitude: '-12.2578123', longitude: '-38.9600456' },
    evses: evseUids.map((uid) => ({
      uid,
      status: 'AVAILABLE',
      connectors: [
        {
          id: '1',
          standard: 'IEC_62196_T2',
          format: 'SOCKET',
          power_type: 'AC_3_PHASE',
          max_voltage: 230,
          max_amperage: 32,
          last_updated: '2026-11-20T10:15:00Z',
        },
      ],
      last_updated: '2026-11-20T10:15:00Z',
    })),
    time_zone: 'America/Bahia',
    last_updated: '2026-11-20T10:15:00Z',
  };
}

/** Runs fn, expecting a DatasetError, and returns its message. */
function datasetError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as Error).name).toBe('DatasetError');
    return (err as Error).message;
  }
  throw new Error('expected a DatasetError, but nothing was thrown');
}

describe('validateStationDataset', () => {
  it.each([
    ['br-fsa.json', 'BR-FSA', 30],
    ['br-ssa.json', 'BR-SSA', 50],
    ['br-vdc.json', 'BR-VDC', 24],
  ])('accepts the demo file %s for %s (%i stations)', async (file, operatorId, count) => {
    const records: unknown = JSON.parse(await readFile(dataFile(file), 'utf8'));
    const stations = validateStationDataset(records, operatorId, file);

    expect(stations).toHaveLength(count);
    expect(stations.every((s) => s instanceof LocationDto)).toBe(true);
    expect(new Set(stations.map((s) => `${s.country_code}-${s.party_id}`))).toEqual(new Set([operatorId]));
    expect(new Set(stations.map((s) => s.id)).size).toBe(count);
  });

  it('rejects a demo file loaded for another operator', async () => {
    const records: unknown = JSON.parse(await readFile(dataFile('br-fsa.json'), 'utf8'));
    const message = datasetError(() => validateStationDataset(records, 'BR-SSA', 'br-fsa.json'));
    expect(message).toContain('record 0 (id "FSA-001")');
    expect(message).toContain('BR-FSA is not this server\'s operator BR-SSA');
  });

  it('returns LocationDto instances and drops fields it does not store', () => {
    const [s] = validateStationDataset([{ ...station('FSA-001'), unknown_field: 'x' }], 'BR-FSA', 'test.json');
    expect(s).toBeInstanceOf(LocationDto);
    expect(s.id).toBe('FSA-001');
    expect(s).not.toHaveProperty('unknown_field');
  });

  it('accepts an empty array', () => {
    expect(validateStationDataset([], 'BR-FSA', 'empty.json')).toEqual([]);
  });

  it('names the record and the field of a validation error', () => {
    const bad = station('FSA-003');
    bad.evses[0].connectors[0].standard = 'NOT_A_PLUG';
    const message = datasetError(() => validateStationDataset([station('FSA-001'), station('FSA-002'), bad], 'BR-FSA', 'test.json'));

    expect(message).toContain('test.json');
    expect(message).toContain('record 2 (id "FSA-003")');
    expect(message).toContain('field evses[0].connectors[0].standard');
    expect(message).toContain('evses[0].connectors[0].standard must be one of the following values');
  });

  it('names a record without an id by its index only', () => {
    const { id: _id, ...noId } = station('FSA-001');
    const message = datasetError(() => validateStationDataset([noId], 'BR-FSA', 'test.json'));
    expect(message).toContain('record 0,');
    expect(message).not.toContain('(id');
    expect(message).toContain('field id');
  });

  it.each([
    ['an object', { id: 'FSA-001' }],
    ['a string', 'FSA-001'],
    ['null', null],
  ])('rejects a dataset that is %s instead of an array', (_, records) => {
    const message = datasetError(() => validateStationDataset(records, 'BR-FSA', 'test.json'));
    expect(message).toBe('test.json must hold a JSON array of OCPI Locations');
  });

  it.each([
    ['a string', 'FSA-002'],
    ['a number', 7],
    ['null', null],
    ['an array', [station('FSA-002')]],
  ])('rejects a record that is %s', (_, record) => {
    const message = datasetError(() => validateStationDataset([station('FSA-001'), record], 'BR-FSA', 'test.json'));
    expect(message).toBe('test.json: record 1 is not an object');
  });

  it('rejects a record of another party', () => {
    const message = datasetError(() =>
      validateStationDataset([station('FSA-001'), station('SSA-001', undefined, 'SSA')], 'BR-FSA', 'test.json'),
    );
    expect(message).toContain('record 1 (id "SSA-001")');
    expect(message).toContain('field country_code/party_id');
    expect(message).toContain('BR-SSA');
  });

  it('rejects a record of another country', () => {
    const message = datasetError(() => validateStationDataset([{ ...station('FSA-001'), country_code: 'AR' }], 'BR-FSA', 'test.json'));
    expect(message).toContain('record 0 (id "FSA-001"), field country_code/party_id: AR-FSA');
  });

  it('rejects a duplicate location id', () => {
    const message = datasetError(() =>
      validateStationDataset([station('FSA-001', ['E1']), station('FSA-002', ['E2']), station('FSA-001', ['E3'])], 'BR-FSA', 'test.json'),
    );
    expect(message).toContain('record 2 (id "FSA-001")');
    expect(message).toContain('field id: duplicate location id');
  });

  it('rejects an EVSE uid used by another location', () => {
    const message = datasetError(() =>
      validateStationDataset([station('FSA-001', ['E1', 'E2']), station('FSA-002', ['E3', 'E2'])], 'BR-FSA', 'test.json'),
    );
    expect(message).toContain('record 1 (id "FSA-002")');
    expect(message).toContain('field evses[1].uid: duplicate EVSE uid E2');
  });

  it('rejects an EVSE uid used twice in one location', () => {
    const message = datasetError(() => validateStationDataset([station('FSA-001', ['E1', 'E1'])], 'BR-FSA', 'test.json'));
    expect(message).toContain('record 0 (id "FSA-001"), field evses[1].uid: duplicate EVSE uid E1');
  });
});

describe('loadStationDataset', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'station-dataset-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads and validates a file', async () => {
    const path = join(dir, 'good.json');
    await writeFile(path, JSON.stringify([station('FSA-001'), station('FSA-002')]));

    const stations = await loadStationDataset(path, 'BR-FSA');

    expect(stations.map((s) => s.id)).toEqual(['FSA-001', 'FSA-002']);
  });

  it('loads a demo file', async () => {
    await expect(loadStationDataset(dataFile('br-vdc.json'), 'BR-VDC')).resolves.toHaveLength(24);
  });

  it('rejects a file that cannot be read', async () => {
    const path = join(dir, 'missing.json');
    const result = loadStationDataset(path, 'BR-FSA');
    await expect(result).rejects.toBeInstanceOf(DatasetError);
    await expect(result).rejects.toThrow(`Cannot read STATIONS_FILE ${path}`);
  });

  it('rejects a folder', async () => {
    await expect(loadStationDataset(dir, 'BR-FSA')).rejects.toThrow(`Cannot read STATIONS_FILE ${dir}`);
  });

  it('rejects a file that is not JSON', async () => {
    const path = join(dir, 'broken.json');
    await writeFile(path, '[{"id": "FSA-001",');
    const result = loadStationDataset(path, 'BR-FSA');
    await expect(result).rejects.toBeInstanceOf(DatasetError);
    await expect(result).rejects.toThrow(`STATIONS_FILE ${path} is not valid JSON`);
  });

  it('names the file in validation errors', async () => {
    const path = join(dir, 'wrong-operator.json');
    await writeFile(path, JSON.stringify([station('FSA-001')]));
    const result = loadStationDataset(path, 'BR-SSA');
    await expect(result).rejects.toBeInstanceOf(DatasetError);
    await expect(result).rejects.toThrow(`${path}: record 0 (id "FSA-001"), field country_code/party_id`);
  });
});
