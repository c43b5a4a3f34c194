// The limiter adapts to the limit HubSpot advertises (issue 11.3): unit rules (headers, margin, 429 policies),
// the memory and Redis limiters learning 100 and 190 from headers, and the real path (SDK client -> response
// middleware -> limiter) against the stand-in configured as a Free/Starter (100) and a Professional (190) account.
// The stand-in's window is shortened to 1 s here so the runs take seconds; the headers say so and the limiter
// learns the window too. Clocks: the limiters run on real time (they sleep), nothing depends on the date.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startStandIn, TIER_LIMITS, type StandIn } from '../../scripts/hubspot-standin/index.ts';
import { HubSpotClients } from '../../src/hubspot/client-factory.ts';
import { createHubSpotCrm, newCallCounter } from '../../src/jobs/hubspot-crm.ts';
import {
  DAILY_PAUSE_MS, createMemoryRateLimiter, createRedisRateLimiter, parseRateLimitHeaders, rateLimitPolicy, rateLimitWaitMs, safeLimit,
  type PortalRateLimiter,
} from '../../src/ratelimit/portal-rate-limiter.ts';
import type { InstallationStore } from '../../src/storage/installations.ts';
import { describeWithServices, REDIS_TEST_URL } from '../support/services.ts';

const defaults = { api: { limit: 108, windowMs: 10_010 }, search: { limit: 5, windowMs: 1_010 } };

/** Start times of `n` calls made as fast as the limiter allows, each holding its slot `holdMs`. */
async function burst(rl: PortalRateLimiter, portalId: number, n: number, holdMs = 0): Promise<number[]> {
  const t0 = Date.now();
  const out: number[] = [];
  await Promise.all(Array.from({ length: n }, async () => {
    const release = await rl.acquire(portalId, 'api');
    out.push(Date.now() - t0);
    if (holdMs) await new Promise((r) => setTimeout(r, holdMs));
    await release();
  }));
  return out.sort((a, b) => a - b);
}

function maxInAnyWindow(times: number[], windowMs: number): number {
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while ((times[i] as number) - (times[j] as number) >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('rate-limit rules', () => {
  it('reads HubSpot\'s headers from any header shape and ignores junk', () => {
    expect(parseRateLimitHeaders({ 'X-HubSpot-RateLimit-Max': '190', 'x-hubspot-ratelimit-remaining': '187', 'X-HubSpot-RateLimit-Interval-Milliseconds': '10000' }))
      .toEqual({ max: 190, remaining: 187, intervalMs: 10_000 });
    expect(parseRateLimitHeaders(new Headers({ 'x-hubspot-ratelimit-daily': '250000', 'x-hubspot-ratelimit-daily-remaining': '12' })))
      .toEqual({ daily: 250_000, dailyRemaining: 12 });
    expect(parseRateLimitHeaders({ 'x-hubspot-ratelimit-max': 'lots', 'x-hubspot-ratelimit-remaining': '-3' })).toEqual({});
  });

  it('keeps a margin under the advertised window: 100 -> 98, 110 -> 108, 190 -> 186', () => {
    expect([safeLimit(100), safeLimit(110), safeLimit(190), safeLimit(250), safeLimit(3)]).toEqual([98, 108, 186, 245, 1]);
  });

  it('reads the documented 429 body and waits as its policy says, Retry-After only when sent', () => {
    const body = (policyName: string) => ({ status: 'error', message: 'x', errorType: 'RATE_LIMIT', correlationId: 'c', policyName, requestId: 'r' });
    expect(rateLimitPolicy(JSON.stringify(body('DAILY')))).toBe('DAILY');
    expect(rateLimitPolicy({ message: 'no policy' })).toBe('UNKNOWN');
    expect(rateLimitWaitMs(body('DAILY'), {})).toEqual({ policy: 'DAILY', pauseMs: DAILY_PAUSE_MS });
    expect(rateLimitWaitMs(body('SECONDLY'), {})).toEqual({ policy: 'SECONDLY', pauseMs: 1000 });
    const full = { 'x-hubspot-ratelimit-max': '100', 'x-hubspot-ratelimit-remaining': '0', 'x-hubspot-ratelimit-interval-milliseconds': '10000' };
    expect(rateLimitWaitMs(body('TEN_SECONDLY_ROLLING'), full)).toEqual({ policy: 'TEN_SECONDLY_ROLLING', pauseMs: 0 });
    expect(rateLimitWaitMs(body('TEN_SECONDLY_ROLLING'), {})).toEqual({ policy: 'TEN_SECONDLY_ROLLING', pauseMs: 1_000 });
    expect(rateLimitWaitMs(body('TEN_SECONDLY_ROLLING'), { 'retry-after': '2' }).pauseMs).toBe(2000);
  });
});

function adaptiveSuite(make: () => PortalRateLimiter) {
  it.each([100, 190])('learns a window of %i calls from the headers and never exceeds it less the margin', async (max) => {
    const rl = make();
    const portal = 1000 + max;
    await rl.observe(portal, 'api', { max, remaining: max, intervalMs: 500 });
    expect(await rl.current(portal, 'api')).toEqual({ limit: safeLimit(max), windowMs: 510, learned: true });
    const times = await burst(rl, portal, Math.round(max * 2.2));
    expect(maxInAnyWindow(times, 505)).toBeLessThanOrEqual(safeLimit(max));
    // It uses what it learned: well above the default 108 per 10 s (which would take 20 s here).
    expect(times.at(-1)).toBeLessThan(5_000);
    expect(times.at(-1)).toBeGreaterThanOrEqual(1_000);
  });

  it('slows down at once when HubSpot counts more calls than the log holds (-Remaining)', async () => {
    const rl = make();
    await rl.observe(7, 'api', { max: 10, remaining: 0, intervalMs: 500 });
    const times = await burst(rl, 7, 8);
    // HubSpot's 10 unseen calls are taken as just made: nothing goes before its window has rolled (510 ms from
    // the observation; the burst's clock starts a little later, more so on a loaded machine).
    expect(times[0]).toBeGreaterThanOrEqual(350);
    expect(times.at(-1)).toBeLessThan(1_000);
  });

  it('waits when the daily budget reaches its reserve', async () => {
    const rl = make();
    await rl.observe(8, 'api', { daily: 250_000, dailyRemaining: 2_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('still waiting')), 150);
    await expect(rl.acquire(8, 'api', controller.signal)).rejects.toThrow('still waiting');
    const fine = make();
    await fine.observe(9, 'api', { daily: 250_000, dailyRemaining: 200_000 });
    await (await fine.acquire(9, 'api'))();
  });

  it('learns nothing from search answers (HubSpot sends no headers there, its 5 per second stands)', async () => {
    const rl = make();
    await rl.observe(10, 'search', { max: 1000, remaining: 0 });
    expect(await rl.current(10, 'search')).toEqual({ limit: 5, windowMs: 1_010, learned: false });
  });
}

describe('memory limiter adapting', () => adaptiveSuite(() => createMemoryRateLimiter({ limits: defaults })));

describeWithServices('redis limiter adapting (shared by workers)', { redis: true }, () => {
  const redis = new Redis(REDIS_TEST_URL);
  const prefix = `pg-test-rlt-${randomBytes(4).toString('hex')}`;
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });
  adaptiveSuite(() => createRedisRateLimiter(redis, { keyPrefix: `${prefix}:${randomBytes(3).toString('hex')}`, limits: defaults }));

  it('a limit learned by one worker applies to another', async () => {
    const key = `${prefix}:shared`;
    await createRedisRateLimiter(redis, { keyPrefix: key, limits: defaults }).observe(42, 'api', { max: 190, intervalMs: 10_000 });
    expect(await createRedisRateLimiter(redis, { keyPrefix: key, limits: defaults }).current(42, 'api')).toEqual({ limit: 186, windowMs: 10_010, learned: true });
  });
});

describe.each([
  ['free', 100],
  ['professional', 190],
] as const)('the real path against a stand-in on the %s tier (%i per window)', (tier, max) => {
  let standIn: StandIn;
  afterAll(async () => { await standIn?.close(); });

  it('learns the tier from the answers, gets no 429 even after calls it did not make, and runs near the tier\'s floor', async () => {
    standIn = await startStandIn({ clientId: 'rl', clientSecret: 'rl-secret', rateLimits: { ...TIER_LIMITS[tier], intervalMs: 1000 } });
    const { portalId } = standIn.createAccount();
    const { accessToken, refreshToken } = standIn.installDirectly(portalId);
    const ids = await standIn.seedContacts(portalId, 5);
    const installations = {
      getTokens: async (p: number) => (p === portalId ? { portalId, accessToken, refreshToken, expiresAt: new Date(Date.now() + 3_600_000) } : null),
      isActive: async () => true,
    } as unknown as InstallationStore;
    const clients = new HubSpotClients({ hubspotApiBaseUrl: standIn.url, hubspotClientId: 'rl', hubspotClientSecret: 'rl-secret', installations });
    const limiter = createMemoryRateLimiter();
    // As wire-pipeline.ts wires it: every SDK answer's headers go to the limiter.
    clients.onResponse((p, _s, headers) => { void limiter.observe(p, 'api', parseRateLimitHeaders(headers)); });
    const counter = newCallCounter();
    const crm = createHubSpotCrm({ clients, limiter, log: pino({ level: 'silent' }), counter });
    // Calls made outside the limiter just before (the install's property bootstrap does this): the limiter only
    // learns of them from the answers' -Remaining, and must still keep the burst under the tier's window.
    const sdk = await clients.forPortal(portalId);
    await Promise.all(Array.from({ length: 30 }, () => sdk.crm.contacts.batchApi.read({ inputs: ids.map((id) => ({ id })), properties: [], propertiesWithHistory: [] })));
    const calls = Math.round(max * 3.5);
    const t0 = Date.now();
    await Promise.all(Array.from({ length: calls }, () => crm.batchRead(portalId, ids, ['email'])));
    const seconds = (Date.now() - t0) / 1000;
    expect(await limiter.current(portalId, 'api')).toEqual({ limit: safeLimit(max), windowMs: 1010, learned: true });
    expect(standIn.stats(portalId).rateLimited).toBe(0);
    expect(counter.rateLimited).toBe(0);
    // Floor: the calls beyond the first window's remainder at the tier's rate; the default would need ~30 s.
    const floor = (calls + 30 - max) / max;
    expect(seconds).toBeGreaterThanOrEqual(floor * 0.9);
    expect(seconds).toBeLessThan(floor * 2.5 + 1.5);
  }, 30_000);
});

describe('a DAILY 429 on the pipeline path', () => {
  let standIn: StandIn;
  afterAll(async () => { await standIn?.close(); });

  it('pauses the portal and hands the job back to its retry policy instead of retrying for hours', async () => {
    standIn = await startStandIn({ clientId: 'rl', clientSecret: 'rl-secret', rateLimits: { perTenSeconds: 100, searchPerSecond: 5, daily: 2 } });
    const { portalId } = standIn.createAccount();
    const { accessToken, refreshToken } = standIn.installDirectly(portalId);
    const installations = {
      getTokens: async () => ({ portalId, accessToken, refreshToken, expiresAt: new Date(Date.now() + 3_600_000) }),
      isActive: async () => true,
    } as unknown as InstallationStore;
    const clients = new HubSpotClients({ hubspotApiBaseUrl: standIn.url, hubspotClientId: 'rl', hubspotClientSecret: 'rl-secret', installations });
    const limiter = createMemoryRateLimiter();
    const paused: number[] = [];
    const spy: PortalRateLimiter = { ...limiter, pause: async (p, k, ms) => { paused.push(ms); await limiter.pause(p, k, ms); } };
    const crm = createHubSpotCrm({ clients, limiter: spy, log: pino({ level: 'silent' }) });
    const ids = await standIn.seedContacts(portalId, 2);
    await crm.batchRead(portalId, ids, ['email']);
    await crm.batchRead(portalId, ids, ['email']);
    const error = await crm.batchRead(portalId, ids, ['email']).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'RetryableJobError', retryAfterMs: DAILY_PAUSE_MS });
    expect(paused).toEqual([DAILY_PAUSE_MS]);
    expect(standIn.stats(portalId).rateLimited).toBe(1);
  });
});
