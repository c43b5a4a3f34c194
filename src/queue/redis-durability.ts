// Whether Redis keeps what it acknowledged. A webhook is answered 200 once its job is in Redis; a Redis that
// persists nothing (no AOF, no RDB snapshots), fails over to an empty replica, or evicts keys under memory
// pressure silently loses those jobs. BullMQ requires `maxmemory-policy noeviction`. `serve` checks this at
// start (refusing in production unless REDIS_ALLOW_VOLATILE says otherwise) and every few minutes after.
// The reconciliation sweep recovers verdicts whatever was lost; this check says why they were lost.

/** The two commands the check needs (ioredis' `call` shape), so a test can hand in a Redis that refuses CONFIG. */
export interface RedisIntrospection {
  call(command: string, ...args: string[]): Promise<unknown>;
}

export interface RedisDurability {
  /** aof: append-only file (the only durable one); rdb: snapshots only (the last minutes are lost on a crash); none; unknown. */
  persistence: 'aof' | 'rdb' | 'none' | 'unknown';
  evictionPolicy: string | null;
  durable: boolean;
  /** What is wrong, in words an operator can act on; empty when durable. */
  problems: string[];
}

function configValue(reply: unknown, name: string): string | null {
  // CONFIG GET answers [name, value] (RESP2) or {name: value} (RESP3).
  if (Array.isArray(reply)) {
    const i = reply.findIndex((v) => String(v).toLowerCase() === name);
    return i >= 0 && i + 1 < reply.length ? String(reply[i + 1]) : null;
  }
  if (reply && typeof reply === 'object') {
    const v = (reply as Record<string, unknown>)[name];
    return v === undefined ? null : String(v);
  }
  return null;
}

function infoField(info: string, field: string): string | null {
  const m = new RegExp(`^${field}:(.*)$`, 'm').exec(info);
  return m?.[1]?.trim() ?? null;
}

export async function checkRedisDurability(redis: RedisIntrospection): Promise<RedisDurability> {
  let aof: boolean | null = null;
  let rdb: boolean | null = null;
  let policy: string | null = null;
  try {
    aof = configValue(await redis.call('CONFIG', 'GET', 'appendonly'), 'appendonly') === 'yes';
    rdb = (configValue(await redis.call('CONFIG', 'GET', 'save'), 'save') ?? '').trim() !== '';
    policy = configValue(await redis.call('CONFIG', 'GET', 'maxmemory-policy'), 'maxmemory-policy');
  } catch {
    // Managed Redis services often disable CONFIG; INFO still tells AOF and the eviction policy.
    const info = String(await redis.call('INFO', 'persistence')) + '\n' + String(await redis.call('INFO', 'memory'));
    const aofField = infoField(info, 'aof_enabled');
    aof = aofField === null ? null : aofField === '1';
    policy = infoField(info, 'maxmemory_policy');
  }
  const persistence: RedisDurability['persistence'] = aof ? 'aof' : rdb ? 'rdb' : aof === false && rdb === false ? 'none' : 'unknown';
  const problems: string[] = [];
  if (persistence === 'none') {
    problems.push('Redis persists nothing (appendonly no, no save points): a restart loses every queued webhook. Set "appendonly yes".');
  } else if (persistence === 'rdb') {
    problems.push('Redis persists by snapshots only: jobs acknowledged since the last snapshot are lost on a crash. Set "appendonly yes".');
  } else if (persistence === 'unknown') {
    problems.push('Redis does not say whether it persists (CONFIG refused, no AOF reported): enable AOF on the service.');
  }
  if (policy !== 'noeviction') {
    problems.push(`Redis maxmemory-policy is ${policy ?? 'not reported'}: under memory pressure it deletes queue keys. BullMQ needs "maxmemory-policy noeviction".`);
  }
  return { persistence, evictionPolicy: policy, durable: problems.length === 0, problems };
}
