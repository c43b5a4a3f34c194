// The install flow: GET /oauth/install sends the browser to HubSpot's consent page; GET /oauth/callback checks the
// state, exchanges the code, stores the installation (tokens sealed) and prepares the account. Every failure
// answers a plain page saying what happened and what to do; nothing is stored unless the exchange succeeded.
import express, { type NextFunction, type Request, type Response } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { InstallationStore } from '../storage/installations.ts';
import type { Db } from '../storage/db.ts';
import type { OAuthStateIssuer, StateCheck } from './state.ts';
import { introspectAccessToken, OAuthTokenError, requestToken, type OAuthEndpointOptions } from './token-endpoint.ts';
import type { AccountBootstrapper } from '../bootstrap/bootstrap-account.ts';
import { renderPage } from '../server/html-page.ts';
import { log } from '../log.ts';

export interface OAuthRouterDeps {
  config: {
    publicBaseUrl: string;
    hubspotAuthorizeUrl: string;
    hubspotApiBaseUrl: string;
    hubspotClientId: string;
    hubspotClientSecret: string;
  };
  scopes: { required: string[]; optional: string[] };
  db: Db;
  installations: InstallationStore;
  states: OAuthStateIssuer;
  bootstrapper: AccountBootstrapper;
  fetch?: typeof fetch;
  now?: () => Date;
  /** How long the callback waits for the bootstrap before answering "setup continues" (default 20 s). */
  bootstrapWaitMs?: number;
  /** Install attempts allowed per client IP per minute (each writes a state row); default 30. */
  attemptsPerMinute?: number;
}

export const CALLBACK_PATH = '/oauth/callback';

const STATE_MESSAGES: Record<Exclude<StateCheck, { ok: true }>['reason'], string> = {
  missing: 'The request carries no state parameter, so it cannot be matched to an installation you started.',
  malformed: 'The state parameter is malformed.',
  forged: 'The state parameter was not issued by Prospect Guard.',
  expired: 'This installation link has expired (links are valid for 10 minutes).',
  replayed: 'This installation link has already been used.',
  unknown: 'This installation link is not known to Prospect Guard.',
};

function page(res: Response, status: number, title: string, paragraphs: string[], tone: 'ok' | 'error' | 'warn', restart = true): void {
  res.status(status).type('html').set('cache-control', 'no-store').send(renderPage({
    title, paragraphs, tone, link: restart ? { href: '/oauth/install', text: 'Start the installation again' } : undefined,
  }));
}

export function authorizeUrl(deps: Pick<OAuthRouterDeps, 'config' | 'scopes'>, state: string): string {
  const url = new URL(deps.config.hubspotAuthorizeUrl);
  url.searchParams.set('client_id', deps.config.hubspotClientId);
  url.searchParams.set('redirect_uri', `${deps.config.publicBaseUrl}${CALLBACK_PATH}`);
  url.searchParams.set('scope', deps.scopes.required.join(' '));
  if (deps.scopes.optional.length > 0) url.searchParams.set('optional_scope', deps.scopes.optional.join(' '));
  url.searchParams.set('state', state);
  return url.toString();
}

export function createOAuthRouter(deps: OAuthRouterDeps): express.Router {
  const router = express.Router();
  const endpoint: OAuthEndpointOptions = {
    apiBaseUrl: deps.config.hubspotApiBaseUrl, clientId: deps.config.hubspotClientId,
    clientSecret: deps.config.hubspotClientSecret, fetch: deps.fetch,
  };
  const now = deps.now ?? (() => new Date());
  // Both endpoints are public and write to the database: bound what one client can make us store.
  const limiter = new RateLimiterMemory({ points: deps.attemptsPerMinute ?? 30, duration: 60 });
  const throttle = async (req: Request, res: Response, next: NextFunction) => {
    try {
      await limiter.consume(req.ip ?? 'unknown');
      next();
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      res.set('retry-after', String(Math.ceil(err.msBeforeNext / 1000)));
      page(res, 429, 'Too many attempts', ['Too many installation attempts from this address. Please wait a minute and try again.'], 'warn', false);
    }
  };

  router.get('/oauth/install', throttle, async (_req: Request, res: Response) => {
    const state = await deps.states.issue();
    res.set('cache-control', 'no-store').redirect(302, authorizeUrl(deps, state));
  });

  router.get(CALLBACK_PATH, throttle, async (req: Request, res: Response) => {
    const q = req.query;
    const one = (v: unknown) => (typeof v === 'string' ? v : undefined);
    if (one(q.error)) {
      // The person declined on HubSpot's page, or HubSpot refused the request. Still consume the state.
      await deps.states.check(one(q.state));
      page(res, 400, 'Installation cancelled', [
        `HubSpot did not grant access (${one(q.error)}). Nothing was installed.`,
      ], 'warn');
      return;
    }
    const check = await deps.states.check(one(q.state));
    if (!check.ok) {
      log.warn({ reason: check.reason }, 'oauth callback refused: bad state');
      page(res, 400, 'Installation link not valid', [STATE_MESSAGES[check.reason], 'Nothing was installed.'], 'error');
      return;
    }
    const code = one(q.code);
    if (!code || code.length > 2000) {
      page(res, 400, 'Installation incomplete', ['HubSpot sent no authorization code. Nothing was installed.'], 'error');
      return;
    }

    let portalId: number;
    let installed;
    try {
      const tokens = await requestToken(endpoint, {
        grantType: 'authorization_code', code, redirectUri: `${deps.config.publicBaseUrl}${CALLBACK_PATH}`,
      });
      if (!tokens.refreshToken) throw new OAuthTokenError(200, 'invalid_response', 'no refresh token in the response');
      let hubId = tokens.hubId;
      let hubDomain: string | null = null;
      let scopes = tokens.scopes;
      if (hubId === null || scopes === null) {
        const meta = await introspectAccessToken(endpoint, tokens.accessToken);
        hubId = hubId ?? meta.hubId;
        hubDomain = meta.hubDomain;
        scopes = scopes ?? meta.scopes;
      }
      if (hubId === null || !Number.isSafeInteger(hubId) || hubId <= 0) {
        throw new OAuthTokenError(200, 'invalid_response', 'HubSpot did not say which account was installed');
      }
      portalId = hubId;
      const accessToken = tokens.accessToken;
      const refreshToken = tokens.refreshToken;
      const grantedScopes = scopes ?? deps.scopes.required;
      const expiresAt = new Date(now().getTime() + tokens.expiresInSeconds * 1000);
      installed = await deps.db.transaction((tx) => deps.installations.with(tx).upsert({
        portalId, hubDomain, scopes: grantedScopes, accessToken, refreshToken, expiresAt,
      }));
    } catch (err) {
      if (err instanceof OAuthTokenError) {
        log.warn({ error: err.error, httpStatus: err.httpStatus }, 'oauth code exchange failed');
        if (err.error === 'invalid_client') {
          page(res, 502, 'HubSpot refused the app\'s credentials', [
            'HubSpot did not accept Prospect Guard\'s client credentials, so the installation could not finish. Nothing was installed.',
            'This is a configuration problem on our side; please contact support.',
          ], 'error', false);
        } else if (err.retryable) {
          page(res, 502, 'HubSpot is not responding', [
            'HubSpot could not complete the installation right now. Nothing was installed.', 'Please try again in a few minutes.',
          ], 'error');
        } else {
          page(res, 400, 'Installation could not be completed', [
            `HubSpot refused the authorization (${err.error}); the link may have expired or been used already. Nothing was installed.`,
          ], 'error');
        }
        return;
      }
      throw err;
    }

    let bootstrapOk = installed.bootstrap.status === 'done';
    if (!bootstrapOk) {
      // HubSpot may be slow: past the wait, answer and let the run finish (it records its own outcome).
      const run = deps.bootstrapper.run(portalId).then((r) => r !== null, () => false);
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), deps.bootstrapWaitMs ?? 20_000); });
      bootstrapOk = await Promise.race([run, waited]);
      clearTimeout(timer);
    }
    log.info({ portalId, bootstrapOk }, 'app installed');
    if (bootstrapOk) {
      page(res, 200, 'Prospect Guard is installed', [
        `Prospect Guard is now connected to HubSpot account ${portalId}.`,
        'Its contact properties are in place, and every contact will be judged in the next minutes.',
      ], 'ok', false);
    } else {
      page(res, 202, 'Prospect Guard is installed; setup continues', [
        `Prospect Guard is connected to HubSpot account ${portalId}, but preparing the account's contact properties did not finish.`,
        'It is retried automatically; no action is needed on your side.',
      ], 'warn', false);
    }
  });

  return router;
}
