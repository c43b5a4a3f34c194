// Backfill of an account on the HubSpot stand-in with HubSpot's real limits (110 calls / 10 s, search 5 / s):
// API calls per contact and elapsed time against the floor the limits themselves impose for the calls made.
// Beside it, the naive baseline measured in the same run on a sample: one read and one write per contact.
import { randomBytes } from 'node:crypto';
import type { BenchSection } from '../types.ts';
import { installThroughRedirects, startDemoStack, waitUntil } from '../../scripts/demo.ts';
import { createMemoryRateLimiter } from '../../src/ratelimit/portal-rate-limiter.ts';
import { DATABASE_TEST_URL, postgresUp } from '../../test/support/services.ts';
import { openDb } from '../../src/storage/db.ts';
import { Client } from '@hubspot/api-client';

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
    log(`seeding ${contacts} contacts (${db ? 'PostgreSQL' : 'PGlite'})`);
    const stack = await startDemoStack({ contacts, dataDir: tmpDir, db, logLevel: 'error', databaseUrl: db ? DATABASE_TEST_URL : null });
    try {
      const pipeline = stack.app.pipeline!;
      stack.standIn.resetStats();
      await installThroughRedirects(stack.app.url as string);
      const installCalls = stack.standIn.stats(stack.portalId).calls;
      await waitUntil('backfill start', async () => (await pipeline.pipeline.backfillProgress(stack.portalId)).state !== 'not_started', 30_000, 20);
      const t0 = Date.now();
      await waitUntil('backfill', async () => (await pipeline.pipeline.backfillProgress(stack.portalId)).state === 'done', 3_600_000, 100);
      const seconds = (Date.now() - t0) / 1000;
      const p = await pipeline.pipeline.backfillProgress(stack.portalId);
      const stats = stack.standIn.stats(stack.portalId);
      const searches = stats.byRoute['POST /crm/v3/objects/contacts/search'] ?? 0;
      const otherCalls = stats.calls - installCalls - searches;
      const floor = Math.max(searches / SEARCH_PER_SECOND, Math.max(0, otherCalls - 110) / API_PER_SECOND);
      log(`backfill: ${p.processed} contacts in ${seconds.toFixed(1)} s, ${searches} searches + ${otherCalls} other calls, floor ${floor.toFixed(1)} s`);

      // Naive baseline on a sample: read one contact, write it, per contact, through the same limits.
      const sample = quick ? 30 : 100;
      const token = await stack.app.clients.accessToken(stack.portalId);
      const client = new Client({ accessToken: token, basePath: stack.standIn.url, numberOfApiCallRetries: 0 });
      const limiter = createMemoryRateLimiter();
      await new Promise((r) => setTimeout(r, 10_000));
      stack.standIn.resetStats();
      const ids = stack.standIn.contactIds(stack.portalId).slice(0, sample);
      const n0 = Date.now();
      for (const id of ids) {
        await limiter.acquire(stack.portalId, 'api');
        const c = await client.crm.contacts.basicApi.getById(id, ['email', 'country', 'pg_status']);
        await limiter.acquire(stack.portalId, 'api');
        await client.crm.contacts.basicApi.update(id, { properties: { pg_status: c.properties.pg_status ?? 'at_risk' } });
      }
      const naiveSeconds = (Date.now() - n0) / 1000;
      const naiveCalls = stack.standIn.stats(stack.portalId).calls;
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
      await stack.stop();
      if (db) {
        await db.query(`drop schema if exists "${schema}" cascade`).catch(() => undefined);
        await db.close();
      }
    }
  },
};

export default section;
