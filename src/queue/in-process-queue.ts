// In-process queue with the same job definitions as BullMQ, for trial and development only. It holds jobs in
// memory: durability comes from its callers, which store work in the database first (webhook_inbox,
// pending_contacts, backfill_runs) and re-enqueue it at start-up.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { scrubPersonalData } from '../log.ts';
import { backoffDelayMs, classifyError } from './errors.ts';
import type { EnqueueOptions, JobDefinition, JobQueue } from './job.ts';
import { recordJob } from '../metrics/metrics.ts';

interface Entry {
  id: string;
  def: JobDefinition<unknown>;
  payload: unknown;
  attempt: number;
  dedupeId: string | null;
  timer: NodeJS.Timeout | null;
  state: 'delayed' | 'ready' | 'active';
}

export function createInProcessQueue(options: { log: Logger }): JobQueue {
  const defs = new Map<string, JobDefinition<unknown>>();
  const entries = new Map<string, Entry>();
  const ready = new Map<string, Entry[]>();
  const active = new Map<string, number>();
  const byDedupe = new Map<string, Entry>();
  const followUps = new Map<string, { def: JobDefinition<unknown>; payload: unknown }>();
  const running = new Set<Promise<void>>();
  const abort = new AbortController();
  let started = false;
  let closing = false;

  function schedule(entry: Entry, delayMs: number): void {
    if (delayMs > 0) {
      entry.state = 'delayed';
      entry.timer = setTimeout(() => { entry.timer = null; makeReady(entry); }, delayMs);
    } else {
      makeReady(entry);
    }
  }

  function makeReady(entry: Entry): void {
    entry.state = 'ready';
    const list = ready.get(entry.def.name) ?? [];
    list.push(entry);
    ready.set(entry.def.name, list);
    pump(entry.def.name);
  }

  function pump(name: string): void {
    if (!started || closing) return;
    const def = defs.get(name);
    const list = ready.get(name);
    if (!def || !list) return;
    while (list.length > 0 && (active.get(name) ?? 0) < def.concurrency) {
      const entry = list.shift() as Entry;
      active.set(name, (active.get(name) ?? 0) + 1);
      const p = run(entry).finally(() => {
        running.delete(p);
        active.set(name, (active.get(name) ?? 1) - 1);
        pump(name);
      });
      running.add(p);
    }
  }

  async function run(entry: Entry): Promise<void> {
    entry.state = 'active';
    entry.attempt += 1;
    const log = options.log.child({ job: entry.def.name, jobId: entry.id, attempt: entry.attempt });
    try {
      const payload = entry.def.schema.parse(entry.payload);
      await entry.def.handler(payload, { jobId: entry.id, attempt: entry.attempt, signal: abort.signal, log });
      recordJob(entry.def.name, 'completed');
      finish(entry);
    } catch (err) {
      const cls = classifyError(err);
      if (cls.retry && entry.attempt < entry.def.retry.attempts && !closing) {
        recordJob(entry.def.name, 'retried');
        const delay = backoffDelayMs(entry.attempt, entry.def.retry, cls.retryAfterMs);
        log.warn({ reason: cls.reason, delayMs: delay }, 'job failed, retrying');
        schedule(entry, delay);
        return;
      }
      recordJob(entry.def.name, 'failed');
      log.error({ reason: cls.reason, err: scrubPersonalData(err instanceof Error ? err.message : String(err)).slice(0, 500) }, closing ? 'job interrupted by shutdown' : 'job failed for good');
      finish(entry);
    }
  }

  function finish(entry: Entry): void {
    entries.delete(entry.id);
    if (entry.dedupeId !== null && byDedupe.get(entry.dedupeId) === entry) {
      byDedupe.delete(entry.dedupeId);
      const next = followUps.get(entry.dedupeId);
      if (next) {
        followUps.delete(entry.dedupeId);
        add(next.def, next.payload, { dedupe: { id: entry.dedupeId } });
      }
    }
  }

  function add(def: JobDefinition<unknown>, payload: unknown, opts: EnqueueOptions): void {
    if (opts.jobId && entries.has(opts.jobId)) return;
    const dedupeId = opts.dedupe?.id ?? null;
    if (dedupeId !== null) {
      const existing = byDedupe.get(dedupeId);
      if (existing) {
        if (existing.state === 'active') followUps.set(dedupeId, { def, payload });
        else if (existing.state === 'delayed' && opts.dedupe?.reschedule && existing.timer) {
          clearTimeout(existing.timer);
          existing.timer = null;
          schedule(existing, opts.delayMs ?? 0);
        }
        return;
      }
    }
    const entry: Entry = { id: opts.jobId ?? randomUUID(), def, payload, attempt: 0, dedupeId, timer: null, state: 'ready' };
    entries.set(entry.id, entry);
    if (dedupeId !== null) byDedupe.set(dedupeId, entry);
    schedule(entry, opts.delayMs ?? 0);
  }

  return {
    kind: 'in-process',
    register(def) {
      defs.set(def.name, def as JobDefinition<unknown>);
    },
    async enqueue(def, payload, opts = {}) {
      if (closing) throw new Error('queue is closing');
      if (!defs.has(def.name)) throw new Error(`job "${def.name}" is not registered`);
      def.schema.parse(payload);
      add(def as JobDefinition<unknown>, payload, opts);
    },
    async start() {
      started = true;
      for (const name of defs.keys()) pump(name);
    },
    async close({ timeoutMs = 30_000 } = {}) {
      closing = true;
      for (const e of entries.values()) if (e.timer) clearTimeout(e.timer);
      // Long jobs (backfill) see the signal, checkpoint and return; short ones simply finish.
      abort.abort();
      await Promise.race([Promise.allSettled([...running]), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    },
    async pending() {
      return entries.size + followUps.size;
    },
    async rewriteStored(def, rewrite) {
      let changed = 0;
      for (const [dedupeId, f] of followUps) {
        if (f.def.name !== def.name) continue;
        const next = rewrite(f.payload as never);
        if (next === undefined) continue;
        changed += 1;
        if (next === null) followUps.delete(dedupeId);
        else f.payload = next;
      }
      for (const entry of [...entries.values()]) {
        if (entry.def.name !== def.name) continue;
        const next = rewrite(entry.payload as never);
        if (next === undefined) continue;
        changed += 1;
        if (next !== null || entry.state === 'active') {
          entry.payload = next ?? entry.payload;
          continue;
        }
        if (entry.timer) clearTimeout(entry.timer);
        const list = ready.get(entry.def.name);
        if (list) ready.set(entry.def.name, list.filter((x) => x !== entry));
        entries.delete(entry.id);
        if (entry.dedupeId !== null && byDedupe.get(entry.dedupeId) === entry) byDedupe.delete(entry.dedupeId);
      }
      return changed;
    },
  };
}
