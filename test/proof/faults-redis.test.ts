// Redis going away and coming back, on a private redis-server (the machine's shared Redis is never touched):
// while it is down the webhook endpoint answers 503 with Retry-After (HubSpot delivers again), never 200 for a
// batch it could not queue, and stores nothing; once it is back, everything HubSpot re-delivers is judged and
// the reconciliation check passes. The server runs with an fsynced append-only file, as BullMQ's Redis must.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices } from '../support/services.ts';
import { startPrivateRedis, type PrivateRedis } from './support/private-redis.ts';
import { createProofDb, startStack, waitFor, type ProofDb, type Stack } from './support/stack.ts';
import { settleAndReconcile } from './support/reconcile.ts';

const B2B = { country: 'France', company: 'Acme Industrie', jobtitle: 'Directeur achats', pg_is_professional: 'true', pg_offer_related: 'true', pg_source_kind: 'trade_show', pg_collected_at: '2026-05-10' };

describeWithServices('Redis restart', { postgres: true }, () => {
  let redis: PrivateRedis;
  let db: ProofDb;
  let s: Stack;
  beforeAll(async () => {
    redis = await startPrivateRedis({ persist: true });
    db = await createProofDb();
    s = await startStack({ db, redisUrl: redis.url });
  });
  afterAll(async () => {
    await redis?.start().catch(() => undefined); // let the app close its connections cleanly
    await s?.stop();
    await db?.drop();
    await redis?.dispose();
  });

  it('answers 503 while Redis is down, loses nothing once it is back', async () => {
    const portalId = await s.install();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(s.standIn.createContact(portalId, { email: `avant${i}@acme-industrie.fr`, ...B2B }));
    expect((await settleAndReconcile(s, portalId)).problems).toEqual([]);
    const processed = async () => Number((await db.query<{ n: number }>('select count(*)::int as n from processed_events where portal_id = $1', [portalId])).rows[0]?.n);
    const processedBefore = await processed();

    await redis.stop();
    // A delivery HubSpot makes now: refused with 503 and Retry-After, so HubSpot keeps it and retries.
    const event = { eventId: 8_000_001, subscriptionId: 1, portalId, appId: s.standIn.appId, occurredAt: Date.now(), subscriptionType: 'contact.creation', attemptNumber: 0, objectId: Number(ids[0]), changeSource: 'CRM_UI' };
    const started = Date.now();
    const res = await s.deliver(JSON.stringify([event]));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(Date.now() - started).toBeLessThan(5000); // inside HubSpot's 5-second limit
    // Changes made in HubSpot while our Redis is away: their deliveries fail and are retried by the stand-in.
    for (let i = 0; i < 10; i++) ids.push(s.standIn.createContact(portalId, { email: `pendant${i}@acme-industrie.fr`, ...B2B }));
    s.standIn.updateContact(portalId, ids[1] ?? '', { country: 'Germany' });
    // A person unsubscribes (RFC 8058 one-click) while Redis is away. HubSpot calls share the Redis rate limiter,
    // so the app cannot act: it must say so (503, the sender retries), never 200 with the objection dropped.
    const objector = ids[2] ?? '';
    const link = s.enf.preferenceLink(portalId, objector, s.props(portalId, objector).email ?? '');
    const unsubscribe = () => fetch(`${link}/unsubscribe`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    const during = await unsubscribe();
    expect([200, 503]).toContain(during.status);
    const stored = Number((await db.query<{ n: number }>('select count(*)::int as n from contact_objections where portal_id = $1 and contact_id = $2', [portalId, objector])).rows[0]?.n);
    expect(stored).toBe(during.status === 200 ? 1 : 0);
    // A rep records an objection from the card meanwhile (no HubSpot call needed to store it).
    const carded = ids[3] ?? '';
    const card = await s.signed('POST', `/api/portals/${portalId}/contacts/${carded}/objections`, { asPortal: portalId, body: JSON.stringify({ channel: 'phone' }) });
    expect([200, 201, 503]).toContain(card.status);
    const cardStored = card.status < 300;
    await new Promise((r) => setTimeout(r, 1500)); // several delivery attempts, all refused
    expect(await processed()).toBe(processedBefore); // nothing half-stored

    await redis.start();
    // Service resumes by itself once Redis is back (ioredis reconnects; no restart of the app).
    await waitFor('webhook intake back', async () => (await s.deliver(JSON.stringify([{ ...event, eventId: 8_000_002 }]))).status === 200, 20_000, 200);
    if (during.status !== 200) expect((await unsubscribe()).status).toBe(200); // the sender's retry
    if (!cardStored) expect((await s.signed('POST', `/api/portals/${portalId}/contacts/${carded}/objections`, { asPortal: portalId, body: JSON.stringify({ channel: 'phone' }) })).status).toBeLessThan(300);
    const r = await settleAndReconcile(s, portalId, { objections: [{ contactId: objector, channel: 'email' }, { contactId: carded, channel: 'phone' }] }, 30_000);
    expect(r.problems).toEqual([]);
    expect(r.contacts).toBe(30);
    expect(s.standIn.failedWebhooks()).toEqual([]); // no delivery given up by HubSpot
  }, 120_000);

  it('an objection stored while its re-judgement cannot be queued still reaches HubSpot (sweep)', async () => {
    const portalId = await s.install();
    const id = s.standIn.createContact(portalId, { email: 'sans.file@acme-industrie.fr', ...B2B });
    expect((await settleAndReconcile(s, portalId)).problems).toEqual([]);
    expect(s.props(portalId, id).pg_basis_phone).not.toBe('objected');
    // Redis fails exactly between storing the objection and queueing its re-judgement.
    const pipeline = s.app.pipeline?.pipeline as { judgeContact(p: number, c: string): Promise<void> };
    const judgeContact = pipeline.judgeContact;
    pipeline.judgeContact = async () => { throw new Error('Connection is closed.'); };
    try {
      const res = await s.signed('POST', `/api/portals/${portalId}/contacts/${id}/objections`, { asPortal: portalId, body: JSON.stringify({ channel: 'phone' }) });
      expect(res.status).toBe(200);
    } finally {
      pipeline.judgeContact = judgeContact;
    }
    const r = await settleAndReconcile(s, portalId, { objections: [{ contactId: id, channel: 'phone' }] }, 20_000);
    expect(r.problems).toEqual([]);
  }, 60_000);

  it('a frozen Redis (connections open, nothing answered): 503 within HubSpot\'s 5 seconds, then service resumes', async () => {
    const portalId = await s.install();
    const id = s.standIn.createContact(portalId, { email: 'gel@acme-industrie.fr', ...B2B });
    expect((await settleAndReconcile(s, portalId)).problems).toEqual([]);
    const event = { eventId: 8_100_001, subscriptionId: 1, portalId, appId: s.standIn.appId, occurredAt: Date.now(), subscriptionType: 'contact.propertyChange', propertyName: 'country', propertyValue: 'Spain', attemptNumber: 0, objectId: Number(id), changeSource: 'CRM_UI' };
    redis.pause();
    try {
      const started = Date.now();
      const res = await s.deliver(JSON.stringify([event]));
      expect(res.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      redis.resume();
    }
    s.standIn.updateContact(portalId, id, { country: 'Spain' });
    const r = await settleAndReconcile(s, portalId, {}, 30_000);
    expect(r.problems).toEqual([]);
    expect(s.props(portalId, id).country).toBe('Spain');
  }, 60_000);
});
