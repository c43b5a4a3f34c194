// Error types decide retries, not flags: a payload the other side refuses (4xx) is final; a rate limit (429),
// a server error (5xx) or a network failure is retried with jittered exponential backoff; 429 honours Retry-After.

/** Final: retrying cannot help (bad payload, 4xx other than 408/429, uninstalled account). */
export class PermanentJobError extends Error {
  override readonly name = 'PermanentJobError';
}

/** Worth retrying, optionally not before `retryAfterMs`. */
export class RetryableJobError extends Error {
  override readonly name = 'RetryableJobError';
  readonly retryAfterMs: number | null;
  constructor(message: string, options: { retryAfterMs?: number | null; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.retryAfterMs = options.retryAfterMs ?? null;
  }
}

export interface ErrorClass {
  retry: boolean;
  /** Minimum wait before the next attempt (429 Retry-After), when known. */
  retryAfterMs: number | null;
  reason: string;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ECONNABORTED', 'EHOSTUNREACH']);

/** A response header from a fetch Headers, a plain object or an SDK header map (`name` lower-case). */
export function headerOf(headers: unknown, name: string): string | undefined {
  if (headers == null || typeof headers !== 'object') return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    const v = (headers as { get(n: string): string | null }).get(name);
    return v ?? undefined;
  }
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
    if (k.toLowerCase() === name) return Array.isArray(v) ? String(v[0]) : String(v);
  }
  return undefined;
}

/** Milliseconds to wait from a Retry-After header (seconds or HTTP date) or a HubSpot 429 policy name. */
export function retryAfterMs(headers: unknown, body?: unknown, now = Date.now()): number | null {
  const h = headerOf(headers, 'retry-after');
  if (h !== undefined) {
    const secs = Number(h);
    if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
    const at = Date.parse(h);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const interval = Number(headerOf(headers, 'x-hubspot-ratelimit-interval-milliseconds'));
  const policy = typeof body === 'object' && body !== null ? (body as { policyName?: unknown }).policyName : undefined;
  if (policy === 'SECONDLY') return 1000;
  if (policy === 'TEN_SECONDLY_ROLLING') return Number.isFinite(interval) && interval > 0 ? interval : 10_000;
  if (policy === 'DAILY') return 60 * 60 * 1000;
  return Number.isFinite(interval) && interval > 0 ? interval : null;
}

/** HTTP status of an error from @hubspot/api-client (ApiException has `code`), fetch wrappers (`status`). */
export function httpStatusOf(err: unknown): number | null {
  if (typeof err !== 'object' || err === null) return null;
  const e = err as { code?: unknown; status?: unknown; statusCode?: unknown };
  for (const v of [e.code, e.status, e.statusCode]) if (typeof v === 'number' && v >= 100 && v < 600) return v;
  return null;
}

export function classifyError(err: unknown): ErrorClass {
  if (err instanceof PermanentJobError) return { retry: false, retryAfterMs: null, reason: err.message };
  if (err instanceof RetryableJobError) return { retry: true, retryAfterMs: err.retryAfterMs, reason: err.message };
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'ZodError' || name === 'InstallationGoneError' || name === 'UnrecoverableError') {
    return { retry: false, retryAfterMs: null, reason: String(name) };
  }
  const status = httpStatusOf(err);
  if (status !== null) {
    const e = err as { headers?: unknown; body?: unknown };
    if (status === 429) return { retry: true, retryAfterMs: retryAfterMs(e.headers, e.body), reason: 'HTTP 429' };
    // 401 can be an access token that expired in flight: the next attempt fetches a fresh one.
    if (status >= 500 || status === 408 || status === 401 || status === 423) return { retry: true, retryAfterMs: null, reason: `HTTP ${status}` };
    return { retry: false, retryAfterMs: null, reason: `HTTP ${status}` };
  }
  const code = (err as { code?: unknown; cause?: { code?: unknown } } | null);
  const netCode = typeof code?.code === 'string' ? code.code : typeof code?.cause?.code === 'string' ? code.cause.code : null;
  if (netCode !== null && NETWORK_CODES.has(netCode)) return { retry: true, retryAfterMs: null, reason: netCode };
  if (err instanceof TypeError && /fetch failed|network/i.test(err.message)) return { retry: true, retryAfterMs: null, reason: 'network' };
  // Unknown failures are retried: losing work is worse than trying again a few times.
  return { retry: true, retryAfterMs: null, reason: err instanceof Error ? err.name : 'unknown' };
}

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseDelayMs: 500, maxDelayMs: 60_000 };

/** Exponential backoff with "equal jitter" (half fixed, half random), never below a known Retry-After. */
export function backoffDelayMs(attemptsMade: number, policy: RetryPolicy, retryAfter: number | null, random = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attemptsMade - 1));
  const jittered = exp / 2 + random() * (exp / 2);
  if (retryAfter !== null) return Math.round(retryAfter + random() * Math.min(1000, policy.baseDelayMs));
  return Math.round(jittered);
}
