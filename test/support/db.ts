// A database for one test file: a fresh schema on the real PostgreSQL, or an in-memory PGlite.
// Migrations are applied unless `migrate: false`. Call drop() in afterAll: it removes the schema and closes.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate as runMigrations, openDb, type Db } from '../../src/storage/db.ts';
import { DATABASE_TEST_URL } from './services.ts';

export type TestDb = Db & { drop(): Promise<void> };

export async function createTestDb(
  kind: 'postgres' | 'pglite',
  options: { migrate?: boolean } = {},
): Promise<TestDb> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const db = kind === 'postgres'
    ? await openDb({ databaseUrl: DATABASE_TEST_URL, schema, poolSize: 4 })
    : await openDb({ schema });
  if (options.migrate !== false) await runMigrations(db);
  const drop = async () => {
    await db.close();
    if (kind === 'postgres') {
      const client = new pg.Client({ connectionString: DATABASE_TEST_URL });
      await client.connect();
      try {
        await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    }
  };
  return Object.assign(db, { drop });
}

/** Both engines, for `describe.each`: PostgreSQL needs the service, PGlite always runs. */
export const DB_KINDS = ['postgres', 'pglite'] as const;
