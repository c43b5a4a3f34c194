// The whole app against the HubSpot stand-in for the proof suites: real PostgreSQL (own schema, own
// application_name so a test can cut exactly its own connections), BullMQ on a Redis (the shared one with an own
// key prefix, or a private server), the enforcement and CRM runtimes, installed through the real OAuth flow.
import { randomBytes, randomInt } from 'node:crypto';
import pg from 'pg';
import { startStandIn, type StandIn, type StandInOptions, type WebhookOptions } from '../../../scripts/hubspot-standin/index.ts';
import { loadConfig, type Config } from '../../../src/config/config.ts';
import { startApp, type RunningApp, type StartOverrides } from '../../../src/main.ts';
import { createEnforcementRuntime, type AttachedEnforcement } from '../../../src/enforcement/runtime.ts';
import { createCrmRuntime } from '../../../src/card/runtime.ts';
import { migrate, openDb, type Db } from '../../../src/storage/db.ts';
import { signHubSpotV3 } from '../../../src/hubspot/signature.ts';
import { freePort } from './private-redis.ts';

// Read here rather than from test/support/services.ts, which imports vitest: child processes load this file too.
const DATABASE_TEST_URL = process.env.DATABASE_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const CLIENT_ID = 'proof-client';
export const CLIENT_SECRET = 'proof-client-secret-0123456789';

export type ProofDb = Db & { applicationName: string; url: string; drop(): Promise<void> };

/** A migrated schema on the real PostgreSQL whose connections carry their own application_name. */
export async function createProofDb(options: { poolSize?: number; url?: string } = {}): Promise<ProofDb> {
  const server = options.url ?? DATABASE_TEST_URL;
  const id = randomBytes(5).toString('hex');
  const schema = `proof_${id}`;
  const applicationName = `pg_proof_${id}`;
  const u = new URL(server);
  u.searchParams.set('application_name', applicationName);
  const db = await openDb({ databaseUrl: u.toString(), schema, poolSize: options.poolSize ?? 6 });
  await migrate(db);
  return Object.assign(db, {
    applicationName,
    url: u.toString(),
    async drop() {
      await db.close().catch(() => undefined);
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      try {
        await c.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1`, [applicationName]);
        await c.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await c.end();
      }
    },
  });
}

/** Terminates every backend of this database handle (what a PostgreSQL restart does to the app's pool). */
export async function terminateBackends(db: ProofDb): Promise<number> {
  const u = new URL(db.url);
  u.searchParams.delete('application_name');
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    const r = await c.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and pid <> pg_backend_pid()`, [db.applicationName]);
    return r.rowCount ?? 0;
  } finally {
    await c.end();
  }
}

export async function waitFor(what: string, cond: () => Promise<boolean> | boolean, timeoutMs = 20_000, stepMs = 50): Promise<void> {
  const until = Date.now() + timeoutMs;
  let lastError: unknown = null;
  while (Date.now() < until) {
    try {
      if (await cond()) return;
      lastError = null;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
}

export interface StackOptions {
  db: Db;
  /** Redis for the queue (BullMQ); null: in-process queue, pending sets in the database. */
  redisUrl: string | null;
  keyPrefix?: string;
  /** false: this process only receives and enqueues (workers run elsewhere). */
  consume?: boolean;
  tokenKey?: string;
  logLevel?: string;
  standIn?: Partial<StandInOptions>;
  webhooks?: Partial<WebhookOptions>;
  pipeline?: NonNullable<Exclude<StartOverrides['pipeline'], false>>;
  /** Port of the app (default: a free one). */
  port?: number;
}

export interface Stack {
  standIn: StandIn;
  app: RunningApp;
  enf: AttachedEnforcement;
  config: Config;
  baseUrl: string;
  keyPrefix: string;
  tokenKey: string;
  /** Creates an account (random portal id) and installs the app in it through OAuth; returns the portal id. */
  install(): Promise<number>;
  props(portalId: number, id: string): Record<string, string | null>;
  /** A hubspot.fetch-style signed request (card, settings), as HubSpot sends it for `asPortal`. */
  signed(method: string, path: string, options: { asPortal: number; body?: string; userId?: string }): Promise<Response>;
  /** POSTs a raw webhook delivery, signed unless told otherwise. */
  deliver(body: string, options?: { signature?: string; timestamp?: number }): Promise<Response>;
  stop(): Promise<void>;
}

export function testConfig(o: { port: number; standIn: StandIn; redisUrl: string | null; tokenKey: string; logLevel?: string }): Config {
  const baseUrl = `http://127.0.0.1:${o.port}`;
  return loadConfig({
    NODE_ENV: 'test', PORT: String(o.port), PUBLIC_BASE_URL: baseUrl, LOG_LEVEL: o.logLevel ?? 'silent',
    HUBSPOT_API_BASE_URL: o.standIn.url, HUBSPOT_AUTHORIZE_URL: o.standIn.authorizeUrl,
    HUBSPOT_CLIENT_ID: CLIENT_ID, HUBSPOT_CLIENT_SECRET: CLIENT_SECRET, HUBSPOT_APP_ID: String(o.standIn.appId),
    TOKEN_ENCRYPTION_KEY: o.tokenKey,
    ...(o.redisUrl ? { REDIS_URL: o.redisUrl } : {}),
  });
}

export async function startStack(o: StackOptions): Promise<Stack> {
  const port = o.port ?? await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const keyPrefix = o.keyPrefix ?? `proof-${randomBytes(4).toString('hex')}`;
  const tokenKey = o.tokenKey ?? randomBytes(32).toString('base64');
  const standIn = await startStandIn({
    clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, rateLimits: false, redirectUris: [`${baseUrl}/oauth/callback`],
    ...o.standIn,
    webhooks: { targetUrl: `${baseUrl}/webhooks/hubspot`, flushIntervalMs: 30, retryDelayMs: 200, ...o.webhooks },
  });
  const config = testConfig({ port, standIn, redisUrl: o.redisUrl, tokenKey, logLevel: o.logLevel });
  const enforcement = createEnforcementRuntime({ schedule: false });
  const crm = createCrmRuntime();
  const app = await startApp(config, {
    db: o.db, listen: port, bootstrapRetryMs: false, routers: [enforcement.router, crm.router],
    pipeline: { keyPrefix, coalesceWindowMs: 30, sweepIntervalMs: 500, lockDurationMs: 3000, stalledIntervalMs: 1000, hubspotCallTimeoutMs: 2000, consume: o.consume ?? true, ...o.pipeline },
  });
  const enf = await enforcement.attach(app);
  crm.attach(app, enf.enforcement);

  return {
    standIn, app, enf, config, baseUrl, keyPrefix, tokenKey,
    async install() {
      const { portalId } = standIn.createAccount({ portalId: randomInt(200_000_000, 900_000_000) });
      standIn.approveInstallsAs(portalId);
      const first = await fetch(`${baseUrl}/oauth/install`, { redirect: 'manual' });
      const consent = await fetch(first.headers.get('location') ?? '', { redirect: 'manual' });
      const callback = await fetch(consent.headers.get('location') ?? '', { redirect: 'manual' });
      if (callback.status >= 400) throw new Error(`install failed: ${callback.status} ${await callback.text()}`);
      await waitFor('installation', () => app.installations.isActive(portalId));
      return portalId;
    },
    props(portalId, id) {
      return standIn.getContact(portalId, id)?.properties ?? {};
    },
    async signed(method, path, { asPortal, body, userId }) {
      const sep = path.includes('?') ? '&' : '?';
      const full = `${path}${sep}portalId=${asPortal}&userId=${userId ?? '501'}`;
      const raw = body ?? '';
      const timestamp = Date.now();
      return fetch(baseUrl + full, {
        method,
        headers: {
          'content-type': 'application/json', 'x-hubspot-request-timestamp': String(timestamp),
          'x-hubspot-signature-v3': signHubSpotV3({ method, uri: baseUrl + full, rawBody: raw, timestamp, clientSecret: CLIENT_SECRET }),
        },
        ...(raw && method !== 'GET' ? { body: raw } : {}),
      });
    },
    async deliver(body, options = {}) {
      const timestamp = options.timestamp ?? Date.now();
      const uri = `${baseUrl}/webhooks/hubspot`;
      return fetch(uri, {
        method: 'POST',
        headers: {
          'content-type': 'application/json', 'x-hubspot-request-timestamp': String(timestamp),
          'x-hubspot-signature-v3': options.signature ?? signHubSpotV3({ method: 'POST', uri, rawBody: body, timestamp, clientSecret: CLIENT_SECRET }),
        },
        body,
      });
    },
    async stop() {
      await enf.stop().catch(() => undefined);
      // A stop that hangs must not hang the suite: the suites assert on behaviour, not on shutdown.
      let timer: NodeJS.Timeout | undefined;
      const stuck = new Promise<'stuck'>((resolve) => { timer = setTimeout(() => resolve('stuck'), 20_000); });
      const outcome = await Promise.race([app.stop().then(() => 'ok' as const), stuck]);
      clearTimeout(timer);
      if (outcome === 'stuck') console.warn('proof stack: app.stop() did not finish within 20 s');
      await standIn.close();
    },
  };
}
