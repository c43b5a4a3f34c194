// The card, settings and workflow-action endpoints inside the whole app (real OAuth install, pipeline,
// enforcement services, PGlite) against the HubSpot stand-in, called the way HubSpot calls them.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandIn, type StandIn } from '../../scripts/hubspot-standin/index.ts';
import { loadConfig } from '../../src/config/config.ts';
import { generateTokenKeyRing } from '../../src/crypto/token-cipher.ts';
import { startApp, type RunningApp } from '../../src/main.ts';
import { createEnforcementRuntime, type AttachedEnforcement } from '../../src/enforcement/runtime.ts';
import { createCrmRuntime } from '../../src/card/runtime.ts';
import { signHubSpotV2, signHubSpotV3 } from '../../src/hubspot/signature.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import type { Body } from './backend-fakes.ts';

const CLIENT_ID = 'crm-e2e';
const SECRET = 'crm-e2e-client-secret';
let db: TestDb;
let standIn: StandIn;
let app: RunningApp;
let enf: AttachedEnforcement;
let baseUrl: string;
let portalId: number;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address() as net.AddressInfo; s.close(() => resolve(port)); });
  });
}

beforeAll(async () => {
  db = await createTestDb('pglite');
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  standIn = await startStandIn({
    clientId: CLIENT_ID, clientSecret: SECRET, rateLimits: false, redirectUris: [`${baseUrl}/oauth/callback`],
    // The backend runs on http://127.0.0.1 here; HubSpot itself only calls the https URLs in permittedUrls.fetch.
    uiFetch: { permittedUrls: [baseUrl], allowHttp: true },
    webhooks: { targetUrl: `${baseUrl}/webhooks/hubspot`, flushIntervalMs: 30, retryDelayMs: 100 },
  });
  const config = loadConfig({
    NODE_ENV: 'test', PORT: String(port), PUBLIC_BASE_URL: baseUrl, LOG_LEVEL: 'silent',
    HUBSPOT_API_BASE_URL: standIn.url, HUBSPOT_AUTHORIZE_URL: standIn.authorizeUrl,
    HUBSPOT_CLIENT_ID: CLIENT_ID, HUBSPOT_CLIENT_SECRET: SECRET, HUBSPOT_APP_ID: String(standIn.appId),
  });
  const enforcement = createEnforcementRuntime({ schedule: false });
  const crm = createCrmRuntime();
  app = await startApp(config, {
    db, tokenKeys: generateTokenKeyRing(), listen: port, redis: null, bootstrapRetryMs: false,
    routers: [enforcement.router, crm.router], pipeline: { coalesceWindowMs: 30 },
  });
  enf = await enforcement.attach(app);
  crm.attach(app, enf.enforcement);
  ({ portalId } = standIn.createAccount());
  standIn.approveInstallsAs(portalId);
  const install = await fetch(`${baseUrl}/oauth/install`, { redirect: 'manual' });
  const consent = await fetch(install.headers.get('location') ?? '', { redirect: 'manual' });
  const callback = await fetch(consent.headers.get('location') ?? '', { redirect: 'manual' });
  expect(callback.status).toBeLessThan(400);
}, 60_000);

afterAll(async () => {
  await enf?.stop();
  await app?.stop();
  await standIn?.close();
  await db?.drop();
});

/** The card's hubspot.fetch, delivered by the stand-in the way HubSpot delivers it (identity appended, v3-signed). */
async function signed(method: 'GET' | 'POST' | 'PUT', path: string, body?: Record<string, unknown>): Promise<{ status: number; body: Body }> {
  const res = await standIn.uiFetch({
    portalId, userId: 501, userEmail: 'rep@acme-industrie.fr', url: baseUrl + path, options: { method, ...(body ? { body } : {}) },
  });
  return { status: res.status, body: res.body };
}

const b2b = () => standIn.createContact(portalId, {
  email: `claire.${Math.random().toString(36).slice(2, 8)}@acme-industrie.fr`, firstname: 'Claire', lastname: 'Martin',
  phone: `+336${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`, country: 'France', company: 'Acme Industrie', jobtitle: 'DRH',
  pg_is_professional: 'true', pg_offer_related: 'true', pg_source_kind: 'trade_show', pg_collected_at: '2026-03-10',
});
const b2c = () => standIn.createContact(portalId, {
  email: `jean.${Math.random().toString(36).slice(2, 8)}@gmail.com`, firstname: 'Jean', country: 'France',
  pg_source_kind: 'web_form', pg_collected_at: '2026-03-10',
});

describe('card backend in the running app', () => {
  it('shows the verdict of a contact from its current HubSpot state', async () => {
    const id = b2b();
    const res = await signed('GET', `/api/portals/${portalId}/contacts/${id}/card`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ contactId: id, judged: true, audience: 'b2b_nominative' });
    expect(res.body.channels[0]).toMatchObject({ channel: 'email', allowed: true, basis: 'legitimate_interest' });
  });

  it('an objection from the card blocks email, is ledgered, suppressed and passed on to HubSpot', async () => {
    const id = b2b();
    const res = await signed('POST', `/api/portals/${portalId}/contacts/${id}/objections`, { channel: 'email' });
    expect(res.status).toBe(200);
    expect(res.body.channels[0]).toMatchObject({ channel: 'email', allowed: false, blocker: 'objected' });
    const entries = await enf.enforcement.ledger.list(portalId, { contactId: id });
    expect(entries.some((e) => e.kind === 'objection' && e.actor === 'user:501')).toBe(true);
    expect(entries.some((e) => e.payload?.propagatedTo === 'hubspot_communication_preferences')).toBe(true);
    const email = standIn.getContact(portalId, id)?.properties.email ?? '';
    expect(await enf.enforcement.suppression.match(portalId, { email })).toContain('email');
  });

  it('a consent recorded from the card opens SMS for a consumer', async () => {
    const id = b2c();
    const before = await signed('GET', `/api/portals/${portalId}/contacts/${id}/card`);
    expect(before.body.channels[1]).toMatchObject({ channel: 'sms', allowed: false });
    const res = await signed('POST', `/api/portals/${portalId}/contacts/${id}/consents`, { channel: 'sms', method: 'signed_form', givenAt: '2026-11-01', proofRef: 'FORM-7' });
    expect(res.status).toBe(200);
    expect(res.body.channels[1]).toMatchObject({ channel: 'sms', allowed: true, basis: 'consent' });
    expect(res.body.consents).toEqual([expect.objectContaining({ channel: 'sms', method: 'signed_form', proofRef: 'FORM-7' })]);
    const entries = await enf.enforcement.ledger.list(portalId, { contactId: id, kinds: ['consent'] });
    expect(entries).toHaveLength(1);
  });

  it('exports as a tracked access request and erases as a tracked erasure, leaving a hashed suppression entry', async () => {
    const id = b2b();
    const email = standIn.getContact(portalId, id)?.properties.email ?? '';
    const exported = await signed('POST', `/api/portals/${portalId}/contacts/${id}/export`, {});
    expect(exported.status).toBe(200);
    expect(exported.body.format).toBe('prospect-guard/access-export');
    expect(exported.body.hubspot.contact.firstname).toBe('Claire');
    const erased = await signed('POST', `/api/portals/${portalId}/contacts/${id}/erase`, { confirmContactId: id });
    expect(erased.status).toBe(200);
    expect(standIn.getContact(portalId, id)).toBeUndefined();
    expect(await enf.enforcement.suppression.match(portalId, { email })).toContain('all');
    const requests = await enf.enforcement.dsr.list(portalId, {});
    expect(requests.filter((r) => r.origin === 'card').map((r) => [r.kind, r.status]).sort()).toEqual([['access', 'closed'], ['erasure', 'closed']]);
    const after = await signed('GET', `/api/portals/${portalId}/contacts/${id}/card`);
    expect(after.body).toMatchObject({ contactId: id, judged: false });
    expect(Object.keys(after.body).sort()).toEqual(['contactId', 'judged', 'levers']); // nothing of the erased contact
  });

  it('settings saved from the settings page land in the store the enforcement reads', async () => {
    const initial = await signed('GET', `/api/portals/${portalId}/settings`);
    expect(initial.status).toBe(200);
    expect(initial.body.configured).toBe(false);
    const settings = {
      ...initial.body.settings, offerDescription: 'Payroll software', activity: 'Software publisher', targetRoles: ['DRH'],
      expiryAction: 'archive', controller: { name: 'Acme SAS', address: 'Paris', dpoContact: 'dpo@acme.example' },
      privacyPolicyUrl: 'https://acme.example/privacy',
    };
    const saved = await signed('PUT', `/api/portals/${portalId}/settings`, settings);
    expect(saved.status).toBe(200);
    expect(saved.body.configured).toBe(true);
    expect(saved.body.settings.offerDescription).toBe('Payroll software');
    const stored = await app.installations.getSettings(portalId);
    expect(stored.expiryAction).toBe('archive');
    expect(stored.controller?.name).toBe('Acme SAS');
    expect(saved.body.backfill.state).toMatch(/running|done/);
  });

  it('the workflow action answers from the same verdict', async () => {
    const id = b2b();
    const res = await standIn.runWorkflowAction(portalId, { actionUrl: `${baseUrl}/actions/eligibility`, contactId: id, inputFields: { channel: 'email' } });
    expect(res.status).toBe(200);
    const out = (res.body as Body).outputFields;
    expect(out, JSON.stringify(out)).toMatchObject({ eligible: true, blocker: 'none', hs_execution_state: 'SUCCESS' });
  });

  it('refuses a workflow action call signed with v2 alone (this app expects v3)', async () => {
    const id = b2b();
    const body = JSON.stringify({ callbackId: 'cb-2', origin: { portalId }, object: { objectId: Number(id), objectType: 'CONTACT' }, inputFields: { channel: 'email' } });
    const uri = `${baseUrl}/actions/eligibility`;
    const res = await fetch(uri, {
      method: 'POST', body,
      headers: { 'content-type': 'application/json', 'x-hubspot-signature-version': 'v2', 'x-hubspot-signature': signHubSpotV2({ method: 'POST', uri, rawBody: body, clientSecret: SECRET }) },
    });
    expect(res.status).toBe(401);
  });

  it('a replayed card action acts once in the running app', async () => {
    const id = b2c();
    const first = await standIn.uiFetch({ portalId, userId: 501, userEmail: 'rep@acme-industrie.fr', url: `${baseUrl}/api/portals/${portalId}/contacts/${id}/consents`,
      options: { method: 'POST', body: { channel: 'sms', method: 'signed_form', givenAt: '2026-11-01', proofRef: 'FORM-9' } } });
    expect(first.status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const again = await fetch(baseUrl + new URL(first.sent.url).pathname + new URL(first.sent.url).search, { method: 'POST', headers: first.sent.headers, body: first.sent.body });
      expect(again.status).toBe(200);
      expect(again.headers.get('x-prospect-guard-replayed')).toBe('true');
    }
    const consents = await app.db.query<{ n: number }>('select count(*)::int as n from contact_consents where portal_id = $1 and contact_id = $2', [portalId, id]);
    expect(consents.rows[0]?.n).toBe(1);
  });

  it('a contact re-created with an erased person\'s phone stays blocked everywhere (hashed suppression)', async () => {
    const id = b2b();
    const phone = standIn.getContact(portalId, id)?.properties.phone ?? '';
    expect((await signed('POST', `/api/portals/${portalId}/contacts/${id}/erase`, { confirmContactId: id })).status).toBe(200);
    const twin = standIn.createContact(portalId, { email: 'someone.else@acme-industrie.fr', phone, country: 'France', jobtitle: 'DRH', pg_is_professional: 'true', pg_offer_related: 'true', pg_source_kind: 'trade_show', pg_collected_at: '2026-03-10' });
    const res = await signed('GET', `/api/portals/${portalId}/contacts/${twin}/card`);
    expect(res.body.channels.every((c: { allowed: boolean }) => !c.allowed)).toBe(true);
    expect(res.body.channels[0].blocker).toBe('objected');
  });

  it("refuses another portal's data even with a valid signature", async () => {
    const other = standIn.createAccount().portalId;
    const id = b2b();
    const path = `/api/portals/${other}/contacts/${id}/card`;
    const full = `${path}?portalId=${portalId}&userId=501`;
    const timestamp = Date.now();
    const res = await fetch(baseUrl + full, { headers: { 'x-hubspot-request-timestamp': String(timestamp), 'x-hubspot-signature-v3': signHubSpotV3({ method: 'GET', uri: baseUrl + full, rawBody: '', timestamp, clientSecret: SECRET }) } });
    expect(res.status).toBe(403);
  });
});
