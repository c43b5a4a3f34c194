// The queue seam: BullMQ when REDIS_URL is set, the in-process queue otherwise (trial and development only).
import type { Logger } from 'pino';
import { createBullMqQueue, type BullMqQueueOptions } from './bullmq-queue.ts';
import { createInProcessQueue } from './in-process-queue.ts';
import type { JobQueue } from './job.ts';

export * from './errors.ts';
export * from './job.ts';
export { createBullMqQueue } from './bullmq-queue.ts';
export { createInProcessQueue } from './in-process-queue.ts';

export function createQueue(options: { redisUrl?: string | null; log: Logger } & Partial<Omit<BullMqQueueOptions, 'redisUrl' | 'log'>>): JobQueue {
  if (options.redisUrl) return createBullMqQueue({ ...options, redisUrl: options.redisUrl });
  return createInProcessQueue({ log: options.log });
}
