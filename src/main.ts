// Boot: config -> database -> migrations -> clients -> HTTP -> webhook pipeline (queue and workers).
// `startApp` runs the app core in-process; `stop()` shuts it down in reverse order. `startProduct`
// (src/start-product.ts) adds enforcement and the CRM backend; `prospect-guard serve` (src/serve.ts) runs that.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type express from 'express';
import { Redis } from 'ioredis';
import { ConfigError, type Config } from './config/config.ts';
import { loadOrCreateDevTokenKeys, TokenCipher, type TokenKeyRing } from './crypto/token-cipher.ts';
import { migrate, openDb, type Db } from './storage/db.ts';
import { InstallationStore } from './storage/installations.ts';
import { OAuthStateStore } from './storage/oauth-states.ts';
import { OAuthStateIssuer } from './oauth/state.ts';
import { HubSpotClients } from './hubspot/client-factory.ts';
import { AccountBootstrapper } from './bootstrap/bootstrap-account.ts';
import { loadAppManifest } from './hubspot/app-manifest.ts';
import { createHttpApp } from './server/app.ts';
import { createAppPipeline, type AppPipeline, type AppPipelineOptions } from './jobs/wire-pipeline.ts';
import { log } from './log.ts';

export interface StartOverrides {
  /** Use this database instead of opening one from the config (tests). It is not closed by stop(). */
  db?: Db;
  /** Key ring when the config has none (tests); otherwise development uses DATA_DIR/dev-token-key. */
  tokenKeys?: TokenKeyRing;
  /** Redis for the cross-process refresh lock; null disables it even if REDIS_URL is set. */
  redis?: Redis | null;
  /** Port to listen on (0 = random); default config.port. `false`: do not listen. */
  listen?: number | false;
  /** Routers of other parts, mounted by createHttpApp. */
  routers?: express.Router[];
  /** Retry pending bootstraps on a timer (default true; tests turn it off to drive it by hand). */
  bootstrapRetryMs?: number | false;
  fetch?: typeof fetch;
  /** OAuth install attempts allowed per client IP per minute (default 30). */
  installAttemptsPerMinute?: number;
  /** How long the OAuth callback waits for the account bootstrap before answering "setup continues" (default 20 s). */
  bootstrapWaitMs?: number;
  /** Webhook pipeline options (pipeline-owned); false: no pipeline. `consume: false`: enqueue only, no workers here. */
  pipeline?: (Partial<Omit<AppPipelineOptions, 'config' | 'db' | 'redis' | 'installations' | 'clients' | 'bootstrapper'>> & { consume?: boolean }) | false;
}

export interface RunningApp {
  config: Config;
  app: express.Express;
  server: Server | null;
  /** http://127.0.0.1:PORT when listening. */
  url: string | null;
  db: Db;
  redis: Redis | null;
  installations: InstallationStore;
  clients: HubSpotClients;
  bootstrapper: AccountBootstrapper;
  /** The webhook pipeline (queue, workers, webhook router), unless disabled. */
  pipeline: AppPipeline | null;
  /** Shutdown steps run by stop(), last added first: the pipeline registers its queue and workers here. */
  onStop(step: () => Promise<void>): void;
  stop(): Promise<void>;
}

export async function startApp(config: Config, overrides: StartOverrides = {}): Promise<RunningApp> {
  const stopSteps: (() => Promise<void>)[] = [];
  const keys = config.tokenKeys ?? overrides.tokenKeys
    ?? (config.nodeEnv === 'production' ? null : loadOrCreateDevTokenKeys(config.dataDir));
  if (!keys) throw new ConfigError('TOKEN_ENCRYPTION_KEY: required in production', ['TOKEN_ENCRYPTION_KEY']);
  const cipher = new TokenCipher(keys);

  const db = overrides.db ?? await openDb({ databaseUrl: config.databaseUrl, dataDir: path.join(config.dataDir, 'pglite') });
  if (!overrides.db) stopSteps.push(() => db.close());
  const applied = await migrate(db);
  if (applied.length > 0) log.info({ applied }, 'migrations applied');

  const redis = overrides.redis !== undefined ? overrides.redis
    : config.redisUrl ? new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 }) : null;
  if (redis && overrides.redis === undefined) {
    // Without a listener ioredis prints "Unhandled error event" on every failed reconnection.
    redis.on('error', (err: Error) => log.warn({ err: err.message }, 'redis connection error'));
    stopSteps.push(async () => { await redis.quit().catch(() => undefined); });
  }

  const installations = new InstallationStore({ db, cipher });
  const clients = new HubSpotClients({
    hubspotApiBaseUrl: config.hubspotApiBaseUrl, hubspotClientId: config.hubspotClientId,
    hubspotClientSecret: config.hubspotClientSecret, installations, redis, fetch: overrides.fetch,
  });
  const bootstrapper = new AccountBootstrapper({ clients, installations });
  const stateStore = new OAuthStateStore({ db });
  const states = new OAuthStateIssuer({ clientSecret: config.hubspotClientSecret, store: stateStore });
  const purge = setInterval(() => { stateStore.purgeExpired().catch(() => 0); }, 3600_000);
  purge.unref();
  stopSteps.push(async () => clearInterval(purge));
  const manifest = loadAppManifest();
  const pipeline = overrides.pipeline === false ? null
    : createAppPipeline({ config, db, redis, installations, clients, bootstrapper, ...overrides.pipeline });
  // Registered before the HTTP server's step, so on stop the server closes first, then running jobs drain.
  if (pipeline) stopSteps.push(() => pipeline.stop());

  const app = createHttpApp({
    config, db, installations, clients, states, bootstrapper,
    scopes: { required: manifest.auth.requiredScopes, optional: manifest.auth.optionalScopes },
    routers: [...(pipeline ? [pipeline.router] : []), ...(overrides.routers ?? [])], fetch: overrides.fetch,
    installAttemptsPerMinute: overrides.installAttemptsPerMinute, bootstrapWaitMs: overrides.bootstrapWaitMs,
  });

  if (overrides.bootstrapRetryMs !== false) {
    bootstrapper.start(overrides.bootstrapRetryMs ?? 60_000);
    stopSteps.push(() => bootstrapper.stop());
  }

  let server: Server | null = null;
  let url: string | null = null;
  const port = overrides.listen === undefined ? config.port : overrides.listen;
  if (port !== false) {
    const s = app.listen(port);
    server = s;
    await new Promise<void>((resolve, reject) => {
      s.once('listening', () => resolve());
      s.once('error', reject);
    });
    url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    stopSteps.push(() => new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    }));
  }

  if (pipeline && (overrides.pipeline === undefined || overrides.pipeline === false || overrides.pipeline.consume !== false)) await pipeline.start();

  let stopping: Promise<void> | null = null;
  return {
    config, app, server, url, db, redis, installations, clients, bootstrapper, pipeline,
    onStop(step) { stopSteps.push(step); },
    stop() {
      stopping ??= (async () => {
        for (const step of stopSteps.reverse()) {
          try {
            await step();
          } catch (err) {
            log.error({ err: err instanceof Error ? err.message : String(err) }, 'shutdown step failed');
          }
        }
      })();
      return stopping;
    },
  };
}
