// The queue seam, same definitions on both implementations: a final error is not retried, a retryable one is
// (with backoff), dedupe folds enqueues into one run, and close() lets a running job finish.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { createBullMqQueue } from '../../src/queue/bullmq-queue.ts';
import { createInProcessQueue } from '../../src/queue/in-process-queue.ts';
import { PermanentJobError } from '../../src/queue/errors.ts';
import { defineJob, type JobQueue } from '../../src/queue/job.ts';
import { describeWithServices, redisUp, REDIS_TEST_URL } from '../support/services.ts';
import { silentLog, waitFor } from './helpers.ts';

const prefixes: string[] = [];
afterAll(async () => {
  if (!redisUp) return;
  const redis = new Redis(REDIS_TEST_URL);
  for (const p of prefixes) {
    const keys = await redis.keys(`${p}:*`);
    if (keys.length) await redis.del(...keys);
  }
  await redis.quit();
});

function contract(name: string, make: () => JobQueue) {
  it(`${name}: does not retry a permanent error, retries a transient one`, async () => {
    const queue = make();
    const runs: Record<string, number> = { bad: 0, flaky: 0 };
    const job = defineJob({
      name: 'contract-job', version: 1, schema: z.object({ kind: z.enum(['bad', 'flaky']) }),
      retry: { attempts: 4, baseDelayMs: 20, maxDelayMs: 50 },
      async handler({ kind }) {
        runs[kind] = (runs[kind] ?? 0) + 1;
        if (kind === 'bad') throw new PermanentJobError('400 from HubSpot: invalid property');
        if ((runs.flaky ?? 0) < 3) throw Object.assign(new Error('HTTP-Code: 503'), { code: 503 });
      },
    });
    queue.register(job);
    await queue.start();
    await queue.enqueue(job, { kind: 'bad' });
    await queue.enqueue(job, { kind: 'flaky' });
    await waitFor(() => runs.flaky === 3, 10_000);
    await waitFor(async () => (await queue.pending()) === 0, 10_000);
    expect(runs.bad).toBe(1);
    expect(runs.flaky).toBe(3);
    await queue.close({ timeoutMs: 2000 });
  });

  it(`${name}: folds enqueues with the same dedupe id while one waits`, async () => {
    const queue = make();
    let runs = 0;
    const job = defineJob({ name: 'dedupe-job', version: 1, schema: z.object({ n: z.number() }), async handler() { runs++; } });
    queue.register(job);
    await queue.start();
    for (let n = 0; n < 10; n++) await queue.enqueue(job, { n }, { delayMs: 200, dedupe: { id: 'portal-1' } });
    await waitFor(() => runs >= 1, 5000);
    await new Promise((r) => setTimeout(r, 300));
    expect(runs).toBe(1);
    await queue.close({ timeoutMs: 2000 });
  });

  it(`${name}: close() waits for the running job to finish`, async () => {
    const queue = make();
    let finished = false;
    let started = false;
    const job = defineJob({
      name: 'slow-job', version: 1, schema: z.object({}),
      async handler() { started = true; await new Promise((r) => setTimeout(r, 400)); finished = true; },
    });
    queue.register(job);
    await queue.start();
    await queue.enqueue(job, {});
    await waitFor(() => started, 5000);
    await queue.close({ timeoutMs: 5000 });
    expect(finished).toBe(true);
  });

  it(`${name}: refuses a payload that does not match the job's schema at enqueue`, async () => {
    const queue = make();
    const job = defineJob({ name: 'typed-job', version: 1, schema: z.object({ portalId: z.number().int() }), async handler() {} });
    queue.register(job);
    await expect(queue.enqueue(job, { portalId: 'x' } as unknown as { portalId: number })).rejects.toThrow();
    await queue.close({ timeoutMs: 500 });
  });
}

describe('in-process queue', () => {
  contract('in-process', () => createInProcessQueue({ log: silentLog }));
});

describeWithServices('BullMQ queue', { redis: true }, () => {
  contract('bullmq', () => {
    const prefix = `pg-test-q-${randomBytes(4).toString('hex')}`;
    prefixes.push(prefix);
    return createBullMqQueue({ redisUrl: REDIS_TEST_URL, prefix, log: silentLog });
  });
});
