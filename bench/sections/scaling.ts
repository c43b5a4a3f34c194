// Throughput against worker processes: 1, 2 and 4 worker processes (test/proof/support/worker-process.ts, the
// app's pipeline with no HTTP) consuming one Redis (BullMQ) and one PostgreSQL schema, judging webhook events for
// several portals (judgement is coalesced per portal, one batch job per portal at a time, so parallelism comes
// from many accounts). This process plays the web tier and HubSpot: the stand-in (no rate limits: the app's
// own throughput is measured, not HubSpot's quota) and the intake, which queues the events as the webhook
// receiver does. Time runs from the first event queued to the last contact judged, workers already started.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult, BenchSection } from '../types.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const NODE = path.join(root, 'node_modules/.bin/node');
const WORKER = path.join(root, 'test/proof/support/worker-process.ts');

interface Child { proc: ChildProcess; exited: Promise<void> }

async function startWorker(env: Record<string, string>): Promise<Child> {
  const proc = spawn(NODE, [WORKER], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
  await new Promise<void>((resolve, reject) => {
    proc.stdout?.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(); });
    proc.once('exit', (code) => reject(new Error(`worker exited (${code}): ${err.slice(-1500)}`)));
  });
  proc.stdout?.removeAllListeners('data');
  proc.stdout?.resume();
  return { proc, exited };
}

const section: BenchSection = {
  name: 'scaling',
  description: 'webhook events judged per second with 1, 2 and 4 worker processes on one Redis and one PostgreSQL',
  async run({ quick, log }): Promise<BenchResult> {
    process.env.LOG_LEVEL ??= 'error';
    const { postgresUp, redisUp, DATABASE_TEST_URL, REDIS_TEST_URL } = await import('../../test/support/services.ts');
    if (!postgresUp || !redisUp) return { skipped: 'needs PostgreSQL and Redis' };
    const { startStandIn } = await import('../../scripts/hubspot-standin/index.ts');
    const { loadConfig } = await import('../../src/config/config.ts');
    const { startApp } = await import('../../src/main.ts');
    const { openDb } = await import('../../src/storage/db.ts');
    const { default: pg } = await import('pg');
    // Sections share one process: keep this one's app quiet (stdout carries --json) and restore the level after.
    const { log: rootLog } = await import('../../src/log.ts');
    const previousLevel = rootLog.level;
    rootLog.level = 'error';
    try {
      return await measure();
    } finally {
      rootLog.level = previousLevel;
    }

    async function measure(): Promise<BenchResult> {
      const portals = quick ? 4 : 8;
      const perPortal = quick ? 100 : 1500;
      const counts = quick ? [1, 2] : [1, 2, 4];
      const result: BenchResult = { portals, eventsPerRun: portals * perPortal };
      const clientId = 'bench-scaling';
      const clientSecret = 'bench-scaling-secret-0123456789';
      const tokenKey = randomBytes(32).toString('base64');

      for (const workers of counts) {
        const schema = `bench_scale_${randomBytes(4).toString('hex')}`;
        const keyPrefix = `pg-bench-scale-${randomBytes(4).toString('hex')}`;
        const db = await openDb({ databaseUrl: DATABASE_TEST_URL, schema, poolSize: 6 });
        const standIn = await startStandIn({ clientId, clientSecret, rateLimits: false, webhooks: null });
        const port = await new Promise<number>((resolve) => {
          import('node:net').then(({ default: net }) => {
            const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
          }, () => resolve(0));
        });
        const baseUrl = `http://127.0.0.1:${port}`;
        const config = loadConfig({
          NODE_ENV: 'test', PORT: String(port), PUBLIC_BASE_URL: baseUrl, LOG_LEVEL: 'error', HUBSPOT_API_BASE_URL: standIn.url,
          HUBSPOT_AUTHORIZE_URL: standIn.authorizeUrl, HUBSPOT_CLIENT_ID: clientId, HUBSPOT_CLIENT_SECRET: clientSecret,
          HUBSPOT_APP_ID: String(standIn.appId), TOKEN_ENCRYPTION_KEY: tokenKey, REDIS_URL: REDIS_TEST_URL,
        });
        const app = await startApp(config, { db, listen: port, bootstrapRetryMs: false, pipeline: { keyPrefix, consume: false, coalesceWindowMs: 100 } });
        const children: Child[] = [];
        try {
          for (let i = 0; i < workers; i++) {
            children.push(await startWorker({
              PROOF_DB_URL: DATABASE_TEST_URL, PROOF_SCHEMA: schema, PROOF_PUBLIC_URL: baseUrl, PROOF_HUBSPOT_URL: standIn.url,
              PROOF_CLIENT_ID: clientId, PROOF_CLIENT_SECRET: clientSecret, PROOF_APP_ID: String(standIn.appId), PROOF_TOKEN_KEY: tokenKey,
              PROOF_REDIS_URL: REDIS_TEST_URL, PROOF_PREFIX: keyPrefix, PROOF_LOCK_MS: '30000',
            }));
          }
          const ids: number[] = [];
          for (let p = 0; p < portals; p++) {
            const { portalId } = standIn.createAccount({ portalId: 300_000_000 + p + workers * 1000 });
            standIn.approveInstallsAs(portalId);
            const a = await fetch(`${baseUrl}/oauth/install`, { redirect: 'manual' });
            const b = await fetch(a.headers.get('location') ?? '', { redirect: 'manual' });
            await fetch(b.headers.get('location') ?? '', { redirect: 'manual' });
            ids.push(portalId);
          }
          for (const portalId of ids) {
            for (let i = 0; i < 100 && (await app.pipeline!.pipeline.backfillProgress(portalId)).state !== 'done'; i++) await new Promise((r) => setTimeout(r, 100));
          }
          const events = ids.map((portalId) => Array.from({ length: perPortal }, (_, i) => {
            const id = standIn.createContact(portalId, { email: `s${i}.${portalId}@acme-industrie.fr`, country: 'France', company: 'Acme', jobtitle: 'Acheteur', pg_is_professional: 'true' });
            return { eventId: i + 1, subscriptionId: 1, portalId, appId: standIn.appId, occurredAt: Date.now(), subscriptionType: 'contact.creation', attemptNumber: 0, objectId: Number(id), changeSource: 'CRM_UI' };
          }));
          log(`${workers} worker process(es): ${portals * perPortal} events over ${portals} portals`);
          const t0 = performance.now();
          const cpu0 = process.cpuUsage();
          // As HubSpot delivers: batches of up to 100 events, portals interleaved.
          for (let i = 0; i < perPortal; i += 100) {
            for (const list of events) await app.pipeline!.pipeline.intake.accept(list.slice(i, i + 100) as never);
          }
          const queuedMs = performance.now() - t0;
          const total = portals * perPortal;
          for (;;) {
            const { rows } = await db.query<{ n: number }>('select count(*)::int as n from contact_state where evaluated_at is not null');
            if (Number(rows[0]?.n) >= total) break;
            if (performance.now() - t0 > 300_000) throw new Error(`only ${rows[0]?.n} of ${total} judged after 5 minutes`);
            await new Promise((r) => setTimeout(r, 25));
          }
          const ms = performance.now() - t0;
          const cpu = process.cpuUsage(cpu0);
          result[`eventsPerSecond_${workers}w`] = Math.round((total * 1000) / ms);
          // This process is the stand-in (HubSpot) and the intake: near 100 % it, not the workers, is the limit.
          result[`standInProcessCpuPct_${workers}w`] = Math.round(((cpu.user + cpu.system) / 1000 / ms) * 100);
          result[`intakeQueueMs_${workers}w`] = Math.round(queuedMs);
          log(`${workers}: ${Math.round((total * 1000) / ms)} events/s`);
        } finally {
          for (const c of children) { c.proc.kill('SIGTERM'); await Promise.race([c.exited, new Promise((r) => setTimeout(r, 10_000))]); c.proc.kill('SIGKILL'); }
          await app.stop();
          await standIn.close();
          await db.close();
          const client = new pg.Client({ connectionString: DATABASE_TEST_URL });
          await client.connect();
          await client.query(`drop schema if exists "${schema}" cascade`).finally(() => client.end());
        }
      }
      const base = Number(result.eventsPerSecond_1w);
      for (const n of counts.slice(1)) result[`speedup_${n}w`] = Number((Number(result[`eventsPerSecond_${n}w`]) / base).toFixed(2));
      return result;
    }
  },
};

export default section;
