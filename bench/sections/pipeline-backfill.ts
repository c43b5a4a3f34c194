// Backfill of an account on the HubSpot stand-in with HubSpot's real limits, once per tier the stand-in plays:
// a marketplace OAuth app (110 calls / 10 s), a Free/Starter account (100) and a Professional one (190), search
// 5 / s in each. Per tier: elapsed time against the floor HubSpot's own limits impose for the calls made, and the
// share of calls answered 429 (marketplace certification: under 5% of a day's calls). The app learns each tier
// from the answers' X-HubSpot-RateLimit-* headers. Beside it, the naive baseline measured in the same run on a
// sample: one read and one write per contact.
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
const TIERS = [
  { tier: 'marketplace', perTenSeconds: 110 },
  { tier: 'free', perTenSeconds: 100 },
  { tier: 'professional', perTenSeconds: 190 },
] as const;

interface TierRun {
  tier: string;
  contacts: number;
  seconds: number;
  floorSeconds: number;
  timeOverFloor: number;
  calls: number;
  searches: number;
  rateLimited: number;
  share429: number;
}

const section: BenchSection = {
  name: 'pipeline-backfill',
  description: 'backfill on the stand-in with HubSpot limits per tier (110, 100, 190 / 10 s): calls per contact, time vs the floor, share of 429s, naive baseline',
  targets: [
    { metric: 'callsPerContact', max: 0.03 },
    { metric: 'timeOverFloor', max: 1.15, fullRunOnly: true },
    { metric: 'worstTimeOverFloor', max: 1.25, fullRunOnly: true },
    { metric: 'worstShare429', max: 0.05 },
  ],
  async run({ quick, tmpDir, log }) {
    const contacts = quick ? 2000 : Number(process.env.BENCH_BACKFILL_CONTACTS ?? 100_000);
    const runs: TierRun[] = [];
    let naive: Record<string, number> = {};
    for (const { tier, perTenSeconds } of TIERS) {
      const schema = `bench_${randomBytes(4).toString('hex')}`;
      const db = postgresUp ? await openDb({ databaseUrl: DATABASE_TEST_URL, schema, poolSize: 8 }) : undefined;
      try {
        log(`${tier}: seeding ${contacts} contacts (${db ? 'PostgreSQL' : 'PGlite'}; stand-in in its own process)`);
        const port = await freePort();
        const appUrl = `http://127.0.0.1:${port}`;
        const secret = randomBytes(12).toString('hex');
        const standIn = await spawnStandIn({ port: 0, clientId: 'bench', clientSecret: secret, appId: 4242, seed: 42, tier,
          webhooks: { targetUrl: `${appUrl}/webhooks/hubspot` } });
        const { portalId } = await standIn.call('createAccount') as { portalId: number };
        await standIn.call('approveInstallsAs', portalId);
        await standIn.call('seedContacts', portalId, contacts, { seed: 42 });
        const config = loadConfig({
          PORT: String(port), PUBLIC_BASE_URL: appUrl, HUBSPOT_CLIENT_ID: 'bench', HUBSPOT_CLIENT_SECRET: secret, HUBSPOT_APP_ID: '4242',
          HUBSPOT_API_BASE_URL: standIn.url, HUBSPOT_AUTHORIZE_URL: standIn.authorizeUrl, DATA_DIR: `${tmpDir}/${tier}`, LOG_LEVEL: 'error',
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
          const floor = Math.max(searches / SEARCH_PER_SECOND, Math.max(0, otherCalls - perTenSeconds) / (perTenSeconds / 10));
          const calls = stats.calls - installCalls;
          runs.push({
            tier, contacts: p.processed, seconds: Number(seconds.toFixed(2)), floorSeconds: Number(floor.toFixed(2)),
            timeOverFloor: Number((seconds / Math.max(floor, 0.001)).toFixed(3)), calls, searches, rateLimited: stats.rateLimited,
            share429: Number((stats.rateLimited / Math.max(1, stats.calls)).toFixed(4)),
          });
          log(`${tier} (${perTenSeconds}/10 s): ${p.processed} contacts in ${seconds.toFixed(1)} s, ${searches} searches + ${otherCalls} other calls, floor ${floor.toFixed(1)} s, ${stats.rateLimited} answered 429`);

          if (tier === 'marketplace') {
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
            naive = {
              naiveSampleContacts: ids.length,
              naiveCallsPerContact: Number((naiveCalls / ids.length).toFixed(3)),
              naiveSampleSeconds: Number(naiveSeconds.toFixed(2)),
              naiveFloorSecondsForAll: Math.round((p.processed * 2) / API_PER_SECOND),
            };
          }
        } finally {
          await app.stop();
          await standIn.close();
        }
      } finally {
        if (db) {
          await db.query(`drop schema if exists "${schema}" cascade`).catch(() => undefined);
          await db.close();
        }
      }
    }
    const main = runs[0] as TierRun;
    const byTier = Object.fromEntries(runs.flatMap((r) => [
      [`${r.tier}Seconds`, r.seconds], [`${r.tier}FloorSeconds`, r.floorSeconds], [`${r.tier}TimeOverFloor`, r.timeOverFloor],
      [`${r.tier}RateLimited`, r.rateLimited], [`${r.tier}Share429`, r.share429],
    ]));
    return {
      contacts: main.contacts,
      seconds: main.seconds,
      contactsPerSecond: Math.round(main.contacts / main.seconds),
      apiCalls: main.calls,
      callsPerContact: Number((main.calls / main.contacts).toFixed(4)),
      searchCalls: main.searches,
      rateLimited: main.rateLimited,
      floorSeconds: main.floorSeconds,
      timeOverFloor: main.timeOverFloor,
      worstTimeOverFloor: Math.max(...runs.map((r) => r.timeOverFloor)),
      worstShare429: Math.max(...runs.map((r) => r.share429)),
      ...byTier,
      ...naive,
    };
  },
};

export default section;
