// The card and settings endpoints behind hubspot.fetch: each one valid, forged, stale and from another portal;
// portal isolation; and what each action does.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { evaluateContact } from '../../src/engine/index.ts';
import {
  ErasureRefusedError, b2bContact, NOW, PORTAL_A, PORTAL_B, UNINSTALLED, createWorld, hubspotFetch, resetWorld, startServer, type World,
} from './backend-fakes.ts';

let world: World;
let server: { url: string; close: () => Promise<void> };
beforeAll(async () => { world = createWorld(); server = await startServer(world.deps); });
afterAll(async () => { await server.close(); });
beforeEach(() => resetWorld(world));

const VALID_SETTINGS = {
  offerDescription: 'Payroll software', activity: 'Software', targetRoles: ['DRH', 'CFO'], defaultJurisdiction: 'FR',
  retention: { prospectYears: 3, customerYears: 3, warningDays: 60 }, expiryAction: 'archive', sequenceBlocking: 'enforce',
  controller: { name: 'Acme SAS', address: '1 rue de la Paix', dpoContact: 'dpo@acme.example' },
  privacyPolicyUrl: 'https://acme.example/privacy', preferenceCentreEnabled: true, notifyOwnerOnBlock: false,
};
const q = (portal: number, user = 77) => `?portalId=${portal}&userId=${user}`;
const ENDPOINTS: Array<{ name: string; method: string; path: (portal: number, contact: string) => string; body?: (contact: string) => unknown }> = [
  { name: 'GET card', method: 'GET', path: (p, c) => `/api/portals/${p}/contacts/${c}/card` },
  { name: 'POST consents', method: 'POST', path: (p, c) => `/api/portals/${p}/contacts/${c}/consents`, body: () => ({ channel: 'sms', method: 'double_opt_in', givenAt: '2026-11-20', proofRef: 'DOI-1' }) },
  { name: 'POST objections', method: 'POST', path: (p, c) => `/api/portals/${p}/contacts/${c}/objections`, body: () => ({ channel: 'email' }) },
  { name: 'POST rejudge', method: 'POST', path: (p, c) => `/api/portals/${p}/contacts/${c}/rejudge`, body: () => ({}) },
  { name: 'POST export', method: 'POST', path: (p, c) => `/api/portals/${p}/contacts/${c}/export`, body: () => ({}) },
  { name: 'POST erase', method: 'POST', path: (p, c) => `/api/portals/${p}/contacts/${c}/erase`, body: (c) => ({ confirmContactId: c }) },
  { name: 'GET settings', method: 'GET', path: (p) => `/api/portals/${p}/settings` },
  { name: 'PUT settings', method: 'PUT', path: (p) => `/api/portals/${p}/settings`, body: () => VALID_SETTINGS },
];

const sideEffects = () => world.ledger.length + world.objections.length + world.judged.length + world.erased.length + world.exports.length;

describe.each(ENDPOINTS)('$name signature gate', ({ method, path, body }) => {
  const contact = '1001';
  it('accepts a valid v3 signature for the portal it was made from', async () => {
    const res = await hubspotFetch(server, method, path(PORTAL_A, contact) + q(PORTAL_A), body?.(contact));
    expect(res.status).toBe(200);
  });
  it('refuses a forged signature (wrong secret) and does nothing', async () => {
    const res = await hubspotFetch(server, method, path(PORTAL_A, contact) + q(PORTAL_A), body?.(contact), { secret: 'not-the-secret' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('bad_signature');
    expect(sideEffects()).toBe(0);
  });
  it('refuses a stale request (timestamp older than 5 minutes)', async () => {
    const res = await hubspotFetch(server, method, path(PORTAL_A, contact) + q(PORTAL_A), body?.(contact), { timestamp: NOW.getTime() - 6 * 60_000 });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe('request timestamp too old');
    expect(sideEffects()).toBe(0);
  });
  it('refuses a request signed for another URI (path tampered after signing)', async () => {
    const res = await hubspotFetch(server, method, path(PORTAL_B, contact) + q(PORTAL_A), body?.(contact), { signedPath: path(PORTAL_A, contact) + q(PORTAL_A) });
    expect(res.status).toBe(401);
    expect(sideEffects()).toBe(0);
  });
  it("refuses portal A's signed request for portal B's data", async () => {
    const res = await hubspotFetch(server, method, path(PORTAL_B, '2001') + q(PORTAL_A), body?.('2001'));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('portal_mismatch');
    expect(sideEffects()).toBe(0);
  });
  it('takes the portal from the signed path when HubSpot appends no portalId', async () => {
    const res = await hubspotFetch(server, method, path(PORTAL_A, contact), body?.(contact));
    expect(res.status).toBe(200);
  });
  it('refuses a signed URL naming two portals (a caller\'s own ?portalId= before HubSpot\'s)', async () => {
    const res = await hubspotFetch(server, method, `${path(PORTAL_B, '2001')}?portalId=${PORTAL_B}&portalId=${PORTAL_A}&userId=77`, body?.('2001'));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('portal_mismatch');
    expect(sideEffects()).toBe(0);
  });
  it('refuses a request HubSpot signed for another app', async () => {
    const res = await hubspotFetch(server, method, `${path(PORTAL_A, contact)}${q(PORTAL_A)}&appId=999`, body?.(contact));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('wrong_app');
  });
  it('refuses a portal where the app is not installed', async () => {
    const res = await hubspotFetch(server, method, path(UNINSTALLED, contact) + q(UNINSTALLED), body?.(contact));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('not_installed');
  });
  it('refuses a missing signature', async () => {
    const res = await hubspotFetch(server, method, path(PORTAL_A, contact) + q(PORTAL_A), body?.(contact), { omitSignature: true });
    expect(res.status).toBe(401);
  });
});

describe('card view', () => {
  it('judges the contact from its current state and answers small', async () => {
    const res = await hubspotFetch(server, 'GET', `/api/portals/${PORTAL_A}/contacts/1001/card${q(PORTAL_A)}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ contactId: '1001', judged: true, audience: 'b2b_nominative', jurisdiction: 'FR', evaluatedAt: NOW.toISOString() });
    expect(res.body.channels.map((c: { channel: string }) => c.channel)).toEqual(['email', 'sms', 'social_dm', 'automated_call', 'fax', 'phone', 'postal']);
    const email = res.body.channels[0];
    expect(email).toMatchObject({ allowed: true, basis: 'legitimate_interest', blocker: null });
    expect(email.reasons[0]).toMatchObject({ rule: 'fr.email.b2b.li', citation: expect.stringContaining('L.34-5') });
    expect(email.reasons[0].textFr).toContain('intérêt légitime');
    expect(res.body.source).toEqual({ kind: 'trade_show', risk: expect.any(String), detail: 'Salon RH', collectedAt: '2026-03-10' });
    expect(res.body.retention.expiresAt.slice(0, 10)).toBe('2029-03-10');
    expect(res.body.retention.daysLeft).toBeGreaterThan(800);
    expect(JSON.stringify(res.body).length).toBeLessThan(20_000);
  });

  it('shows blockers for a consumer', async () => {
    const res = await hubspotFetch(server, 'GET', `/api/portals/${PORTAL_A}/contacts/1002/card${q(PORTAL_A)}`);
    expect(res.body.audience).toBe('b2c');
    expect(res.body.channels.find((c: { channel: string }) => c.channel === 'sms')).toMatchObject({ allowed: false, blocker: 'needs_consent', basis: null });
  });

  it("isolates portals: portal B's own signed request cannot see portal A's contact id", async () => {
    const res = await hubspotFetch(server, 'GET', `/api/portals/${PORTAL_B}/contacts/1001/card${q(PORTAL_B)}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ contactId: '1001', judged: false });
  });

  it('rejects a contact id that is not a HubSpot record id', async () => {
    const res = await hubspotFetch(server, 'GET', `/api/portals/${PORTAL_A}/contacts/abc/card${q(PORTAL_A)}`);
    expect(res.status).toBe(400);
  });

  it('serves the stored verdict, marked as such, when HubSpot cannot be read', async () => {
    world.stored.set(`${PORTAL_A}:1001`, evaluateContact(b2bContact('1001'), { at: NOW }));
    world.failures.contacts = new Error('429 rate limited');
    const res = await hubspotFetch(server, 'GET', `/api/portals/${PORTAL_A}/contacts/1001/card${q(PORTAL_A)}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ contactId: '1001', judged: true, freshness: 'stored', status: 'compliant' });
    const live = await (async () => { world.failures = {}; return hubspotFetch(server, 'GET', `/api/portals/${PORTAL_A}/contacts/1001/card${q(PORTAL_A)}`); })();
    expect(live.body.freshness).toBe('live');
  });

  it('answers 503 when a store fails, so hubspot.fetch retries', async () => {
    world.failures.contacts = new Error('connection reset');
    const res = await hubspotFetch(server, 'GET', `/api/portals/${PORTAL_A}/contacts/1001/card${q(PORTAL_A)}`);
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('temporarily_unavailable');
  });
});

describe('card actions', () => {
  const post = (contact: string, action: string, body: unknown) => hubspotFetch(server, 'POST', `/api/portals/${PORTAL_A}/contacts/${contact}/${action}${q(PORTAL_A)}`, body);

  it('records a consent, ledgers it with the HubSpot user, re-judges and returns the new verdict', async () => {
    const before = await hubspotFetch(server, 'GET', `/api/portals/${PORTAL_A}/contacts/1002/card${q(PORTAL_A)}`);
    expect(before.body.channels[1].allowed).toBe(false);
    const res = await post('1002', 'consents', { channel: 'sms', method: 'double_opt_in', givenAt: '2026-11-20', proofRef: ' DOI-778 ' });
    expect(res.status).toBe(200);
    expect(res.body.channels[1]).toMatchObject({ channel: 'sms', allowed: true, basis: 'consent' });
    expect(res.body.consents).toEqual([{ channel: 'sms', method: 'double_opt_in', givenAt: '2026-11-20', proofRef: 'DOI-778', withdrawnAt: null }]);
    expect(world.ledger).toEqual([expect.objectContaining({ portalId: PORTAL_A, kind: 'consent', contactId: '1002', actor: 'user:77', payload: expect.objectContaining({ method: 'double_opt_in', origin: 'card' }) })]);
    expect(world.judged).toEqual([{ portalId: PORTAL_A, contactId: '1002' }]);
  });

  it.each(['pre_ticked_checkbox', 'terms_acceptance', 'implicit'])('refuses %s as consent with the reason in both languages', async (method) => {
    const res = await post('1002', 'consents', { channel: 'email', method, givenAt: '2026-11-20', proofRef: 'X' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('consent_method_invalid');
    expect(res.body.error.message).toMatch(/consent/i);
    expect(res.body.error.messageFr).toMatch(/consentement/);
    expect(res.body.error.citation).toBeTruthy();
    expect(sideEffects()).toBe(0);
  });

  it.each([
    [{ channel: 'email', method: 'double_opt_in', givenAt: '2026-12-01', proofRef: 'X' }, 'future'],
    [{ channel: 'email', method: 'double_opt_in', givenAt: '2026-02-30', proofRef: 'X' }, 'calendar'],
    [{ channel: 'email', method: 'double_opt_in', givenAt: '20/11/2026', proofRef: 'X' }, 'YYYY-MM-DD'],
    [{ channel: 'email', method: 'double_opt_in', givenAt: '2026-11-20', proofRef: '  ' }, 'proof'],
    [{ channel: 'carrier_pigeon', method: 'double_opt_in', givenAt: '2026-11-20', proofRef: 'X' }, 'channel'],
    [{ channel: 'email', method: 'double_opt_in', givenAt: '2026-11-20', proofRef: 'DOI for jean@gmail.com' }, 'email address'],
  ])('refuses a bad consent %#', async (body, hint) => {
    const res = await post('1002', 'consents', body);
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain(hint);
    expect(sideEffects()).toBe(0);
  });

  it('refuses a signed body that is not JSON, and an empty one', async () => {
    const bad = await hubspotFetch(server, 'POST', `/api/portals/${PORTAL_A}/contacts/1002/objections${q(PORTAL_A)}`, undefined, { rawBody: '{"channel":' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('bad_json');
    const empty = await hubspotFetch(server, 'POST', `/api/portals/${PORTAL_A}/contacts/1002/objections${q(PORTAL_A)}`, undefined);
    expect(empty.status).toBe(422);
    expect(sideEffects()).toBe(0);
  });

  it('records an objection through the enforcement path with the contact identifiers', async () => {
    const res = await post('1001', 'objections', { channel: 'email' });
    expect(res.status).toBe(200);
    expect(world.objections).toEqual([{ portalId: PORTAL_A, contactId: '1001', channel: 'email', actor: 'user:77', email: 'claire.martin.1001@acme-industrie.fr', phone: '+33612345678', defaultCountry: 'FR' }]);
    expect(res.body.channels[0]).toMatchObject({ channel: 'email', allowed: false, blocker: 'objected' });
  });

  it('refuses an unknown objection channel', async () => {
    const res = await post('1001', 'objections', { channel: 'telepathy' });
    expect(res.status).toBe(422);
    expect(world.objections).toHaveLength(0);
  });

  it('answers 404 for an action on a contact HubSpot does not know', async () => {
    for (const [action, body] of [['objections', { channel: 'all' }], ['consents', { channel: 'email', method: 'signed_form', givenAt: '2026-11-20', proofRef: 'P' }], ['export', {}], ['erase', { confirmContactId: '9999' }]] as const) {
      const res = await post('9999', action, body);
      expect(res.status, action).toBe(404);
    }
    expect(sideEffects()).toBe(0);
  });

  it('re-judges on demand and ledgers the request', async () => {
    const res = await post('1001', 'rejudge', {});
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('compliant');
    expect(world.judged).toEqual([{ portalId: PORTAL_A, contactId: '1001' }]);
    expect(world.ledger[0]).toMatchObject({ kind: 'verdict_change', actor: 'user:77', payload: { trigger: 'rejudge_requested' } });
  });

  it('exports through the data subject request service', async () => {
    const res = await post('1001', 'export', {});
    expect(res.status).toBe(200);
    expect(res.body.format).toBe('prospect-guard/access-export');
    expect(world.exports).toEqual([{ portalId: PORTAL_A, contactId: '1001', actor: 'user:77' }]);
  });

  it('erases only when the body repeats the contact id', async () => {
    expect((await post('1001', 'erase', {})).status).toBe(422);
    expect((await post('1001', 'erase', { confirmContactId: '1002' })).status).toBe(422);
    expect(world.erased).toHaveLength(0);
    const res = await post('1001', 'erase', { confirmContactId: '1001' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ erased: true, contactId: '1001' });
    expect(world.erased).toEqual([{ portalId: PORTAL_A, contactId: '1001', actor: 'user:77' }]);
    const after = await hubspotFetch(server, 'GET', `/api/portals/${PORTAL_A}/contacts/1001/card${q(PORTAL_A)}`);
    expect(after.body).toEqual({ contactId: '1001', judged: false });
  });

  it('reports a refused HubSpot GDPR delete as 502, and a failing store as 503', async () => {
    world.failures.erase = new ErasureRefusedError('HubSpot said 500');
    const refused = await post('1001', 'erase', { confirmContactId: '1001' });
    expect(refused.status).toBe(502);
    expect(refused.body.error.code).toBe('hubspot_delete_failed');
    world.failures.erase = new Error('database gone');
    expect((await post('1001', 'erase', { confirmContactId: '1001' })).status).toBe(503);
  });
});

describe('settings endpoints', () => {
  const valid = VALID_SETTINGS;
  const put = (body: unknown, portal = PORTAL_A) => hubspotFetch(server, 'PUT', `/api/portals/${portal}/settings${q(portal)}`, body);

  it('returns defaults, not configured, with the summary and backfill progress', async () => {
    const res = await hubspotFetch(server, 'GET', `/api/portals/${PORTAL_A}/settings${q(PORTAL_A)}`);
    expect(res.status).toBe(200);
    expect(res.body.configured).toBe(false);
    expect(res.body.settings.defaultJurisdiction).toBe('FR');
    expect(res.body.summary.byStatus.blocked).toBe(1);
    expect(res.body.backfill.state).toBe('done');
  });

  it('saves valid settings, ledgers what changed and re-judges the portal once', async () => {
    const res = await put(valid);
    expect(res.status).toBe(200);
    expect(res.body.configured).toBe(true);
    expect(world.settings.get(PORTAL_A)?.expiryAction).toBe('archive');
    expect(world.ledger[0]).toMatchObject({ kind: 'settings_change', contactId: null, actor: 'user:77' });
    expect(world.ledger[0]?.payload.changed).toEqual(expect.arrayContaining(['controller', 'expiryAction', 'privacyPolicyUrl']));
    expect(world.judged).toEqual([{ portalId: PORTAL_A }]);
    await put(valid);
    expect(world.judged).toHaveLength(1);
    expect(world.settings.has(PORTAL_B)).toBe(false);
  });

  it('refuses invalid settings with one message per field and saves nothing', async () => {
    const res = await put({ ...valid, privacyPolicyUrl: 'http://acme.example', retention: { ...valid.retention, warningDays: 3 }, controller: { ...valid.controller, name: '' }, sequenceBlocking: 'maybe' });
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.error.fields).sort()).toEqual(['controller.name', 'privacyPolicyUrl', 'retention.warningDays', 'sequenceBlocking']);
    expect(world.settings.size).toBe(0);
    expect(sideEffects()).toBe(0);
  });

  it('refuses unknown fields', async () => {
    const res = await put({ ...valid, isAdmin: true });
    expect(res.status).toBe(422);
  });
});
