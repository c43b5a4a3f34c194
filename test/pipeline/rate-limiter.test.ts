// The per-portal limiter holds a rolling window (HubSpot's policy), pauses after a 429, and on Redis is shared
// by separate limiter instances (separate processes in production).
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryRateLimiter, createRedisRateLimiter } from '../../src/ratelimit/portal-rate-limiter.ts';
import { describeWithServices, REDIS_TEST_URL } from '../support/services.ts';

const limits = { api: { limit: 5, windowMs: 300 }, search: { limit: 2, windowMs: 200 } };

async function timesOf(n: number, acquire: () => Promise<() => Promise<void>>): Promise<number[]> {
  const t0 = Date.now();
  const out: number[] = [];
  await Promise.all(Array.from({ length: n }, async () => { const release = await acquire(); out.push(Date.now() - t0); await release(); }));
  return out.sort((a, b) => a - b);
}

function maxInAnyWindow(times: number[], windowMs: number): number {
  let best = 0;
  for (let i = 0; i < times.length; i++) {
    let n = 0;
    for (let j = i; j < times.length && (times[j] as number) - (times[i] as number) < windowMs; j++) n++;
    best = Math.max(best, n);
  }
  return best;
}

describe('memory rate limiter', () => {
  it('never lets more than the limit through in any rolling window, per portal and kind', async () => {
    const rl = createMemoryRateLimiter({ limits });
    const times = await timesOf(12, () => rl.acquire(1, 'api'));
    expect(maxInAnyWindow(times, 290)).toBeLessThanOrEqual(5);
    expect(times.at(-1)).toBeGreaterThanOrEqual(550);
    // Another portal and the search bucket are independent.
    const other = await timesOf(5, () => rl.acquire(2, 'api'));
    expect(other.at(-1)).toBeLessThan(100);
  });

  it('holds a slot while its call is in flight and counts it from the response', async () => {
    const rl = createMemoryRateLimiter({ limits: { api: { limit: 1, windowMs: 100 }, search: limits.search } });
    const release = await rl.acquire(4, 'api');
    const t0 = Date.now();
    const second = rl.acquire(4, 'api');
    await new Promise((r) => setTimeout(r, 250));
    await release();
    await second;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(340);
  });

  it('pauses a portal after a 429', async () => {
    const rl = createMemoryRateLimiter({ limits });
    await rl.pause(3, 'api', 250);
    const t0 = Date.now();
    await rl.acquire(3, 'api');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(240);
  });
});

describeWithServices('redis rate limiter', { redis: true }, () => {
  const redis = new Redis(REDIS_TEST_URL);
  const prefix = `pg-test-rl-${randomBytes(4).toString('hex')}`;
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('is shared by two limiter instances (two workers)', async () => {
    const a = createRedisRateLimiter(redis, { keyPrefix: prefix, limits });
    const second = new Redis(REDIS_TEST_URL);
    const b = createRedisRateLimiter(second, { keyPrefix: prefix, limits });
    const times = await timesOf(12, () => (Math.random() < 0.5 ? a : b).acquire(9, 'api'));
    await second.quit();
    expect(maxInAnyWindow(times, 280)).toBeLessThanOrEqual(5);
    expect(times.at(-1)).toBeGreaterThanOrEqual(550);
  });

  it('honours a pause set by another worker', async () => {
    const a = createRedisRateLimiter(redis, { keyPrefix: prefix, limits });
    await a.pause(10, 'search', 300);
    const t0 = Date.now();
    await createRedisRateLimiter(redis, { keyPrefix: prefix, limits }).acquire(10, 'search');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
  });

  it('holds a slot while its call is in flight and counts it from the response', async () => {
    const rl = createRedisRateLimiter(redis, { keyPrefix: prefix, limits: { api: { limit: 1, windowMs: 100 }, search: limits.search } });
    const release = await rl.acquire(11, 'api');
    const t0 = Date.now();
    const second = rl.acquire(11, 'api');
    await new Promise((r) => setTimeout(r, 250));
    await release();
    await second;
    // Not before the first call's response plus one window.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(340);
  });
});
