// One database seam for both engines: PostgreSQL through a `pg` Pool when DATABASE_URL is set, embedded PGlite
// otherwise (under DATA_DIR, or in memory). SQL is written once: $1 placeholders, no extension, jsonb passed as
// JSON text with an explicit `::jsonb` cast, bigint read back as a JS number on both engines.
import { readdir, readFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PGlite, type Transaction as PGliteTransaction } from '@electric-sql/pglite';

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface Db {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
  /** Runs several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs `fn` in one transaction; nested calls use a savepoint. Inside `fn`, use only `tx`. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly kind: 'postgres' | 'pglite';
  /** Schema the connection works in (`public` unless `schema` was given). */
  readonly schema: string;
}

export interface OpenDbOptions {
  /** postgres:// URL: use PostgreSQL. Otherwise PGlite. */
  databaseUrl?: string | null;
  /** PGlite data directory; absent or "memory://" keeps the database in memory. */
  dataDir?: string | null;
  /** Work in this schema (created if missing): tests get an isolated schema on a shared PostgreSQL. */
  schema?: string;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const INT8_OID = 20;

/** True when `err` is a unique-constraint violation, on either engine. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}

export async function openDb(options: OpenDbOptions): Promise<Db> {
  const schema = options.schema ?? 'public';
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name "${schema}"`);
  if (options.databaseUrl) return openPostgres(options.databaseUrl, schema, options.poolSize ?? 10);
  return openPglite(options.dataDir ?? null, schema);
}

// ---------------------------------------------------------------- PostgreSQL

const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    // Portal ids and counters fit in a double; both engines then return numbers.
    if (oid === INT8_OID) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

type PgRunner = pg.Pool | pg.PoolClient;

async function openPostgres(url: string, schema: string, max: number): Promise<Db> {
  if (schema !== 'public') {
    const setup = new pg.Client({ connectionString: url });
    await setup.connect();
    try {
      await setup.query(`create schema if not exists "${schema}"`);
    } finally {
      await setup.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max,
    types: pgTypes,
    // Every connection of the pool works in the schema, whoever takes it.
    options: schema === 'public' ? undefined : `-c search_path=${schema}`,
  });
  // An idle client losing its connection must not crash the process.
  pool.on('error', () => undefined);
  await pool.query('select 1');
  return postgresDb(pool, schema, null);
}

function postgresDb(runner: PgRunner, schema: string, savepointDepth: number | null): Db {
  const db: Db = {
    kind: 'postgres',
    schema,
    async query<R>(sql: string, params?: unknown[]) {
      const r = await runner.query(sql, params as unknown[] | undefined);
      return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
    },
    async exec(sql: string) {
      await runner.query(sql);
    },
    async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      if (savepointDepth !== null) return withSavepoint(db, savepointDepth, fn, (d) => postgresDb(runner, schema, d));
      const client = await (runner as pg.Pool).connect();
      // A connection cut while checked out (database restart, failover, pg_terminate_backend) emits 'error' on
      // the client; with no listener that is an uncaught exception that kills the process. The running query
      // rejects anyway; the broken client is released with its error so the pool discards it.
      let broken: Error | undefined;
      const onError = (err: Error) => { broken = err; };
      client.on('error', onError);
      try {
        await client.query('begin');
        const result = await fn(postgresDb(client, schema, 0));
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        client.removeListener('error', onError);
        client.release(broken);
      }
    },
    async close() {
      if (savepointDepth === null) await (runner as pg.Pool).end();
    },
  };
  return db;
}

async function withSavepoint<T>(db: Db, depth: number, fn: (tx: Db) => Promise<T>, nested: (depth: number) => Db): Promise<T> {
  const name = `sp_${depth + 1}`;
  await db.exec(`savepoint ${name}`);
  try {
    const result = await fn(nested(depth + 1));
    await db.exec(`release savepoint ${name}`);
    return result;
  } catch (err) {
    await db.exec(`rollback to savepoint ${name}`).catch(() => undefined);
    throw err;
  }
}

// ---------------------------------------------------------------- PGlite

async function openPglite(dataDir: string | null, schema: string): Promise<Db> {
  const inMemory = dataDir === null || dataDir.startsWith('memory://');
  if (!inMemory) await mkdir(dataDir, { recursive: true });
  const lite = await PGlite.create(inMemory ? undefined : dataDir, {
    parsers: { [INT8_OID]: (v: string) => Number(v) },
  });
  if (schema !== 'public') {
    await lite.exec(`create schema if not exists "${schema}"; set search_path to "${schema}"`);
  }
  return pgliteDb(lite, schema, null);
}

type LiteRunner = PGlite | PGliteTransaction;

function pgliteDb(runner: LiteRunner, schema: string, savepointDepth: number | null): Db {
  const db: Db = {
    kind: 'pglite',
    schema,
    async query<R>(sql: string, params?: unknown[]) {
      const r = await runner.query<R>(sql, params);
      return { rows: r.rows, rowCount: r.affectedRows || r.rows.length };
    },
    async exec(sql: string) {
      await runner.exec(sql);
    },
    async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      if (savepointDepth !== null) return withSavepoint(db, savepointDepth, fn, (d) => pgliteDb(runner, schema, d));
      // PGlite runs one transaction at a time; queries made outside wait for it to end.
      return (runner as PGlite).transaction((tx) => fn(pgliteDb(tx, schema, 0)));
    },
    async close() {
      if (savepointDepth === null) await (runner as PGlite).close();
    },
  };
  return db;
}

// ---------------------------------------------------------------- migrations

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));
const MIGRATION_FILE = /^(\d{3})_[a-z0-9_]+\.sql$/;

export async function listMigrations(dir = MIGRATIONS_DIR): Promise<{ name: string; file: string }[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const seen = new Map<string, string>();
  for (const f of files) {
    const m = MIGRATION_FILE.exec(f);
    if (!m) throw new Error(`migration file "${f}" must be named NNN_snake_case.sql`);
    const prior = seen.get(m[1] as string);
    if (prior) throw new Error(`migrations "${prior}" and "${f}" share the number ${m[1]}`);
    seen.set(m[1] as string, f);
  }
  return files.map((f) => ({ name: f.replace(/\.sql$/, ''), file: `${dir.replace(/\/$/, '')}/${f}` }));
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, in order, each in its own transaction under
 * an advisory lock (per schema), so two processes starting together apply each file exactly once.
 * Returns the names applied by this call.
 */
export async function migrate(db: Db, options: { dir?: string } = {}): Promise<string[]> {
  const migrations = await listMigrations(options.dir);
  const applied: string[] = [];
  const lock = `select pg_advisory_xact_lock(hashtext('prospect_guard.migrate.' || current_schema()))`;
  await db.transaction(async (tx) => {
    await tx.query(lock);
    await tx.exec(`create table if not exists schema_migrations (
      name text primary key,
      applied_at timestamptz not null default now()
    )`);
  });
  for (const m of migrations) {
    const sql = await readFile(m.file, 'utf8');
    await db.transaction(async (tx) => {
      await tx.query(lock);
      const done = await tx.query('select 1 from schema_migrations where name = $1', [m.name]);
      if (done.rows.length > 0) return;
      try {
        await tx.exec(sql);
      } catch (err) {
        throw new Error(`migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
      }
      await tx.query('insert into schema_migrations (name) values ($1)', [m.name]);
      applied.push(m.name);
    });
  }
  return applied;
}
