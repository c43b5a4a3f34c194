// `prospect-guard serve [--role web|worker|all] [--trial] [--allow-volatile-redis]` (and `npm start`): run the
// product until SIGTERM/SIGINT, then drain and stop.
//   web     the public HTTP port: OAuth install, webhook intake (enqueue only), card/settings backend, workflow
//           action, preference centre, /metrics. Stateless: run as many as the load needs.
//   worker  consumes the queues (ingest, judge, backfill), runs the enforcement tick, retention and request
//           sweeps and the bootstrap retries. No public port (METRICS_PORT serves /metrics and /healthz).
//   all     both in one process (default; the only role the embedded trial mode can run).
// Production refuses the embedded trial stores (PGlite, in-process queue) unless --trial is given, and a Redis
// that can lose acknowledged jobs unless REDIS_ALLOW_VOLATILE=true or --allow-volatile-redis is given.
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { ConfigError, loadConfig, type Config } from './config/config.ts';
import { startProduct, type ProductOverrides } from './start-product.ts';
import { checkRedisDurability, type RedisDurability } from './queue/redis-durability.ts';
import { setRedisDurable } from './metrics/metrics.ts';
import { startMetricsServer } from './metrics/router.ts';
import { resolveLedgerSecrets } from './ledger/secrets.ts';
import { log } from './log.ts';

export const SERVE_USAGE = `Usage: prospect-guard serve [--role web|worker|all] [--trial] [--allow-volatile-redis]

Runs Prospect Guard until SIGTERM or SIGINT, then finishes the running jobs and stops.

  --role all      everything in one process (default)
  --role web      the public HTTP port only: OAuth, webhook intake, card and settings backend, workflow action,
                  preference centre, /metrics. Webhooks are queued for the workers. Needs REDIS_URL and DATABASE_URL.
  --role worker   the queues and periodic jobs only (judging, backfill, enforcement, retention, requests);
                  no public port (set METRICS_PORT for /metrics and /healthz). Needs REDIS_URL and DATABASE_URL.
  --trial         with NODE_ENV=production, accept the embedded trial stores (PGlite database, in-process queue)
  --allow-volatile-redis
                  with NODE_ENV=production, run on a Redis without AOF persistence or with an evicting
                  maxmemory-policy (same as REDIS_ALLOW_VOLATILE=true); acknowledged webhooks can then be lost
  -h, --help      this text

Configuration comes from the environment and from ./.env when present (see .env.example).
`;

export type Role = 'web' | 'worker' | 'all';

export interface ServeOptions {
  role: Role;
  trial: boolean;
  allowVolatileRedis: boolean;
}

export class ServeRefusal extends Error {}

export function parseServeArgs(argv: string[]): ServeOptions | 'help' {
  const { values } = parseArgs({
    args: argv, strict: true, allowPositionals: false,
    options: { role: { type: 'string' }, trial: { type: 'boolean' }, 'allow-volatile-redis': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return 'help';
  const role = values.role ?? 'all';
  if (role !== 'web' && role !== 'worker' && role !== 'all') throw new ServeRefusal(`--role must be web, worker or all (got "${role}")`);
  return { role, trial: values.trial === true, allowVolatileRedis: values['allow-volatile-redis'] === true };
}

/** What the configuration and the role allow, before anything is opened. Throws ServeRefusal with the reason. */
export function checkServePlan(config: Config, options: ServeOptions): void {
  const embedded = [config.databaseUrl ? null : 'the embedded PGlite database (DATABASE_URL is not set)',
    config.redisUrl ? null : 'the in-process queue (REDIS_URL is not set)'].filter((x): x is string => x !== null);
  if (options.role !== 'all' && embedded.length > 0) {
    throw new ServeRefusal(`--role ${options.role} shares its work with other processes through PostgreSQL and Redis; it cannot run on ${embedded.join(' or ')}. Set DATABASE_URL and REDIS_URL, or use --role all.`);
  }
  if (config.nodeEnv === 'production' && embedded.length > 0 && !options.trial) {
    throw new ServeRefusal(`NODE_ENV=production refuses ${embedded.join(' and ')}: they are for trials and development only (one process, data lost with the machine). Set DATABASE_URL and REDIS_URL, or pass --trial to run a trial anyway.`);
  }
}

/** Refuses (production) or warns about a Redis that can lose acknowledged jobs. */
export function judgeRedisDurability(report: RedisDurability, config: Config, options: ServeOptions): void {
  setRedisDurable(report.durable);
  if (report.durable) return;
  const allowed = options.allowVolatileRedis || config.redisAllowVolatile;
  if (config.nodeEnv === 'production' && !allowed) {
    throw new ServeRefusal(`Redis can lose acknowledged webhooks:\n  - ${report.problems.join('\n  - ')}\nFix the Redis configuration, or set REDIS_ALLOW_VOLATILE=true (or --allow-volatile-redis) to run anyway; the reconciliation sweep then repairs what is lost.`);
  }
  log.warn({ persistence: report.persistence, evictionPolicy: report.evictionPolicy, problems: report.problems }, 'Redis can lose acknowledged jobs');
}

async function probeRedis(url: string): Promise<RedisDurability> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await checkRedisDurability(redis);
  } finally {
    redis.disconnect();
  }
}

export function productOverridesFor(role: Role): ProductOverrides {
  if (role === 'web') return { pipeline: { consume: false }, enforcement: { schedule: false }, bootstrapRetryMs: false };
  if (role === 'worker') return { listen: false };
  return {};
}

const REDIS_RECHECK_MS = 5 * 60_000;

export async function serve(argv: string[] = []): Promise<number> {
  let options: ServeOptions;
  let config: Config;
  try {
    const parsed = parseServeArgs(argv);
    if (parsed === 'help') {
      process.stdout.write(SERVE_USAGE);
      return 0;
    }
    options = parsed;
    config = loadConfig();
    checkServePlan(config, options);
    resolveLedgerSecrets(config); // production needs the ledger's keys: say so now, not from inside start-up
    if (config.redisUrl) judgeRedisDurability(await probeRedis(config.redisUrl), config, options);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ServeRefusal || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`prospect-guard serve: ${(err as Error).message}\n`);
      return err instanceof ConfigError || err instanceof ServeRefusal ? 1 : 2;
    }
    throw err;
  }

  const running = await startProduct(config, productOverridesFor(options.role));
  if (config.metricsPort !== null) {
    const metrics = await startMetricsServer(config.metricsPort, config.metricsHost);
    running.onStop(() => metrics.close());
    log.info({ url: metrics.url }, 'metrics listener started');
  }
  if (config.redisUrl) {
    const redisUrl = config.redisUrl;
    const recheck = setInterval(() => {
      probeRedis(redisUrl).then((report) => {
        setRedisDurable(report.durable);
        if (!report.durable) log.error({ persistence: report.persistence, evictionPolicy: report.evictionPolicy, problems: report.problems }, 'Redis can lose acknowledged jobs');
      }, (err: Error) => log.warn({ err: err.message }, 'Redis durability check failed'));
    }, REDIS_RECHECK_MS);
    recheck.unref();
    running.onStop(async () => clearInterval(recheck));
  }
  log.info({ role: options.role, url: running.url ? config.publicBaseUrl : null, db: running.db.kind, redis: running.redis !== null }, 'Prospect Guard started');
  return new Promise<number>((resolve) => {
    const shutdown = (signal: string) => {
      log.info({ signal }, 'shutting down');
      running.stop().then(() => resolve(0), () => resolve(1));
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  (await import('./env-file.ts')).loadEnvFileIfPresent();
  process.exitCode = await serve(process.argv.slice(2));
}
