// The local HubSpot stand-in: one HTTP server speaking the subset of HubSpot's API that Prospect Guard uses
// (OAuth, contacts, properties, communication preferences, sequences, tasks, workflows, action callbacks) with
// HubSpot's shapes, errors and rate limits, and delivering signed webhooks like HubSpot. The demo, end-to-end
// tests and benchmarks run against it; `@hubspot/api-client` works against it with `basePath = standIn.url`.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import { automationRouter, type WorkflowCallbackRecord } from './automation-routes.ts';
import { crmRouter } from './crm-routes.ts';
import { ApiError, rateLimitBody, sendError, unauthorized } from './errors.ts';
import { AUTOMATION_TIER_SCOPES, OAuthServer } from './oauth.ts';
import { HUBSPOT_LIMITS, RateLimiter, TIER_LIMITS, type HubSpotTier, type RateLimits } from './ratelimit.ts';
import { seedContacts as seed } from './seed.ts';
import { UiFetchError, createUiFetchProxy, type UiFetchInput, type UiFetchResult } from './ui-fetch.ts';
import { specValidation, type SpecViolation } from './spec-validation.ts';
import { StandInState, prng, type ChangeSource, type Enrollment, type Task } from './state.ts';
import {
  WebhookDispatcher, loadSubscriptions, signV2, signV3, subscriptionsFromAppJson,
  type Subscription, type SubscriptionsConfig, type WebhookEventPayload, type WebhookOptions,
} from './webhooks.ts';

export { signV1, signV2, signV3 } from './webhooks.ts';
export type { WebhookOptions, SubscriptionsConfig, WebhookEventPayload } from './webhooks.ts';
export { HUBSPOT_LIMITS, TIER_LIMITS, type HubSpotTier, type RateLimits } from './ratelimit.ts';
export { LEGAL_BASIS_OPTIONS } from './properties.ts';
export { UiFetchError, appendCallerIdentity, type UiFetchInput, type UiFetchResult } from './ui-fetch.ts';

export interface Faults {
  latencyMs?: number;   // added to every matching call
  rate429?: number;     // 0..1 share of matching calls answered 429 (TEN_SECONDLY_ROLLING body, no Retry-After)
  rate5xx?: number;     // 0..1 share answered 502/503/500 with HubSpot's error body
  rateTimeout?: number; // 0..1 share never answered (the client must time out)
  pathPrefix?: string;  // only calls whose path starts with this
}

export interface StandInOptions {
  port?: number;
  host?: string;
  clientId: string;
  clientSecret: string;
  appId?: number;
  /** The account tier whose limits apply (default 'marketplace': a marketplace OAuth app, 110 per 10 s). */
  tier?: HubSpotTier;
  /** Explicit limits (overrides `tier`); false turns rate limiting off. */
  rateLimits?: RateLimits | false;
  accessTokenTtlSeconds?: number;
  webhooks?: WebhookOptions | null;
  /** Webhook subscriptions: app.json's `webhooks.subscriptions` shape. Default: read from app.json. */
  subscriptions?: SubscriptionsConfig;
  appJsonPath?: string;
  /** Redirect URLs the authorize endpoint accepts; default any https URL or http://localhost / 127.0.0.1. */
  redirectUris?: string[];
  seed?: number;
  /** Delay before a new contact shows in search results (HubSpot's index trails writes). Default 0. */
  searchLagMs?: number;
  /** Clock for token expiry and timestamps (tests). */
  now?: () => number;
  /** hubspot.fetch delivery: permitted URLs (default app.json permittedUrls.fetch), local.json-style proxy. */
  uiFetch?: { permittedUrls?: string[]; proxy?: Record<string, string>; allowHttp?: boolean };
  /** Check every request and answer against HubSpot's vendored specs (spec/hubspot/). Default true. */
  specValidation?: boolean;
  /** Told of each spec violation as it happens (the standalone server prints them). */
  onSpecViolation?: (v: SpecViolation) => void;
}

export interface StandInStats {
  calls: number;
  byRoute: Record<string, number>;
  rateLimited: number;
  webhookBatches: number;
  webhookEvents: number;
  webhookFailures: number;
}

export interface ContactView {
  id: string;
  properties: Record<string, string | null>;
}

export interface RunWorkflowActionInput {
  actionUrl: string;
  contactId: string;
  inputFields?: Record<string, unknown>;
  /** Contact properties HubSpot includes in `object.properties` (the action's `objectRequestOptions`). */
  propertiesToSend?: string[];
  workflowId?: number;
  actionDefinitionId?: number;
}

export interface RunWorkflowActionResult {
  status: number;
  body: unknown;
  callbackId: string;
  requestBody: Record<string, unknown>;
}

export interface StandIn {
  url: string;
  authorizeUrl: string;
  appId: number;
  /** `automationTier: false`: an account without workflows and sequences (the automation scopes cannot be granted). */
  createAccount(options?: { portalId?: number; automationTier?: boolean }): { portalId: number };
  approveInstallsAs(portalId: number): void;
  /** The next /oauth/authorize answers error=access_denied (user declined). */
  denyNextInstall(): void;
  /** Tokens without the redirect flow (tests that do not exercise OAuth); marks the app installed. */
  installDirectly(portalId: number, scopes?: string[]): { accessToken: string; refreshToken: string };
  /** Removes the app from the account: tokens stop working, webhooks stop. */
  uninstall(portalId: number): void;
  isInstalled(portalId: number): boolean;
  seedContacts(portalId: number, count: number, options?: { seed?: number; emitWebhooks?: boolean }): Promise<string[]>;
  /** Test-side changes play a user in HubSpot's UI (changeSource CRM_UI unless given). Values are stored as given
   *  (no property validation) unless `validate: true`. */
  createContact(portalId: number, properties: Record<string, string>, options?: Partial<ChangeSource> & { validate?: boolean }): string;
  updateContact(portalId: number, id: string, properties: Record<string, string>, options?: Partial<ChangeSource> & { validate?: boolean }): void;
  mergeContacts(portalId: number, primaryId: string, mergedId: string): void;
  deleteContact(portalId: number, id: string): void;
  privacyDelete(portalId: number, id: string): void;
  getContact(portalId: number, id: string): ContactView | undefined;
  contactIds(portalId: number): string[];
  isBlocklisted(portalId: number, email: string): boolean;
  enrollInSequence(portalId: number, contactId: string, sequenceId: string): void;
  /** HubSpot ends an enrolment on reply, meeting, bounce or unsubscribe: a test-side trigger for that. */
  endSequenceEnrollment(portalId: number, contactId: string): void;
  sequences(portalId: number): Array<{ id: string; name: string }>;
  enrollments(portalId: number): Enrollment[];
  tasks(portalId: number): Task[];
  flows(portalId: number): Array<Record<string, unknown>>;
  subscriptionStatus(portalId: number, email: string): Record<string, string>;
  runWorkflowAction(portalId: number, input: RunWorkflowActionInput): Promise<RunWorkflowActionResult>;
  /** A card's hubspot.fetch call, delivered as HubSpot does (identity appended, v3-signed); also served over
   *  HTTP at POST /__standin/ui-extensions/fetch with this input as the JSON body. */
  uiFetch(input: UiFetchInput): Promise<UiFetchResult>;
  workflowCallback(callbackId: string): WorkflowCallbackRecord | undefined;
  flushWebhooks(): Promise<void>;
  configureWebhooks(patch: Partial<WebhookOptions>): void;
  failedWebhooks(): Array<{ portalId: number; events: WebhookEventPayload[]; reason: string }>;
  setFaults(f: Faults | null): void;
  setRateLimits(limits: RateLimits | false): void;
  /** Applies a tier's limits (fresh windows). */
  setTier(tier: HubSpotTier): void;
  setSearchLag(ms: number): void;
  expireAccessTokens(portalId: number): void;
  revokeRefreshTokens(portalId: number): void;
  stats(portalId?: number): StandInStats;
  resetStats(): void;
  /** Requests and answers of this stand-in that broke HubSpot's specs (also failing the test that made them). */
  specViolations(): SpecViolation[];
  close(): Promise<void>;
}

const DEFAULT_SCOPES = [
  'oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.schemas.contacts.write',
  'communication_preferences.read_write', 'automation', 'automation.sequences.read',
];

const APP_JSON = fileURLToPath(new URL('../../app.json', import.meta.url));

interface PortalStats {
  calls: number;
  byRoute: Map<string, number>;
  rateLimited: number;
}

export async function startStandIn(options: StandInOptions): Promise<StandIn> {
  const appId = options.appId ?? 4_210_001;
  const state = new StandInState({ appId, now: options.now, searchLagMs: options.searchLagMs });
  const random = prng(options.seed ?? 7);
  const limiter = new RateLimiter(options.rateLimits === undefined ? (options.tier ? TIER_LIMITS[options.tier] : HUBSPOT_LIMITS) : options.rateLimits);
  const oauth = new OAuthServer({
    state, clientId: options.clientId, clientSecret: options.clientSecret,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 1800, redirectUris: options.redirectUris,
  });
  let subscriptions: Subscription[];
  if (options.subscriptions) subscriptions = loadSubscriptions(options.subscriptions);
  else subscriptions = subscriptionsFromAppJson(options.appJsonPath ?? APP_JSON);
  const dispatcher = options.webhooks
    ? new WebhookDispatcher({ options: options.webhooks, subscriptions, clientSecret: options.clientSecret, appId, random })
    : null;
  if (dispatcher) state.onChange((e) => dispatcher.publish(e));

  const stats = new Map<number, PortalStats>();
  const statsFor = (portalId: number): PortalStats => {
    let s = stats.get(portalId);
    if (!s) stats.set(portalId, (s = { calls: 0, byRoute: new Map(), rateLimited: 0 }));
    return s;
  };
  let faults: Faults | null = null;
  const hung = new Set<Response>();
  const callbacks = new Map<string, WorkflowCallbackRecord>();
  const appSource = (): ChangeSource => state.appSource();

  const appJson = JSON.parse(readFileSync(options.appJsonPath ?? APP_JSON, 'utf8')) as { permittedUrls?: { fetch?: string[] } };
  const uiFetch = createUiFetchProxy({
    clientSecret: options.clientSecret, appId,
    permittedUrls: options.uiFetch?.permittedUrls ?? appJson.permittedUrls?.fetch ?? [],
    ...(options.uiFetch?.proxy ? { proxy: options.uiFetch.proxy } : {}),
    allowHttp: options.uiFetch?.allowHttp ?? false,
    isInstalled: (portalId) => state.accounts.get(portalId)?.installed === true,
    ...(options.now ? { now: options.now } : {}),
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  // HubSpot's side of hubspot.fetch (the card runs in HubSpot; HubSpot makes the call): before the API's auth.
  app.post('/__standin/ui-extensions/fetch', express.json({ limit: '2mb' }), async (req: Request, res: Response) => {
    try {
      res.json(await uiFetch(req.body as UiFetchInput));
    } catch (error) {
      if (error instanceof UiFetchError) res.status(error.code === 'not_permitted' || error.code === 'not_installed' ? 403 : 400).json({ status: 'error', code: error.code, message: error.message });
      else res.status(502).json({ status: 'error', message: (error as Error).message });
    }
  });
  // HubSpot's published specs judge every request and answer (scripts/hubspot-standin/spec-validation.ts).
  const violations: SpecViolation[] = [];
  if (options.specValidation !== false) {
    app.use(specValidation({
      onViolation: (v) => {
        if (violations.push(v) > 1000) violations.shift();
        options.onSpecViolation?.(v);
      },
    }));
  }

  // Statistics: every call, by portal (0 when unauthenticated) and by route pattern.
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.on('finish', () => {
      const portalId = typeof res.locals.portalId === 'number' ? res.locals.portalId : 0;
      const s = statsFor(portalId);
      s.calls += 1;
      const routePath = (req.route as { path?: unknown } | undefined)?.path;
      const key = `${req.method} ${typeof routePath === 'string' ? routePath : req.path}`;
      s.byRoute.set(key, (s.byRoute.get(key) ?? 0) + 1);
      if (res.statusCode === 429) s.rateLimited += 1;
    });
    next();
  });

  // Bearer tokens identify the portal; OAuth endpoints authenticate the client instead.
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.path.startsWith('/oauth/')) return next();
    const header = req.get('authorization') ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(header);
    const auth = oauth.authenticate(m?.[1]?.trim());
    if (!auth.ok) {
      if (auth.expiredAgoMs !== undefined) {
        const minutes = Math.max(0, Math.floor(auth.expiredAgoMs / 60_000));
        return sendError(res, new ApiError(401, 'EXPIRED_AUTHENTICATION',
          `The OAuth token used to make this call expired ${minutes} minute(s) ago.`));
      }
      return sendError(res, unauthorized(
        'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview'));
    }
    res.locals.portalId = auth.info.portalId;
    // The scopes the spec's operation names (spec-validation.ts puts them in res.locals): 403 MISSING_SCOPES without them.
    const needed = res.locals.requiredScopes as string[][] | undefined;
    if (needed && needed.length > 0 && !needed.some((set) => set.every((x) => auth.info.scopes.includes(x)))) {
      return sendError(res, new ApiError(403, 'MISSING_SCOPES',
        'This app hasn\'t been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.', {
          errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: [...new Set(needed.flat())] } }],
          links: { scopes: 'https://developers.hubspot.com/scopes' },
        }));
    }
    next();
  });

  // Fault injection on demand.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const f = faults;
    if (!f || (f.pathPrefix && !req.path.startsWith(f.pathPrefix))) return next();
    const proceed = (): void => {
      const x = random();
      const t = f.rateTimeout ?? 0;
      const e = f.rate5xx ?? 0;
      const l = f.rate429 ?? 0;
      if (x < t) {
        hung.add(res);
        res.on('close', () => hung.delete(res));
        return; // never answer
      }
      if (x < t + e) {
        const status = [500, 502, 503][Math.floor(random() * 3)] ?? 502;
        res.status(status).json({ status: 'error', message: 'internal error', correlationId: randomUUID(),
          category: status === 503 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_ERROR' });
        return;
      }
      if (x < t + e + l) {
        res.status(429).json(rateLimitBody('TEN_SECONDLY_ROLLING'));
        return;
      }
      next();
    };
    if (f.latencyMs && f.latencyMs > 0) setTimeout(proceed, f.latencyMs);
    else proceed();
  });

  // HubSpot's per-account rate limits (search has its own, and does not count against the 10-second window).
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (typeof res.locals.portalId !== 'number') return next();
    const isSearch = req.method === 'POST' && req.path.endsWith('/search');
    const d = limiter.check(res.locals.portalId, isSearch, Date.now());
    res.set(d.headers);
    if (d.ok) return next();
    res.status(429).json(rateLimitBody(d.policyName));
  });

  app.use(oauth.router());
  app.use(express.json({ limit: '5mb' }));
  app.use(crmRouter(state, appSource));
  app.use(automationRouter(state, appSource, callbacks, (portalId) => oauth.uninstall(portalId)));

  app.use((req: Request, res: Response) => {
    res.status(404).json({ status: 'error', message: `No route for ${req.method} ${req.path}`, correlationId: randomUUID(),
      category: 'OBJECT_NOT_FOUND' });
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ApiError) return sendError(res, err);
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.parse.failed') {
      return sendError(res, new ApiError(400, 'VALIDATION_ERROR', `Invalid input JSON : ${e.message ?? 'parse error'}`));
    }
    if (e.type === 'entity.too.large') return sendError(res, new ApiError(413, 'VALIDATION_ERROR', 'Request body too large'));
    res.status(500).json({ status: 'error', message: 'internal error', correlationId: randomUUID(), category: 'INTERNAL_ERROR' });
  });

  const server: Server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.keepAliveTimeout = 5000;
  const address = server.address() as AddressInfo;
  const url = `http://${options.host ?? '127.0.0.1'}:${address.port}`;

  const testSource = (o?: Partial<ChangeSource>): ChangeSource => ({
    changeSource: o?.changeSource ?? 'CRM_UI', sourceId: o?.sourceId === undefined ? 'userId:9001' : o.sourceId,
  });

  const standIn: StandIn = {
    url,
    authorizeUrl: `${url}/oauth/authorize`,
    appId,
    createAccount: (o) => ({ portalId: state.createAccount(o?.portalId, { automationTier: o?.automationTier }).portalId }),
    approveInstallsAs: (portalId) => oauth.approveInstallsAs(portalId),
    denyNextInstall: () => oauth.denyNextInstall(),
    installDirectly: (portalId, scopes) => oauth.issueTokens(portalId, scopes
      ?? DEFAULT_SCOPES.filter((x) => state.account(portalId).automationTier || !AUTOMATION_TIER_SCOPES.has(x))),
    uninstall: (portalId) => oauth.uninstall(portalId),
    isInstalled: (portalId) => state.accounts.get(portalId)?.installed === true,
    seedContacts: async (portalId, count, o) => seed(state, portalId, count, { seed: o?.seed ?? options.seed, emitWebhooks: o?.emitWebhooks }),
    createContact: (portalId, properties, o) => state.createContact(portalId, properties, testSource(o), { validate: o?.validate ?? false }).id,
    updateContact: (portalId, id, properties, o) => {
      state.updateContact(portalId, id, properties, testSource(o), { validate: o?.validate ?? false });
    },
    mergeContacts: (portalId, primaryId, mergedId) => {
      state.mergeContacts(portalId, primaryId, mergedId, testSource());
    },
    deleteContact: (portalId, id) => {
      if (!state.archiveContact(portalId, id, testSource())) throw new Error(`contact ${id} not found in portal ${portalId}`);
    },
    privacyDelete: (portalId, id) => {
      if (!state.privacyDelete(portalId, id, testSource())) throw new Error(`contact ${id} not found in portal ${portalId}`);
    },
    getContact: (portalId, id) => {
      const c = state.accounts.get(portalId)?.contacts.get(id);
      return c ? { id: c.id, properties: { ...c.properties } } : undefined;
    },
    contactIds: (portalId) => state.account(portalId).order.map(String),
    isBlocklisted: (portalId, email) => state.account(portalId).blocklist.has(email.toLowerCase()),
    enrollInSequence: (portalId, contactId, sequenceId) => {
      state.enroll(portalId, contactId, sequenceId, '9001', testSource());
    },
    endSequenceEnrollment: (portalId, contactId) => {
      state.endEnrollment(portalId, contactId, { changeSource: 'SEQUENCES', sourceId: null });
    },
    sequences: (portalId) => [...state.account(portalId).sequences.values()].map((s) => ({ id: s.id, name: s.name })),
    enrollments: (portalId) => [...state.account(portalId).enrollments],
    tasks: (portalId) => [...state.account(portalId).tasks.values()],
    flows: (portalId) => [...state.account(portalId).flows.values()],
    subscriptionStatus: (portalId, email) => {
      const account = state.account(portalId);
      const m = account.subscriptions.get(email.toLowerCase());
      const out: Record<string, string> = {};
      for (const d of account.subscriptionDefinitions) out[d.name] = m?.get(d.id)?.status ?? 'NOT_SPECIFIED';
      return out;
    },
    runWorkflowAction: async (portalId, input) => {
      const account = state.account(portalId);
      const contact = state.liveContact(account, input.contactId);
      if (!contact) throw new Error(`contact ${input.contactId} not found in portal ${portalId}`);
      const callbackId = `ap-${appId}-${randomUUID()}`;
      callbacks.set(callbackId, { callbackId, portalId, outputFields: null, completedAt: null });
      const properties: Record<string, string | null> = {};
      for (const p of input.propertiesToSend ?? []) properties[p] = contact.properties[p] ?? null;
      const requestBody: Record<string, unknown> = {
        callbackId,
        origin: {
          portalId,
          actionDefinitionId: input.actionDefinitionId ?? 81_000_001,
          actionDefinitionVersion: 1,
          actionExecutionIndexIdentifier: { enrollmentId: Math.floor(random() * 1e9), actionExecutionIndex: 0 },
        },
        context: { workflowId: input.workflowId ?? 600_000_001, actionId: 1, source: 'WORKFLOWS' },
        object: { objectId: contact.num, objectType: 'CONTACT', properties },
        inputFields: input.inputFields ?? {},
        fields: input.inputFields ?? {},
      };
      const raw = JSON.stringify(requestBody);
      const timestamp = Date.now();
      const res = await fetch(input.actionUrl, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-HubSpot-Signature': signV2(options.clientSecret, 'POST', input.actionUrl, raw),
          'X-HubSpot-Signature-Version': 'v2',
          'X-HubSpot-Signature-v3': signV3(options.clientSecret, 'POST', input.actionUrl, raw, timestamp),
          'X-HubSpot-Request-Timestamp': String(timestamp),
        },
        body: raw,
        signal: AbortSignal.timeout(20_000),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed, callbackId, requestBody };
    },
    uiFetch,
    workflowCallback: (callbackId) => callbacks.get(callbackId),
    flushWebhooks: async () => {
      if (dispatcher) await dispatcher.flush();
    },
    configureWebhooks: (patch) => {
      if (!dispatcher) throw new Error('webhooks are not enabled: start the stand-in with a webhooks option');
      dispatcher.configure(patch);
    },
    failedWebhooks: () => (dispatcher ? [...dispatcher.failed] : []),
    setFaults: (f) => {
      faults = f;
    },
    setRateLimits: (limits) => limiter.configure(limits),
    setTier: (tier) => limiter.configure(TIER_LIMITS[tier]),
    setSearchLag: (ms) => {
      state.searchLagMs = ms;
    },
    expireAccessTokens: (portalId) => oauth.expireAccessTokens(portalId),
    revokeRefreshTokens: (portalId) => oauth.revokeRefreshTokens(portalId),
    stats: (portalId) => {
      const ids = portalId === undefined ? [...new Set([...stats.keys(), ...(dispatcher?.perPortal.keys() ?? [])])] : [portalId];
      const out: StandInStats = { calls: 0, byRoute: {}, rateLimited: 0, webhookBatches: 0, webhookEvents: 0, webhookFailures: 0 };
      for (const id of ids) {
        const s = stats.get(id);
        if (s) {
          out.calls += s.calls;
          out.rateLimited += s.rateLimited;
          for (const [k, v] of s.byRoute) out.byRoute[k] = (out.byRoute[k] ?? 0) + v;
        }
        const w = dispatcher?.perPortal.get(id);
        if (w) {
          out.webhookBatches += w.batches;
          out.webhookEvents += w.events;
          out.webhookFailures += w.failures;
        }
      }
      return out;
    },
    specViolations: () => [...violations],
    resetStats: () => {
      stats.clear();
      dispatcher?.perPortal.clear();
    },
    close: async () => {
      for (const res of hung) res.destroy();
      hung.clear();
      if (dispatcher) await dispatcher.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return standIn;
}
