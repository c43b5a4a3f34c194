// Faults on HubSpot's side, with the app on real PostgreSQL and Redis (BullMQ): the stand-in answering 429, 5xx
// or nothing at all on a share of calls, access tokens expiring in the middle of a backfill, and webhook deliveries
// duplicated and reordered. After each, the reconciliation check proves every effect present exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/db.ts';
import { describeWithServices, REDIS_TEST_URL } from '../support/services.ts';
import { createProofDb, startStack, waitFor, type ProofDb, type Stack } from './support/stack.ts';
import { settleAndReconcile, type ExpectedObjection } from './support/reconcile.ts';

const B2B = { country: 'France', company: 'Acme Industrie', jobtitle: 'Directeur achats', pg_is_professional: 'true', pg_offer_related: 'true', pg_source_kind: 'trade_show', pg_collected_at: '2026-05-10' };

function person(i: number, tag: string): Record<string, string> {
  return i % 3 === 0
    ? { email: `prenom.nom${i}.${tag}@gmail.com`, country: 'France', firstname: `P${i}` }
    : { email: `contact${i}.${tag}@acme-industrie.fr`, firstname: `C${i}`, ...B2B, phone: `+33 6 12 34 ${String(10 + (i % 90)).padStart(2, '0')} ${String(10 + i % 89).padStart(2, '0')}` };
}

/** One-click unsubscribe (RFC 8058) for a contact: an objection to email. */
async function oneClick(s: Stack, portalId: number, id: string, email: string): Promise<number> {
  const res = await fetch(`${s.enf.preferenceLink(portalId, id, email)}/unsubscribe`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `10.9.${id.length}.${Number(id) % 250}` },
    body: 'List-Unsubscribe=One-Click',
  });
  return res.status;
}

describeWithServices('faults on the HubSpot side (stand-in)', { postgres: true, redis: true }, () => {
  let db: ProofDb;
  let s: Stack;
  beforeAll(async () => {
    db = await createProofDb();
    s = await startStack({ db, redisUrl: REDIS_TEST_URL, webhooks: { duplicateRate: 0.3, reorder: true } });
  });
  afterAll(async () => {
    await s?.stop();
    await db?.drop();
  });

  it('429, 5xx and unanswered calls on a share of requests lose no verdict and no objection', async () => {
    const portalId = await s.install();
    s.standIn.setFaults({ rate429: 0.15, rate5xx: 0.1, rateTimeout: 0.05, pathPrefix: '/crm/v3/objects/contacts/batch' });
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push(s.standIn.createContact(portalId, person(i, 'f1')));
    await s.standIn.flushWebhooks();
    // Changes that alter the verdict while faults continue: the final tags must follow the last state.
    for (const id of ids.slice(0, 15)) s.standIn.updateContact(portalId, id, { country: 'Germany' });
    const objections: ExpectedObjection[] = [];
    for (const id of ids.slice(20, 25)) {
      const email = s.props(portalId, id).email ?? '';
      expect(await oneClick(s, portalId, id, email)).toBe(200);
      objections.push({ contactId: id, channel: 'email' });
    }
    await s.standIn.flushWebhooks();
    await waitFor('faults to be hit', () => s.standIn.stats(portalId).calls > 10, 20_000);
    const faulted = s.standIn.stats(portalId);
    // Faults stay on while the pipeline works through them; then HubSpot recovers.
    try {
      await new Promise((r) => setTimeout(r, 3000));
    } finally {
      s.standIn.setFaults(null);
    }
    const r = await settleAndReconcile(s, portalId, { objections }, 60_000);
    expect(r.problems).toEqual([]);
    expect(r.contacts).toBe(60);
    expect(faulted.calls).toBeGreaterThan(0);
  }, 120_000);

  it('duplicated and reordered deliveries give one effect per event', async () => {
    const portalId = await s.install();
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(s.standIn.createContact(portalId, person(i, 'dup')));
    for (const id of ids.slice(0, 10)) s.standIn.updateContact(portalId, id, { pg_is_professional: 'false', company: '' });
    for (const id of ids.slice(10, 13)) s.standIn.deleteContact(portalId, id);
    await s.standIn.flushWebhooks();
    const r = await settleAndReconcile(s, portalId, {}, 60_000);
    expect(r.problems).toEqual([]);
    expect(r.contacts).toBe(37);
    const stats = s.standIn.stats(portalId);
    expect(stats.webhookEvents).toBeGreaterThan(40); // duplicates were really sent
    const { rows } = await db.query<{ n: number }>('select count(*)::int as n from contact_state where portal_id = $1', [portalId]);
    expect(rows[0]?.n).toBe(37); // deleted contacts forgotten, no extra rows

    // One delivery replayed by hand three times, its events in a different order each time: one effect.
    // Only the replayed events are counted: late duplicates of the earlier deliveries may still be landing.
    const count = async () => Number((await db.query<{ n: number }>(
      `select count(*)::int as n from processed_events where portal_id = $1 and event_key like '900000_:%'`, [portalId])).rows[0]?.n);
    const before = await count();
    expect(before).toBe(0);
    const now = Date.now();
    const events = ids.slice(20, 25).map((id, i) => ({
      eventId: 9_000_000 + i, subscriptionId: 1, portalId, appId: s.standIn.appId, occurredAt: now, subscriptionType: 'contact.propertyChange',
      attemptNumber: 0, objectId: Number(id), propertyName: 'jobtitle', propertyValue: 'Acheteur', changeSource: 'CRM_UI', sourceId: 'userId:1',
    }));
    for (const order of [events, [...events].reverse(), [events[2], events[0], events[4], events[1], events[3]]]) {
      expect((await s.deliver(JSON.stringify(order))).status).toBe(200);
    }
    await waitFor('replayed events processed', async () => (await count()) === before + 5, 20_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(await count()).toBe(before + 5);
    const again = await settleAndReconcile(s, portalId, {}, 30_000);
    expect(again.problems).toEqual([]);
  }, 90_000);

  it('access tokens expiring during a backfill: the backfill finishes, every contact judged once', async () => {
    const pid = s.standIn.createAccount({ portalId: 700_000_000 + Math.floor(Math.random() * 1e6) }).portalId;
    await s.standIn.seedContacts(pid, 600, { seed: 11 });
    s.standIn.setFaults({ latencyMs: 150, pathPrefix: '/crm/v3/objects/contacts' });
    s.standIn.approveInstallsAs(pid);
    const first = await fetch(`${s.baseUrl}/oauth/install`, { redirect: 'manual' });
    const consent = await fetch(first.headers.get('location') ?? '', { redirect: 'manual' });
    await fetch(consent.headers.get('location') ?? '', { redirect: 'manual' });
    // Expire the tokens as soon as the backfill's first search page has been answered: the rest of its calls
    // (batch updates, further pages) meet a token HubSpot no longer accepts.
    const searches = () => Object.entries(s.standIn.stats(pid).byRoute).filter(([k]) => /search/.test(k)).reduce((n, [, v]) => n + v, 0);
    await waitFor('first backfill page', () => searches() >= 1, 30_000, 5);
    s.standIn.expireAccessTokens(pid);
    const atExpiry = await s.app.pipeline?.pipeline.backfillProgress(pid);
    expect(atExpiry?.state).not.toBe('done'); // the tokens really died mid-backfill
    const refreshesBefore = s.app.clients.refreshCalls;
    await waitFor('backfill done', async () => (await s.app.pipeline?.pipeline.backfillProgress(pid))?.state === 'done', 60_000);
    s.standIn.setFaults(null);
    const r = await settleAndReconcile(s, pid, {}, 30_000);
    expect(r.problems).toEqual([]);
    expect(r.contacts).toBe(600);
    expect(s.app.clients.refreshCalls).toBeGreaterThan(refreshesBefore); // a 401 led to one refresh, not a failed backfill
  }, 120_000);

  it('an account that revoked the app mid-stream: marked uninstalled, its work dropped, other accounts unaffected', async () => {
    const gone = await s.install();
    const kept = await s.install();
    for (let i = 0; i < 5; i++) s.standIn.createContact(gone, person(i, 'gone'));
    expect((await settleAndReconcile(s, gone)).problems).toEqual([]);
    s.standIn.revokeRefreshTokens(gone);
    s.standIn.expireAccessTokens(gone);
    const late = s.standIn.createContact(gone, person(9, 'gone'));
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(s.standIn.createContact(kept, person(i, 'kept')));
    await s.standIn.flushWebhooks();
    await waitFor('installation marked uninstalled', async () => !(await s.app.installations.isActive(gone)), 30_000);
    const r = await settleAndReconcile(s, kept, {}, 30_000);
    expect(r.problems).toEqual([]);
    expect(r.contacts).toBe(20);
    expect(s.props(gone, late).pg_evaluated_at ?? null).toBeNull(); // nothing written with a dead grant
    await waitFor('nothing left pending for the gone account', async () => (await s.app.pipeline?.pipeline.stores.pending.size(gone)) === 0, 30_000);
  }, 90_000);
});

// The embedded mode (PGlite, in-process queue, webhook inbox in the database): duplicated and reordered
// deliveries there too give one effect per event.
describe('embedded mode: duplicated and reordered deliveries', () => {
  let db: TestDb;
  let s: Stack;
  beforeAll(async () => {
    db = await createTestDb('pglite');
    s = await startStack({ db, redisUrl: null, webhooks: { duplicateRate: 0.4, reorder: true } });
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
    await db?.drop();
  });

  it('every contact judged once from its last state, inbox drained, ledger clean', async () => {
    const portalId = await s.install();
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(s.standIn.createContact(portalId, person(i, 'emb')));
    for (const id of ids.slice(0, 8)) s.standIn.updateContact(portalId, id, { country: 'Belgium' });
    s.standIn.deleteContact(portalId, ids[29] ?? '');
    const link = s.enf.preferenceLink(portalId, ids[5] ?? '', s.props(portalId, ids[5] ?? '').email ?? '');
    expect((await fetch(`${link}/unsubscribe`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' })).status).toBe(200);
    const r = await settleAndReconcile(s, portalId, { objections: [{ contactId: ids[5] ?? '', channel: 'email' }] }, 60_000);
    expect(r.problems).toEqual([]);
    expect(r.contacts).toBe(29);
    expect(s.standIn.stats(portalId).webhookEvents).toBeGreaterThan(38);
    const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from webhook_inbox where state <> 'done'`);
    expect(Number(rows[0]?.n)).toBe(0);
  }, 90_000);
});
