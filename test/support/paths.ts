import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const BUILT_APPS = {
  gateway: join(REPO_ROOT, 'dist', 'apps', 'client-gateway', 'main.js'),
  stationServer: join(REPO_ROOT, 'dist', 'apps', 'station-server', 'main.js'),
};

/** Demo dataset of an operator (BR-FSA -> apps/station-server/data/br-fsa.json). */
export function demoDataset(operatorId: string): string {
  return join(REPO_ROOT, 'apps', 'station-server', 'data', `${operatorId.toLowerCase()}.json`);
}
