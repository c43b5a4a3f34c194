// Per-portal HubSpot rate limiting shared by every worker. HubSpot counts in rolling windows whose size it
// advertises on every answer (X-HubSpot-RateLimit-Max per -Interval-Milliseconds, -Remaining; -Daily and
// -Daily-Remaining where a daily cap applies), so this limiter keeps a sliding log of call times and adapts to
// what HubSpot says rather than to a number we wrote down:
//   - the window's limit is the advertised Max less a safety margin (`safeLimit`), learned per portal;
//   - when HubSpot's -Remaining shows more calls used than our log holds (calls made outside the limiter, such
//     as the install's property bootstrap, another process), the log is topped up so we slow down at once;
//   - when -Daily-Remaining falls to the reserve, the portal's calls wait an hour and try again;
//   - a 429 is read by its documented body (`policyName`), see `rateLimitWaitMs`.
// Before the first answer the defaults apply (HUBSPOT_SAFE_LIMITS); search stays at 5 per second (its answers
// carry no rate-limit headers). Sources: docs/HUBSPOT-PROJECT.md.
// On Redis the log is a sorted set per portal and kind and the learned limit a hash beside it, updated
// atomically by Lua scripts using Redis' clock, so all processes agree; the in-memory variant serves the
// embedded mode (one process). A call's slot is stamped when its response arrives, not when it leaves: HubSpot
// counts a call at some moment between the two, so our windows never hold fewer calls than HubSpot's.
import type { Redis } from 'ioredis';
import { headerOf } from '../queue/errors.ts';

export type CallKind = 'api' | 'search';

export interface RateLimits {
  /** Calls per window for ordinary API calls before HubSpot has told us its figure. */
  api: { limit: number; windowMs: number };
  /** Search calls per window (HubSpot: 5 per second, separate from the rest, no headers). */
  search: { limit: number; windowMs: number };
}

/** What HubSpot advertised on one answer (absent headers stay undefined). */
export interface RateLimitHeaders {
  max?: number;
  remaining?: number;
  intervalMs?: number;
  daily?: number;
  dailyRemaining?: number;
}

/**
 * Before a portal's first answer: the lowest window HubSpot documents (100 per 10 s, Free/Starter private
 * distribution) less the margin, so the first burst is safe whatever the account; a marketplace OAuth app then
 * learns its 110 (-> 108) from the headers. Search: 5 per second.
 */
export const HUBSPOT_SAFE_LIMITS: RateLimits = {
  api: { limit: 98, windowMs: 10_010 },
  search: { limit: 5, windowMs: 1_010 },
};
/** Longest single wait before a waiting call looks again (a limit learned meanwhile applies at once). */
const MAX_WAIT_MS = 1000;

/** Our window is this much longer than HubSpot's (clock and transit). */
export const WINDOW_SLACK_MS = 10;
/** When Daily-Remaining reaches this share of the daily cap, wait (and keep the rest for people's actions). */
export const DAILY_RESERVE_SHARE = 0.01;
export const DAILY_PAUSE_MS = 60 * 60 * 1000;

/** The advertised window less a margin of 2% (at least 2 calls): 100 -> 98, 110 -> 108, 190 -> 186. */
export function safeLimit(max: number): number {
  return Math.max(1, max - Math.max(2, Math.round(max * 0.02)));
}

/** Reads HubSpot's X-HubSpot-RateLimit-* headers from a fetch Headers, a plain object or an SDK header map. */
export function parseRateLimitHeaders(headers: unknown): RateLimitHeaders {
  const num = (name: string): number | undefined => {
    const v = headerOf(headers, name);
    if (v === undefined || v.trim() === '') return undefined;
    const n = Number(v);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  };
  const out: RateLimitHeaders = {};
  const max = num('x-hubspot-ratelimit-max');
  const remaining = num('x-hubspot-ratelimit-remaining');
  const intervalMs = num('x-hubspot-ratelimit-interval-milliseconds');
  const daily = num('x-hubspot-ratelimit-daily');
  const dailyRemaining = num('x-hubspot-ratelimit-daily-remaining');
  if (max !== undefined && max > 0) out.max = max;
  if (remaining !== undefined) out.remaining = remaining;
  if (intervalMs !== undefined && intervalMs > 0) out.intervalMs = intervalMs;
  if (daily !== undefined && daily > 0) out.daily = daily;
  if (dailyRemaining !== undefined) out.dailyRemaining = dailyRemaining;
  return out;
}

export type RateLimitPolicy = 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY' | 'UNKNOWN';

/** The policy a 429 names (HubSpot's body: errorType RATE_LIMIT, policyName), UNKNOWN when the body says nothing. */
export function rateLimitPolicy(body: unknown): RateLimitPolicy {
  let b = body;
  if (typeof b === 'string') { try { b = JSON.parse(b) as unknown; } catch { return 'UNKNOWN'; } }
  const p = typeof b === 'object' && b !== null ? (b as { policyName?: unknown }).policyName : undefined;
  return p === 'TEN_SECONDLY_ROLLING' || p === 'SECONDLY' || p === 'DAILY' ? p : 'UNKNOWN';
}

/** Marks the call finished (response received or failed): its slot is stamped now. */
export type ReleaseSlot = () => Promise<void>;

export interface PortalRateLimiter {
  /** Waits until a call of this kind may be made for the portal, then reserves its slot until released. */
  acquire(portalId: number, kind: CallKind, signal?: AbortSignal): Promise<ReleaseSlot>;
  /** Holds every call of this kind for the portal for `ms`. */
  pause(portalId: number, kind: CallKind, ms: number): Promise<void>;
  /** Adapts to what HubSpot advertised on an answer of this kind (any status, 429 included). */
  observe(portalId: number, kind: CallKind, seen: RateLimitHeaders): Promise<void>;
  /** The limit and window in force for the portal (learned, or the default). */
  current(portalId: number, kind: CallKind): Promise<{ limit: number; windowMs: number; learned: boolean }>;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(signal?.reason ?? new Error('aborted')); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** What an observation asks of the limiter: the learned window, calls to add to the log, a pause. */
function plan(seen: RateLimitHeaders, kind: CallKind): { limit: number | null; windowMs: number | null; used: number | null; pauseMs: number } {
  if (kind === 'search') return { limit: null, windowMs: null, used: null, pauseMs: 0 };
  const limit = seen.max !== undefined ? safeLimit(seen.max) : null;
  const windowMs = seen.intervalMs !== undefined ? seen.intervalMs + WINDOW_SLACK_MS : null;
  const used = seen.max !== undefined && seen.remaining !== undefined ? Math.max(0, seen.max - seen.remaining) : null;
  const reserve = seen.daily !== undefined ? Math.max(1, Math.ceil(seen.daily * DAILY_RESERVE_SHARE)) : 0;
  const pauseMs = seen.dailyRemaining !== undefined && seen.daily !== undefined && seen.dailyRemaining <= reserve ? DAILY_PAUSE_MS : 0;
  return { limit, windowMs, used, pauseMs };
}

// KEYS[1] = log (zset), KEYS[2] = pause key, KEYS[3] = learned limits (hash); ARGV = default limit, default
// window, member. Returns 0 when counted, else ms to wait. RELEASE_LUA re-stamps the member at Redis' time.
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
local learned = redis.call('HMGET', KEYS[3], 'limit', 'window')
local limit = tonumber(learned[1]) or tonumber(ARGV[1])
local window = tonumber(learned[2]) or tonumber(ARGV[2])
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
if wait > window then wait = window end
return wait
`;
// KEYS as above; ARGV = learned limit or '', learned window or '', calls HubSpot counts or '', default window,
// pause ms, member prefix. Tops the log up to what HubSpot counts (stamped now) and stores what was learned.
const OBSERVE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if ARGV[1] ~= '' then redis.call('HSET', KEYS[3], 'limit', ARGV[1]) end
if ARGV[2] ~= '' then redis.call('HSET', KEYS[3], 'window', ARGV[2]) end
if ARGV[1] ~= '' or ARGV[2] ~= '' then redis.call('PEXPIRE', KEYS[3], 3600000) end
local window = tonumber(redis.call('HGET', KEYS[3], 'window')) or tonumber(ARGV[4])
if ARGV[3] ~= '' then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
  local missing = tonumber(ARGV[3]) - redis.call('ZCARD', KEYS[1])
  -- Calls HubSpot counted that we did not see are stamped now: we cannot know when they were made, and a
  -- later estimate would let a 429 through (the 5% rule weighs more than a few seconds of throughput).
  for i = 1, missing do redis.call('ZADD', KEYS[1], now, ARGV[6] .. ':' .. i) end
  redis.call('PEXPIRE', KEYS[1], window + 60000)
end
local pause = tonumber(ARGV[5])
if pause > 0 and redis.call('PTTL', KEYS[2]) < pause then redis.call('SET', KEYS[2], '1', 'PX', pause) end
return 0
`;

let seq = 0;

export function createRedisRateLimiter(redis: Redis, options: { keyPrefix: string; limits?: RateLimits }): PortalRateLimiter {
  const limits = options.limits ?? HUBSPOT_SAFE_LIMITS;
  const key = (portalId: number, kind: CallKind) => `${options.keyPrefix}:rl:${portalId}:${kind}`;
  const keys = (portalId: number, kind: CallKind) => [key(portalId, kind), `${key(portalId, kind)}:pause`, `${key(portalId, kind)}:limits`] as const;
  return {
    async acquire(portalId, kind, signal) {
      const { limit, windowMs } = limits[kind];
      for (;;) {
        const member = `${process.pid}:${Date.now()}:${++seq}`;
        const wait = Number(await redis.eval(ACQUIRE_LUA, 3, ...keys(portalId, kind), limit, windowMs, member));
        if (wait <= 0) {
          return async () => { await redis.eval(RELEASE_LUA, 1, key(portalId, kind), member, windowMs).catch(() => undefined); };
        }
        await sleep(Math.min(wait, MAX_WAIT_MS) + Math.floor(Math.random() * 5), signal);
      }
    },
    async pause(portalId, kind, ms) {
      if (ms > 0) await redis.set(`${key(portalId, kind)}:pause`, '1', 'PX', Math.ceil(ms));
    },
    async observe(portalId, kind, seen) {
      const p = plan(seen, kind);
      if (p.limit === null && p.windowMs === null && p.used === null && p.pauseMs === 0) return;
      await redis.eval(OBSERVE_LUA, 3, ...keys(portalId, kind), p.limit ?? '', p.windowMs ?? '', p.used ?? '',
        limits[kind].windowMs, p.pauseMs, `hs:${process.pid}:${Date.now()}:${++seq}`);
    },
    async current(portalId, kind) {
      const [limit, window] = await redis.hmget(`${key(portalId, kind)}:limits`, 'limit', 'window');
      return {
        limit: limit ? Number(limit) : limits[kind].limit,
        windowMs: window ? Number(window) : limits[kind].windowMs,
        learned: limit !== null || window !== null,
      };
    },
  };
}

export function createMemoryRateLimiter(options: { limits?: RateLimits; now?: () => number } = {}): PortalRateLimiter {
  const limits = options.limits ?? HUBSPOT_SAFE_LIMITS;
  const now = options.now ?? Date.now;
  const logs = new Map<string, { t: number }[]>();
  const pausedUntil = new Map<string, number>();
  const learned = new Map<string, { limit?: number; windowMs?: number }>();
  const config = (k: string, kind: CallKind) => ({
    limit: learned.get(k)?.limit ?? limits[kind].limit,
    windowMs: learned.get(k)?.windowMs ?? limits[kind].windowMs,
  });
  const live = (k: string, windowMs: number, t: number) => {
    const log = (logs.get(k) ?? []).filter((x) => x.t > t - windowMs);
    logs.set(k, log);
    return log;
  };
  return {
    async acquire(portalId, kind, signal) {
      const k = `${portalId}:${kind}`;
      for (;;) {
        const { limit, windowMs } = config(k, kind);
        const t = now();
        const pause = (pausedUntil.get(k) ?? 0) - t;
        if (pause > 0) { await sleep(pause, signal); continue; }
        const log = live(k, windowMs, t);
        if (log.length < limit) {
          const slot = { t: Number.POSITIVE_INFINITY };
          log.push(slot);
          return async () => { slot.t = now(); };
        }
        const oldest = Math.min(...log.map((x) => x.t));
        await sleep(Number.isFinite(oldest) ? Math.min(windowMs, MAX_WAIT_MS, Math.max(1, oldest + windowMs - t)) : 5, signal);
      }
    },
    async pause(portalId, kind, ms) {
      const k = `${portalId}:${kind}`;
      pausedUntil.set(k, Math.max(pausedUntil.get(k) ?? 0, now() + ms));
    },
    async observe(portalId, kind, seen) {
      const k = `${portalId}:${kind}`;
      const p = plan(seen, kind);
      if (p.limit !== null || p.windowMs !== null) {
        learned.set(k, { ...learned.get(k), ...(p.limit !== null ? { limit: p.limit } : {}), ...(p.windowMs !== null ? { windowMs: p.windowMs } : {}) });
      }
      if (p.used !== null) {
        const t = now();
        const log = live(k, config(k, kind).windowMs, t);
        // Calls HubSpot counted that we did not see are stamped now (see OBSERVE_LUA).
        for (let i = log.length; i < p.used; i++) log.push({ t });
      }
      if (p.pauseMs > 0) pausedUntil.set(k, Math.max(pausedUntil.get(k) ?? 0, now() + p.pauseMs));
    },
    async current(portalId, kind) {
      const k = `${portalId}:${kind}`;
      return { ...config(k, kind), learned: learned.has(k) };
    },
  };
}

/**
 * How long to hold a portal's calls after a 429, from the documented body: the rolling 10-second window frees
 * a slot within one interval (the log, topped up from the answer's -Remaining, schedules it; without headers a
 * tenth of the interval and the caller's retries); the search limit within a second; the daily cap at the account's midnight, which we cannot
 * see, so an hour and try again. HubSpot documents no Retry-After on these; one is honoured if sent.
 */
export function rateLimitWaitMs(body: unknown, headers: unknown, now = Date.now()): { policy: RateLimitPolicy; pauseMs: number } {
  const policy = rateLimitPolicy(body);
  const retryAfter = headerOf(headers, 'retry-after');
  if (retryAfter !== undefined) {
    const secs = Number(retryAfter);
    const at = Date.parse(retryAfter);
    const ms = Number.isFinite(secs) ? secs * 1000 : Number.isNaN(at) ? null : at - now;
    if (ms !== null && ms >= 0) return { policy, pauseMs: ms };
  }
  const seen = parseRateLimitHeaders(headers);
  switch (policy) {
    case 'DAILY': return { policy, pauseMs: DAILY_PAUSE_MS };
    case 'SECONDLY': return { policy, pauseMs: 1000 };
    default:
      // With HubSpot's headers the log is already topped up from -Remaining: 0; a 429 without them tells us
      // nothing, so a short hold and the caller's retries.
      return { policy, pauseMs: seen.remaining !== undefined && seen.max !== undefined ? 0 : Math.round((seen.intervalMs ?? 10_000) / 10) };
  }
}
