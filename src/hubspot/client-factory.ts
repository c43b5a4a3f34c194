// HubSpot API clients per portal, with a valid access token. Tokens are refreshed ahead of expiry; concurrent
// refreshes of one portal collapse into one call: an in-process promise per portal, plus a Redis lock
// (SET NX PX) when Redis is configured, so it holds across processes (the others wait, then re-read the store).
// `invalid_grant` means the account removed the app: the installation is marked uninstalled and every later
// call throws InstallationGoneError, which the pipeline treats as "stop this portal's jobs".
import { randomBytes } from 'node:crypto';
import { Client } from '@hubspot/api-client';
import type { Redis } from 'ioredis';
import type { InstallationStore, InstallationTokens } from '../storage/installations.ts';
import { AppError } from '../server/errors.ts';
import { OAuthTokenError, requestToken, type OAuthEndpointOptions } from '../oauth/token-endpoint.ts';
import { log } from '../log.ts';
import { recordHubSpotAnswer } from '../metrics/metrics.ts';

export class InstallationGoneError extends AppError {
  readonly portalId: number;
  constructor(portalId: number, reason = 'the app is not installed in this account') {
    super('installation_gone', `portal ${portalId}: ${reason}`);
    this.name = 'InstallationGoneError';
    this.portalId = portalId;
  }
}

/** Refresh failed for a reason that may pass (network, HubSpot 5xx, lock wait): retry later. */
export class TokenRefreshError extends AppError {
  constructor(portalId: number, message: string, cause?: unknown) {
    super('upstream_unavailable', `portal ${portalId}: token refresh failed: ${message}`, { cause });
    this.name = 'TokenRefreshError';
  }
}

export interface HubSpotClientsOptions {
  hubspotApiBaseUrl: string;
  hubspotClientId: string;
  hubspotClientSecret: string;
  installations: InstallationStore;
  /** Shared lock across processes; without it the lock is per process. */
  redis?: Redis | null;
  /** Redis key prefix (tests use their own). */
  keyPrefix?: string;
  /** Refresh when the token has less than this left (default 5 minutes). */
  refreshMarginMs?: number;
  /** Redis lock lifetime; also how long a waiting process waits for the holder (default 20 s). */
  lockTtlMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
  /** Extra @hubspot/api-client settings (e.g. numberOfApiCallRetries). */
  clientConfig?: { numberOfApiCallRetries?: number; defaultHeaders?: Record<string, string> };
}

const RELEASE_LOCK = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class HubSpotClients {
  readonly #o: Required<Pick<HubSpotClientsOptions, 'refreshMarginMs' | 'lockTtlMs' | 'keyPrefix'>> & HubSpotClientsOptions;
  readonly #inflight = new Map<number, Promise<string>>();
  readonly #clients = new Map<number, { token: string; client: Client }>();
  readonly #goneListeners: ((portalId: number) => void)[] = [];
  readonly #responseListeners: ((portalId: number, status: number, headers: Record<string, string>) => void)[] = [];
  #refreshCalls = 0;

  constructor(options: HubSpotClientsOptions) {
    this.#o = { refreshMarginMs: 5 * 60_000, lockTtlMs: 20_000, keyPrefix: 'pg:', ...options };
  }

  get #now(): number {
    return this.#o.now ? this.#o.now() : Date.now();
  }

  get #endpoint(): OAuthEndpointOptions {
    return {
      apiBaseUrl: this.#o.hubspotApiBaseUrl, clientId: this.#o.hubspotClientId,
      clientSecret: this.#o.hubspotClientSecret, fetch: this.#o.fetch,
    };
  }

  /** Token refresh calls this instance made (for tests and metrics). */
  get refreshCalls(): number {
    return this.#refreshCalls;
  }

  /** Called once per portal when an `invalid_grant` marks it uninstalled. */
  onInstallationGone(listener: (portalId: number) => void): void {
    this.#goneListeners.push(listener);
  }

  /** Called with every answer a portal's SDK client receives (status and headers: the rate limiter reads them). */
  onResponse(listener: (portalId: number, status: number, headers: Record<string, string>) => void): () => void {
    this.#responseListeners.push(listener);
    return () => { const i = this.#responseListeners.indexOf(listener); if (i >= 0) this.#responseListeners.splice(i, 1); };
  }

  async isActive(portalId: number): Promise<boolean> {
    return this.#o.installations.isActive(portalId);
  }

  /** A @hubspot/api-client Client for this portal only, pointed at HUBSPOT_API_BASE_URL, with a fresh token. */
  async forPortal(portalId: number): Promise<Client> {
    const token = await this.accessToken(portalId);
    const cached = this.#clients.get(portalId);
    if (cached && cached.token === token) return cached.client;
    const client = new Client({
      accessToken: token,
      basePath: this.#o.hubspotApiBaseUrl,
      numberOfApiCallRetries: this.#o.clientConfig?.numberOfApiCallRetries ?? 0,
      ...(this.#o.clientConfig?.defaultHeaders ? { defaultHeaders: this.#o.clientConfig.defaultHeaders } : {}),
      middleware: [{
        pre: (ctx: unknown) => ctx,
        post: (ctx: unknown) => {
          const r = ctx as { httpStatusCode?: number; headers?: Record<string, string> };
          recordHubSpotAnswer(portalId, r.httpStatusCode ?? 0, r.headers);
          for (const listener of this.#responseListeners) {
            try { listener(portalId, r.httpStatusCode ?? 0, r.headers ?? {}); } catch { /* a listener never breaks a call */ }
          }
          return ctx;
        },
      }],
    });
    this.#clients.set(portalId, { token, client });
    return client;
  }

  /** A valid access token for raw fetches; refreshes it first when it is close to expiry. */
  async accessToken(portalId: number): Promise<string> {
    const tokens = await this.#o.installations.getTokens(portalId);
    if (!tokens) throw new InstallationGoneError(portalId);
    if (this.#fresh(tokens)) return tokens.accessToken;
    return this.refresh(portalId);
  }

  /** Refreshes now (e.g. after a 401), collapsing with any refresh already under way for the portal. */
  refresh(portalId: number, options: { force?: boolean } = {}): Promise<string> {
    const running = this.#inflight.get(portalId);
    if (running) return running;
    const p = this.#refreshShared(portalId, options.force === true).finally(() => this.#inflight.delete(portalId));
    this.#inflight.set(portalId, p);
    return p;
  }

  #fresh(t: InstallationTokens): boolean {
    return t.expiresAt.getTime() - this.#now > this.#o.refreshMarginMs;
  }

  async #refreshShared(portalId: number, force: boolean): Promise<string> {
    const redis = this.#o.redis;
    const seen = force ? await this.#o.installations.getTokens(portalId) : null;
    if (!redis) return this.#refreshOwned(portalId, force ? seen?.accessToken ?? null : null);
    const key = `${this.#o.keyPrefix}oauth-refresh:${portalId}`;
    const owner = randomBytes(12).toString('hex');
    const deadline = this.#now + this.#o.lockTtlMs * 2;
    for (;;) {
      const got = await redis.set(key, owner, 'PX', this.#o.lockTtlMs, 'NX');
      if (got === 'OK') {
        try {
          return await this.#refreshOwned(portalId, force ? seen?.accessToken ?? null : null);
        } finally {
          await redis.eval(RELEASE_LOCK, 1, key, owner).catch(() => undefined);
        }
      }
      // Another process refreshes: wait for it, then use what it stored.
      await sleep(50 + Math.floor(Math.random() * 50));
      const now = await this.#o.installations.getTokens(portalId);
      if (!now) throw new InstallationGoneError(portalId);
      if (this.#fresh(now) && (!force || now.accessToken !== seen?.accessToken)) return now.accessToken;
      if (this.#now > deadline) throw new TokenRefreshError(portalId, 'timed out waiting for another process to refresh');
    }
  }

  /**
   * Refreshes while holding the lock. Re-reads the store first: another holder may have just refreshed.
   * `staleToken`, when given, is the token a forced refresh must replace even if it looks fresh.
   */
  async #refreshOwned(portalId: number, staleToken: string | null): Promise<string> {
    const current = await this.#o.installations.getTokens(portalId);
    if (!current) throw new InstallationGoneError(portalId);
    if (this.#fresh(current) && (staleToken === null || current.accessToken !== staleToken)) return current.accessToken;
    this.#refreshCalls += 1;
    let res;
    try {
      res = await requestToken(this.#endpoint, { grantType: 'refresh_token', refreshToken: current.refreshToken });
    } catch (err) {
      if (err instanceof OAuthTokenError && err.error === 'invalid_grant') {
        if (await this.#o.installations.markUninstalled(portalId, 'invalid_grant')) {
          log.warn({ portalId }, 'refresh token rejected (invalid_grant): installation marked uninstalled');
          for (const l of this.#goneListeners) {
            try { l(portalId); } catch { /* a listener's failure must not hide the uninstall */ }
          }
        }
        this.#clients.delete(portalId);
        throw new InstallationGoneError(portalId, 'refresh token rejected (invalid_grant): the app was uninstalled');
      }
      throw new TokenRefreshError(portalId, err instanceof Error ? err.message : String(err), err);
    }
    if (res.hubId !== null && res.hubId !== portalId) {
      // A token for another account must never be stored under this one.
      throw new TokenRefreshError(portalId, `token endpoint answered for hub ${res.hubId}`);
    }
    const expiresAt = new Date(this.#now + res.expiresInSeconds * 1000);
    const saved = await this.#o.installations.saveTokens(portalId, {
      accessToken: res.accessToken, refreshToken: res.refreshToken ?? current.refreshToken, expiresAt,
    });
    if (!saved) throw new InstallationGoneError(portalId);
    return res.accessToken;
  }
}
