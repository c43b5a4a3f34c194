// A job is data: a name, a version, a zod schema for its payload, a handler and a retry policy. The same
// definitions run on BullMQ (REDIS_URL set) and on the in-process queue (trial and development).
import type { z } from 'zod';
import type { Logger } from 'pino';
import { DEFAULT_RETRY, type RetryPolicy } from './errors.ts';

export interface JobContext {
  jobId: string;
  /** 1 on the first run. */
  attempt: number;
  /** Aborted when the process is shutting down: long jobs checkpoint and return early. */
  signal: AbortSignal;
  log: Logger;
}

export interface JobDefinition<P> {
  name: string;
  version: number;
  schema: z.ZodType<P>;
  handler: (payload: P, ctx: JobContext) => Promise<void>;
  retry: RetryPolicy;
  /** Jobs of this kind run at once per process. */
  concurrency: number;
}

export function defineJob<P>(def: {
  name: string;
  version: number;
  schema: z.ZodType<P>;
  handler: (payload: P, ctx: JobContext) => Promise<void>;
  retry?: Partial<RetryPolicy>;
  concurrency?: number;
}): JobDefinition<P> {
  if (!/^[a-z][a-z0-9-]*$/.test(def.name)) throw new Error(`job name "${def.name}" must be kebab-case`);
  return { ...def, retry: { ...DEFAULT_RETRY, ...def.retry }, concurrency: def.concurrency ?? 1 };
}

/** What travels through the queue: the payload and the version of the definition that produced it. */
export interface JobEnvelope {
  v: number;
  data: unknown;
}

export interface EnqueueOptions {
  /** Idempotency key: a second enqueue with the same id while the first exists is ignored. */
  jobId?: string;
  delayMs?: number;
  /**
   * Debounce per key: while a job with this key waits (delayed), new ones are folded into it; while it runs,
   * one follow-up is kept (`keepLastIfActive`). `reschedule` moves a waiting job to this enqueue's delay.
   */
  dedupe?: { id: string; reschedule?: boolean };
}

export interface JobQueue {
  readonly kind: 'bullmq' | 'in-process';
  /** Registers a definition; must be called before `start` and before enqueuing that job. */
  register<P>(def: JobDefinition<P>): void;
  /** Resolves once the job is stored (Redis) or accepted (in-process). Rejects fast when the store is down. */
  enqueue<P>(def: JobDefinition<P>, payload: NoInfer<P>, options?: EnqueueOptions): Promise<void>;
  /** Starts consuming registered jobs in this process. */
  start(): Promise<void>;
  /** Stops taking jobs and waits for the running ones (they finish, or return to the queue on timeout). */
  close(options?: { timeoutMs?: number }): Promise<void>;
  /** Jobs waiting, delayed or running (tests, demo, bench). */
  pending(): Promise<number>;
  /**
   * Erasure: passes the payload of every stored job of `def` (waiting, delayed, running, failed) to `rewrite`,
   * which returns undefined (keep), a new payload (stored instead) or null (the job is removed; a running one is
   * emptied instead). Returns how many jobs were changed or removed.
   */
  rewriteStored<P>(def: JobDefinition<P>, rewrite: (payload: P) => P | null | undefined): Promise<number>;
}
