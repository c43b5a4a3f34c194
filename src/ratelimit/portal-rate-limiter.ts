// Per-portal HubSpot rate limiting shared by every worker. HubSpot counts in rolling windows (110 requests per
// 10 s per installed account; search 5 per second), so this limiter keeps a sliding log of call times rather
// than fixed windows (which let two full windows' worth of calls through across a window edge and earn 429s).
// On Redis the log is a sorted set per portal and kind, updated atomically by one Lua script using Redis'
// clock, so all processes agree; the in-memory variant serves the embedded mode (one process).
// A 429 pauses the portal's bucket for the Retry-After the server asked for.
import type { Redis } from 'ioredis';

export type CallKind = 'api' | 'search';

export interface RateLimits {
  /** Calls per window for ordinary API calls (HubSpot: 110 per 10 s; we keep a margin). */
  api: { limit: number; windowMs: number };
  /** Search calls per window (HubSpot: 5 per second, separate from the rest). */
  search: { limit: number; windowMs: number };
}

export const HUBSPOT_SAFE_LIMITS: RateLimits = {
  api: { limit: 105, windowMs: 10_000 },
  search: { limit: 5, windowMs: 1_100 },
};

export interface PortalRateLimiter {
  /** Waits until a call of this kind may be made for the portal, then counts it. */
  acquire(portalId: number, kind: CallKind, signal?: AbortSignal): Promise<void>;
  /** Holds every call of this kind for the portal for `ms` (after a 429). */
  pause(portalId: number, kind: CallKind, ms: number): Promise<void>;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(signal?.reason ?? new Error('aborted')); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

// KEYS[1] = log (zset), KEYS[2] = pause key; ARGV = limit, windowMs, member. Returns 0 when counted, else ms to wait.
const ACQUIRE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return paused end
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[1])
if n < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local wait = tonumber(oldest[2]) + window - now
if wait < 1 then wait = 1 end
return wait
`;

let seq = 0;

export function createRedisRateLimiter(redis: Redis, options: { keyPrefix: string; limits?: RateLimits }): PortalRateLimiter {
  const limits = options.limits ?? HUBSPOT_SAFE_LIMITS;
  const key = (portalId: number, kind: CallKind) => `${options.keyPrefix}:rl:${portalId}:${kind}`;
  return {
    async acquire(portalId, kind, signal) {
      const { limit, windowMs } = limits[kind];
      for (;;) {
        const member = `${process.pid}:${Date.now()}:${++seq}`;
        const wait = Number(await redis.eval(ACQUIRE_LUA, 2, key(portalId, kind), `${key(portalId, kind)}:pause`, limit, windowMs, member));
        if (wait <= 0) return;
        await sleep(Math.min(wait, windowMs) + Math.floor(Math.random() * 5), signal);
      }
    },
    async pause(portalId, kind, ms) {
      if (ms > 0) await redis.set(`${key(portalId, kind)}:pause`, '1', 'PX', Math.ceil(ms));
    },
  };
}

export function createMemoryRateLimiter(options: { limits?: RateLimits; now?: () => number } = {}): PortalRateLimiter {
  const limits = options.limits ?? HUBSPOT_SAFE_LIMITS;
  const now = options.now ?? Date.now;
  const logs = new Map<string, number[]>();
  const pausedUntil = new Map<string, number>();
  return {
    async acquire(portalId, kind, signal) {
      const k = `${portalId}:${kind}`;
      const { limit, windowMs } = limits[kind];
      for (;;) {
        const t = now();
        const pause = (pausedUntil.get(k) ?? 0) - t;
        if (pause > 0) { await sleep(pause, signal); continue; }
        const log = (logs.get(k) ?? []).filter((x) => x > t - windowMs);
        logs.set(k, log);
        if (log.length < limit) { log.push(t); return; }
        await sleep(Math.max(1, (log[0] as number) + windowMs - t), signal);
      }
    },
    async pause(portalId, kind, ms) {
      const k = `${portalId}:${kind}`;
      pausedUntil.set(k, Math.max(pausedUntil.get(k) ?? 0, now() + ms));
    },
  };
}
