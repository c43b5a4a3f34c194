// The queue seam: BullMQ when REDIS_URL is set, the in-process queue otherwise (trial and development only).
import type { Logger } from 'pino';
import { createBullMqQueue, type BullMqQueueOptions } from './bullmq-queue.ts';
import { createInProcessQueue } from './in-process-queue.ts';
import type { JobQueue } from './job.ts';
import { watchQueueDepth } from '../metrics/metrics.ts';

export * from './errors.ts';
export * from './job.ts';
export { createBullMqQueue } from './bullmq-queue.ts';
export { createInProcessQueue } from './in-process-queue.ts';

export function createQueue(options: { redisUrl?: string | null; log: Logger } & Partial<Omit<BullMqQueueOptions, 'redisUrl' | 'log'>>): JobQueue {
  const queue = options.redisUrl ? createBullMqQueue({ ...options, redisUrl: options.redisUrl }) : createInProcessQueue({ log: options.log });
  // The depth gauge of /metrics samples every queue of the process while it is open.
  const unwatch = watchQueueDepth(() => queue.pending());
  const close = queue.close.bind(queue);
  queue.close = async (closeOptions) => { unwatch(); await close(closeOptions); };
  return queue;
}
