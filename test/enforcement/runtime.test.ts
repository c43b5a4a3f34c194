import './support/quiet.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createEnforcementTestDb, type TestDb } from './support/db.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createEnforcementRuntime, type TickReport } from '../../src/enforcement/runtime.ts';
import { describeWithServices, REDIS_TEST_URL } from '../support/services.ts';
import { waitFor } from './support/app-harness.ts';
import type { RunningApp } from '../../src/main.ts';
import { DEFAULT_APP_SETTINGS } from '../../src/storage/settings-schema.ts';

let db: TestDb;
beforeAll(async () => { db = await createEnforcementTestDb('pglite'); });
afterAll(async () => { await db?.drop(); });

function fakeRunning(redisUrl: string | null): RunningApp {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PUBLIC_BASE_URL: 'http://127.0.0.1:1', HUBSPOT_API_BASE_URL: 'http://127.0.0.1:1', ...(redisUrl ? { REDIS_URL: redisUrl } : {}) });
  return {
    config, db, pipeline: null,
    installations: { listActive: async () => [], isActive: async () => false, getSettings: async () => DEFAULT_APP_SETTINGS },
    clients: { accessToken: async () => 'unused' },
  } as unknown as RunningApp;
}

function suite(redisUrl: string | null) {
  const keyPrefix = `enf-test-${process.pid}-${Date.now()}`;
  afterAll(async () => {
    if (!redisUrl) return;
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${keyPrefix}-enforcement*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('the tick job reschedules itself, one run per slot, and stops with the app', async () => {
    const ticks: TickReport[] = [];
    const rt = createEnforcementRuntime({ tickMs: 150, keyPrefix, onTick: (r) => ticks.push(r) });
    const attached = await rt.attach(fakeRunning(redisUrl));
    try {
      await waitFor(() => ticks.length >= 3, 10_000);
      expect(ticks.every((t) => t.errors === 0)).toBe(true);
    } finally {
      await attached.stop();
    }
    const after = ticks.length;
    await new Promise((r) => setTimeout(r, 400));
    expect(ticks.length).toBe(after);
  });
}

describe('enforcement runtime on the in-process queue', () => suite(null));
describeWithServices('enforcement runtime on BullMQ', { redis: true }, () => suite(REDIS_TEST_URL));
