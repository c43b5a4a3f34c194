// Databases for the enforcement suites. Uses install's `createTestDb` + `migrate` when they exist; until then a
// thin adapter over pg / PGlite with the same `Db` shape, applying only this helper's migrations (060-079).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import type { Db } from '../../../src/ledger/db.ts';
import { DATABASE_TEST_URL } from '../../support/services.ts';

export type TestDb = Db & { drop(): Promise<void> };

const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../../migrations');

async function ownMigrations(): Promise<string[]> {
  const names = (await readdir(MIGRATIONS_DIR)).filter((n) => /^0(6\d|7\d)_.*\.sql$/.test(n)).sort();
  return Promise.all(names.map((n) => readFile(path.join(MIGRATIONS_DIR, n), 'utf8')));
}

function pgliteDb(lite: PGlite): Db {
  const wrap = (q: Pick<PGlite, 'query'>, inTx: boolean): Db => ({
    kind: 'pglite',
    async query<R>(sql: string, params: unknown[] = []) {
      const r = await q.query<R>(sql, params);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
    async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      if (inTx) return fn(wrap(q, true));
      return lite.transaction((tx) => fn(wrap(tx, true)));
    },
    async close() { await lite.close(); },
  });
  return wrap(lite, false);
}

function pgDb(pool: pg.Pool, schema: string): Db {
  const wrap = (client: pg.Pool | pg.PoolClient, inTx: boolean): Db => ({
    kind: 'postgres',
    async query<R>(sql: string, params: unknown[] = []) {
      const r = await client.query(sql, params);
      return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
    },
    async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      if (inTx) return fn(wrap(client, true));
      const c = await pool.connect();
      try {
        await c.query('begin');
        const out = await fn(wrap(c, true));
        await c.query('commit');
        return out;
      } catch (err) {
        await c.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        c.release();
      }
    },
    async close() { await pool.end(); },
  });
  void schema;
  return wrap(pool, false);
}

export async function createEnforcementTestDb(kind: 'postgres' | 'pglite'): Promise<TestDb> {
  let db: Db;
  let drop: () => Promise<void>;
  if (kind === 'pglite') {
    const lite = new PGlite();
    db = pgliteDb(lite);
    drop = async () => { await lite.close(); };
  } else {
    const schema = `t_enf_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: DATABASE_TEST_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const pool = new pg.Pool({ connectionString: DATABASE_TEST_URL, max: 4, options: `-c search_path=${schema}` });
    db = pgDb(pool, schema);
    drop = async () => {
      await pool.end();
      const c = new pg.Client({ connectionString: DATABASE_TEST_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    };
  }
  for (const sql of await ownMigrations()) {
    if (db.kind === 'pglite') {
      await db.query('select 1');
      // PGlite's query() takes one statement; run the file statement by statement.
      for (const stmt of sql.split(/;\s*(?:\n|$)/).map((s) => s.replace(/^\s*--.*$/gm, '').trim()).filter(Boolean)) {
        await db.query(stmt);
      }
    } else {
      await db.query(sql);
    }
  }
  return Object.assign(db, { drop });
}
