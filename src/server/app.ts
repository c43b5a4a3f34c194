// The HTTP edge: security headers, health, the routers of each part, then one error handler that turns an
// AppError into its status and a JSON body, and anything else into a bare 500 (details only in the log).
// Routers parse their own bodies (the webhook receiver needs the raw bytes), so no global body parser here.
import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Config } from '../config/config.ts';
import type { Db } from '../storage/db.ts';
import type { InstallationStore } from '../storage/installations.ts';
import type { HubSpotClients } from '../hubspot/client-factory.ts';
import type { AccountBootstrapper } from '../bootstrap/bootstrap-account.ts';
import type { OAuthStateIssuer } from '../oauth/state.ts';
import { createOAuthRouter } from '../oauth/oauth-router.ts';
import { AppError, isAppError } from './errors.ts';
import { log } from '../log.ts';
import { createMetricsRouter, webhookAckTimer } from '../metrics/router.ts';

export interface HttpDeps {
  config: Config;
  db: Db;
  installations: InstallationStore;
  clients: HubSpotClients;
  states: OAuthStateIssuer;
  bootstrapper: AccountBootstrapper;
  scopes: { required: string[]; optional: string[] };
  /** Routers of the other parts, mounted after OAuth and before the error handler. */
  routers?: express.Router[];
  fetch?: typeof fetch;
  /** Install attempts per client IP per minute (default 30). */
  installAttemptsPerMinute?: number;
  /** How long the OAuth callback waits for the account bootstrap (default 20 s). */
  bootstrapWaitMs?: number;
}

export function createHttpApp(deps: HttpDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.trustProxy);
  app.use(helmet({
    contentSecurityPolicy: {
      directives: {
        'default-src': ["'self'"], 'style-src': ["'self'", "'unsafe-inline'"], 'script-src': ["'self'"],
        // Over plain http (local demo) upgrading would break every link and form.
        'upgrade-insecure-requests': deps.config.publicBaseUrl.startsWith('https://') ? [] : null,
      },
    },
    // HubSpot's pages load our preference centre and redirects cross-origin.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  }));

  app.get('/healthz', async (_req: Request, res: Response) => {
    try {
      await deps.db.query('select 1');
      res.set('cache-control', 'no-store').json({ status: 'ok', db: deps.db.kind });
    } catch {
      res.status(503).json({ status: 'unavailable', db: deps.db.kind });
    }
  });

  app.use(createMetricsRouter({ token: deps.config.metricsToken, production: deps.config.nodeEnv === 'production' }));
  app.use('/webhooks', webhookAckTimer);

  app.use(createOAuthRouter({
    config: deps.config, scopes: deps.scopes, db: deps.db, installations: deps.installations, states: deps.states,
    bootstrapper: deps.bootstrapper, fetch: deps.fetch, attemptsPerMinute: deps.installAttemptsPerMinute,
    bootstrapWaitMs: deps.bootstrapWaitMs,
  }));
  // Other parts mount here, one line each (webhooks at /webhooks/hubspot, card and settings under
  // /api/portals/:portalId/..., workflow action at /actions/eligibility, preference centre at /p/...).
  for (const router of deps.routers ?? []) app.use(router);

  app.use((req: Request, _res: Response, next) => next(new AppError('not_found', `no route for ${req.method} ${req.path}`)));
  app.use(errorHandler);
  return app;
}

interface BodyParserError { type?: string; status?: number }

export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, next) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  let appErr: AppError;
  const bp = err as BodyParserError;
  if (isAppError(err)) appErr = err;
  else if (bp?.type === 'entity.too.large') appErr = new AppError('payload_too_large', 'request body too large');
  else if (bp?.type === 'entity.parse.failed') appErr = new AppError('invalid_input', 'request body is not valid JSON');
  else if (typeof bp?.status === 'number' && bp.status >= 400 && bp.status < 500) appErr = new AppError('invalid_input', 'bad request');
  else appErr = new AppError('internal', 'internal error');
  if (appErr.code === 'internal') {
    log.error({ err: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err), method: req.method, path: req.path }, 'unhandled error');
  }
  res.status(appErr.status).json({ error: { code: appErr.code, message: appErr.message, ...(appErr.details ?? {}) } });
};
