import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.js';

const run = promisify(execFile);

/** The PostgreSQL server binaries to use, or why a throwaway cluster cannot be made here. */
export type PostgresBinaries = { bin: string; runAs?: { user: string; uid: number; gid: number } } | { reason: string };

/** Finds initdb and pg_ctl in /usr/lib/postgresql/<version>/bin (newest version first); as root, also the postgres user to run them as. */
export function findPostgresBinaries(): PostgresBinaries {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const bin = versions.map((version) => join(root, version, 'bin')).find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (!bin) return { reason: `no ${root}/*/bin/initdb and pg_ctl on this machine` };
  if (process.getuid?.() !== 0) return { bin };
  // initdb and the server refuse to run as root.
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return { reason: 'running as root and there is no postgres user to run initdb and pg_ctl as' };
  if (spawnSync('runuser', ['--help']).error) return { reason: 'running as root and runuser is missing' };
  return { bin, runAs: { user: 'postgres', uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) } };
}

/** A PostgreSQL cluster of one test's own, in a temporary folder, that the test may stop and start. */
export interface PostgresCluster {
  port: number;
  /** Connection string of its `postgres` database, as the trusted superuser `postgres`. */
  url: string;
  /** `pg_ctl stop -m <mode>`; `immediate` is a crash: no shutdown checkpoint, clients cut off. */
  stop(mode?: 'smart' | 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** Server log so far (for failure reports). */
  log(): string;
  /** Stops the server if it runs and deletes the folder. */
  destroy(): Promise<void>;
}

/** initdb in a temporary folder, then pg_ctl start on a free port, listening on 127.0.0.1 and a socket in that folder. */
export async function startPostgresCluster(binaries: Exclude<PostgresBinaries, { reason: string }>): Promise<PostgresCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'pg-fault-'));
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  if (binaries.runAs) chownSync(dir, binaries.runAs.uid, binaries.runAs.gid);
  const exec = async (tool: string, args: string[]) => {
    const command = binaries.runAs ? ['runuser', ['-u', binaries.runAs.user, '--', join(binaries.bin, tool), ...args]] : [join(binaries.bin, tool), args];
    try {
      await run(command[0] as string, command[1] as string[], { cwd: dir, timeout: 60_000 });
    } catch (err) {
      const { stdout, stderr } = err as { stdout?: string; stderr?: string };
      throw new Error(`${tool} ${args.join(' ')} failed: ${(err as Error).message}\n${stdout ?? ''}${stderr ?? ''}`, { cause: err });
    }
  };

  await exec('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const cluster: PostgresCluster = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: async () => {
      await exec('pg_ctl', ['-D', data, '-l', logFile, '-o', serverOptions, '-w', '-t', '30', 'start']);
    },
    stop: async (mode = 'fast') => {
      await exec('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '30', 'stop']);
    },
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    destroy: async () => {
      // Also a server whose start timed out: it wrote its pid file.
      if (existsSync(join(data, 'postmaster.pid'))) await cluster.stop('immediate').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await cluster.start();
  } catch (err) {
    await cluster.destroy();
    throw err;
  }
  return cluster;
}
