// OAuth as HubSpot does it: authorize redirects with code and state, the 2026-03 token endpoint exchanges and
// refreshes with RFC 6749 errors, bearer tokens identify the portal and expire.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStandIn, type StandIn } from '../../scripts/hubspot-standin/index.ts';
import { CLIENT_ID, CLIENT_SECRET, api, takeExpectedViolations } from './helpers.ts';

const REDIRECT = 'http://localhost:3000/oauth/callback';
const SCOPES = 'oauth crm.objects.contacts.read crm.objects.contacts.write';

async function authorize(standIn: StandIn, params: Record<string, string>): Promise<Response> {
  const url = new URL(standIn.authorizeUrl);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return fetch(url, { redirect: 'manual' });
}

async function token(standIn: StandIn, form: Record<string, string>, path = '/oauth/2026-03/token'): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${standIn.url}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form),
  });
  return { status: res.status, json: await res.json() as Record<string, unknown> };
}

async function codeFor(standIn: StandIn): Promise<string> {
  const res = await authorize(standIn, { client_id: CLIENT_ID, redirect_uri: REDIRECT, scope: SCOPES, state: 'st4te' });
  const location = new URL(res.headers.get('location') ?? '');
  return location.searchParams.get('code') ?? '';
}

describe('stand-in OAuth', () => {
  let standIn: StandIn;
  let portalId: number;
  let now: number;

  beforeEach(async () => {
    now = Date.UTC(2026, 10, 23, 8, 0, 0);
    standIn = await startStandIn({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, rateLimits: false, now: () => now });
    standIn.createAccount();
    ({ portalId } = standIn.createAccount());
    standIn.approveInstallsAs(portalId);
  });
  afterEach(async () => {
    await standIn.close();
  });

  it('consents for the approved account and redirects with code and state', async () => {
    const res = await authorize(standIn, { client_id: CLIENT_ID, redirect_uri: REDIRECT, scope: SCOPES, state: 'abc123' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('state')).toBe('abc123');
    expect(location.searchParams.get('code')).toMatch(/.{20,}/);
  });

  it('shows an error page for an unknown client, a bad redirect or an unknown scope', async () => {
    const cases: Array<Record<string, string>> = [
      { client_id: 'someone-else', redirect_uri: REDIRECT, scope: SCOPES },
      { client_id: CLIENT_ID, redirect_uri: 'not a url', scope: SCOPES },
      { client_id: CLIENT_ID, redirect_uri: REDIRECT, scope: 'oauth crm.everything' },
      { client_id: CLIENT_ID, redirect_uri: REDIRECT },
    ];
    for (const params of cases) {
      const res = await authorize(standIn, params);
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('Authorization error');
    }
  });

  it('redirects with error=access_denied when the user declines', async () => {
    standIn.denyNextInstall();
    const res = await authorize(standIn, { client_id: CLIENT_ID, redirect_uri: REDIRECT, scope: SCOPES, state: 's' });
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('exchanges a code once for tokens that identify the portal', async () => {
    const code = await codeFor(standIn);
    const ok = await token(standIn, { grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: REDIRECT, code });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ token_type: 'bearer', expires_in: 1800, hub_id: portalId });
    expect(ok.json.scopes).toEqual(SCOPES.split(' '));
    expect(typeof ok.json.access_token).toBe('string');
    expect(typeof ok.json.refresh_token).toBe('string');
    expect(standIn.isInstalled(portalId)).toBe(true);

    const me = await api(standIn, ok.json.access_token as string, 'GET', '/crm/v3/properties/contacts/email');
    expect(me.status).toBe(200);

    const replay = await token(standIn, { grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: REDIRECT, code });
    expect(replay.status).toBe(400);
    expect(replay.json.error).toBe('invalid_grant');
  });

  it('answers invalid_client for a wrong secret, invalid_grant for an expired code or a redirect mismatch', async () => {
    const code = await codeFor(standIn);
    const wrong = await token(standIn, { grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: 'nope', redirect_uri: REDIRECT, code });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toBe('invalid_client');
    const mismatch = await token(standIn, { grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: 'http://localhost:3000/other', code });
    expect(mismatch.json.error).toBe('invalid_grant');
    const code2 = await codeFor(standIn);
    now += 6 * 60_000;
    const expired = await token(standIn, { grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: REDIRECT, code: code2 });
    expect(expired.json.error).toBe('invalid_grant');
    const unsupported = await token(standIn, { grant_type: 'password', client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    // grant_type outside the spec's enum: refused by the spec check, in RFC 6749's form.
    expect(unsupported.status).toBe(400);
    expect(unsupported.json.error).toBe('invalid_request');
    expect(takeExpectedViolations()).toEqual(['request POST /oauth/2026-03/token']);
  });

  it('refreshes access tokens; an expired token gets 401 EXPIRED_AUTHENTICATION; a revoked refresh token gets invalid_grant', async () => {
    const code = await codeFor(standIn);
    const first = await token(standIn, { grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: REDIRECT, code });
    const access = first.json.access_token as string;
    const refresh = first.json.refresh_token as string;
    now += 1801_000;
    const expired = await api(standIn, access, 'GET', '/crm/v3/objects/contacts');
    expect(expired.status).toBe(401);
    expect(expired.json).toMatchObject({ status: 'error', category: 'EXPIRED_AUTHENTICATION' });

    const renewed = await token(standIn, { grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: refresh });
    expect(renewed.status).toBe(200);
    expect(renewed.json.hub_id).toBe(portalId);
    expect((await api(standIn, renewed.json.access_token as string, 'GET', '/crm/v3/objects/contacts')).status).toBe(200);

    standIn.expireAccessTokens(portalId);
    expect((await api(standIn, renewed.json.access_token as string, 'GET', '/crm/v3/objects/contacts')).status).toBe(401);

    standIn.revokeRefreshTokens(portalId);
    const revoked = await token(standIn, { grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: refresh });
    expect(revoked.status).toBe(400);
    expect(revoked.json.error).toBe('invalid_grant');
  });

  it('rejects unknown bearer tokens with 401 INVALID_AUTHENTICATION', async () => {
    const res = await api(standIn, 'not-a-token', 'GET', '/crm/v3/objects/contacts');
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
  });

  it('introspects and revokes tokens; the v1 token path works too', async () => {
    const code = await codeFor(standIn);
    const t = await token(standIn, { grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: REDIRECT, code }, '/oauth/v1/token');
    expect(t.status).toBe(200);
    const intro = await token(standIn, { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, token: t.json.access_token as string }, '/oauth/2026-03/token/introspect');
    expect(intro.json).toMatchObject({ active: true, hub_id: portalId, token_use: 'access_token' });
    const revoke = await fetch(`${standIn.url}/oauth/2026-03/token/revoke`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, token: t.json.refresh_token as string }),
    });
    expect(revoke.status).toBe(200);
    const introRefresh = await token(standIn, { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, token: t.json.refresh_token as string }, '/oauth/2026-03/token/introspect');
    expect(introRefresh.json.active).toBe(false);
  });

  it('uninstall (the app removing itself) stops every token', async () => {
    const { accessToken, refreshToken } = standIn.installDirectly(portalId);
    const res = await api(standIn, accessToken, 'DELETE', '/appinstalls/2026-03/external-install');
    expect(res.status).toBe(204);
    expect(standIn.isInstalled(portalId)).toBe(false);
    expect((await api(standIn, accessToken, 'GET', '/crm/v3/objects/contacts')).status).toBe(401);
    const refreshed = await token(standIn, { grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: refreshToken });
    expect(refreshed.json.error).toBe('invalid_grant');
  });
});
