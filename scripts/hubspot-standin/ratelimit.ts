// HubSpot's per-account API limits, by how the app is distributed and the account's tier (HubSpot's "API usage
// guidelines and limits", quoted in docs/HUBSPOT-PROJECT.md):
//   - a marketplace OAuth app: 110 calls per rolling 10 s per installing account, search excluded, no daily cap
//     (the daily headers are "not included in the response to API requests authorized using OAuth");
//   - privately distributed apps: Free/Starter 100 per 10 s and 250,000 a day, Professional 190 and 625,000,
//     Enterprise 190 and 1,000,000;
//   - search: 5 per second per account, its own limit, and its answers carry no rate-limit headers.
// Answers carry X-HubSpot-RateLimit-Max, -Remaining, -Interval-Milliseconds (and -Daily, -Daily-Remaining where a
// daily cap applies). A refused call does not consume a slot and gets HubSpot's 429 body; no Retry-After, which
// HubSpot does not document for these. The day resets at midnight UTC here (HubSpot: the account's time zone).

export type HubSpotTier = 'marketplace' | 'free' | 'starter' | 'professional' | 'enterprise';

export interface RateLimits {
  perTenSeconds: number;
  searchPerSecond: number;
  /** Calls per day per account, or null where no daily cap applies (marketplace OAuth apps). */
  daily?: number | null;
  /** The burst window (HubSpot: 10,000 ms); tests may shrink it to run faster, the headers say so. */
  intervalMs?: number;
}

export const TIER_LIMITS: Record<HubSpotTier, RateLimits> = {
  marketplace: { perTenSeconds: 110, searchPerSecond: 5, daily: null },
  free: { perTenSeconds: 100, searchPerSecond: 5, daily: 250_000 },
  starter: { perTenSeconds: 100, searchPerSecond: 5, daily: 250_000 },
  professional: { perTenSeconds: 190, searchPerSecond: 5, daily: 625_000 },
  enterprise: { perTenSeconds: 190, searchPerSecond: 5, daily: 1_000_000 },
};

export const HUBSPOT_LIMITS: RateLimits = TIER_LIMITS.marketplace;

export type RatePolicy = 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY';

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
  used(now: number): number {
    this.prune(now);
    return this.stamps.length - this.head;
  }
  /** Takes a slot when one is free; returns what remains afterwards, or null when full. */
  take(now: number): number | null {
    const used = this.used(now);
    if (used >= this.max) return null;
    this.stamps.push(now);
    return this.max - used - 1;
  }
}

class DailyCounter {
  private day = -1;
  private count = 0;
  readonly max: number;
  constructor(max: number) { this.max = max; }
  private roll(now: number): void {
    const day = Math.floor(now / 86_400_000);
    if (day !== this.day) { this.day = day; this.count = 0; }
  }
  remaining(now: number): number { this.roll(now); return Math.max(0, this.max - this.count); }
  take(now: number): void { this.roll(now); this.count += 1; }
}

export type RateDecision =
  | { ok: true; headers: Record<string, string> }
  | { ok: false; policyName: RatePolicy; headers: Record<string, string> };

export class RateLimiter {
  private readonly general = new Map<number, RollingWindow>();
  private readonly searches = new Map<number, RollingWindow>();
  private readonly days = new Map<number, DailyCounter>();
  private limits: RateLimits | false;
  constructor(limits: RateLimits | false) {
    this.limits = limits;
  }

  configure(limits: RateLimits | false): void {
    this.limits = limits;
    this.general.clear();
    this.searches.clear();
    this.days.clear();
  }

  check(portalId: number, isSearch: boolean, now: number): RateDecision {
    const limits = this.limits;
    if (!limits) return { ok: true, headers: {} };
    let day: DailyCounter | null = null;
    if (limits.daily) {
      day = this.days.get(portalId) ?? null;
      if (!day) this.days.set(portalId, (day = new DailyCounter(limits.daily)));
    }
    const dailyHeaders = (remaining: number): Record<string, string> => (day
      ? { 'X-HubSpot-RateLimit-Daily': String(day.max), 'X-HubSpot-RateLimit-Daily-Remaining': String(remaining) }
      : {});
    if (day && day.remaining(now) === 0) {
      return { ok: false, policyName: 'DAILY', headers: isSearch ? {} : dailyHeaders(0) };
    }
    if (isSearch) {
      let w = this.searches.get(portalId);
      if (!w) this.searches.set(portalId, (w = new RollingWindow(limits.searchPerSecond, 1000)));
      if (w.take(now) === null) return { ok: false, policyName: 'SECONDLY', headers: {} };
      day?.take(now);
      return { ok: true, headers: {} };
    }
    let w = this.general.get(portalId);
    const interval = limits.intervalMs ?? 10_000;
    if (!w) this.general.set(portalId, (w = new RollingWindow(limits.perTenSeconds, interval)));
    const base = { 'X-HubSpot-RateLimit-Max': String(limits.perTenSeconds), 'X-HubSpot-RateLimit-Interval-Milliseconds': String(interval) };
    const remaining = w.take(now);
    if (remaining === null) {
      return { ok: false, policyName: 'TEN_SECONDLY_ROLLING', headers: { ...base, 'X-HubSpot-RateLimit-Remaining': '0', ...dailyHeaders(day?.remaining(now) ?? 0) } };
    }
    day?.take(now);
    return { ok: true, headers: { ...base, 'X-HubSpot-RateLimit-Remaining': String(remaining), ...dailyHeaders(day?.remaining(now) ?? 0) } };
  }
}
