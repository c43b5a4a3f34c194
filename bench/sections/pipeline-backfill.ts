// Backfill of an account on the HubSpot stand-in with HubSpot's real limits (110 calls / 10 s, search 5 / s):
// API calls per contact and elapsed time against the floor the limits themselves impose for the calls made.
// Beside it, the naive baseline measured in the same run on a sample: one read and one write per contact.
import { randomBytes } from 'node:crypto';
import type { BenchSection } from '../types.ts';
import { fork } from 'node:child_process';
import path from 'node:path';
import { freePort, installThroughRedirects, waitUntil } from '../../scripts/demo.ts';
import { loadConfig } from '../../src/config/config.ts';
import { startApp } from '../../src/main.ts';
import { createMemoryRateLimiter } from '../../src/ratelimit/portal-rate-limiter.ts';
import { DATABASE_TEST_URL, postgresUp } from '../../test/support/services.ts';
import { openDb } from '../../src/storage/db.ts';
import { Client } from '@hubspot/api-client';

/** The stand-in in a child process (its CPU is HubSpot's, not ours), driven over IPC. */
async function spawnStandIn(options: Record<string, unknown>): Promise<{ url: string; authorizeUrl: string; call(op: string, ...args: unknown[]): Promise<unknown>; close(): Promise<void> }> {
  const child = fork(path.resolve('test/pipeline/fixtures/standin-process.ts'), [], {
    env: { ...process.env, STANDIN_OPTIONS: JSON.stringify(options) }, execPath: path.resolve('node_modules/.bin/node'), stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let seq = 0;
  const ready = await new Promise<{ url: string; authorizeUrl: string }>((resolve, reject) => {
    child.on('message', (m: { ready?: boolean; url: string; authorizeUrl: string; id?: number; ok?: boolean; result?: unknown; error?: string }) => {
      if (m.ready) return resolve(m);
      const w = waiting.get(m.id ?? -1);
      if (!w) return;
      waiting.delete(m.id as number);
      if (m.ok) w.resolve(m.result);
      else w.reject(new Error(m.error));
    });
    child.once('exit', (code) => reject(new Error(`stand-in exited with ${code}`)));
  });
  const call = (op: string, ...args: unknown[]) => new Promise<unknown>((resolve, reject) => {
    const id = ++seq;
    waiting.set(id, { resolve, reject });
    child.send({ id, op, args });
  });
  return { ...ready, call, close: async () => { await call('close').catch(() => undefined); child.kill(); } };
}

const SEARCH_PER_SECOND = 5;
const API_PER_SECOND = 11;

const section: BenchSection = {
  name: 'pipeline-backfill',
  description: 'backfill on the stand-in with HubSpot limits: calls per contact, time vs the rate-limit floor, naive baseline',
  targets: [
    { metric: 'callsPerContact', max: 0.03 },
    { metric: 'timeOverFloor', max: 1.15, fullRunOnly: true },
  ],
  async run({ quick, tmpDir, log }) {
    const contacts = quick ? 2000 : Number(process.env.BENCH_BACKFILL_CONTACTS ?? 100_000);
    const schema = `bench_${randomBytes(4).toString('hex')}`;
    const db = postgresUp ? await openDb({ databaseUrl: DATABASE_TEST_URL, schema, poolSize: 8 }) : undefined;
    log(`seeding ${contacts} contacts (${db ? 'PostgreSQL' : 'PGlite'}; stand-in in its own process)`);
    const port = await freePort();
    const appUrl = `http://127.0.0.1:${port}`;
    const secret = randomBytes(12).toString('hex');
    const standIn = await spawnStandIn({ port: 0, clientId: 'bench', clientSecret: secret, appId: 4242, seed: 42,
      webhooks: { targetUrl: `${appUrl}/webhooks/hubspot` } });
    const { portalId } = await standIn.call('createAccount') as { portalId: number };
    await standIn.call('approveInstallsAs', portalId);
    await standIn.call('seedContacts', portalId, contacts, { seed: 42 });
    const config = loadConfig({
      PORT: String(port), PUBLIC_BASE_URL: appUrl, HUBSPOT_CLIENT_ID: 'bench', HUBSPOT_CLIENT_SECRET: secret, HUBSPOT_APP_ID: '4242',
      HUBSPOT_API_BASE_URL: standIn.url, HUBSPOT_AUTHORIZE_URL: standIn.authorizeUrl, DATA_DIR: tmpDir, LOG_LEVEL: 'error',
      ...(db ? { DATABASE_URL: DATABASE_TEST_URL } : {}),
    });
    const app = await startApp(config, { listen: port, db, bootstrapRetryMs: false, pipeline: { keyPrefix: `pg-bench-bf-${randomBytes(3).toString('hex')}` } });
    try {
      const pipeline = app.pipeline!;
      await standIn.call('resetStats');
      await installThroughRedirects(appUrl);
      const installCalls = (await standIn.call('stats', portalId) as { calls: number }).calls;
      await waitUntil('backfill start', async () => (await pipeline.pipeline.backfillProgress(portalId)).state !== 'not_started', 30_000, 20);
      const t0 = Date.now();
      await waitUntil('backfill', async () => (await pipeline.pipeline.backfillProgress(portalId)).state === 'done', 3_600_000, 100);
      const seconds = (Date.now() - t0) / 1000;
      const p = await pipeline.pipeline.backfillProgress(portalId);
      const stats = await standIn.call('stats', portalId) as { calls: number; rateLimited: number; byRoute: Record<string, number> };
      const searches = stats.byRoute['POST /crm/v3/objects/contacts/search'] ?? 0;
      const otherCalls = stats.calls - installCalls - searches;
      const floor = Math.max(searches / SEARCH_PER_SECOND, Math.max(0, otherCalls - 110) / API_PER_SECOND);
      log(`backfill: ${p.processed} contacts in ${seconds.toFixed(1)} s, ${searches} searches + ${otherCalls} other calls, floor ${floor.toFixed(1)} s`);

      // Naive baseline on a sample: read one contact, write it, per contact, through the same limits.
      const sample = quick ? 30 : 100;
      const token = await app.clients.accessToken(portalId);
      const client = new Client({ accessToken: token, basePath: standIn.url, numberOfApiCallRetries: 0 });
      const limiter = createMemoryRateLimiter();
      await new Promise((r) => setTimeout(r, 10_000));
      await standIn.call('resetStats');
      const ids = (await standIn.call('contactIds', portalId) as string[]).slice(0, sample);
      const n0 = Date.now();
      for (const id of ids) {
        const readSlot = await limiter.acquire(portalId, 'api');
        const c = await client.crm.contacts.basicApi.getById(id, ['email', 'country', 'pg_status']);
        await readSlot();
        const writeSlot = await limiter.acquire(portalId, 'api');
        await client.crm.contacts.basicApi.update(id, { properties: { pg_status: c.properties.pg_status ?? 'at_risk' } });
        await writeSlot();
      }
      const naiveSeconds = (Date.now() - n0) / 1000;
      const naiveCalls = (await standIn.call('stats', portalId) as { calls: number }).calls;
      return {
        contacts: p.processed,
        seconds: Number(seconds.toFixed(2)),
        contactsPerSecond: Math.round(p.processed / seconds),
        apiCalls: stats.calls - installCalls,
        callsPerContact: Number(((stats.calls - installCalls) / p.processed).toFixed(4)),
        searchCalls: searches,
        rateLimited: stats.rateLimited,
        floorSeconds: Number(floor.toFixed(2)),
        timeOverFloor: Number((seconds / Math.max(floor, 0.001)).toFixed(3)),
        naiveSampleContacts: ids.length,
        naiveCallsPerContact: Number((naiveCalls / ids.length).toFixed(3)),
        naiveSampleSeconds: Number(naiveSeconds.toFixed(2)),
        naiveFloorSecondsForAll: Math.round((p.processed * 2) / API_PER_SECOND),
      };
    } finally {
      await app.stop();
      await standIn.close();
      if (db) {
        await db.query(`drop schema if exists "${schema}" cascade`).catch(() => undefined);
        await db.close();
      }
    }
  },
};

export default section;
