import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMigrations, migrate, openDb, isUniqueViolation } from '../../src/storage/db.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { DATABASE_TEST_URL, describeWithServices } from '../support/services.ts';

function dbSuite(kind: 'postgres' | 'pglite') {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb(kind, { migrate: false });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('applies every migration once, in order, and nothing on a second run', async () => {
    const all = (await listMigrations()).map((m) => m.name);
    expect(all.length).toBeGreaterThan(0);
    const first = await migrate(db);
    expect(first).toEqual(all);
    expect(await migrate(db)).toEqual([]);
    const rows = await db.query<{ name: string }>('select name from schema_migrations order by name');
    expect(rows.rows.map((r) => r.name)).toEqual(all);
  });

  it('returns bigint as number, jsonb as objects, text[] as arrays, timestamptz as Date', async () => {
    await db.exec('create table kinds (id bigint primary key, doc jsonb, tags text[], at timestamptz)');
    const at = new Date('2026-11-23T06:00:00.000Z');
    await db.query('insert into kinds values ($1, $2::jsonb, $3, $4)', [9007199254740, JSON.stringify({ a: [1] }), ['x', 'y'], at]);
    const r = await db.query<{ id: number; doc: unknown; tags: string[]; at: Date }>('select * from kinds');
    expect(r.rows[0]).toEqual({ id: 9007199254740, doc: { a: [1] }, tags: ['x', 'y'], at });
  });

  it('rolls a failed transaction back, and a failed savepoint only to the savepoint', async () => {
    await db.exec('create table tx_probe (v int primary key)');
    await expect(db.transaction(async (tx) => {
      await tx.query('insert into tx_probe values (1)');
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect((await db.query('select * from tx_probe')).rows).toEqual([]);

    await db.transaction(async (tx) => {
      await tx.query('insert into tx_probe values (2)');
      await expect(tx.transaction(async (inner) => {
        await inner.query('insert into tx_probe values (3)');
        await inner.query('insert into tx_probe values (2)');
      })).rejects.toSatisfy(isUniqueViolation);
    });
    expect((await db.query<{ v: number }>('select v from tx_probe order by v')).rows).toEqual([{ v: 2 }]);
  });

  it('reports rowCount for updates', async () => {
    await db.exec('create table rc (v int)');
    await db.query('insert into rc values (1), (1), (2)');
    expect((await db.query('update rc set v = 5 where v = 1')).rowCount).toBe(2);
    expect((await db.query('update rc set v = 5 where v = 9')).rowCount).toBe(0);
  });
}

describeWithServices('Db on PostgreSQL', { postgres: true }, () => {
  dbSuite('postgres');

  it('keeps two schemas apart and lets two processes migrate at once without applying anything twice', async () => {
    const a = await createTestDb('postgres', { migrate: false });
    try {
      const other = await openDb({ databaseUrl: DATABASE_TEST_URL, schema: a.schema, poolSize: 2 });
      try {
        const [x, y] = await Promise.all([migrate(a), migrate(other)]);
        const all = (await listMigrations()).map((m) => m.name);
        expect([...x, ...y].sort()).toEqual(all);
        const names = await a.query<{ name: string }>('select name from schema_migrations');
        expect(names.rows).toHaveLength(all.length);
        // The tables live in the test schema, not in public.
        const where = await a.query<{ table_schema: string }>(
          `select table_schema from information_schema.tables where table_name = 'installations' and table_schema = $1`, [a.schema]);
        expect(where.rows).toHaveLength(1);
      } finally {
        await other.close();
      }
    } finally {
      await a.drop();
    }
  });
});

describe('Db on PGlite', () => {
  dbSuite('pglite');

  it('persists under a data directory across reopen', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pg-lite-'));
    try {
      const one = await openDb({ dataDir: dir });
      expect(await migrate(one)).not.toEqual([]);
      await one.query(`insert into oauth_states (state_id, expires_at) values ('s1', now())`);
      await one.close();
      const two = await openDb({ dataDir: dir });
      expect(await migrate(two)).toEqual([]);
      expect((await two.query('select state_id from oauth_states')).rows).toEqual([{ state_id: 's1' }]);
      await two.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000); // initialising PGlite on disk twice is slow on a loaded machine
});

describe('migration files', () => {
  it('refuses badly named or duplicated migration numbers', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pg-mig-'));
    try {
      await writeFile(path.join(dir, '001_a.sql'), 'select 1;');
      await writeFile(path.join(dir, '001_b.sql'), 'select 1;');
      await expect(listMigrations(dir)).rejects.toThrow(/share the number 001/);
      await rm(path.join(dir, '001_b.sql'));
      await writeFile(path.join(dir, 'two.sql'), 'select 1;');
      await expect(listMigrations(dir)).rejects.toThrow(/must be named/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('applies nothing of a failing migration and names it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pg-mig-'));
    const db = await openDb({});
    try {
      await writeFile(path.join(dir, '001_ok.sql'), 'create table ok (v int);');
      await writeFile(path.join(dir, '002_bad.sql'), 'create table half (v int); select * from missing_table;');
      await expect(migrate(db, { dir })).rejects.toThrow(/migration 002_bad failed/);
      const tables = await db.query<{ table_name: string }>(
        `select table_name from information_schema.tables where table_schema = 'public' order by table_name`);
      expect(tables.rows.map((t) => t.table_name)).toEqual(['ok', 'schema_migrations']);
    } finally {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
