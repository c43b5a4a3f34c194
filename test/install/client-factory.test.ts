import nock from 'nock';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateTokenKeyRing, TokenCipher } from '../../src/crypto/token-cipher.ts';
import { InstallationStore } from '../../src/storage/installations.ts';
import { HubSpotClients, InstallationGoneError, TokenRefreshError } from '../../src/hubspot/client-factory.ts';
import { OAuthTokenError, requestToken } from '../../src/oauth/token-endpoint.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { describeWithServices, REDIS_TEST_URL } from '../support/services.ts';

const API = 'https://api.hubspot.test';
const base = { hubspotApiBaseUrl: API, hubspotClientId: 'cid', hubspotClientSecret: 'csecret-123' };
const endpoint = { apiBaseUrl: API, clientId: 'cid', clientSecret: 'csecret-123' };

let db: TestDb;
let store: InstallationStore;
let t = Date.parse('2026-11-23T08:00:00Z');
const now = () => t;

beforeAll(async () => {
  db = await createTestDb('pglite');
  store = new InstallationStore({ db, cipher: new TokenCipher(generateTokenKeyRing()), now: () => new Date(t) });
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
});
afterAll(async () => {
  nock.enableNetConnect();
  await db?.drop();
});
afterEach(() => {
  nock.cleanAll();
});

async function install(portalId: number, expiresInMs: number) {
  await store.upsert({ portalId, scopes: ['oauth'], accessToken: `at-${portalId}-0`, refreshToken: `rt-${portalId}`,
    expiresAt: new Date(t + expiresInMs) });
}

describe('token endpoint (2026-03)', () => {
  it('posts a form with every parameter in the body and reads snake_case answers', async () => {
    let body = '';
    nock(API).post('/oauth/2026-03/token', (b) => { body = new URLSearchParams(b as string).toString(); return true; })
      .matchHeader('content-type', /application\/x-www-form-urlencoded/)
      .reply(200, { token_type: 'bearer', access_token: 'AT', refresh_token: 'RT', expires_in: 1800, hub_id: 62515, scopes: ['oauth'] });
    const r = await requestToken(endpoint, { grantType: 'authorization_code', code: 'the-code', redirectUri: 'http://x/cb' });
    expect(r).toEqual({ accessToken: 'AT', refreshToken: 'RT', expiresInSeconds: 1800, hubId: 62515, scopes: ['oauth'] });
    const form = new URLSearchParams(body);
    expect(Object.fromEntries(form)).toEqual({ grant_type: 'authorization_code', code: 'the-code', redirect_uri: 'http://x/cb',
      client_id: 'cid', client_secret: 'csecret-123' });
  });

  it('turns RFC 6749 errors, 5xx, garbage and network failures into OAuthTokenError', async () => {
    nock(API).post('/oauth/2026-03/token').reply(400, { error: 'invalid_client', error_description: 'bad secret' });
    const e1 = await requestToken(endpoint, { grantType: 'refresh_token', refreshToken: 'r' }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(OAuthTokenError);
    expect(e1).toMatchObject({ error: 'invalid_client', httpStatus: 400, retryable: false });
    nock(API).post('/oauth/2026-03/token').reply(503, 'upstream down');
    expect(await requestToken(endpoint, { grantType: 'refresh_token', refreshToken: 'r' }).catch((e: unknown) => e))
      .toMatchObject({ error: 'http_503', retryable: true });
    nock(API).post('/oauth/2026-03/token').reply(200, { hello: 'world' });
    expect(await requestToken(endpoint, { grantType: 'refresh_token', refreshToken: 'r' }).catch((e: unknown) => e))
      .toMatchObject({ error: 'invalid_response' });
    nock(API).post('/oauth/2026-03/token').replyWithError('socket hang up');
    expect(await requestToken(endpoint, { grantType: 'refresh_token', refreshToken: 'r' }).catch((e: unknown) => e))
      .toMatchObject({ error: 'network_error', retryable: true });
  });
});

describe('HubSpotClients', () => {
  beforeEach(() => {
    t = Date.parse('2026-11-23T08:00:00Z');
  });

  it('uses the stored token while fresh, without calling HubSpot', async () => {
    await install(1001, 30 * 60_000);
    const clients = new HubSpotClients({ ...base, installations: store, now });
    expect(await clients.accessToken(1001)).toBe('at-1001-0');
    expect(clients.refreshCalls).toBe(0);
  });

  it('refreshes within 5 minutes of expiry, stores the new token sealed, and builds a client on it', async () => {
    await install(1002, 4 * 60_000);
    nock(API).post('/oauth/2026-03/token', (b) => new URLSearchParams(b as string).get('refresh_token') === 'rt-1002')
      .reply(200, { access_token: 'at-1002-1', refresh_token: 'rt-1002', expires_in: 1800, hub_id: 1002 });
    const clients = new HubSpotClients({ ...base, installations: store, now });
    expect(await clients.accessToken(1002)).toBe('at-1002-1');
    expect((await store.getTokens(1002))?.expiresAt.getTime()).toBe(t + 1800_000);
    const raw = JSON.stringify((await db.query('select * from installations where portal_id = 1002')).rows);
    expect(raw).not.toContain('at-1002-1');
    nock(API).get('/crm/v3/objects/contacts/7').matchHeader('authorization', 'Bearer at-1002-1')
      .reply(200, { id: '7', properties: {}, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', archived: false });
    const client = await clients.forPortal(1002);
    const contact = await client.crm.contacts.basicApi.getById('7');
    expect(contact.id).toBe('7');
    expect(clients.refreshCalls).toBe(1);
  });

  it('forces a refresh of a token HubSpot refused before its recorded expiry, once for concurrent callers', async () => {
    await install(1009, 30 * 60_000);
    const scope = nock(API).post('/oauth/2026-03/token').delay(50)
      .reply(200, { access_token: 'at-1009-1', refresh_token: 'rt-1009', expires_in: 1800 });
    const clients = new HubSpotClients({ ...base, installations: store, now });
    const tokens = await Promise.all([clients.refresh(1009, { force: true }), clients.refresh(1009, { force: true })]);
    expect(tokens).toEqual(['at-1009-1', 'at-1009-1']);
    expect(clients.refreshCalls).toBe(1);
    expect(scope.isDone()).toBe(true);
    expect(await clients.accessToken(1009)).toBe('at-1009-1');
  });

  it('collapses concurrent refreshes of one portal into one token call', async () => {
    await install(1003, 60_000);
    const scope = nock(API).post('/oauth/2026-03/token').delay(100)
      .reply(200, { access_token: 'at-1003-1', refresh_token: 'rt-1003', expires_in: 1800 });
    const clients = new HubSpotClients({ ...base, installations: store, now });
    const tokens = await Promise.all(Array.from({ length: 10 }, () => clients.accessToken(1003)));
    expect(new Set(tokens)).toEqual(new Set(['at-1003-1']));
    expect(clients.refreshCalls).toBe(1);
    expect(scope.isDone()).toBe(true);
  });

  it('marks the installation uninstalled on invalid_grant, tells listeners, and refuses later calls', async () => {
    await install(1004, 0);
    nock(API).post('/oauth/2026-03/token').reply(400, { error: 'invalid_grant', error_description: 'refresh token revoked' });
    const clients = new HubSpotClients({ ...base, installations: store, now });
    const gone: number[] = [];
    clients.onInstallationGone((p) => gone.push(p));
    const results = await Promise.allSettled([clients.forPortal(1004), clients.forPortal(1004)]);
    for (const r of results) expect(r.status === 'rejected' && r.reason).toBeInstanceOf(InstallationGoneError);
    expect(gone).toEqual([1004]);
    expect(await clients.isActive(1004)).toBe(false);
    expect(await store.get(1004)).toMatchObject({ status: 'uninstalled', uninstallReason: 'invalid_grant' });
    await expect(clients.accessToken(1004)).rejects.toBeInstanceOf(InstallationGoneError);
    expect(clients.refreshCalls).toBe(1);
  });

  it('keeps the installation on a 5xx during refresh (retryable error) and recovers next time', async () => {
    await install(1005, 0);
    nock(API).post('/oauth/2026-03/token').reply(502, 'bad gateway');
    const clients = new HubSpotClients({ ...base, installations: store, now });
    await expect(clients.accessToken(1005)).rejects.toBeInstanceOf(TokenRefreshError);
    expect(await clients.isActive(1005)).toBe(true);
    nock(API).post('/oauth/2026-03/token').reply(200, { access_token: 'at-1005-1', refresh_token: 'rt-1005', expires_in: 1800 });
    expect(await clients.accessToken(1005)).toBe('at-1005-1');
  });

  it('never stores a token the endpoint issued for another account', async () => {
    await install(1006, 0);
    nock(API).post('/oauth/2026-03/token').reply(200, { access_token: 'at-other', refresh_token: 'rt-x', expires_in: 1800, hub_id: 9999 });
    const clients = new HubSpotClients({ ...base, installations: store, now });
    await expect(clients.accessToken(1006)).rejects.toThrow(/hub 9999/);
    expect((await store.getTokens(1006))?.accessToken).toBe('at-1006-0');
  });

  it('keeps portals apart: each client carries only its own portal\'s token; unknown portals are refused', async () => {
    await install(1007, 30 * 60_000);
    await install(1008, 30 * 60_000);
    const clients = new HubSpotClients({ ...base, installations: store, now });
    nock(API).get('/crm/v3/objects/contacts/1').matchHeader('authorization', 'Bearer at-1007-0')
      .reply(200, { id: '1', properties: {}, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', archived: false });
    nock(API).get('/crm/v3/objects/contacts/1').matchHeader('authorization', 'Bearer at-1008-0')
      .reply(200, { id: '1', properties: { firstname: 'B' }, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', archived: false });
    const [a, b] = [await clients.forPortal(1007), await clients.forPortal(1008)];
    expect(a).not.toBe(b);
    expect((await b.crm.contacts.basicApi.getById('1')).properties.firstname).toBe('B');
    expect((await a.crm.contacts.basicApi.getById('1')).properties.firstname).toBeUndefined();
    await expect(clients.forPortal(424242)).rejects.toBeInstanceOf(InstallationGoneError);
  });
});

describeWithServices('HubSpotClients across processes (Redis lock)', { redis: true }, () => {
  let redisA: Redis;
  let redisB: Redis;
  const keyPrefix = `test:${process.pid}:${Date.now()}:`;
  beforeAll(() => {
    redisA = new Redis(REDIS_TEST_URL);
    redisB = new Redis(REDIS_TEST_URL);
  });
  afterAll(async () => {
    const keys = await redisA.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redisA.del(...keys);
    await redisA.quit();
    await redisB.quit();
  });

  it('two instances sharing the store refresh once; the other waits and re-reads the stored token', async () => {
    t = Date.now();
    const realNow = () => Date.now();
    await store.upsert({ portalId: 2001, scopes: [], accessToken: 'at-2001-0', refreshToken: 'rt-2001', expiresAt: new Date(t + 1000) });
    const scope = nock(API).post('/oauth/2026-03/token').delay(200)
      .reply(200, { access_token: 'at-2001-1', refresh_token: 'rt-2001', expires_in: 1800 });
    const one = new HubSpotClients({ ...base, installations: store, redis: redisA, keyPrefix, now: realNow });
    const two = new HubSpotClients({ ...base, installations: store, redis: redisB, keyPrefix, now: realNow });
    const tokens = await Promise.all([one.accessToken(2001), two.accessToken(2001), one.accessToken(2001), two.accessToken(2001)]);
    expect(new Set(tokens)).toEqual(new Set(['at-2001-1']));
    expect(one.refreshCalls + two.refreshCalls).toBe(1);
    expect(scope.isDone()).toBe(true);
    expect(await redisA.exists(`${keyPrefix}oauth-refresh:2001`)).toBe(0);
  });

  it('a forced refresh from two processes at once also makes one call', async () => {
    const realNow = () => Date.now();
    await store.upsert({ portalId: 2002, scopes: [], accessToken: 'at-2002-0', refreshToken: 'rt-2002', expiresAt: new Date(Date.now() + 30 * 60_000) });
    const scope = nock(API).post('/oauth/2026-03/token').delay(200)
      .reply(200, { access_token: 'at-2002-1', refresh_token: 'rt-2002', expires_in: 1800 });
    const one = new HubSpotClients({ ...base, installations: store, redis: redisA, keyPrefix, now: realNow });
    const two = new HubSpotClients({ ...base, installations: store, redis: redisB, keyPrefix, now: realNow });
    const tokens = await Promise.all([one.refresh(2002, { force: true }), two.refresh(2002, { force: true })]);
    expect(tokens).toEqual(['at-2002-1', 'at-2002-1']);
    expect(one.refreshCalls + two.refreshCalls).toBe(1);
    expect(scope.isDone()).toBe(true);
  });
});
