import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const APPS = ['station-server', 'client-gateway'];

/** The built entry point of an app. */
export function mainOf(root, app) {
  return join(root, 'dist', 'apps', app, 'main.js');
}

/** Newest modification time of the files below `dir`. */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** Builds each app whose bundle is missing or older than the sources. */
export function buildIfNeeded(root, say) {
  const sources = Math.max(newest(join(root, 'apps')), newest(join(root, 'libs')));
  for (const app of APPS) {
    const main = mainOf(root, app);
    if (existsSync(main) && statSync(main).mtimeMs >= sources) continue;
    say(`building ${app}...`);
    const result = spawnSync(process.execPath, [join(root, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build', app], {
      cwd: root,
      stdio: 'inherit',
    });
    if (result.status !== 0) throw new Error(`building ${app} failed`);
  }
}
