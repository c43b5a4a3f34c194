// Event-to-tag latency at a steady 500 webhook events per second, on the full app (BullMQ on Redis, PostgreSQL
// when reachable) against the HubSpot stand-in with HubSpot's rate limits: contacts are created in the
// stand-in, which delivers signed webhooks; latency is from the creation to the moment the contact carries
// its pg_* tags in HubSpot. Also API calls per event. Beside it, the naive pipeline measured in the same run:
// one read and one write per event, through the same limits.
import { randomBytes } from 'node:crypto';
import { Client } from '@hubspot/api-client';
import type { BenchResult, BenchSection } from '../types.ts';
import { installThroughRedirects, startDemoStack, waitForQuiet, waitUntil } from '../../scripts/demo.ts';
import { createMemoryRateLimiter } from '../../src/ratelimit/portal-rate-limiter.ts';
import { DATABASE_TEST_URL, postgresUp, REDIS_TEST_URL, redisUp } from '../../test/support/services.ts';
import { openDb } from '../../src/storage/db.ts';
import { Redis } from 'ioredis';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

const PROPS = (i: number) => ({
  email: `lead${i}.${randomBytes(3).toString('hex')}@acme-industrie.fr`, country: 'France', company: 'Acme Industrie',
  jobtitle: 'Acheteur', phone: '+33 1 23 45 67 89',
});

const section: BenchSection = {
  name: 'pipeline-latency',
  description: 'event-to-tag latency at 500 events/s and API calls per event (BullMQ, HubSpot limits); naive read+write per event beside it',
  targets: [
    { metric: 'latencyP95Ms', max: 2000, fullRunOnly: true },
    { metric: 'callsPerEvent', max: 0.05 },
  ],
  async run({ quick, tmpDir, log }): Promise<BenchResult> {
    if (!redisUp) return { skipped: 'Redis unreachable' };
    const seconds = quick ? 3 : 20;
    const schema = `bench_${randomBytes(4).toString('hex')}`;
    const keyPrefix = `pg-bench-lat-${randomBytes(4).toString('hex')}`;
    const db = postgresUp ? await openDb({ databaseUrl: DATABASE_TEST_URL, schema, poolSize: 8 }) : undefined;
    const stack = await startDemoStack({
      contacts: 100, dataDir: tmpDir, db, databaseUrl: db ? DATABASE_TEST_URL : null, redisUrl: REDIS_TEST_URL, keyPrefix, logLevel: 'error',
    });
    try {
      const { standIn, portalId } = stack;
      await installThroughRedirects(stack.app.url as string);
      await waitUntil('backfill', async () => (await stack.app.pipeline!.pipeline.backfillProgress(portalId)).state === 'done', 60_000);
      await waitForQuiet(stack, 30_000);

      // Calibrate: events per created contact.
      const e0 = standIn.stats(portalId).webhookEvents;
      for (let i = 0; i < 10; i++) standIn.createContact(portalId, PROPS(i));
      await waitForQuiet(stack, 30_000);
      const perContact = (standIn.stats(portalId).webhookEvents - e0) / 10;
      const contactsPerSecond = 500 / perContact;
      log(`${perContact} events per created contact: creating ${contactsPerSecond.toFixed(0)} contacts/s for ${seconds} s`);

      await new Promise((r) => setTimeout(r, 10_000)); // let the rolling rate-limit window empty
      const before = standIn.stats(portalId);
      const created = new Map<string, number>();
      const latencies: number[] = [];
      const t0 = Date.now();
      let made = 0;
      const poll = setInterval(() => {
        const now = Date.now();
        for (const [id, at] of created) {
          if (standIn.getContact(portalId, id)?.properties.pg_status) {
            latencies.push(now - at);
            created.delete(id);
          }
        }
      }, 20);
      while (Date.now() - t0 < seconds * 1000) {
        const due = Math.floor(((Date.now() - t0) / 1000) * contactsPerSecond);
        for (; made < due; made++) created.set(standIn.createContact(portalId, PROPS(1000 + made)), Date.now());
        await new Promise((r) => setTimeout(r, 20));
      }
      await waitUntil('every created contact tagged', async () => created.size === 0, 60_000, 50);
      clearInterval(poll);
      await waitForQuiet(stack, 30_000);
      const after = standIn.stats(portalId);
      const events = after.webhookEvents - before.webhookEvents;
      const calls = after.calls - before.calls;
      latencies.sort((a, b) => a - b);

      // Naive baseline: the same kind of events for another account, one read and one write each, same limits.
      const naivePortal = standIn.createAccount().portalId;
      const { accessToken } = standIn.installDirectly(naivePortal);
      const client = new Client({ accessToken, basePath: standIn.url, numberOfApiCallRetries: 0 });
      const limiter = createMemoryRateLimiter();
      const naiveSeconds = quick ? 1 : 2;
      const budgetMs = quick ? 5_000 : 15_000;
      const queue: { id: string; at: number }[] = [];
      const n0 = Date.now();
      let naiveMade = 0;
      while (Date.now() - n0 < naiveSeconds * 1000) {
        const due = Math.floor(((Date.now() - n0) / 1000) * contactsPerSecond);
        for (; naiveMade < due; naiveMade++) {
          const id = standIn.createContact(naivePortal, PROPS(5000 + naiveMade));
          for (let k = 0; k < perContact; k++) queue.push({ id, at: Date.now() });
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      const naiveLatencies: number[] = [];
      const s0 = standIn.stats(naivePortal).calls;
      while (queue.length > 0 && Date.now() - n0 < budgetMs) {
        const e = queue.shift() as { id: string; at: number };
        const readSlot = await limiter.acquire(naivePortal, 'api');
        const c = await client.crm.contacts.basicApi.getById(e.id, ['email', 'country', 'jobtitle']);
        await readSlot();
        const writeSlot = await limiter.acquire(naivePortal, 'api');
        await client.crm.contacts.basicApi.update(e.id, { properties: { jobtitle: c.properties.jobtitle ?? 'Acheteur' } });
        await writeSlot();
        naiveLatencies.push(Date.now() - e.at);
      }
      const naiveDone = naiveLatencies.length;
      naiveLatencies.sort((a, b) => a - b);
      return {
        seconds,
        eventsDelivered: events,
        eventsPerSecond: Math.round(events / seconds),
        contactsCreated: made,
        latencyP50Ms: percentile(latencies, 50),
        latencyP95Ms: percentile(latencies, 95),
        apiCalls: calls,
        callsPerEvent: Number((calls / Math.max(1, events)).toFixed(4)),
        rateLimited: after.rateLimited - before.rateLimited,
        naiveEventsOffered: naiveDone + queue.length,
        naiveEventsDoneInBudget: naiveDone,
        naiveCallsPerEvent: Number(((standIn.stats(naivePortal).calls - s0) / Math.max(1, naiveDone)).toFixed(2)),
        naiveLatencyP50Ms: percentile(naiveLatencies, 50),
        naiveLatencyP95Ms: percentile(naiveLatencies, 95),
        naiveBacklogAfterBudget: queue.length,
      };
    } finally {
      await stack.stop();
      const redis = new Redis(REDIS_TEST_URL);
      const keys = await redis.keys(`${keyPrefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
      if (db) {
        await db.query(`drop schema if exists "${schema}" cascade`).catch(() => undefined);
        await db.close();
      }
    }
  },
};

export default section;
