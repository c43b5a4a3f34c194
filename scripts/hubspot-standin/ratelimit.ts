// HubSpot's per-account limits for marketplace apps: a rolling 10-second window (110 calls, search excluded)
// and the search endpoints' own per-second limit (5). A refused call does not consume a slot.

export interface RateLimits {
  perTenSeconds: number;
  searchPerSecond: number;
}

export const HUBSPOT_LIMITS: RateLimits = { perTenSeconds: 110, searchPerSecond: 5 };

class RollingWindow {
  private readonly stamps: number[] = [];
  private head = 0;
  readonly max: number;
  readonly windowMs: number;
  constructor(max: number, windowMs: number) {
    this.max = max;
    this.windowMs = windowMs;
  }
  private prune(now: number): void {
    while (this.head < this.stamps.length && (this.stamps[this.head] ?? 0) <= now - this.windowMs) this.head++;
    if (this.head > 1024 && this.head * 2 > this.stamps.length) {
      this.stamps.splice(0, this.head);
      this.head = 0;
    }
  }
  /** Takes a slot when one is free. Returns the remaining count, or the ms until a slot frees. */
  take(now: number): { ok: true; remaining: number } | { ok: false; retryAfterMs: number } {
    this.prune(now);
    const used = this.stamps.length - this.head;
    if (used >= this.max) {
      const oldest = this.stamps[this.head] ?? now;
      return { ok: false, retryAfterMs: Math.max(1, oldest + this.windowMs - now) };
    }
    this.stamps.push(now);
    return { ok: true, remaining: this.max - used - 1 };
  }
}

export type RateDecision =
  | { ok: true; headers: Record<string, string> }
  | { ok: false; policyName: 'TEN_SECONDLY_ROLLING' | 'SECONDLY'; retryAfterMs: number; headers: Record<string, string> };

export class RateLimiter {
  private readonly general = new Map<number, RollingWindow>();
  private readonly searches = new Map<number, RollingWindow>();
  private limits: RateLimits | false;
  constructor(limits: RateLimits | false) {
    this.limits = limits;
  }

  configure(limits: RateLimits | false): void {
    this.limits = limits;
    this.general.clear();
    this.searches.clear();
  }

  check(portalId: number, isSearch: boolean, now: number): RateDecision {
    const limits = this.limits;
    if (!limits) return { ok: true, headers: {} };
    if (isSearch) {
      let w = this.searches.get(portalId);
      if (!w) this.searches.set(portalId, (w = new RollingWindow(limits.searchPerSecond, 1000)));
      const r = w.take(now);
      const base = { 'X-HubSpot-RateLimit-Secondly': String(limits.searchPerSecond) };
      if (r.ok) return { ok: true, headers: { ...base, 'X-HubSpot-RateLimit-Secondly-Remaining': String(r.remaining) } };
      return { ok: false, policyName: 'SECONDLY', retryAfterMs: r.retryAfterMs,
        headers: { ...base, 'X-HubSpot-RateLimit-Secondly-Remaining': '0' } };
    }
    let w = this.general.get(portalId);
    if (!w) this.general.set(portalId, (w = new RollingWindow(limits.perTenSeconds, 10_000)));
    const r = w.take(now);
    const base = {
      'X-HubSpot-RateLimit-Max': String(limits.perTenSeconds),
      'X-HubSpot-RateLimit-Interval-Milliseconds': '10000',
    };
    if (r.ok) return { ok: true, headers: { ...base, 'X-HubSpot-RateLimit-Remaining': String(r.remaining) } };
    return { ok: false, policyName: 'TEN_SECONDLY_ROLLING', retryAfterMs: r.retryAfterMs,
      headers: { ...base, 'X-HubSpot-RateLimit-Remaining': '0' } };
  }
}
