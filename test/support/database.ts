import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A database of its own for one test, on the PostgreSQL server of DATABASE_URL. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Creates a fresh database when DATABASE_URL is set; undefined means "use PGlite". */
export async function createTestDatabase(): Promise<TestDatabase | undefined> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) return undefined;
  const name = `t_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
