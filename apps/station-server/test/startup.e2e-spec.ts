import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess } from '../../../test/support/app-process.js';
import { BUILT_APPS, demoDataset } from '../../../test/support/paths.js';
import { TestSystem } from '../../../test/support/test-system.js';

describe('station server start', () => {
  const system = new TestSystem();
  const dir = mkdtempSync(join(tmpdir(), 'station-start-'));

  afterAll(() => system.shutdown());

  it('refuses a bad setting, naming the variable', async () => {
    const server = new AppProcess('bad env', BUILT_APPS.stationServer, system.env({ OPERATOR_ID: 'fsa', MQTT_PORT: '99999' }));
    await expect(server.exited).resolves.toBe(1);
    expect(server.log).toMatch(/OPERATOR_ID: OPERATOR_ID must look like BR-FSA/);
    expect(server.log).toMatch(/MQTT_PORT: MQTT_PORT must not be greater than 65535/);
  });

  it('refuses a dataset with a bad record, naming the record and the field', async () => {
    const stations = JSON.parse(readFileSync(demoDataset('BR-FSA'), 'utf8')) as Array<{ id: string; evses: Array<{ connectors: Array<{ standard: string }> }> }>;
    stations[3].evses[0].connectors[0].standard = 'SCHUKO_PLUS';
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(stations));
    const server = new AppProcess('bad dataset', BUILT_APPS.stationServer, system.env({ OPERATOR_ID: 'BR-FSA', DATA_DIR: 'memory://', STATIONS_FILE: file }));
    await expect(server.exited).resolves.toBe(1);
    expect(server.log).toContain(`record 3 (id "${stations[3].id}"), field evses[0].connectors[0].standard`);
  });

  it('keeps its stations in DATA_DIR and imports the dataset only into an empty database', async () => {
    const env = system.env({ OPERATOR_ID: 'BR-VDC', DATA_DIR: join(dir, 'pglite'), STATIONS_FILE: demoDataset('BR-VDC') });
    const first = new AppProcess('first start', BUILT_APPS.stationServer, env);
    await first.waitForLog(/online as/, 120_000);
    expect(first.log).toMatch(/Imported 24 stations/);
    await first.stop();

    const second = new AppProcess('second start', BUILT_APPS.stationServer, env);
    await second.waitForLog(/online as/, 120_000);
    expect(second.log).not.toMatch(/Imported/);
    await second.stop();
  }, 300_000);
});
