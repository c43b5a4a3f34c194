// HubSpot's OAuth 2.0 authorisation-code flow for the stand-in: authorize (auto-consent for a chosen account),
// token (authorization_code and refresh_token grants, RFC 6749 errors), introspect, revoke, and uninstall.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import express from 'express';
import { oauthError } from './errors.ts';
import type { StandInState } from './state.ts';

export interface AccessTokenInfo {
  token: string;
  portalId: number;
  scopes: string[];
  expiresAt: number;
  refreshToken: string;
  userId: number;
}

interface RefreshTokenInfo {
  token: string;
  portalId: number;
  scopes: string[];
  revoked: boolean;
  userId: number;
}

interface CodeInfo {
  portalId: number;
  redirectUri: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
}

/** Scopes an account can grant only with the automation tier (workflows and sequences: Professional and up). */
export const AUTOMATION_TIER_SCOPES = new Set(['automation', 'automation.sequences.read', 'automation.sequences.enrollments.write']);

export const KNOWN_SCOPES = new Set([
  'oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.schemas.contacts.read',
  'crm.schemas.contacts.write', 'communication_preferences.read_write', 'communication_preferences.read',
  'communication_preferences.write', 'communication_preferences.statuses.batch.read',
  'communication_preferences.statuses.batch.write', 'automation', 'automation.sequences.read',
  'automation.sequences.enrollments.write', 'crm.objects.owners.read', 'tickets', 'timeline',
  'crm.objects.companies.read', 'crm.objects.companies.write', 'crm.objects.deals.read', 'crm.objects.deals.write',
]);

const CODE_TTL_MS = 5 * 60_000;
const INSTALLING_USER_ID = 9001;

export class OAuthServer {
  private readonly state: StandInState;
  private readonly clientId: string;
  private readonly clientSecret: string;
  readonly accessTokenTtlSeconds: number;
  private readonly redirectUris: string[] | null;
  private readonly codes = new Map<string, CodeInfo>();
  private readonly accessTokens = new Map<string, AccessTokenInfo>();
  private readonly refreshTokens = new Map<string, RefreshTokenInfo>();
  private approvedPortal: number | null = null;
  private denyNext = false;

  constructor(input: { state: StandInState; clientId: string; clientSecret: string; accessTokenTtlSeconds: number; redirectUris?: string[] }) {
    this.state = input.state;
    this.clientId = input.clientId;
    this.clientSecret = input.clientSecret;
    this.accessTokenTtlSeconds = input.accessTokenTtlSeconds;
    this.redirectUris = input.redirectUris ?? null;
  }

  approveInstallsAs(portalId: number): void {
    this.state.account(portalId);
    this.approvedPortal = portalId;
  }

  denyNextInstall(): void {
    this.denyNext = true;
  }

  /** Issues tokens directly (tests that do not exercise the redirect flow). */
  issueTokens(portalId: number, scopes: string[]): { accessToken: string; refreshToken: string } {
    const account = this.state.account(portalId);
    account.installed = true;
    const refresh: RefreshTokenInfo = { token: `na1-${randomUUID()}`, portalId, scopes, revoked: false, userId: INSTALLING_USER_ID };
    this.refreshTokens.set(refresh.token, refresh);
    const access = this.newAccessToken(refresh);
    return { accessToken: access.token, refreshToken: refresh.token };
  }

  private newAccessToken(refresh: RefreshTokenInfo): AccessTokenInfo {
    const info: AccessTokenInfo = {
      token: `CN${randomBytes(60).toString('base64url')}`,
      portalId: refresh.portalId,
      scopes: refresh.scopes,
      expiresAt: this.state.now() + this.accessTokenTtlSeconds * 1000,
      refreshToken: refresh.token,
      userId: refresh.userId,
    };
    this.accessTokens.set(info.token, info);
    return info;
  }

  /** Looks up a bearer token: the portal, or why it is refused. */
  authenticate(token: string | undefined): { ok: true; info: AccessTokenInfo } | { ok: false; expiredAgoMs?: number } {
    if (!token) return { ok: false };
    const info = this.accessTokens.get(token);
    if (!info) return { ok: false };
    const now = this.state.now();
    if (info.expiresAt <= now) return { ok: false, expiredAgoMs: now - info.expiresAt };
    return { ok: true, info };
  }

  expireAccessTokens(portalId: number): void {
    const past = this.state.now() - 1000;
    for (const info of this.accessTokens.values()) if (info.portalId === portalId) info.expiresAt = past;
  }

  revokeRefreshTokens(portalId: number): void {
    for (const r of this.refreshTokens.values()) if (r.portalId === portalId) r.revoked = true;
  }

  /** The app is removed from the account: every token stops working and webhooks stop. */
  uninstall(portalId: number): void {
    this.revokeRefreshTokens(portalId);
    for (const [t, info] of this.accessTokens) if (info.portalId === portalId) this.accessTokens.delete(t);
    const account = this.state.accounts.get(portalId);
    if (account) account.installed = false;
  }

  private redirectAllowed(uri: string): boolean {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      return false;
    }
    if (this.redirectUris) return this.redirectUris.includes(uri);
    return url.protocol === 'https:' || url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  }

  private errorPage(res: Response, status: number, message: string): void {
    res.status(status).type('html').send(
      `<!doctype html><html><head><title>HubSpot stand-in: authorization error</title></head>` +
      `<body><h1>Authorization error</h1><p class="error">${escapeHtml(message)}</p></body></html>`,
    );
  }

  router(): Router {
    const r = express.Router();
    const form = express.urlencoded({ extended: false });

    r.get('/oauth/authorize', (req, res) => {
      const q = req.query as Record<string, string | undefined>;
      if (q.client_id !== this.clientId) return this.errorPage(res, 400, `Unknown client_id ${q.client_id ?? '(missing)'}.`);
      if (!q.redirect_uri || !this.redirectAllowed(q.redirect_uri)) {
        return this.errorPage(res, 400, 'The redirect_uri does not match the app\'s redirect URLs.');
      }
      const scopes = (q.scope ?? '').split(/[ +]/).filter(Boolean);
      const optional = (q.optional_scope ?? '').split(/[ +]/).filter(Boolean);
      if (scopes.length === 0) return this.errorPage(res, 400, 'The scope parameter is required.');
      const unknown = [...scopes, ...optional].filter((s) => !KNOWN_SCOPES.has(s));
      if (unknown.length > 0) return this.errorPage(res, 400, `Unknown scopes: ${unknown.join(', ')}.`);
      const redirect = new URL(q.redirect_uri);
      if (this.denyNext) {
        this.denyNext = false;
        redirect.searchParams.set('error', 'access_denied');
        redirect.searchParams.set('error_description', 'The user declined the installation.');
        if (q.state !== undefined) redirect.searchParams.set('state', q.state);
        return res.redirect(302, redirect.toString());
      }
      const portalId = this.approvedPortal ?? (this.state.accounts.size === 1 ? [...this.state.accounts.keys()][0] : undefined);
      if (portalId === undefined) {
        return this.errorPage(res, 400, 'No account chosen for this installation (call approveInstallsAs first).');
      }
      // Required scopes the account cannot grant block the install; optional ones are granted when the account has them.
      const grantable = (scope: string): boolean => this.state.account(portalId).automationTier || !AUTOMATION_TIER_SCOPES.has(scope);
      const missing = scopes.filter((x) => !grantable(x));
      if (missing.length > 0) {
        return this.errorPage(res, 403, `This account does not have access to the required scopes ${missing.join(', ')}; the app cannot be installed.`);
      }
      const code = randomUUID();
      this.codes.set(code, { portalId, redirectUri: q.redirect_uri, scopes: [...new Set([...scopes, ...optional.filter(grantable)])],
        expiresAt: this.state.now() + CODE_TTL_MS, used: false });
      redirect.searchParams.set('code', code);
      if (q.state !== undefined) redirect.searchParams.set('state', q.state);
      return res.redirect(302, redirect.toString());
    });

    const token = (req: Request, res: Response): void => {
      const b = (req.body ?? {}) as Record<string, string | undefined>;
      if (!req.is('application/x-www-form-urlencoded')) {
        return oauthError(res, 400, 'invalid_request', 'The token endpoint takes application/x-www-form-urlencoded parameters.');
      }
      if (b.client_id !== this.clientId || b.client_secret !== this.clientSecret) {
        return oauthError(res, 401, 'invalid_client', 'Client authentication failed: unknown client_id or wrong client_secret.');
      }
      if (b.grant_type === 'authorization_code') {
        const info = b.code ? this.codes.get(b.code) : undefined;
        if (!info || info.used || info.expiresAt <= this.state.now()) {
          return oauthError(res, 400, 'invalid_grant', 'The authorization code is invalid, expired or already used.');
        }
        if (b.redirect_uri !== info.redirectUri) {
          return oauthError(res, 400, 'invalid_grant', 'redirect_uri does not match the one used to obtain the code.');
        }
        info.used = true;
        const tokens = this.issueTokens(info.portalId, info.scopes);
        const access = this.accessTokens.get(tokens.accessToken) as AccessTokenInfo;
        res.json(this.tokenResponse(access));
        return;
      }
      if (b.grant_type === 'refresh_token') {
        const info = b.refresh_token ? this.refreshTokens.get(b.refresh_token) : undefined;
        if (!info || info.revoked) return oauthError(res, 400, 'invalid_grant', 'The refresh token is invalid or was revoked.');
        res.json(this.tokenResponse(this.newAccessToken(info)));
        return;
      }
      return oauthError(res, 400, 'unsupported_grant_type', `Unsupported grant_type ${b.grant_type ?? '(missing)'}.`);
    };
    for (const path of ['/oauth/2026-03/token', '/oauth/v3/token', '/oauth/v1/token']) r.post(path, form, token);

    const introspect = (req: Request, res: Response): void => {
      const b = (req.body ?? {}) as Record<string, string | undefined>;
      if (b.client_id !== this.clientId || b.client_secret !== this.clientSecret) {
        return oauthError(res, 401, 'invalid_client', 'Client authentication failed.');
      }
      const t = b.token ?? '';
      const access = this.accessTokens.get(t);
      if (access && access.expiresAt > this.state.now()) {
        res.json({ active: true, ...this.accessInfo(access), token: t, token_use: 'access_token', signed_access_token: this.signedAccessToken(access) });
        return;
      }
      const refresh = this.refreshTokens.get(t);
      if (refresh && !refresh.revoked) {
        res.json({ active: true, token: t, token_use: 'refresh_token', token_type: 'refresh', client_id: this.clientId,
          app_id: this.state.appId, hub_id: refresh.portalId, hub_domain: hubDomain(refresh.portalId), scopes: refresh.scopes,
          user_id: refresh.userId, user: 'installer@example.fr' });
        return;
      }
      res.json({ active: false });
    };
    for (const path of ['/oauth/2026-03/token/introspect', '/oauth/v3/token/introspect']) r.post(path, form, introspect);

    const revoke = (req: Request, res: Response): void => {
      const b = (req.body ?? {}) as Record<string, string | undefined>;
      if (b.client_id !== this.clientId || b.client_secret !== this.clientSecret) {
        return oauthError(res, 401, 'invalid_client', 'Client authentication failed.');
      }
      const refresh = b.token ? this.refreshTokens.get(b.token) : undefined;
      if (refresh) refresh.revoked = true;
      const access = b.token ? this.accessTokens.get(b.token) : undefined;
      if (access) this.accessTokens.delete(access.token);
      res.status(200).end();
    };
    for (const path of ['/oauth/2026-03/token/revoke', '/oauth/v3/token/revoke']) r.post(path, form, revoke);

    r.get('/oauth/v1/access-tokens/:token', (req, res) => {
      const access = this.accessTokens.get(String(req.params.token));
      if (!access || access.expiresAt <= this.state.now()) {
        return oauthError(res, 401, 'invalid_token', 'The access token is unknown or expired.');
      }
      res.json({ token: access.token, ...this.accessInfo(access) });
    });
    r.get('/oauth/v1/refresh-tokens/:token', (req, res) => {
      const refresh = this.refreshTokens.get(String(req.params.token));
      if (!refresh || refresh.revoked) return oauthError(res, 400, 'invalid_grant', 'The refresh token is unknown or revoked.');
      res.json({ token: refresh.token, user: 'installer@example.fr', hub_domain: hubDomain(refresh.portalId), scopes: refresh.scopes,
        hub_id: refresh.portalId, client_id: this.clientId, user_id: refresh.userId, token_type: 'refresh' });
    });
    r.delete('/oauth/v1/refresh-tokens/:token', (req, res) => {
      const refresh = this.refreshTokens.get(String(req.params.token));
      if (!refresh) return oauthError(res, 404, 'invalid_grant', 'The refresh token is unknown.');
      refresh.revoked = true;
      res.status(204).end();
    });
    return r;
  }

  private accessInfo(access: AccessTokenInfo): Record<string, unknown> {
    return {
      client_id: this.clientId, app_id: this.state.appId, hub_id: access.portalId, hub_domain: hubDomain(access.portalId),
      scopes: access.scopes, user_id: access.userId, user: 'installer@example.fr', token_type: 'access',
      expires_in: Math.max(0, Math.floor((access.expiresAt - this.state.now()) / 1000)), is_private_distribution: false,
    };
  }

  /** PublicAccessTokenInfoResponse.signed_access_token (SignedAccessToken in HubSpot's OAuth 2026-03 spec). */
  private signedAccessToken(access: AccessTokenInfo): Record<string, unknown> {
    return {
      appId: this.state.appId, appInstallId: String(access.portalId), audience: 'standin', expiresAt: access.expiresAt, hubId: access.portalId,
      hublet: 'eu1', installingUserId: access.userId, isPrivateDistribution: false, isServiceAccount: false, isUserLevel: false,
      newSignature: '', scopeToScopeGroupPks: '', scopes: access.scopes.join(' '), signature: '', trialScopeToScopeGroupPks: '', trialScopes: '', userId: access.userId,
    };
  }

  private tokenResponse(access: AccessTokenInfo): Record<string, unknown> {
    return {
      token_type: 'bearer',
      token_use: 'access_token',
      access_token: access.token,
      refresh_token: access.refreshToken,
      expires_in: this.accessTokenTtlSeconds,
      hub_id: access.portalId,
      user_id: access.userId,
      scopes: access.scopes,
    };
  }
}

function hubDomain(portalId: number): string {
  return `standin-${portalId}.hubspot.test`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
