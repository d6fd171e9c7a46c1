import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '@nestjs/common';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema.js';

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/** An open database and how to close it. */
export interface DatabaseHandle {
  db: Database;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
}

/** Serializes migrations of replicas that start together against one PostgreSQL database. */
const MIGRATION_LOCK_KEY = 7_340_221;

/**
 * The migrations folder: copied beside the bundle by the build (looked up from the running script,
 * since the bundler fixes import.meta.url at build time), or beside this file in the sources.
 */
function migrationsFolder(): string {
  const candidates = [
    join(dirname(process.argv[1] ?? '.'), 'apps', 'station-server', 'src', 'database', 'migrations'),
    join(dirname(fileURLToPath(import.meta.url)), 'migrations'),
  ];
  const found = candidates.find((dir) => existsSync(join(dir, 'meta', '_journal.json')));
  if (!found) throw new Error(`Database migrations not found in ${candidates.join(' or ')}`);
  return found;
}

/** Opens PostgreSQL (DATABASE_URL) or PGlite (DATA_DIR) and applies the checked-in migrations. */
export async function openDatabase(options: DatabaseOptions, logger = new Logger('Database')): Promise<DatabaseHandle> {
  const folder = migrationsFolder();
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10, connectionTimeoutMillis: 5000 });
    // An idle client that loses its server must not crash the process; the next query reports it.
    pool.on('error', (err) => logger.warn(`PostgreSQL connection lost: ${err.message}`));
    const client = await pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      await migratePg(drizzlePg(client, { schema }), { migrationsFolder: folder });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
      client.release();
    }
    logger.log('Using PostgreSQL');
    return { db: drizzlePg(pool, { schema }) as unknown as Database, kind: 'postgres', close: () => pool.end() };
  }

  const inMemory = options.dataDir.startsWith('memory://');
  if (!inMemory) mkdirSync(options.dataDir, { recursive: true });
  // Extensions the migrations create must be loaded into PGlite first.
  const client = await PGlite.create(inMemory ? 'memory://' : options.dataDir, { extensions: { btree_gist } });
  const db = drizzlePglite(client, { schema });
  await migratePglite(db, { migrationsFolder: folder });
  logger.log(`Using PGlite in ${inMemory ? 'memory' : options.dataDir}`);
  return { db: db as unknown as Database, kind: 'pglite', close: () => client.close() };
}

/** True when the database answers a trivial query. */
export async function isDatabaseReachable(db: Database): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}

const dialect = new PgDialect();

/**
 * Runs `query` as a named prepared statement on PostgreSQL, so each pooled connection parses and
 * plans it once; PGlite runs it as it is. The SQL text must be the same on every call of one name.
 */
export async function executePrepared<T>(db: Database, name: string, query: SQL): Promise<T[]> {
  const { sql: text, params } = dialect.sqlToQuery(query);
  const client = (db as unknown as { $client: pg.Pool | PGlite }).$client;
  if (client instanceof pg.Pool) return (await client.query<T & pg.QueryResultRow>({ name, text, values: params })).rows;
  return (await client.query<T>(text, params)).rows;
}
