// `prospect-guard serve` as an operator runs it: what each role may run on, the production guards, the Redis
// durability check, and a production-like layout (one web process, two workers, PostgreSQL, Redis) judging
// contacts end to end through the real processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { checkServePlan, judgeRedisDurability, parseServeArgs, productOverridesFor, ServeRefusal } from '../../src/serve.ts';
import { checkRedisDurability } from '../../src/queue/redis-durability.ts';
import { startStandIn, type StandIn } from '../../scripts/hubspot-standin/index.ts';
import { describeWithServices, DATABASE_TEST_URL, REDIS_TEST_URL } from '../support/services.ts';
import { freePort, startPrivateRedis, type PrivateRedis } from '../proof/support/private-redis.ts';

const PROD = {
  NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://guard.example.com', HUBSPOT_CLIENT_ID: 'id',
  HUBSPOT_CLIENT_SECRET: 'a-real-secret-value', TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
};
const FULL = { DATABASE_URL: 'postgres://db.internal/guard', REDIS_URL: 'redis://redis.internal:6379' };
const opts = (o: Partial<ReturnType<typeof parseServeArgs> & object> = {}) => ({ role: 'all' as const, trial: false, allowVolatileRedis: false, ...o });

describe('serve: what each role and environment may run on', () => {
  it('parses roles and flags, and refuses an unknown role', () => {
    expect(parseServeArgs([])).toEqual({ role: 'all', trial: false, allowVolatileRedis: false });
    expect(parseServeArgs(['--role', 'worker', '--trial'])).toEqual({ role: 'worker', trial: true, allowVolatileRedis: false });
    expect(parseServeArgs(['--role=web', '--allow-volatile-redis'])).toMatchObject({ role: 'web', allowVolatileRedis: true });
    expect(parseServeArgs(['-h'])).toBe('help');
    expect(() => parseServeArgs(['--role', 'cron'])).toThrow(ServeRefusal);
    expect(() => parseServeArgs(['--rol', 'web'])).toThrow(/Unknown option/);
  });

  it('production refuses the embedded trial stores unless --trial', () => {
    expect(() => checkServePlan(loadConfig(PROD), opts())).toThrow(/NODE_ENV=production refuses the embedded PGlite database .* and the in-process queue/);
    expect(() => checkServePlan(loadConfig({ ...PROD, DATABASE_URL: FULL.DATABASE_URL }), opts())).toThrow(/refuses the in-process queue/);
    expect(() => checkServePlan(loadConfig({ ...PROD, REDIS_URL: FULL.REDIS_URL }), opts())).toThrow(/refuses the embedded PGlite database/);
    expect(() => checkServePlan(loadConfig(PROD), opts({ trial: true }))).not.toThrow();
    expect(() => checkServePlan(loadConfig({ ...PROD, ...FULL }), opts())).not.toThrow();
    expect(() => checkServePlan(loadConfig({}), opts())).not.toThrow(); // development: the embedded defaults
  });

  it('web and worker roles need PostgreSQL and Redis, in every environment', () => {
    for (const role of ['web', 'worker'] as const) {
      expect(() => checkServePlan(loadConfig({}), opts({ role }))).toThrow(new RegExp(`--role ${role} .* cannot run on`));
      expect(() => checkServePlan(loadConfig({ ...PROD }), opts({ role, trial: true }))).toThrow(/cannot run on/);
      expect(() => checkServePlan(loadConfig({ ...PROD, ...FULL }), opts({ role }))).not.toThrow();
    }
  });

  it('a web process only enqueues; a worker has no public port', () => {
    expect(productOverridesFor('web')).toEqual({ pipeline: { consume: false }, enforcement: { schedule: false }, bootstrapRetryMs: false });
    expect(productOverridesFor('worker')).toEqual({ listen: false });
    expect(productOverridesFor('all')).toEqual({});
  });

  it('a Redis that can lose jobs stops production unless overridden, and only warns elsewhere', () => {
    const volatile = { persistence: 'none' as const, evictionPolicy: 'allkeys-lru', durable: false, problems: ['persists nothing', 'evicts'] };
    expect(() => judgeRedisDurability(volatile, loadConfig({ ...PROD, ...FULL }), opts())).toThrow(/persists nothing[\s\S]*evicts[\s\S]*REDIS_ALLOW_VOLATILE/);
    expect(() => judgeRedisDurability(volatile, loadConfig({ ...PROD, ...FULL }), opts({ allowVolatileRedis: true }))).not.toThrow();
    expect(() => judgeRedisDurability(volatile, loadConfig({ ...PROD, ...FULL, REDIS_ALLOW_VOLATILE: 'true' }), opts())).not.toThrow();
    expect(() => judgeRedisDurability(volatile, loadConfig({ ...FULL }), opts())).not.toThrow();
    expect(() => loadConfig({ REDIS_ALLOW_VOLATILE: 'yes' })).toThrow(/REDIS_ALLOW_VOLATILE: must be true or false/);
  });
});

describe('serve in production, as a process', () => {
  it('stops before opening anything when the ledger keys are missing, naming them', async () => {
    const { spawnSync } = await import('node:child_process');
    const env: NodeJS.ProcessEnv = { ...process.env, ...PROD, ...FULL, LEDGER_HMAC_KEY: '', LEDGER_SIGNING_KEY: '', LEDGER_CHECKPOINT_PATH: '' };
    const r = spawnSync(process.execPath, [bin, 'serve'], { encoding: 'utf8', timeout: 20_000, env });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/LEDGER_HMAC_KEY, LEDGER_SIGNING_KEY, LEDGER_CHECKPOINT_PATH/);
    expect(r.stderr).not.toMatch(/\bat \S+ \(/); // a message, not a stack trace
  });
});

describe('Redis durability check', () => {
  it('reads AOF and the eviction policy from INFO when CONFIG is refused (managed Redis)', async () => {
    const managed = (info: string) => ({
      call: async (cmd: string) => { if (cmd === 'CONFIG') throw new Error("ERR unknown command 'CONFIG'"); return info; },
    });
    expect(await checkRedisDurability(managed('# Persistence\r\naof_enabled:1\r\n# Memory\r\nmaxmemory_policy:noeviction\r\n')))
      .toEqual({ persistence: 'aof', evictionPolicy: 'noeviction', durable: true, problems: [] });
    const lossy = await checkRedisDurability(managed('aof_enabled:0\r\nmaxmemory_policy:volatile-lru\r\n'));
    expect(lossy).toMatchObject({ persistence: 'unknown', evictionPolicy: 'volatile-lru', durable: false });
    expect(lossy.problems.join(' ')).toMatch(/noeviction/);
  });
});

describeWithServices('Redis durability check on real servers', { redis: true }, () => {
  let persistent: PrivateRedis;
  beforeAll(async () => { persistent = await startPrivateRedis({ persist: true }); });
  afterAll(async () => { await persistent?.dispose(); });

  it('sees the machine\'s Redis (no AOF, no snapshots) as volatile', async () => {
    const redis = new Redis(REDIS_TEST_URL, { lazyConnect: true });
    await redis.connect();
    try {
      const [, save] = await redis.config('GET', 'save') as [string, string];
      const [, aof] = await redis.config('GET', 'appendonly') as [string, string];
      const report = await checkRedisDurability(redis);
      expect(report.durable).toBe(false);
      expect(report.persistence).toBe(aof === 'yes' ? 'aof' : save ? 'rdb' : 'none');
    } finally { redis.disconnect(); }
  });

  it('sees an AOF Redis with noeviction as durable, and as volatile once it may evict', async () => {
    const redis = new Redis(persistent.url, { lazyConnect: true });
    await redis.connect();
    try {
      expect(await checkRedisDurability(redis)).toEqual({ persistence: 'aof', evictionPolicy: 'noeviction', durable: true, problems: [] });
      await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
      const report = await checkRedisDurability(redis);
      expect(report).toMatchObject({ persistence: 'aof', evictionPolicy: 'allkeys-lru', durable: false });
      expect(report.problems).toHaveLength(1);
    } finally { redis.disconnect(); }
  });
});

const CLIENT_ID = 'roles-client';
const CLIENT_SECRET = 'roles-client-secret-0123456789';
const bin = path.resolve(import.meta.dirname, '../../bin/prospect-guard.js');

interface Proc { child: ChildProcess; output: () => string; exited: Promise<number | null> }
function startServe(args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [bin, 'serve', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
  return { child, output: () => out, exited: new Promise((r) => child.once('exit', (code) => r(code))) };
}

/** Sum of a metric's samples whose labels include `labels` (label order is prom-client's business). */
function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) total += Number(m[3]);
  }
  return total;
}

async function until(what: string, cond: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeWithServices('serve: one web process and two workers on PostgreSQL and Redis', { postgres: true, redis: true }, () => {
  const dbName = `pg_roles_${randomBytes(4).toString('hex')}`;
  let redis: PrivateRedis;
  let standIn: StandIn;
  const procs: Proc[] = [];
  let webUrl = '';
  let metricsPorts: number[] = [];

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: DATABASE_TEST_URL });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    redis = await startPrivateRedis();
    const webPort = await freePort();
    webUrl = `http://127.0.0.1:${webPort}`;
    standIn = await startStandIn({
      clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, rateLimits: false, redirectUris: [`${webUrl}/oauth/callback`],
      webhooks: { targetUrl: `${webUrl}/webhooks/hubspot`, flushIntervalMs: 30, retryDelayMs: 200 },
    });
    const dbUrl = new URL(DATABASE_TEST_URL);
    dbUrl.pathname = `/${dbName}`;
    const common = {
      NODE_ENV: 'development', PUBLIC_BASE_URL: webUrl, LOG_LEVEL: 'warn', DATABASE_URL: dbUrl.toString(), REDIS_URL: redis.url,
      HUBSPOT_API_BASE_URL: standIn.url, HUBSPOT_AUTHORIZE_URL: standIn.authorizeUrl, HUBSPOT_CLIENT_ID: CLIENT_ID,
      HUBSPOT_CLIENT_SECRET: CLIENT_SECRET, HUBSPOT_APP_ID: String(standIn.appId), TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      DATA_DIR: path.join(import.meta.dirname, 'nowhere-should-be-written'),
    };
    const web = startServe(['--role', 'web'], { ...common, PORT: String(webPort) });
    procs.push(web);
    await until('web process', async () => (await fetch(`${webUrl}/healthz`)).ok);
    metricsPorts = [await freePort(), await freePort()];
    for (const mp of metricsPorts) {
      const worker = startServe(['--role', 'worker'], { ...common, PORT: String(webPort), METRICS_PORT: String(mp) });
      procs.push(worker);
      await until('worker metrics listener', async () => (await fetch(`http://127.0.0.1:${mp}/healthz`)).ok);
    }
  }, 120_000);

  afterAll(async () => {
    for (const p of procs) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => Promise.race([p.exited, new Promise((r) => setTimeout(r, 15_000))])));
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await standIn?.close();
    await redis?.dispose();
    const admin = new pg.Client({ connectionString: DATABASE_TEST_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }, 60_000);

  it('installs through the web process, and the workers judge every contact (backfill and webhooks)', async () => {
    const { portalId } = standIn.createAccount({ portalId: randomInt(200_000_000, 900_000_000) });
    const before = standIn.createContact(portalId, { email: 'anne.durand@acme-industrie.fr', jobtitle: 'Directrice achats', company: 'Acme Industrie', country: 'FR' });
    standIn.approveInstallsAs(portalId);
    const first = await fetch(`${webUrl}/oauth/install`, { redirect: 'manual' });
    const consent = await fetch(first.headers.get('location') ?? '', { redirect: 'manual' });
    const callback = await fetch(consent.headers.get('location') ?? '', { redirect: 'manual' });
    expect(callback.status).toBeLessThan(400);
    const judged = (id: string) => async () => Boolean(standIn.getContact(portalId, id)?.properties.pg_status);
    await until('backfill of the existing contact', judged(before), 60_000);
    const after = standIn.createContact(portalId, { email: 'contact@acme-industrie.fr', country: 'FR' });
    await until('the new contact judged from its webhook', judged(after), 60_000);
    expect(standIn.getContact(portalId, after)?.properties.pg_audience).toBe('b2b_generic');

    // The web process answered the webhooks and judged nothing; the workers did the judging.
    const webMetrics = await (await fetch(`${webUrl}/metrics`)).text();
    expect(metricSum(webMetrics, 'prospect_guard_webhook_ack_duration_seconds_count', { status: '2xx' })).toBeGreaterThan(0);
    expect(metricSum(webMetrics, 'prospect_guard_contacts_judged_total')).toBe(0);
    const workerMetrics = await Promise.all(metricsPorts.map(async (p) => (await fetch(`http://127.0.0.1:${p}/metrics`)).text()));
    const sum = (name: string, labels: Record<string, string> = {}) => workerMetrics.reduce((n, m) => n + metricSum(m, name, labels), 0);
    expect(sum('prospect_guard_contacts_judged_total')).toBeGreaterThanOrEqual(2);
    expect(sum('prospect_guard_jobs_total', { outcome: 'completed' })).toBeGreaterThan(0);
    expect(sum('prospect_guard_hubspot_requests_total', { status: '2xx' })).toBeGreaterThan(0);
    expect(sum('prospect_guard_judge_duration_seconds_count')).toBeGreaterThan(0);
    // A worker has no public port: only the web process listens on PORT.
    for (const p of procs.slice(1)) expect(p.output()).not.toMatch(/EADDRINUSE/);
  }, 120_000);
});
