// The install flow at the HTTP edge, with HubSpot mocked by nock: the redirect, the callback's answers for
// every failure, and the guarantee that a failed install stores nothing.
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { generateTokenKeyRing } from '../../src/crypto/token-cipher.ts';
import { startApp, type RunningApp } from '../../src/main.ts';
import { OAuthStateIssuer } from '../../src/oauth/state.ts';
import { OAuthStateStore } from '../../src/storage/oauth-states.ts';
import { loadAppManifest } from '../../src/hubspot/app-manifest.ts';
import { APP_PROPERTIES, PROPERTY_GROUP } from '../../src/hubspot/properties.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

const API = 'https://api.hubspot.test';
const SECRET = 'flow-client-secret';
let db: TestDb;
let app: RunningApp;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  db = await createTestDb('pglite');
  const config = loadConfig({
    HUBSPOT_API_BASE_URL: API, HUBSPOT_AUTHORIZE_URL: 'https://app.hubspot.test/oauth/authorize',
    HUBSPOT_CLIENT_ID: 'flow-client', HUBSPOT_CLIENT_SECRET: SECRET, PUBLIC_BASE_URL: 'https://pg.example', LOG_LEVEL: 'silent',
  });
  app = await startApp(config, { db, tokenKeys: generateTokenKeyRing(), listen: 0, redis: null, bootstrapRetryMs: false, pipeline: false,
    installAttemptsPerMinute: 1000 });
});
afterAll(async () => {
  await app?.stop();
  await db?.drop();
  nock.enableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});

async function startInstall(): Promise<{ location: URL; state: string }> {
  const res = await fetch(`${app.url}/oauth/install`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location') ?? '');
  return { location, state: location.searchParams.get('state') ?? '' };
}

const callback = (params: Record<string, string>) =>
  fetch(`${app.url}/oauth/callback?${new URLSearchParams(params)}`, { redirect: 'manual' });

async function installationCount(): Promise<number> {
  return (await db.query('select portal_id from installations')).rows.length;
}

function mockBootstrap(existing: string[] = []) {
  nock(API).get('/crm/v3/properties/contacts/groups').reply(200, { results: [{ name: 'contactinformation', label: 'Contact information', displayOrder: 0, archived: false }] });
  nock(API).post('/crm/v3/properties/contacts/groups').reply(201, { ...PROPERTY_GROUP, archived: false });
  nock(API).get('/crm/v3/properties/contacts').query(true).reply(200, {
    results: existing.map((name) => ({ ...APP_PROPERTIES.find((p) => p.name === name), options: APP_PROPERTIES.find((p) => p.name === name)?.options ?? [] })),
  });
  const created: string[] = [];
  const scope = nock(API)
    .post('/crm/v3/properties/contacts', (body: { name: string }) => { created.push(body.name); return true; })
    .times(APP_PROPERTIES.length - existing.length)
    .reply(201, { name: 'created', label: 'Created', type: 'string', fieldType: 'text', groupName: PROPERTY_GROUP.name, options: [] });
  return { created, scope };
}

describe('GET /oauth/install', () => {
  it('redirects to HubSpot with the client id, the callback URL, the scopes of app.json and a signed state', async () => {
    const { location, state } = await startInstall();
    expect(`${location.origin}${location.pathname}`).toBe('https://app.hubspot.test/oauth/authorize');
    expect(location.searchParams.get('client_id')).toBe('flow-client');
    expect(location.searchParams.get('redirect_uri')).toBe('https://pg.example/oauth/callback');
    expect(location.searchParams.get('scope')?.split(' ')).toEqual(loadAppManifest().auth.requiredScopes);
    // The tier-dependent scopes go in optional_scope: an account without them still installs.
    expect(location.searchParams.get('optional_scope')?.split(' ')).toEqual(loadAppManifest().auth.optionalScopes);
    expect(loadAppManifest().auth.optionalScopes).toContain('automation');
    expect(state.split('.')).toHaveLength(3);
  });
});

describe('GET /oauth/callback', () => {
  it('installs: exchanges the code, stores the installation sealed, creates the group and the missing properties', async () => {
    const { state } = await startInstall();
    let form: URLSearchParams | null = null;
    nock(API).post('/oauth/2026-03/token', (b) => { form = new URLSearchParams(b as string); return true; })
      .reply(200, { token_type: 'bearer', access_token: 'AT-555-CLEAR', refresh_token: 'RT-555-CLEAR', expires_in: 1800, hub_id: 555, scopes: ['oauth', 'crm.objects.contacts.read'] });
    const { created, scope } = mockBootstrap(['pg_audience']);
    const res = await callback({ code: 'code-1', state });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('Prospect Guard is installed');
    expect(form).not.toBeNull();
    expect(Object.fromEntries(form ?? [])).toMatchObject({ grant_type: 'authorization_code', code: 'code-1',
      redirect_uri: 'https://pg.example/oauth/callback', client_id: 'flow-client', client_secret: SECRET });
    expect(scope.isDone()).toBe(true);
    expect(created).toHaveLength(APP_PROPERTIES.length - 1);
    expect(created).not.toContain('pg_audience');
    expect(await app.installations.get(555)).toMatchObject({ status: 'active', scopes: ['oauth', 'crm.objects.contacts.read'],
      bootstrap: { status: 'done' } });
    const raw = JSON.stringify((await db.query('select * from installations')).rows);
    expect(raw).not.toContain('AT-555-CLEAR');
    expect(raw).not.toContain('RT-555-CLEAR');
    expect(await app.clients.accessToken(555)).toBe('AT-555-CLEAR');
  });

  it('asks HubSpot which account it is when the token answer does not say (introspection)', async () => {
    const { state } = await startInstall();
    nock(API).post('/oauth/2026-03/token').reply(200, { token_type: 'bearer', access_token: 'AT-559', refresh_token: 'RT-559', expires_in: 1800 });
    let introspected: URLSearchParams | null = null;
    nock(API).post('/oauth/2026-03/token/introspect', (b) => { introspected = new URLSearchParams(b as string); return true; })
      .reply(200, { active: true, hub_id: 559, hub_domain: 'acme-559.hubspot.com', scopes: ['oauth', 'automation'] });
    mockBootstrap();
    expect((await callback({ code: 'c', state })).status).toBe(200);
    expect(Object.fromEntries(introspected ?? [])).toEqual({ token: 'AT-559', token_type_hint: 'access_token',
      client_id: 'flow-client', client_secret: SECRET });
    expect(await app.installations.get(559)).toMatchObject({ hubDomain: 'acme-559.hubspot.com', scopes: ['oauth', 'automation'] });
  });

  it('refuses a forged state with a 400 page and stores nothing', async () => {
    const before = await installationCount();
    const forger = new OAuthStateIssuer({ clientSecret: 'not-our-secret', store: new OAuthStateStore({ db }) });
    const res = await callback({ code: 'c', state: await forger.issue() });
    const html = await res.text();
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(html).toContain('not issued by Prospect Guard');
    expect(html).not.toMatch(/at .*\.ts:\d+/);
    expect(await installationCount()).toBe(before);
  });

  it('refuses a replayed state, and an expired one', async () => {
    const { state } = await startInstall();
    nock(API).post('/oauth/2026-03/token').reply(200, { access_token: 'AT-556', refresh_token: 'RT-556', expires_in: 1800, hub_id: 556, scopes: ['oauth'] });
    mockBootstrap();
    expect((await callback({ code: 'c1', state })).status).toBe(200);
    const before = await installationCount();
    const replay = await callback({ code: 'c2', state });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('already been used');

    const past = new OAuthStateIssuer({ clientSecret: SECRET, store: new OAuthStateStore({ db, now: () => new Date(Date.now() - 11 * 60_000) }),
      now: () => new Date(Date.now() - 11 * 60_000) });
    const expired = await callback({ code: 'c3', state: await past.issue() });
    expect(expired.status).toBe(400);
    expect(await expired.text()).toContain('expired');
    expect(await installationCount()).toBe(before);
  });

  it('answers a clear 502 page when HubSpot rejects the client secret, and stores nothing', async () => {
    const before = await installationCount();
    const { state } = await startInstall();
    nock(API).post('/oauth/2026-03/token').reply(400, { error: 'invalid_client', error_description: 'Invalid client secret' });
    const res = await callback({ code: 'c', state });
    expect(res.status).toBe(502);
    expect(await res.text()).toContain('client credentials, so the installation could not finish');
    expect(await installationCount()).toBe(before);
  });

  it('answers 502 when HubSpot fails during the exchange (5xx or network), and stores nothing', async () => {
    const before = await installationCount();
    for (const fail of [
      () => nock(API).post('/oauth/2026-03/token').reply(503, 'Service Unavailable'),
      () => nock(API).post('/oauth/2026-03/token').replyWithError('connection reset'),
    ]) {
      const { state } = await startInstall();
      fail();
      const res = await callback({ code: 'c', state });
      expect(res.status).toBe(502);
      expect(await res.text()).toContain('try again');
    }
    expect(await installationCount()).toBe(before);
  });

  it('answers 400 for an expired authorization code, for a missing code, and when the person declined', async () => {
    const before = await installationCount();
    let { state } = await startInstall();
    nock(API).post('/oauth/2026-03/token').reply(400, { error: 'invalid_grant', error_description: 'code expired' });
    expect((await callback({ code: 'old', state })).status).toBe(400);
    ({ state } = await startInstall());
    expect((await callback({ state })).status).toBe(400);
    ({ state } = await startInstall());
    const declined = await callback({ error: 'access_denied', state });
    expect(declined.status).toBe(400);
    expect(await declined.text()).toContain('Installation cancelled');
    expect(await installationCount()).toBe(before);
  });

  it('keeps an installation whose bootstrap failed, says so, and completes it on retry', async () => {
    const { state } = await startInstall();
    nock(API).post('/oauth/2026-03/token').reply(200, { access_token: 'AT-557', refresh_token: 'RT-557', expires_in: 1800, hub_id: 557, scopes: ['oauth'] });
    nock(API).get('/crm/v3/properties/contacts/groups').reply(500, { status: 'error', message: 'internal', category: 'INTERNAL_ERROR' });
    const res = await callback({ code: 'c', state });
    expect(res.status).toBe(202);
    expect(await res.text()).toContain('retried automatically');
    const failed = await app.installations.get(557);
    expect(failed).toMatchObject({ status: 'active', bootstrap: { status: 'failed', attempts: 1 } });
    expect(failed?.bootstrap.nextAttemptAt?.getTime()).toBeGreaterThan(Date.now());
    expect(await app.installations.listBootstrapDue()).not.toContain(557);

    await db.query(`update installations set bootstrap_next_attempt_at = now() - interval '1 second' where portal_id = 557`);
    const done: number[] = [];
    app.bootstrapper.onBootstrapped((p) => { done.push(p); });
    mockBootstrap();
    expect(await app.bootstrapper.runDue()).toBe(1);
    expect(done).toEqual([557]);
    expect((await app.installations.get(557))?.bootstrap).toMatchObject({ status: 'done', attempts: 2, error: null });
  });

  it('answers "setup continues" when HubSpot is slow, and the bootstrap still completes', async () => {
    const slow = await startApp(app.config, { db, tokenKeys: generateTokenKeyRing(), listen: 0, redis: null,
      bootstrapRetryMs: false, pipeline: false, installAttemptsPerMinute: 1000, bootstrapWaitMs: 300 });
    try {
      const res0 = await fetch(`${slow.url}/oauth/install`, { redirect: 'manual' });
      const state = new URL(res0.headers.get('location') ?? '').searchParams.get('state') ?? '';
      nock(API).post('/oauth/2026-03/token').reply(200, { access_token: 'AT-558', refresh_token: 'RT-558', expires_in: 1800, hub_id: 558, scopes: ['oauth'] });
      nock(API).get('/crm/v3/properties/contacts/groups').delay(1500).reply(200, { results: [] });
      nock(API).post('/crm/v3/properties/contacts/groups').reply(201, { ...PROPERTY_GROUP, archived: false });
      nock(API).get('/crm/v3/properties/contacts').query(true).reply(200, { results: [] });
      nock(API).post('/crm/v3/properties/contacts').times(APP_PROPERTIES.length)
        .reply(201, { name: 'created', label: 'Created', type: 'string', fieldType: 'text', groupName: PROPERTY_GROUP.name, options: [] });
      const started = Date.now();
      const res = await fetch(`${slow.url}/oauth/callback?${new URLSearchParams({ code: 'c', state })}`, { redirect: 'manual' });
      expect(res.status).toBe(202);
      expect(Date.now() - started).toBeLessThan(1500);
      await expect.poll(async () => (await slow.installations.get(558))?.bootstrap.status, { timeout: 10_000 }).toBe('done');
    } finally {
      await slow.stop();
    }
  });

  it('serves /healthz and JSON errors without internals', async () => {
    const h = await fetch(`${app.url}/healthz`);
    expect(await h.json()).toEqual({ status: 'ok', db: 'pglite' });
    expect(h.headers.get('x-content-type-options')).toBe('nosniff');
    expect(h.headers.get('x-powered-by')).toBeNull();
    const nf = await fetch(`${app.url}/nothing/here`);
    expect(nf.status).toBe(404);
    expect(await nf.json()).toEqual({ error: { code: 'not_found', message: 'no route for GET /nothing/here' } });
  });

  it('throttles install attempts per client address', async () => {
    const small = await startApp(app.config, { db, tokenKeys: generateTokenKeyRing(), listen: 0, redis: null,
      bootstrapRetryMs: false, pipeline: false, installAttemptsPerMinute: 2 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await fetch(`${small.url}/oauth/install`, { redirect: 'manual' })).status);
      expect(statuses).toEqual([302, 302, 429]);
      const limited = await fetch(`${small.url}/oauth/callback?code=x&state=y`, { redirect: 'manual' });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await small.stop();
    }
  });
});
