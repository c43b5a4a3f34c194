// What the queue keeps in Redis (issue 14 items 3 and 7): webhook jobs carry ids and property names, never a
// contact's values; failed jobs keep an error class, no message and no stack; an erasure (the card's, or a
// deletion event) removes every queued event naming the contact; events of a portal that never installed the
// app are dropped before anything is stored, and counted.
import { Queue, type Job } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { describeWithServices, REDIS_TEST_URL } from '../support/services.ts';
import { silentLog } from '../pipeline/helpers.ts';
import { createBullMqQueue } from '../../src/queue/bullmq-queue.ts';
import { defineJob } from '../../src/queue/job.ts';
import { createProofDb, startStack, waitFor, type ProofDb, type Stack } from './support/stack.ts';
import { deleteRedisPrefix, dumpRedisPrefix, findInDump } from './support/redis-scan.ts';

const INGEST = 'ingest-webhook-batch';

interface StoredEvent { portalId: number; objectId: string; propertyName?: string; subscriptionType: string }

/** Every event held by an ingest job of this prefix, in any state. */
async function queuedEvents(prefix: string): Promise<StoredEvent[]> {
  const q = new Queue(INGEST, { connection: { url: REDIS_TEST_URL }, prefix });
  try {
    const jobs = (await q.getJobs(['wait', 'delayed', 'prioritized', 'active', 'failed', 'completed'], 0, -1)) as Job<{ data: { events?: StoredEvent[] } }>[];
    return jobs.flatMap((j) => j?.data?.data?.events ?? []);
  } finally {
    await q.close();
  }
}

describeWithServices('personal data in the queue', { postgres: true, redis: true }, () => {
  let db: ProofDb;
  let s: Stack;
  beforeAll(async () => {
    db = await createProofDb();
    // A web process only: the jobs it stores stay in Redis for the test to read.
    s = await startStack({ db, redisUrl: REDIS_TEST_URL, consume: false });
  });
  afterAll(async () => {
    await s?.stop();
    await db?.drop();
    if (s) await deleteRedisPrefix(REDIS_TEST_URL, `${s.keyPrefix}:`);
  });

  it('webhook jobs carry ids and property names, never an email or phone value', async () => {
    const portalId = await s.install();
    const emails = ['lea.roux@gmail.com', 'achats@acme-industrie.fr'] as const;
    const phones = ['+33 6 11 22 33 44', '06 55 44 33 22'] as const;
    const a = s.standIn.createContact(portalId, { email: emails[0], phone: phones[0], country: 'France' });
    const b = s.standIn.createContact(portalId, { email: emails[1], mobilephone: phones[1], country: 'France', company: 'Acme' });
    s.standIn.updateContact(portalId, a, { email: 'lea.roux.nouvelle@gmail.com' });
    await s.standIn.flushWebhooks();
    const events = await queuedEvents(s.keyPrefix);
    expect(events.some((e) => e.objectId === a && e.propertyName === 'email')).toBe(true); // the change is queued
    expect(events.some((e) => e.objectId === b && e.propertyName === 'mobilephone')).toBe(true);
    const dump = await dumpRedisPrefix(REDIS_TEST_URL, `${s.keyPrefix}:`);
    expect(dump.keys).toBeGreaterThan(0);
    const digits = phones.map((p) => p.replace(/\D/g, ''));
    expect(findInDump(dump, [...emails, 'lea.roux.nouvelle@gmail.com', ...phones, ...digits, '612233', '655443'])).toEqual([]);
    expect([...dump.byKey.values()].join('\n')).not.toMatch(/propertyValue"/);
  });

  it('the card\'s erasure removes every queued event naming the contact, and keeps the others', async () => {
    const portalId = await s.install();
    const gone = s.standIn.createContact(portalId, { email: 'efface.moi@gmail.com', country: 'France' });
    const kept = s.standIn.createContact(portalId, { email: 'reste.la@gmail.com', country: 'France' });
    await s.standIn.flushWebhooks();
    s.standIn.updateContact(portalId, gone, { country: 'Belgium' });
    s.standIn.updateContact(portalId, kept, { country: 'Belgium' });
    await s.standIn.flushWebhooks();
    const mine = async () => (await queuedEvents(s.keyPrefix)).filter((e) => e.portalId === portalId);
    expect((await mine()).some((e) => e.objectId === gone)).toBe(true);
    const res = await s.signed('POST', `/api/portals/${portalId}/contacts/${gone}/erase`, { asPortal: portalId, body: JSON.stringify({ confirmContactId: gone }) });
    expect(res.status).toBe(200);
    await s.standIn.flushWebhooks(); // HubSpot's privacyDeletion/deletion events for the erased contact
    const after = await mine();
    expect(after.filter((e) => e.objectId === gone && !/deletion/i.test(e.subscriptionType))).toEqual([]);
    expect(after.some((e) => e.objectId === kept)).toBe(true);
  });

  it('a deletion event, once ingested, removes the queued events naming that contact (at the next sweep)', async () => {
    const portalId = await s.install();
    const gone = s.standIn.createContact(portalId, { email: 'supprime@gmail.com', country: 'France' });
    const kept = s.standIn.createContact(portalId, { email: 'garde@gmail.com', country: 'France' });
    await s.standIn.flushWebhooks();
    const pipeline = s.app.pipeline?.pipeline;
    if (!pipeline) throw new Error('no pipeline');
    const deletion = { eventId: 991, subscriptionId: 1, portalId, appId: s.standIn.appId, occurredAt: Date.now(), subscriptionType: 'object.deletion', objectTypeId: '0-1', objectId: gone, changeSource: 'CRM_UI' };
    // The worker's ingest step, run here on the deletion alone (this process does not consume).
    await pipeline.jobs.ingest.handler({ events: [deletion] }, { jobId: 'manual', attempt: 1, signal: new AbortController().signal, log: silentLog });
    // Noted at once; the queue itself is scrubbed by the periodic sweep, one pass for all deletions meanwhile.
    const noted = await db.query<{ contact_id: string }>('select contact_id from queue_erasures where portal_id = $1', [portalId]);
    expect(noted.rows.map((r) => r.contact_id)).toEqual([gone]);
    await pipeline.sweepNow();
    expect((await db.query('select 1 from queue_erasures where portal_id = $1', [portalId])).rows).toEqual([]);
    const after = (await queuedEvents(s.keyPrefix)).filter((e) => e.portalId === portalId);
    expect(after.filter((e) => e.objectId === gone)).toEqual([]);
    expect(after.some((e) => e.objectId === kept)).toBe(true);
  });

  it('events of a portal that never installed the app are dropped before storing, and counted by portal', async () => {
    const stranger = 999_000_000 + Math.floor(Math.random() * 900_000);
    const events = [1, 2, 3].map((i) => ({ eventId: 5000 + i, subscriptionId: 1, portalId: stranger, appId: s.standIn.appId, occurredAt: Date.now(), subscriptionType: 'contact.propertyChange', propertyName: 'email', propertyValue: `inconnu${i}@gmail.com`, objectId: 70 + i, changeSource: 'CRM_UI' }));
    const before = (await queuedEvents(s.keyPrefix)).length;
    const res = await s.deliver(JSON.stringify(events));
    expect(res.status).toBe(200); // HubSpot must not retry them
    expect(await res.json()).toEqual({ accepted: 0, ignored: 0, unknownPortal: 3 });
    expect((await queuedEvents(s.keyPrefix)).length).toBe(before);
    expect(s.app.pipeline?.pipeline.stats.unknownPortals[stranger]).toBe(3);
    const { rows } = await db.query<{ n: number }>('select count(*)::int as n from processed_events where portal_id = $1', [stranger]);
    expect(rows[0]?.n).toBe(0);
    // An installed portal in the same delivery still gets its events stored.
    const portalId = await s.install();
    const mixed = await s.deliver(JSON.stringify([...events, { ...events[0], eventId: 6000, portalId, objectId: 80 }]));
    expect(await mixed.json()).toEqual({ accepted: 1, ignored: 0, unknownPortal: 3 });
    await waitFor('the installed portal\'s event queued', async () => (await queuedEvents(s.keyPrefix)).some((e) => e.portalId === portalId && e.objectId === '80'));
  });
});

describeWithServices('failed jobs in Redis', { redis: true }, () => {
  const prefix = `proof-failed-${randomBytes(4).toString('hex')}`;
  afterAll(() => deleteRedisPrefix(REDIS_TEST_URL, `${prefix}:`));

  it('keep the error class only: no message, no stack trace', async () => {
    const queue = createBullMqQueue({ redisUrl: REDIS_TEST_URL, prefix, log: silentLog });
    let runs = 0;
    const def = defineJob({
      name: 'always-fails', version: 1, schema: z.object({ n: z.number() }), retry: { attempts: 1, baseDelayMs: 10, maxDelayMs: 10 },
      async handler({ n }) {
        runs += 1;
        // What an HTTP client error may say: the request's values quoted back.
        throw Object.assign(new Error(`Property values were not valid: email "camille.durand@gmail.com", phone +33612345678 (${n})`), { code: n });
      },
    });
    queue.register(def);
    await queue.start();
    try {
      await queue.enqueue(def, { n: 400 });
      await queue.enqueue(def, { n: 503 });
      await waitFor('both failed', async () => runs >= 2 && (await queue.pending()) === 0, 20_000);
      const q = new Queue('always-fails', { connection: { url: REDIS_TEST_URL }, prefix });
      const failed = await q.getJobs(['failed']);
      await q.close();
      expect(failed.map((j) => j.failedReason).sort()).toEqual(['always-fails failed: HTTP 400', 'always-fails failed: HTTP 503']);
      for (const j of failed) expect(j.stacktrace).toEqual([]);
      const dump = await dumpRedisPrefix(REDIS_TEST_URL, `${prefix}:`);
      expect(findInDump(dump, ['camille.durand@gmail.com', '33612345678', 'Property values'])).toEqual([]);
    } finally {
      await queue.close();
    }
  });
});
