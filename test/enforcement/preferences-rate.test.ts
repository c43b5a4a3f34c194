// Issue 14.1: an objection carried by an authentic token is never refused for rate (mailbox providers send RFC
// 8058 one-click POSTs for many recipients from a few addresses); only invalid attempts are limited, per client
// address and per token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createEnforcementTestDb, type TestDb } from './support/db.ts';
import { createFakeHubSpot, type FakeHubSpot } from './support/fake-hubspot.ts';
import { createEnforcement, type Enforcement } from '../../src/enforcement/wiring.ts';
import { createPreferenceRouter } from '../../src/preferences/router.ts';
import { createPreferenceToken, derivePreferenceKey } from '../../src/preferences/token.ts';

const key = derivePreferenceKey('test-secret-for-preference-rate');
const PORTAL = 5151;
const N = 1000;
const ONE_CLICK = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' } as const;

describe('preference centre rate limits', () => {
  let db: TestDb;
  let enf: Enforcement;
  let hub: FakeHubSpot;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    db = await createEnforcementTestDb('pglite');
    hub = createFakeHubSpot();
    for (let i = 0; i < N; i++) hub.contacts.set(String(10_000 + i), { email: `person${i}@example.fr` });
    enf = createEnforcement({ db, requester: hub.requester });
    const app = express();
    app.use('/p', createPreferenceRouter({
      key, publicBaseUrl: 'http://127.0.0.1', hubspot: enf.hubspot!, evidence: enf.evidence, objections: enf.objections,
      dsr: { open: async () => { throw new Error('not used'); } },
      settings: async (p) => (p === PORTAL ? { controllerName: 'Acme SAS', privacyPolicyUrl: null, preferenceCentreEnabled: true } : null),
      rateLimitPerMinute: 20, invalidPerTokenPerMinute: 3,
    }));
    server = await new Promise<Server>((ok) => { const s = app.listen(0, '127.0.0.1', () => ok(s)); });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(async () => { server?.close(); await db?.drop(); });

  it(`records ${N} objections from a burst of ${N} valid one-click POSTs from one address`, async () => {
    const tokens = Array.from({ length: N }, (_, i) => createPreferenceToken(key, { portalId: PORTAL, contactId: String(10_000 + i), email: `person${i}@example.fr` }));
    const statuses: number[] = [];
    const CONCURRENCY = 50;
    for (let i = 0; i < N; i += CONCURRENCY) {
      const batch = tokens.slice(i, i + CONCURRENCY).map(async (t) => (await fetch(`${base}/p/${t}/unsubscribe`, ONE_CLICK)).status);
      statuses.push(...await Promise.all(batch));
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(N);
    const { rows } = await db.query<{ n: unknown }>(
      `select count(distinct contact_id) as n from contact_objections where portal_id = $1 and channel = 'email'`, [PORTAL]);
    expect(Number(rows[0]?.n)).toBe(N);
  }, 180_000);

  it('limits invalid attempts per address, and an authentic token still passes afterwards', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await fetch(`${base}/p/forged${i}.sig${i}/unsubscribe`, ONE_CLICK)).status);
    expect(statuses.slice(0, 20).every((s) => s === 404)).toBe(true);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    // The same address, over its invalid budget, still gets its genuine objection recorded.
    hub.contacts.set('20001', { email: 'late@example.fr' });
    const ok = await fetch(`${base}/p/${createPreferenceToken(key, { portalId: PORTAL, contactId: '20001', email: 'late@example.fr' })}/unsubscribe`, ONE_CLICK);
    expect(ok.status).toBe(200);
    expect((await enf.evidence.listObjections(PORTAL, '20001')).map((o) => o.channel)).toEqual(['email']);
    const page = await fetch(`${base}/p/${createPreferenceToken(key, { portalId: PORTAL, contactId: '20001', email: 'late@example.fr' })}`);
    expect(page.status).toBe(200);
  });

  it('limits an authentic token that keeps failing (re-addressed contact) without reading HubSpot again', async () => {
    hub.contacts.set('20002', { email: 'new-address@example.fr' });
    const stale = createPreferenceToken(key, { portalId: PORTAL, contactId: '20002', email: 'old-address@example.fr' });
    // A fresh server, so the address budget of the test above does not interfere.
    const app = express();
    app.use('/p', createPreferenceRouter({
      key, publicBaseUrl: 'http://127.0.0.1', hubspot: enf.hubspot!, evidence: enf.evidence, objections: enf.objections,
      dsr: { open: async () => { throw new Error('not used'); } },
      settings: async () => ({ controllerName: 'Acme SAS', privacyPolicyUrl: null, preferenceCentreEnabled: true }),
      rateLimitPerMinute: 1000, invalidPerTokenPerMinute: 3,
    }));
    const s2 = await new Promise<Server>((ok) => { const s = app.listen(0, '127.0.0.1', () => ok(s)); });
    try {
      const b2 = `http://127.0.0.1:${(s2.address() as AddressInfo).port}`;
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await fetch(`${b2}/p/${stale}`)).status);
      expect(statuses).toEqual([404, 404, 404, 429, 429, 429]);
      const reads = hub.calls.filter((c) => c.path === '/crm/v3/objects/contacts/20002').length;
      expect(reads).toBe(3);
    } finally {
      s2.close();
    }
  });
});
