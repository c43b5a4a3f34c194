import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createEnforcementTestDb, type TestDb } from './support/db.ts';
import { createFakeHubSpot, type FakeHubSpot } from './support/fake-hubspot.ts';
import { createEnforcement, type Enforcement } from '../../src/enforcement/wiring.ts';
import { createPreferenceRouter } from '../../src/preferences/router.ts';
import { createPreferenceToken, derivePreferenceKey, listUnsubscribeHeaders, verifyPreferenceToken } from '../../src/preferences/token.ts';
import { pickLang } from '../../src/preferences/page.ts';

const key = derivePreferenceKey('test-secret-for-preference-links');
const PORTAL = 4242;

describe('preference tokens', () => {
  it('round-trips, rejects tampering and expires', () => {
    const now = new Date('2026-11-23T08:00:00Z');
    const token = createPreferenceToken(key, { portalId: PORTAL, contactId: '77', email: 'A@Example.fr', ttlSeconds: 60, now });
    const ok = verifyPreferenceToken(key, token, now);
    expect(ok).toMatchObject({ ok: true, claims: { portalId: PORTAL, contactId: '77' } });
    const [body, sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ p: PORTAL, c: '78', e: null, x: 9e9 })).toString('base64url');
    expect(verifyPreferenceToken(key, `${forged}.${sig}`, now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyPreferenceToken(derivePreferenceKey('another-secret-entirely'), token, now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyPreferenceToken(key, `${body}`, now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyPreferenceToken(key, token, new Date(now.getTime() + 61_000))).toEqual({ ok: false, reason: 'expired' });
  });

  it('builds RFC 8058 headers', () => {
    const h = listUnsubscribeHeaders({ publicBaseUrl: 'https://pg.example', token: 'abc.def', mailto: 'unsub@pg.example' });
    expect(h['List-Unsubscribe']).toBe('<https://pg.example/p/abc.def/unsubscribe>, <mailto:unsub@pg.example?subject=unsubscribe>');
    expect(h['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(() => listUnsubscribeHeaders({ publicBaseUrl: 'http://pg.example', token: 't.t' })).toThrow(/https/);
  });

  it('picks the language from ?lang, then Accept-Language, then the contact\'s jurisdiction, French by default', () => {
    expect(pickLang('en', 'fr-FR')).toBe('en');
    expect(pickLang('nl', 'fr-FR')).toBe('nl');
    expect(pickLang('xx', 'it-IT')).toBe('it');
    expect(pickLang(undefined, 'de-DE,en;q=0.8,fr;q=0.5')).toBe('de');
    expect(pickLang(undefined, 'pt-BR,es;q=0.8,en;q=0.5')).toBe('es');
    expect(pickLang(undefined, 'fr-BE,en;q=0.9')).toBe('fr');
    expect(pickLang(undefined, 'pt-PT', 'nl')).toBe('nl');
    expect(pickLang(undefined, undefined, 'de')).toBe('de');
    expect(pickLang(undefined, undefined)).toBe('fr');
  });
});

describe('preference centre over HTTP', () => {
  let db: TestDb;
  let enf: Enforcement;
  let hub: FakeHubSpot;
  let server: Server;
  let base: string;
  const rejudged: string[] = [];

  beforeAll(async () => {
    db = await createEnforcementTestDb('pglite');
    hub = createFakeHubSpot();
    hub.contacts.set('501', { email: 'marie.durand@example.fr', pg_source_kind: 'trade_show', pg_collected_at: '2025-03-02', pg_retention_expires_at: '2028-03-02', pg_basis_email: 'legitimate_interest' });
    hub.contacts.set('502', { email: 'paul@example.fr' });
    enf = createEnforcement({ db, requester: hub.requester, rejudge: async (_p, c) => { rejudged.push(c); } });
    const app = express();
    app.use('/p', createPreferenceRouter({
      key, publicBaseUrl: 'http://127.0.0.1', hubspot: enf.hubspot!, evidence: enf.evidence, objections: enf.objections,
      dsr: { open: async (i) => { const r = await enf.dsr.open(i); return { id: r.id, dueAt: r.dueAt }; } },
      settings: async (p) => (p === PORTAL ? { controllerName: 'Acme <SAS>', privacyPolicyUrl: null, preferenceCentreEnabled: true } : null),
    }));
    server = app.listen(0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => { server?.close(); await db?.drop(); });

  const tokenFor = (contactId: string, email: string | null) => createPreferenceToken(key, { portalId: PORTAL, contactId, email });

  it('renders the page in French with strict headers and escaped content', async () => {
    const res = await fetch(`${base}/p/${tokenFor('501', 'marie.durand@example.fr')}`, { headers: { 'accept-language': 'fr-FR' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('Vos préférences de prospection');
    expect(html).toContain('Acme &lt;SAS&gt;');
    expect(html).not.toContain('marie.durand@');
    expect(html).toContain('m••••••@example.fr');
    expect(html).toContain('un salon professionnel');
    expect(html).not.toContain('<script');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const en = await (await fetch(`${base}/p/${tokenFor('501', 'marie.durand@example.fr')}?lang=en`)).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('Your prospecting preferences');
  });

  it('refuses forged, expired and re-addressed links', async () => {
    expect((await fetch(`${base}/p/not-a-token`)).status).toBe(404);
    const expired = createPreferenceToken(key, { portalId: PORTAL, contactId: '501', email: 'marie.durand@example.fr', ttlSeconds: -10 });
    expect((await fetch(`${base}/p/${expired}`)).status).toBe(410);
    // A link sent to a former address of the contact no longer opens the page.
    expect((await fetch(`${base}/p/${tokenFor('501', 'old@example.fr')}`)).status).toBe(404);
    expect((await fetch(`${base}/p/${createPreferenceToken(key, { portalId: 999, contactId: '501', email: null })}`)).status).toBe(404);
  });

  it('records an objection per channel: evidence, hashed suppression, ledger, HubSpot write-back, re-judge', async () => {
    const token = tokenFor('501', 'marie.durand@example.fr');
    const res = await fetch(`${base}/p/${token}`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams([['token', token], ['action', 'object'], ['channels', 'email'], ['channels', 'sms'], ['lang', 'en']]).toString(),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Your objection has been recorded');
    expect((await enf.evidence.listObjections(PORTAL, '501')).map((o) => o.channel).sort()).toEqual(['email', 'sms']);
    expect(await enf.suppression.match(PORTAL, { email: ' Marie.Durand@example.fr ' })).toEqual(expect.arrayContaining(['email', 'sms']));
    expect(hub.unsubscribedAll.has('marie.durand@example.fr')).toBe(true);
    expect(rejudged).toContain('501');
    const entries = await enf.ledger.list(PORTAL, { contactId: '501', kinds: ['objection'] });
    expect(entries.length).toBe(2);
    expect(entries[0]?.payload).toMatchObject({ channels: ['email', 'sms'], origin: 'preference_centre' });
    expect(entries[1]?.payload).toMatchObject({ lever: 'unsubscribe_all_v4', status: 'done' });
    expect(JSON.stringify(entries)).not.toContain('marie.durand');
    expect(entries[0]?.subjectHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses cross-site posts and forms whose token does not match the link', async () => {
    const token = tokenFor('502', 'paul@example.fr');
    const body = new URLSearchParams([['token', token], ['action', 'object_all']]).toString();
    const cross = await fetch(`${base}/p/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' }, body });
    expect(cross.status).toBe(403);
    const otherOrigin = await fetch(`${base}/p/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' }, body });
    expect(otherOrigin.status).toBe(403);
    const mismatch = await fetch(`${base}/p/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' }, body: new URLSearchParams([['token', 'x.y'], ['action', 'object_all']]).toString() });
    expect(mismatch.status).toBe(400);
    const none = await fetch(`${base}/p/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' }, body: new URLSearchParams([['token', token], ['action', 'object']]).toString() });
    expect(none.status).toBe(400);
    expect(await enf.evidence.listObjections(PORTAL, '502')).toEqual([]);
  });

  it('honours an RFC 8058 one-click POST, even on an expired link, and nothing else', async () => {
    const expired = createPreferenceToken(key, { portalId: PORTAL, contactId: '502', email: 'paul@example.fr', ttlSeconds: -5 });
    const wrong = await fetch(`${base}/p/${expired}/unsubscribe`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=Yes' });
    expect(wrong.status).toBe(400);
    const res = await fetch(`${base}/p/${expired}/unsubscribe`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect((await enf.evidence.listObjections(PORTAL, '502')).map((o) => o.channel)).toEqual(['email']);
    expect(await enf.suppression.match(PORTAL, { email: 'paul@example.fr' })).toContain('email');
    const multipart = await fetch(`${base}/p/${tokenFor('502', 'paul@example.fr')}/unsubscribe`, {
      method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=XyZ' },
      body: '--XyZ\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--XyZ--\r\n',
    });
    expect(multipart.status).toBe(200);
  });

  it('opens access and erasure requests with the one-month deadline', async () => {
    const token = tokenFor('502', 'paul@example.fr');
    const res = await fetch(`${base}/p/${token}?lang=en`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
      body: new URLSearchParams([['token', token], ['action', 'erasure'], ['lang', 'en']]).toString(),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/Your erasure request has been recorded\. We will answer by \d+ \w+ 20\d\d/);
    const open = await enf.dsr.list(PORTAL, { contactId: '502' });
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ kind: 'erasure', status: 'open', origin: 'preference_centre' });
  });
});
