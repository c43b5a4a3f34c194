// Configuration, parsed once at boot into a typed object. A missing or malformed variable stops the process
// with a message naming it. Development and test runs get embedded defaults so `npm run demo` needs no setup;
// production (NODE_ENV=production) requires every secret explicitly.
import { z } from 'zod';
import { parseTokenKeys, type TokenKeyRing } from '../crypto/token-cipher.ts';

export interface Config {
  nodeEnv: 'development' | 'test' | 'production';
  port: number;
  publicBaseUrl: string;
  hubspotClientId: string;
  hubspotClientSecret: string;
  hubspotAppId: number | null;
  hubspotApiBaseUrl: string;
  hubspotAuthorizeUrl: string;
  databaseUrl: string | null;
  dataDir: string;
  redisUrl: string | null;
  /** Null only outside production: startApp then uses (or creates) a key file under DATA_DIR. */
  tokenKeys: TokenKeyRing | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Period of the reconciliation sweep in worker processes (RECONCILE_INTERVAL_SECONDS, default 600; 0: off). */
  reconcileIntervalMs: number;
  /** Express `trust proxy`: how many proxy hops to trust for the client address (rate limits); default loopback only. */
  trustProxy: number | 'loopback';
  /** Bearer token for GET /metrics on the public port; null: /metrics is served there outside production only. */
  metricsToken: string | null;
  /** A private listener serving only /metrics and /healthz (workers have no other port); null: none. */
  metricsPort: number | null;
  metricsHost: string;
  /** Run on a Redis that may lose acknowledged jobs (no AOF/RDB, or an evicting maxmemory-policy). */
  redisAllowVolatile: boolean;
  /** Evidence ledger (src/ledger/secrets.ts resolves them; production requires all three). */
  ledger: {
    /** HMAC-SHA256 key ring of the hash chain (LEDGER_HMAC_KEY). */
    hmacKeys: TokenKeyRing | null;
    /** Ed25519 seeds signing the checkpoints (LEDGER_SIGNING_KEY); the first signs, every one verifies. */
    signingKeys: TokenKeyRing | null;
    /** Append-only JSONL file of signed checkpoints, outside the database (LEDGER_CHECKPOINT_PATH). */
    checkpointPath: string | null;
  };
}

export class ConfigError extends Error {
  readonly variables: string[];
  constructor(message: string, variables: string[]) {
    super(message);
    this.name = 'ConfigError';
    this.variables = variables;
  }
}

/** Placeholders for local runs against the stand-in; never accepted in production. */
export const DEVELOPMENT_DEFAULTS = {
  HUBSPOT_CLIENT_ID: 'prospect-guard-local',
  HUBSPOT_CLIENT_SECRET: 'prospect-guard-local-secret',
} as const;

// An empty string in a .env file means "unset".
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).transform((u) => u.replace(/\/+$/, ''));

const EnvSchema = z.object({
  NODE_ENV: optional(z.enum(['development', 'test', 'production'])),
  PORT: optional(z.string().regex(/^\d{1,5}$/, 'must be a port number').transform(Number)
    .refine((n) => n <= 65535, 'must be a port number')),
  PUBLIC_BASE_URL: optional(httpUrl),
  HUBSPOT_CLIENT_ID: optional(z.string().min(1)),
  HUBSPOT_CLIENT_SECRET: optional(z.string().min(8, 'must be at least 8 characters')),
  HUBSPOT_APP_ID: optional(z.string().regex(/^\d+$/, 'must be a number').transform(Number)),
  HUBSPOT_API_BASE_URL: optional(httpUrl),
  HUBSPOT_AUTHORIZE_URL: optional(httpUrl),
  DATABASE_URL: optional(z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')),
  DATA_DIR: optional(z.string().min(1)),
  REDIS_URL: optional(z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL')),
  TOKEN_ENCRYPTION_KEY: optional(z.string()),
  LOG_LEVEL: optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])),
  RECONCILE_INTERVAL_SECONDS: optional(z.string().regex(/^\d{1,6}$/, 'must be a number of seconds').transform(Number)),
  TRUST_PROXY: optional(z.string().regex(/^(loopback|\d{1,2})$/, 'must be "loopback" or a number of proxy hops')),
  METRICS_TOKEN: optional(z.string().min(16, 'must be at least 16 characters')),
  METRICS_PORT: optional(z.string().regex(/^\d{1,5}$/, 'must be a port number').transform(Number)
    .refine((n) => n <= 65535, 'must be a port number')),
  METRICS_HOST: optional(z.string().min(1)),
  REDIS_ALLOW_VOLATILE: optional(z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' })),
  LEDGER_HMAC_KEY: optional(z.string()),
  LEDGER_SIGNING_KEY: optional(z.string()),
  LEDGER_CHECKPOINT_PATH: optional(z.string().min(1)),
});

/** Reads the environment once. Throws ConfigError naming every bad or missing variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${String(i.path[0] ?? '?')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`, parsed.error.issues.map((i) => String(i.path[0])));
  }
  const e = parsed.data;
  const nodeEnv = e.NODE_ENV ?? 'development';
  const production = nodeEnv === 'production';

  if (production) {
    const missing = (['PUBLIC_BASE_URL', 'HUBSPOT_CLIENT_ID', 'HUBSPOT_CLIENT_SECRET', 'TOKEN_ENCRYPTION_KEY'] as const)
      .filter((k) => e[k] === undefined);
    if (missing.length > 0) {
      throw new ConfigError(`Missing configuration (required when NODE_ENV=production): ${missing.join(', ')}`, missing);
    }
    if (e.HUBSPOT_CLIENT_SECRET === DEVELOPMENT_DEFAULTS.HUBSPOT_CLIENT_SECRET) {
      throw new ConfigError('HUBSPOT_CLIENT_SECRET: the development placeholder is refused in production', ['HUBSPOT_CLIENT_SECRET']);
    }
    if (!e.PUBLIC_BASE_URL?.startsWith('https://')) {
      throw new ConfigError('PUBLIC_BASE_URL: must be https:// in production', ['PUBLIC_BASE_URL']);
    }
  }

  let tokenKeys: TokenKeyRing | null = null;
  if (e.TOKEN_ENCRYPTION_KEY !== undefined) {
    try {
      tokenKeys = parseTokenKeys(e.TOKEN_ENCRYPTION_KEY);
    } catch (err) {
      throw new ConfigError(`TOKEN_ENCRYPTION_KEY: ${(err as Error).message}`, ['TOKEN_ENCRYPTION_KEY']);
    }
  }

  const ledgerKey = (name: 'LEDGER_HMAC_KEY' | 'LEDGER_SIGNING_KEY'): TokenKeyRing | null => {
    const value = e[name];
    if (value === undefined) return null;
    try {
      return parseTokenKeys(value);
    } catch (err) {
      throw new ConfigError(`${name}: ${(err as Error).message}`, [name]);
    }
  };

  const port = e.PORT ?? 3000;
  return {
    nodeEnv,
    port,
    publicBaseUrl: e.PUBLIC_BASE_URL ?? `http://localhost:${port}`,
    hubspotClientId: e.HUBSPOT_CLIENT_ID ?? DEVELOPMENT_DEFAULTS.HUBSPOT_CLIENT_ID,
    hubspotClientSecret: e.HUBSPOT_CLIENT_SECRET ?? DEVELOPMENT_DEFAULTS.HUBSPOT_CLIENT_SECRET,
    hubspotAppId: e.HUBSPOT_APP_ID ?? null,
    hubspotApiBaseUrl: e.HUBSPOT_API_BASE_URL ?? 'https://api.hubapi.com',
    hubspotAuthorizeUrl: e.HUBSPOT_AUTHORIZE_URL ?? 'https://app.hubspot.com/oauth/authorize',
    databaseUrl: e.DATABASE_URL ?? null,
    dataDir: e.DATA_DIR ?? './data',
    redisUrl: e.REDIS_URL ?? null,
    tokenKeys,
    logLevel: e.LOG_LEVEL ?? 'info',
    reconcileIntervalMs: (e.RECONCILE_INTERVAL_SECONDS ?? 600) * 1000,
    trustProxy: e.TRUST_PROXY === undefined || e.TRUST_PROXY === 'loopback' ? 'loopback' : Number(e.TRUST_PROXY),
    metricsToken: e.METRICS_TOKEN ?? null,
    metricsPort: e.METRICS_PORT ?? null,
    metricsHost: e.METRICS_HOST ?? '127.0.0.1',
    redisAllowVolatile: e.REDIS_ALLOW_VOLATILE === 'true' || e.REDIS_ALLOW_VOLATILE === '1',
    ledger: { hmacKeys: ledgerKey('LEDGER_HMAC_KEY'), signingKeys: ledgerKey('LEDGER_SIGNING_KEY'), checkpointPath: e.LEDGER_CHECKPOINT_PATH ?? null },
  };
}
