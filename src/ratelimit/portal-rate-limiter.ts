// Per-portal HubSpot rate limiting shared by every worker. HubSpot counts in rolling windows (110 requests per
// 10 s per installed account; search 5 per second), so this limiter keeps a sliding log of call times rather
// than fixed windows (which let two full windows' worth of calls through across a window edge and earn 429s).
// On Redis the log is a sorted set per portal and kind, updated atomically by one Lua script using Redis'
// clock, so all processes agree; the in-memory variant serves the embedded mode (one process).
// A 429 pauses the portal's bucket for the Retry-After the server asked for.
// A call's slot is stamped when its response arrives, not when it leaves: HubSpot counts a call at some moment
// between the two, so our windows can never hold fewer calls than HubSpot's (no 429 from network or event-loop
// jitter), at the cost of one response transit per window.
import type { Redis } from 'ioredis';

export type CallKind = 'api' | 'search';

export interface RateLimits {
  /** Calls per window for ordinary API calls (HubSpot: 110 per 10 s; we keep a margin). */
  api: { limit: number; windowMs: number };
  /** Search calls per window (HubSpot: 5 per second, separate from the rest). */
  search: { limit: number; windowMs: number };
}

export const HUBSPOT_SAFE_LIMITS: RateLimits = {
  api: { limit: 108, windowMs: 10_010 },
  search: { limit: 5, windowMs: 1_010 },
};

/** Marks the call finished (response received or failed): its slot is stamped now. */
export type ReleaseSlot = () => Promise<void>;

export interface PortalRateLimiter {
  /** Waits until a call of this kind may be made for the portal, then reserves its slot until released. */
  acquire(portalId: number, kind: CallKind, signal?: AbortSignal): Promise<ReleaseSlot>;
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
// RELEASE_LUA re-stamps the member at the server's current time.
const RELEASE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then redis.call('ZADD', KEYS[1], now, ARGV[1]) end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) + 60000)
return 0
`;
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
  -- Reserved (in flight) until released: scored in the future so it holds its slot meanwhile.
  redis.call('ZADD', KEYS[1], now + 60000, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window + 60000)
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
        if (wait <= 0) {
          return async () => { await redis.eval(RELEASE_LUA, 1, key(portalId, kind), member, windowMs).catch(() => undefined); };
        }
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
  const logs = new Map<string, { t: number }[]>();
  const pausedUntil = new Map<string, number>();
  return {
    async acquire(portalId, kind, signal) {
      const k = `${portalId}:${kind}`;
      const { limit, windowMs } = limits[kind];
      for (;;) {
        const t = now();
        const pause = (pausedUntil.get(k) ?? 0) - t;
        if (pause > 0) { await sleep(pause, signal); continue; }
        const log = (logs.get(k) ?? []).filter((x) => x.t > t - windowMs);
        logs.set(k, log);
        if (log.length < limit) {
          const slot = { t: Number.POSITIVE_INFINITY };
          log.push(slot);
          return async () => { slot.t = now(); };
        }
        const oldest = Math.min(...log.map((x) => x.t));
        await sleep(Number.isFinite(oldest) ? Math.max(1, oldest + windowMs - t) : 5, signal);
      }
    },
    async pause(portalId, kind, ms) {
      const k = `${portalId}:${kind}`;
      pausedUntil.set(k, Math.max(pausedUntil.get(k) ?? 0, now() + ms));
    },
  };
}
