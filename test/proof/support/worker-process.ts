// A worker process for the kill -9 test: the app's pipeline consuming jobs from Redis against the shared
// PostgreSQL schema, no HTTP. Configured by environment (PROOF_*); prints "ready" once its workers run, then a
// progress line of its own judgement count every 100 ms, so the parent can kill it in the middle of a batch.
import { loadConfig } from '../../../src/config/config.ts';
import { startApp } from '../../../src/main.ts';
import { openDb } from '../../../src/storage/db.ts';

const env = process.env;
function need(name: string): string {
  const v = env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
}

const db = await openDb({ databaseUrl: need('PROOF_DB_URL'), schema: need('PROOF_SCHEMA'), poolSize: 4 });
const config = loadConfig({
  NODE_ENV: 'test', PORT: '0', PUBLIC_BASE_URL: need('PROOF_PUBLIC_URL'), LOG_LEVEL: env.PROOF_LOG_LEVEL ?? 'silent',
  HUBSPOT_API_BASE_URL: need('PROOF_HUBSPOT_URL'), HUBSPOT_CLIENT_ID: need('PROOF_CLIENT_ID'),
  HUBSPOT_CLIENT_SECRET: need('PROOF_CLIENT_SECRET'), HUBSPOT_APP_ID: need('PROOF_APP_ID'),
  TOKEN_ENCRYPTION_KEY: need('PROOF_TOKEN_KEY'), REDIS_URL: need('PROOF_REDIS_URL'),
});
const app = await startApp(config, {
  db, listen: false, bootstrapRetryMs: false,
  pipeline: {
    keyPrefix: need('PROOF_PREFIX'), coalesceWindowMs: 30, sweepIntervalMs: 500,
    lockDurationMs: Number(env.PROOF_LOCK_MS ?? 2000), stalledIntervalMs: 1000, hubspotCallTimeoutMs: 3000,
    ...(env.PROOF_RECONCILE_MS ? { reconcileIntervalMs: Number(env.PROOF_RECONCILE_MS), reconcile: { settleMs: 300, overlapMs: 15_000 } } : {}),
  },
});
process.stdout.write('ready\n');
const timer = setInterval(() => {
  const stats = app.pipeline?.pipeline.stats;
  process.stdout.write(`${JSON.stringify({ judged: stats?.judge.judged ?? 0, batches: stats?.judgeBatches ?? 0 })}\n`);
}, 100);
process.once('SIGTERM', () => {
  clearInterval(timer);
  app.stop().then(() => db.close()).then(() => process.exit(0), () => process.exit(1));
});
