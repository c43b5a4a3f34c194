// BullMQ on Redis: one BullMQ queue per job definition (so each kind has its own concurrency), jobs stored as
// {v, data} envelopes. Retries: error classes decide (PermanentJobError -> UnrecoverableError); the delay comes
// from our jittered backoff, which honours a 429's Retry-After. A job whose worker dies is picked up again by
// BullMQ's stalled-job check once its lock expires. What BullMQ keeps in Redis carries nothing personal: payloads
// are ids and names (the pipeline strips values), completed jobs are removed at once (unless their id is an
// idempotency key), a failed job's reason is the error class (never the message, which may quote a value) and
// no stack trace is stored.
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { scrubPersonalData } from '../log.ts';
import { backoffDelayMs, classifyError, RetryableJobError } from './errors.ts';
import type { EnqueueOptions, JobDefinition, JobEnvelope, JobQueue } from './job.ts';
import { recordJob } from '../metrics/metrics.ts';

export interface BullMqQueueOptions {
  redisUrl: string;
  /** Key prefix: tests and benchmarks use their own so they never see each other's jobs. */
  prefix?: string;
  log: Logger;
  /** How long a job's lock lives without renewal; a killed worker's job is retried after about this long. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Enqueue gives up after this long (Redis down): the webhook receiver then answers 503. */
  enqueueTimeoutMs?: number;
}

/** A running job cannot be removed: what stays is its payload with every array emptied (no id left). */
function emptied(payload: unknown): unknown {
  if (payload === null || typeof payload !== 'object') return payload;
  return Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, Array.isArray(v) ? [] : v]));
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** An error class as stored in failedReason: a short code (HTTP 429, ZodError, ECONNRESET), never free text. */
function reasonCode(reason: string): string {
  return /^[A-Za-z0-9 _.:-]{1,60}$/.test(reason) ? reason : 'error';
}

const STORED_STATES = ['wait', 'delayed', 'prioritized', 'waiting-children', 'active', 'failed', 'completed'] as const;

export function createBullMqQueue(options: BullMqQueueOptions): JobQueue {
  const prefix = options.prefix ?? 'pg';
  const defs = new Map<string, JobDefinition<unknown>>();
  const queues = new Map<string, Queue>();
  const workers: Worker[] = [];
  const abort = new AbortController();
  // Producer connection: fail fast instead of queueing commands while Redis is away.
  const producer = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 });
  producer.on('error', () => undefined);
  let workerConnection: Redis | null = null;
  let closing = false;

  function queueFor(name: string): Queue {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: producer, prefix });
      q.on('error', (err) => options.log.warn({ err: err.message, queue: name }, 'queue connection error'));
      queues.set(name, q);
    }
    return q;
  }

  async function process(def: JobDefinition<unknown>, job: Job<JobEnvelope>): Promise<void> {
    const log = options.log.child({ job: def.name, jobId: job.id, attempt: job.attemptsMade + 1 });
    let payload: unknown;
    try {
      payload = def.schema.parse(job.data.data);
    } catch (err) {
      log.error({ err: scrubPersonalData(err instanceof Error ? err.message : String(err)).slice(0, 500) }, 'invalid job payload');
      throw new UnrecoverableError(`invalid payload for ${def.name} v${job.data.v}`);
    }
    try {
      await def.handler(payload, { jobId: String(job.id), attempt: job.attemptsMade + 1, signal: abort.signal, log });
      recordJob(def.name, 'completed');
    } catch (err) {
      const cls = classifyError(err);
      const message = scrubPersonalData(err instanceof Error ? err.message : String(err)).slice(0, 500);
      const last = !cls.retry || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      recordJob(def.name, last ? 'failed' : 'retried');
      if (!cls.retry) {
        log.error({ reason: cls.reason, err: message }, 'job failed for good');
        throw new UnrecoverableError(`${def.name} failed: ${reasonCode(cls.reason)}`);
      }
      log.warn({ reason: cls.reason, err: message }, 'job failed, will retry');
      // The message becomes the job's failedReason in Redis: the error class only.
      throw new RetryableJobError(`${def.name} failed: ${reasonCode(cls.reason)}`, { retryAfterMs: cls.retryAfterMs });
    }
  }

  return {
    kind: 'bullmq',
    register(def) {
      defs.set(def.name, def as JobDefinition<unknown>);
      queueFor(def.name);
    },
    async enqueue(def, payload, opts: EnqueueOptions = {}) {
      if (closing) throw new Error('queue is closing');
      if (!defs.has(def.name)) throw new Error(`job "${def.name}" is not registered`);
      const envelope: JobEnvelope = { v: def.version, data: def.schema.parse(payload) };
      await withTimeout(queueFor(def.name).add(def.name, envelope, {
        jobId: opts.jobId,
        delay: opts.delayMs,
        attempts: def.retry.attempts,
        backoff: { type: 'prospect-guard' },
        // Completed jobs go at once; one whose id is its idempotency key (a tick slot, a backfill run) is kept an
        // hour so a second enqueue of that id is still ignored (such payloads are ids only).
        removeOnComplete: opts.jobId ? { age: 3600, count: 1000 } : true,
        removeOnFail: { age: 7 * 24 * 3600 },
        stackTraceLimit: 0,
        deduplication: opts.dedupe ? { id: opts.dedupe.id, keepLastIfActive: true, reschedule: opts.dedupe.reschedule ?? false } : undefined,
      }), options.enqueueTimeoutMs ?? 2000, 'enqueue');
    },
    async start() {
      workerConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
      workerConnection.on('error', () => undefined);
      for (const def of defs.values()) {
        const worker = new Worker<JobEnvelope>(def.name, (job) => process(def, job), {
          connection: workerConnection,
          prefix,
          concurrency: def.concurrency,
          lockDuration: options.lockDurationMs ?? 30_000,
          stalledInterval: options.stalledIntervalMs ?? 15_000,
          maxStalledCount: 5,
          settings: {
            backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) => {
              const retryAfter = err instanceof RetryableJobError ? err.retryAfterMs : null;
              return backoffDelayMs(attemptsMade, def.retry, retryAfter);
            },
          },
        });
        worker.on('error', (err) => options.log.warn({ err: err.message, queue: def.name }, 'worker error'));
        workers.push(worker);
      }
      await Promise.all(workers.map((w) => w.waitUntilReady()));
    },
    async close({ timeoutMs = 30_000 } = {}) {
      closing = true;
      abort.abort();
      // Running jobs finish; past the timeout they are abandoned and BullMQ hands them to another worker.
      await Promise.all(workers.map(async (w) => {
        try {
          await withTimeout(w.close(), timeoutMs, 'worker close');
        } catch {
          await w.close(true).catch(() => undefined);
        }
      }));
      await Promise.all([...queues.values()].map((q) => q.close().catch(() => undefined)));
      if (workerConnection) await workerConnection.quit().catch(() => undefined);
      await producer.quit().catch(() => producer.disconnect());
    },
    async rewriteStored(def, rewrite) {
      const q = queueFor(def.name);
      let changed = 0;
      const page = 500;
      for (const state of STORED_STATES) {
        for (let start = 0; ; start += page) {
          const jobs = (await q.getJobs([state], start, start + page - 1)) as (Job<JobEnvelope> | undefined)[];
          let removed = 0;
          for (const job of jobs) {
            if (!job?.data) continue;
            const next = rewrite(job.data.data as never);
            if (next === undefined) continue;
            changed += 1;
            if (next === null && state !== 'active') {
              try {
                await job.remove();
                removed += 1;
                continue;
              } catch {
                // Locked by a worker meanwhile: emptied below instead.
              }
            }
            const data = next === null ? def.schema.parse(emptied(job.data.data)) : def.schema.parse(next);
            await job.updateData({ v: job.data.v, data });
          }
          if (jobs.length < page) break;
          start -= removed; // removed jobs shifted the rest of the list up
        }
      }
      return changed;
    },
    async pending() {
      let n = 0;
      for (const q of queues.values()) {
        const c = await q.getJobCounts('wait', 'delayed', 'active', 'prioritized');
        n += Object.values(c).reduce((a, b) => a + b, 0);
      }
      return n;
    },
  };
}
