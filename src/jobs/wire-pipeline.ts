// Wiring of the pipeline into the app (src/main.ts): queue (BullMQ when REDIS_URL is set, else in-process),
// the shared rate limiter, the HubSpot adapter, the webhook router, and the hook that starts a backfill once an
// account is bootstrapped.
import express, { type Router } from 'express';
import type { Redis } from 'ioredis';
import type { Config } from '../config/config.ts';
import type { Db } from '../storage/db.ts';
import { toEngineSettings } from '../storage/settings-schema.ts';
import type { InstallationStore } from '../storage/installations.ts';
import type { HubSpotClients } from '../hubspot/client-factory.ts';
import type { AccountBootstrapper } from '../bootstrap/bootstrap-account.ts';
import { evaluateContact } from '../engine/index.ts';
import { log as rootLog } from '../log.ts';
import { createQueue } from '../queue/index.ts';
import type { JobQueue } from '../queue/job.ts';
import {
  createMemoryRateLimiter, createRedisRateLimiter, parseRateLimitHeaders, type PortalRateLimiter, type RateLimits,
} from '../ratelimit/portal-rate-limiter.ts';
import { createWebhookRouter } from '../../webhooks/receive-hubspot-webhook.ts';
import { createHubSpotCrm, newCallCounter, type CallCounter } from './hubspot-crm.ts';
import { createPipeline, type Pipeline } from './pipeline.ts';
import { createBackfillRouter } from './backfill-router.ts';
import { createPreferenceLinkIssuer } from '../preferences/link-property.ts';
import { preferenceKeyFromConfig } from '../preferences/token.ts';
import type { ReconcileOptions } from '../reconcile/reconcile-portal.ts';

export interface AppPipelineOptions {
  config: Config;
  db: Db;
  redis: Redis | null;
  installations: InstallationStore;
  clients: HubSpotClients;
  bootstrapper?: AccountBootstrapper;
  /** Redis key prefix for queues, pending sets and rate limits (tests and benches isolate themselves). */
  keyPrefix?: string;
  coalesceWindowMs?: number;
  sweepIntervalMs?: number;
  /** Period of the reconciliation sweep (default: config.reconcileIntervalMs, 10 minutes). */
  reconcileIntervalMs?: number;
  reconcile?: ReconcileOptions;
  rateLimits?: RateLimits;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** HubSpot calls unanswered after this long fail as retryable (default 20 s). */
  hubspotCallTimeoutMs?: number;
}

export interface AppPipeline {
  pipeline: Pipeline;
  queue: JobQueue;
  limiter: PortalRateLimiter;
  /** HubSpot calls made by this process's pipeline. */
  counter: CallCounter;
  router: Router;
  /** Starts consuming jobs in this process (workers). */
  start(): Promise<void>;
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

export function createAppPipeline(o: AppPipelineOptions): AppPipeline {
  const log = rootLog.child({ part: 'pipeline' });
  const prefix = o.keyPrefix ?? 'pg';
  const queue = createQueue({
    redisUrl: o.config.redisUrl, log, prefix,
    lockDurationMs: o.lockDurationMs, stalledIntervalMs: o.stalledIntervalMs,
  });
  const limiter = o.redis ? createRedisRateLimiter(o.redis, { keyPrefix: prefix, limits: o.rateLimits }) : createMemoryRateLimiter({ limits: o.rateLimits });
  // Every answer of a portal's SDK client tells the limiter HubSpot's current window (search answers carry none).
  const stopObserving = o.clients.onResponse((portalId, _status, headers) => {
    const seen = parseRateLimitHeaders(headers);
    if (Object.keys(seen).length > 0) {
      limiter.observe(portalId, 'api', seen).catch((err: unknown) => log.warn({ portalId, err: (err as Error).message }, 'rate-limit headers not recorded'));
    }
  });
  const counter = newCallCounter();
  const crm = createHubSpotCrm({ clients: o.clients, limiter, log, counter, callTimeoutMs: o.hubspotCallTimeoutMs });
  const pipeline = createPipeline({
    db: o.db, queue, redis: o.config.redisUrl ? o.redis : null, keyPrefix: prefix, crm,
    evaluate: evaluateContact,
    settings: async (portalId) => toEngineSettings(await o.installations.getSettings(portalId)),
    isActive: (portalId) => o.installations.isActive(portalId),
    installedPortals: async (portalIds) => {
      const { rows } = await o.db.query<{ portal_id: number | string }>(
        `select portal_id from installations where portal_id = any($1::bigint[])`, [portalIds]);
      return new Set(rows.map((r) => Number(r.portal_id)));
    },
    appId: o.config.hubspotAppId, log,
    coalesceWindowMs: o.coalesceWindowMs, sweepIntervalMs: o.sweepIntervalMs,
    preferenceLinks: createPreferenceLinkIssuer({
      key: preferenceKeyFromConfig(o.config), publicBaseUrl: o.config.publicBaseUrl,
      enabled: async (portalId) => (await o.installations.getSettings(portalId)).preferenceCentreEnabled,
    }),
    reconcileIntervalMs: o.reconcileIntervalMs ?? o.config.reconcileIntervalMs, reconcile: o.reconcile,
  });
  o.bootstrapper?.onBootstrapped((portalId) => pipeline.startBackfill(portalId));
  const router = express.Router();
  router.use(createWebhookRouter({
    clientSecret: o.config.hubspotClientSecret, publicBaseUrl: o.config.publicBaseUrl, intake: pipeline.intake, log,
  }));
  router.use(createBackfillRouter({
    db: o.db, clientSecret: o.config.hubspotClientSecret, publicBaseUrl: o.config.publicBaseUrl, installations: o.installations,
  }));
  return {
    pipeline, queue, limiter, counter, router,
    start: () => pipeline.start({ consume: true }),
    stop: (options) => { stopObserving(); return pipeline.close(options); },
  };
}
