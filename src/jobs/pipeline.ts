// The webhook pipeline assembled: job definitions (data), the durable intake the webhook receiver calls, the
// coalescing scheduler, start-up recovery and a periodic sweep. One instance per process; a web-only process
// creates it with consume: false and only enqueues.
import { z } from 'zod';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Db } from '../storage/db.ts';
import type { ContactFacts, PortalSettings } from '../engine/types.ts';
import { ContactEvidenceStore } from '../contacts/evidence-store.ts';
import { ContactStateStore } from '../contacts/contact-state-store.ts';
import { ProcessedEvents } from '../contacts/processed-events.ts';
import { SuppressionList } from '../contacts/suppression-list.ts';
import { defineJob, type JobDefinition, type JobQueue } from '../queue/job.ts';
import { classifyError, PermanentJobError } from '../queue/errors.ts';
import { contactFactsFromHubSpot } from '../hubspot/contact-mapping.ts';
import { READ_PROPERTIES } from '../hubspot/properties.ts';
import { createDbPendingContacts, createRedisPendingContacts, type PendingContacts } from './pending-contacts.ts';
import { ingestWebhookEvents, type IngestResult } from './ingest-webhook-batch.ts';
import { addJudgeResults, emptyJudgeResult, judgeContactIds, type Evaluate, type JudgeDeps, type JudgeResult } from './judge-contacts.ts';
import { getBackfillProgress, markBackfillFailed, prepareBackfill, runBackfill, type BackfillProgress } from './backfill.ts';
import type { PipelineCrm } from './hubspot-crm.ts';
import { reconcilePortal, type ReconcileOptions, type ReconcileResult } from '../reconcile/reconcile-portal.ts';
import { contactIdsOf, toQueuedEvent, ZQueuedEvent, type QueuedEvent, type WebhookEvent } from './webhook-events.ts';

export interface PipelineDeps {
  db: Db;
  queue: JobQueue;
  /** Present with BullMQ: the pending sets live in Redis. Absent: in the database (embedded mode). */
  redis?: Redis | null;
  keyPrefix?: string;
  crm: PipelineCrm;
  evaluate: Evaluate;
  settings(portalId: number): Promise<PortalSettings>;
  isActive(portalId: number): Promise<boolean>;
  /**
   * Of these portals, the ones that ever installed the app (an installation row exists). Events of the others are
   * dropped before anything is stored. Absent: every portal counts as installed (unit tests).
   */
  installedPortals?(portalIds: number[]): Promise<Set<number>>;
  /** Our HubSpot app id: events whose sourceId names it are our own writes. */
  appId: number | null;
  log: Logger;
  now?: () => Date;
  /** How long events for a portal are collected before one judgement batch (default 300 ms). */
  coalesceWindowMs?: number;
  /** Sweep interval: reschedules forgotten pending work, starts due backfills (default 30 s). */
  sweepIntervalMs?: number;
  /** Start a backfill by itself for installed, bootstrapped portals that never had one (default true). */
  autoBackfill?: boolean;
  /**
   * Period of the reconciliation sweep (src/reconcile) in consuming processes: every backfilled portal is
   * compared with HubSpot's lastmodifieddate at start and then this often (default 10 minutes; 0 turns it off).
   */
  reconcileIntervalMs?: number;
  reconcile?: ReconcileOptions;
}

/** What the receiver calls: resolves only once the batch is durably stored (Redis job or webhook_inbox row). */
export interface WebhookIntake {
  accept(events: WebhookEvent[]): Promise<IntakeResult | void>;
}

export interface IntakeResult {
  stored: number;
  /** Events dropped because their portal never installed the app. */
  unknownPortal: number;
}

export interface PipelineStats {
  deliveries: number;
  ingest: IngestResult;
  judge: JudgeResult;
  judgeBatches: number;
  /** Reconciliation sweeps run by this process, contacts judged again by them, and those whose tags they corrected. */
  reconcile: { runs: number; judged: number; healed: number };
  /** Webhook events dropped at intake because their portal never installed the app, in all and per portal id. */
  unknownPortalEvents: number;
  unknownPortals: Record<string, number>;
}

export interface Pipeline {
  readonly intake: WebhookIntake;
  readonly jobs: { ingest: JobDefinition<IngestPayload>; judgePortal: JobDefinition<JudgePayload>; backfill: JobDefinition<BackfillPayload>; reconcile: JobDefinition<BackfillPayload> };
  readonly stores: { evidence: ContactEvidenceStore; states: ContactStateStore; suppression: SuppressionList; processed: ProcessedEvents; pending: PendingContacts };
  /** Counters of this process (demo, bench, tests). */
  readonly stats: PipelineStats;
  /** Queue one contact (card "re-judge", an objection recorded...). */
  judgeContact(portalId: number, contactId: string): Promise<void>;
  judgeContacts(portalId: number, contactIds: string[]): Promise<void>;
  /** Erasure: every queued job, inbox row and pending id naming these contacts forgets them. */
  forgetQueuedContacts(portalId: number, contactIds: string[]): Promise<void>;
  /** One pass of the periodic sweep now (tests, operators): rescheduling, scrubbing deleted contacts' jobs. */
  sweepNow(): Promise<void>;
  /** One reconciliation sweep of the portal now, in this process (tests, operators). */
  reconcile(portalId: number): Promise<ReconcileResult>;
  /** Start (or restart) the portal's backfill. */
  startBackfill(portalId: number, options?: { restart?: boolean }): Promise<void>;
  backfillProgress(portalId: number): Promise<BackfillProgress>;
  /** A contact as the engine sees it, from its current HubSpot state and our evidence; null when HubSpot lacks it. */
  readFacts(portalId: number, contactId: string): Promise<ContactFacts | null>;
  /** Who records HubSpot's own email opt-outs as objections (enforcement, once attached); null: nobody. */
  setEmailOptOutHandler(handler: JudgeDeps['onEmailOptOut']): void;
  /** Recovery, then consuming jobs (when consume is true), then the sweep. */
  start(options?: { consume?: boolean }): Promise<void>;
  /** Stops the sweep and the queue: running jobs finish, or return to the queue. */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

const ZIngestPayload = z.object({
  events: z.array(ZQueuedEvent).max(100).optional(),
  inboxId: z.number().int().positive().optional(),
}).refine((p) => (p.events === undefined) !== (p.inboxId === undefined), 'exactly one of events or inboxId');
type IngestPayload = z.input<typeof ZIngestPayload>;
const ZJudgePayload = z.object({ portalId: z.number().int().positive() });
type JudgePayload = z.infer<typeof ZJudgePayload>;
const ZBackfillPayload = z.object({ portalId: z.number().int().positive() });
type BackfillPayload = z.infer<typeof ZBackfillPayload>;

export const JUDGE_BATCH_SIZE = 100;

// An inbox event (e) of portal $1 naming one of the contacts $2. Every comparison is made two-valued: an absent
// field must not turn "not (...)" into null and drop the event.
const NAMES_ERASED = `((e->>'portalId')::bigint = $1 and (coalesce(e->>'objectId' = any($2::text[]), false)
  or coalesce(e->>'primaryObjectId' = any($2::text[]), false) or coalesce(e->>'newObjectId' = any($2::text[]), false)
  or exists (select 1 from jsonb_array_elements_text(coalesce(e->'mergedObjectIds', '[]'::jsonb)) m where m = any($2::text[]))))`;

export function createPipeline(deps: PipelineDeps): Pipeline {
  const { db, queue, log } = deps;
  const now = deps.now ?? (() => new Date());
  const evidence = new ContactEvidenceStore(db);
  const states = new ContactStateStore(db);
  const suppression = new SuppressionList(db);
  const processed = new ProcessedEvents(db);
  const pending = deps.redis ? createRedisPendingContacts(deps.redis, deps.keyPrefix ?? 'pg') : createDbPendingContacts(db);
  const window = deps.coalesceWindowMs ?? 300;
  const stats: PipelineStats = {
    deliveries: 0,
    ingest: { events: 0, duplicates: 0, ignored: 0, ownChanges: 0, inactivePortal: 0, queuedForJudgement: 0, forgotten: 0, merged: 0 },
    judge: emptyJudgeResult(),
    judgeBatches: 0,
    reconcile: { runs: 0, judged: 0, healed: 0 },
    unknownPortalEvents: 0,
    unknownPortals: {},
  };
  const judgeDeps: JudgeDeps = { db, crm: deps.crm, evidence, suppression, states, evaluate: deps.evaluate, settings: deps.settings, now, log };

  const activeCache = new Map<number, { active: boolean; at: number }>();
  async function isActive(portalId: number): Promise<boolean> {
    const hit = activeCache.get(portalId);
    if (hit && Date.now() - hit.at < 30_000) return hit.active;
    const active = await deps.isActive(portalId);
    activeCache.set(portalId, { active, at: Date.now() });
    return active;
  }

  async function scheduleJudge(portalId: number, pendingCount: number): Promise<void> {
    const full = pendingCount >= JUDGE_BATCH_SIZE;
    await queue.enqueue(judgePortal, { portalId }, {
      delayMs: full ? 0 : window,
      dedupe: { id: `judge-${portalId}`, reschedule: full },
    });
  }

  const ingest = defineJob({
    name: 'ingest-webhook-batch',
    version: 1,
    schema: ZIngestPayload,
    concurrency: 4,
    retry: { attempts: 10, baseDelayMs: 500, maxDelayMs: 30_000 },
    async handler(payload) {
      let events: QueuedEvent[];
      if (payload.inboxId !== undefined) {
        const { rows } = await db.query<{ events: unknown; state: string }>(`select events, state from webhook_inbox where id = $1`, [payload.inboxId]);
        const row = rows[0];
        if (!row || row.state === 'done') return;
        events = z.array(ZQueuedEvent).parse(typeof row.events === 'string' ? JSON.parse(row.events) : row.events);
      } else {
        events = ZQueuedEvent.array().parse(payload.events);
      }
      const r = await ingestWebhookEvents({
        processed, states, evidence, suppression, pending, appId: deps.appId, isActive, schedule: scheduleJudge, log,
        forgetQueued: noteErasedContacts,
      }, events);
      if (payload.inboxId !== undefined) {
        // Ingested: the row has done its job (dedupe lives in processed_events), so nothing of it is kept.
        await db.query(`delete from webhook_inbox where id = $1`, [payload.inboxId]);
      }
      for (const k of Object.keys(r) as (keyof IngestResult)[]) stats.ingest[k] += r[k];
    },
  });

  const judgePortal = defineJob({
    name: 'judge-portal',
    version: 1,
    schema: ZJudgePayload,
    concurrency: 4,
    retry: { attempts: 8, baseDelayMs: 1000, maxDelayMs: 60_000 },
    async handler({ portalId }, ctx) {
      const ids = await pending.claim(portalId, ctx.jobId, JUDGE_BATCH_SIZE);
      if (ids.length > 0) {
        if (!(await isActive(portalId))) {
          await pending.release(portalId, ctx.jobId);
          return;
        }
        try {
          const r = await judgeContactIds(judgeDeps, portalId, ids, ctx.signal);
          stats.judge = addJudgeResults(stats.judge, r);
          stats.judgeBatches += 1;
        } catch (err) {
          const cls = classifyError(err);
          // A batch HubSpot refuses for good is dropped (logged), not retried forever; anything else keeps its claim.
          if (!cls.retry || ctx.attempt >= judgePortal.retry.attempts) {
            log.error({ portalId, contacts: ids.length, reason: cls.reason }, 'judgement batch dropped');
            await pending.release(portalId, ctx.jobId);
          }
          throw err;
        }
        await pending.release(portalId, ctx.jobId);
      }
      const left = await pending.size(portalId);
      if (left > 0) await queue.enqueue(judgePortal, { portalId }, { delayMs: 0, dedupe: { id: `judge-${portalId}`, reschedule: true } });
    },
  });

  const backfill = defineJob({
    name: 'backfill-portal',
    version: 1,
    schema: ZBackfillPayload,
    concurrency: 2,
    retry: { attempts: 10, baseDelayMs: 2000, maxDelayMs: 120_000 },
    async handler({ portalId }, ctx) {
      try {
        await runBackfill(judgeDeps, portalId, ctx.signal, ctx.log);
      } catch (err) {
        const cls = classifyError(err);
        if (!cls.retry || ctx.attempt >= backfill.retry.attempts) await markBackfillFailed(db, portalId, cls.reason);
        throw err;
      }
    },
  });

  async function runReconcile(portalId: number, signal?: AbortSignal, jobLog?: Logger): Promise<ReconcileResult> {
    const r = await reconcilePortal(judgeDeps, portalId, deps.reconcile, signal, jobLog);
    if (r.ran) {
      stats.reconcile.runs += 1;
      stats.reconcile.judged += r.judged;
      stats.reconcile.healed += r.healed;
    }
    return r;
  }

  const reconcile = defineJob({
    name: 'reconcile-portal',
    version: 1,
    schema: ZBackfillPayload,
    concurrency: 2,
    retry: { attempts: 5, baseDelayMs: 2000, maxDelayMs: 60_000 },
    async handler({ portalId }, ctx) {
      if (!(await isActive(portalId))) return;
      await runReconcile(portalId, ctx.signal, ctx.log);
    },
  });

  for (const def of [ingest, judgePortal, backfill, reconcile]) queue.register(def as JobDefinition<unknown>);

  /** Queues one sweep per installed, backfilled portal (deduplicated: a portal's sweep never runs twice at once). */
  async function scheduleReconciliation(): Promise<void> {
    const { rows } = await db.query<{ portal_id: number | string }>(
      `select i.portal_id from installations i join backfill_runs b on b.portal_id = i.portal_id
       where i.status = 'active' and b.state = 'done'`);
    for (const r of rows) await queue.enqueue(reconcile, { portalId: Number(r.portal_id) }, { dedupe: { id: `reconcile-${r.portal_id}` } });
  }

  // Portals known to have installed the app, remembered a minute; a portal not found is asked again next time
  // (an account installing right now must not lose its first events).
  const installedCache = new Map<number, number>();
  const lastUnknownLog = new Map<number, number>();
  async function dropNeverInstalled(events: WebhookEvent[]): Promise<{ kept: WebhookEvent[]; dropped: number }> {
    if (!deps.installedPortals) return { kept: events, dropped: 0 };
    const at = Date.now();
    const ask = [...new Set(events.map((e) => e.portalId))].filter((p) => (installedCache.get(p) ?? 0) < at - 60_000);
    if (ask.length > 0) for (const p of await deps.installedPortals(ask)) installedCache.set(p, at);
    const kept = events.filter((e) => installedCache.has(e.portalId));
    const dropped = events.length - kept.length;
    if (dropped > 0) {
      const perPortal = new Map<number, number>();
      for (const e of events) if (!installedCache.has(e.portalId)) perPortal.set(e.portalId, (perPortal.get(e.portalId) ?? 0) + 1);
      stats.unknownPortalEvents += dropped;
      for (const [p, n] of perPortal) {
        if (stats.unknownPortals[p] !== undefined || Object.keys(stats.unknownPortals).length < 1000) stats.unknownPortals[p] = (stats.unknownPortals[p] ?? 0) + n;
        // One line per portal a minute at most: a misrouted subscription must not flood the log.
        if ((lastUnknownLog.get(p) ?? 0) < at - 60_000) {
          lastUnknownLog.set(p, at);
          log.warn({ portalId: p, events: n, droppedSoFar: stats.unknownPortals[p] ?? n }, 'webhook events for a portal that never installed the app: dropped');
        }
      }
    }
    return { kept, dropped };
  }

  const intake: WebhookIntake = {
    async accept(received) {
      if (received.length === 0) return { stored: 0, unknownPortal: 0 };
      const { kept, dropped } = await dropNeverInstalled(received);
      if (kept.length === 0) return { stored: 0, unknownPortal: dropped };
      // Ids and property names only: no value of a contact reaches Redis or the inbox.
      const events = kept.map(toQueuedEvent);
      if (queue.kind === 'bullmq') {
        await queue.enqueue(ingest, { events });
      } else {
        // Embedded: the row is the durable copy; the in-process job is only a nudge (replayed at start-up).
        const { rows } = await db.query<{ id: number }>(`insert into webhook_inbox (events) values ($1::jsonb) returning id`, [JSON.stringify(events)]);
        const id = Number(rows[0]?.id);
        await queue.enqueue(ingest, { inboxId: id }).catch((err: unknown) => log.warn({ inboxId: id, err: String(err) }, 'inbox row will be replayed at start-up'));
      }
      stats.deliveries += 1;
      return { stored: events.length, unknownPortal: dropped };
    },
  };

  /** Removes the events naming these contacts from every stored ingest job, in one pass over the queue. */
  async function scrubJobs(erased: Map<number, Set<string>>): Promise<number> {
    const names = (e: Parameters<typeof contactIdsOf>[0] & { portalId: number }) => contactIdsOf(e).some((id) => erased.get(e.portalId)?.has(id));
    return queue.rewriteStored(ingest as JobDefinition<IngestPayload>, (p) => {
      if (!p.events?.some(names)) return undefined;
      const events = p.events.filter((e) => !names(e));
      return events.length > 0 ? { events } : null;
    });
  }

  /** The inbox rows and the pending set forget the contacts (cheap: done at once). */
  async function forgetStoredEvents(portalId: number, contactIds: string[]): Promise<number> {
    const { rowCount } = await db.query(
      `update webhook_inbox set events = coalesce((select jsonb_agg(e) from jsonb_array_elements(events) e where not ${NAMES_ERASED}), '[]'::jsonb)
       where exists (select 1 from jsonb_array_elements(events) e where ${NAMES_ERASED})`,
      [portalId, contactIds]);
    await pending.remove(portalId, contactIds);
    return rowCount;
  }

  /**
   * A deletion ingested: inbox and pending set forget the contacts now; the queued jobs are scrubbed by the next
   * sweep in one pass for every deletion noted meanwhile (a burst of deletions must not scan the queue each).
   */
  async function noteErasedContacts(portalId: number, contactIds: string[]): Promise<void> {
    if (contactIds.length === 0) return;
    await forgetStoredEvents(portalId, contactIds);
    if (queue.kind !== 'bullmq') return; // in-process jobs carry inbox ids only
    await db.query(
      `insert into queue_erasures (portal_id, contact_id) select $1, x from unnest($2::text[]) as x on conflict do nothing`,
      [portalId, contactIds]);
  }

  async function drainErasures(): Promise<void> {
    const { rows } = await db.query<{ portal_id: number | string; contact_id: string }>(
      `select portal_id, contact_id from queue_erasures order by noted_at limit 5000`);
    if (rows.length === 0) return;
    const erased = new Map<number, Set<string>>();
    for (const r of rows) {
      const set = erased.get(Number(r.portal_id)) ?? new Set<string>();
      set.add(r.contact_id);
      erased.set(Number(r.portal_id), set);
    }
    const jobs = await scrubJobs(erased);
    for (const [portalId, ids] of erased) {
      await db.query(`delete from queue_erasures where portal_id = $1 and contact_id = any($2::text[])`, [portalId, [...ids]]);
    }
    if (jobs > 0) log.info({ contacts: rows.length, jobs }, 'deleted contacts removed from queued jobs');
  }

  /** Erasure from the card or a data subject request: every trace in queued work goes now. */
  async function forgetQueuedContacts(portalId: number, contactIds: string[]): Promise<void> {
    if (contactIds.length === 0) return;
    const jobs = await scrubJobs(new Map([[portalId, new Set(contactIds)]]));
    const rowCount = await forgetStoredEvents(portalId, contactIds);
    if (jobs > 0 || rowCount > 0) log.info({ portalId, contacts: contactIds.length, jobs, inboxRows: rowCount }, 'erased contacts removed from queued work');
  }

  async function startBackfill(portalId: number, options: { restart?: boolean } = {}): Promise<void> {
    if (await prepareBackfill(db, portalId, options)) {
      await queue.enqueue(backfill, { portalId }, { jobId: `backfill-${portalId}-${Date.now()}`, dedupe: { id: `backfill-${portalId}` } });
    }
  }

  async function sweep(): Promise<void> {
    await drainErasures().catch((err: unknown) => log.warn({ err: String(err) }, 'queued jobs of deleted contacts not scrubbed yet'));
    for (const portalId of await pending.portals()) {
      const n = await pending.size(portalId);
      if (n > 0) await scheduleJudge(portalId, n);
    }
    // Evidence stored after a contact's last judgement whose re-judgement could not be queued (Redis away at
    // that very moment): judged again, so HubSpot's tags never stay behind a stored objection or consent.
    const { rows: stale } = await db.query<{ portal_id: number; contact_id: string }>(
      `select e.portal_id, e.contact_id from (
         select portal_id, contact_id, max(recorded_at) as at from contact_objections
         where recorded_at > now() - interval '7 days' group by portal_id, contact_id
         union all
         select portal_id, contact_id, max(recorded_at) as at from contact_consents
         where recorded_at > now() - interval '7 days' group by portal_id, contact_id) e
       join contact_state s on s.portal_id = e.portal_id and s.contact_id = e.contact_id
       where s.evaluated_at < e.at limit 1000`);
    const byPortal = new Map<number, string[]>();
    for (const r of stale) byPortal.set(Number(r.portal_id), [...(byPortal.get(Number(r.portal_id)) ?? []), r.contact_id]);
    for (const [portalId, ids] of byPortal) await scheduleJudge(portalId, await pending.add(portalId, ids));
    if (deps.autoBackfill ?? true) {
      const { rows } = await db.query<{ portal_id: number }>(
        `select i.portal_id from installations i left join backfill_runs b on b.portal_id = i.portal_id
         where i.status = 'active' and i.bootstrap_status = 'done' and b.portal_id is null`);
      for (const r of rows) await startBackfill(Number(r.portal_id));
    }
    // Backfills whose job the queue lost (Redis emptied): queued again once they have not moved for two minutes.
    const { rows: stuck } = await db.query<{ portal_id: number | string }>(
      `select portal_id from backfill_runs where state in ('pending', 'running') and updated_at < now() - interval '2 minutes'`);
    for (const r of stuck) await queue.enqueue(backfill, { portalId: Number(r.portal_id) }, { dedupe: { id: `backfill-${r.portal_id}` } });
  }

  let sweepTimer: NodeJS.Timeout | null = null;
  let reconcileTimer: NodeJS.Timeout | null = null;
  let lastPurge = 0;

  return {
    intake,
    jobs: { ingest: ingest as JobDefinition<IngestPayload>, judgePortal, backfill, reconcile },
    reconcile: (portalId) => runReconcile(portalId),
    sweepNow: () => sweep(),
    stores: { evidence, states, suppression, processed, pending },
    stats,
    forgetQueuedContacts,
    async judgeContact(portalId, contactId) {
      await this.judgeContacts(portalId, [contactId]);
    },
    async judgeContacts(portalId, contactIds) {
      if (contactIds.length === 0) return;
      const n = await pending.add(portalId, contactIds);
      await scheduleJudge(portalId, n);
    },
    startBackfill,
    backfillProgress: (portalId) => getBackfillProgress(db, portalId),
    async readFacts(portalId, contactId) {
      const [record] = await deps.crm.batchRead(portalId, [contactId], READ_PROPERTIES);
      if (!record) return null;
      const settings = await deps.settings(portalId);
      const [c, o, h] = await Promise.all([
        evidence.listConsents(portalId, contactId),
        evidence.listObjections(portalId, contactId),
        suppression.hash(portalId, { email: record.properties.email, phone: record.properties.phone ?? record.properties.mobilephone }, settings.defaultJurisdiction),
      ]);
      return contactFactsFromHubSpot(record, { consents: c, objections: o, suppressedChannels: await suppression.matchHashes(portalId, h) });
    },
    setEmailOptOutHandler(handler) {
      judgeDeps.onEmailOptOut = handler ?? null;
    },
    async start(options = {}) {
      const consume = options.consume ?? true;
      if (consume) {
        if (queue.kind === 'in-process') {
          // Embedded mode has one process: claims left by a crash go back to pending, and stored
          // deliveries not yet ingested are replayed.
          await pending.releaseAllClaims();
          const { rows } = await db.query<{ id: number }>(`select id from webhook_inbox where state = 'pending' order by id`);
          for (const r of rows) await queue.enqueue(ingest, { inboxId: Number(r.id) });
        }
        const { rows: runs } = await db.query<{ portal_id: number }>(`select portal_id from backfill_runs where state in ('pending', 'running')`);
        for (const r of runs) await queue.enqueue(backfill, { portalId: Number(r.portal_id) }, { dedupe: { id: `backfill-${r.portal_id}` } });
        await queue.start();
        await sweep().catch((err: unknown) => log.warn({ err: String(err) }, 'sweep failed'));
        sweepTimer = setInterval(() => {
          sweep().catch((err: unknown) => log.warn({ err: String(err) }, 'sweep failed'));
          if (Date.now() - lastPurge > 3_600_000) {
            lastPurge = Date.now();
            processed.purgeOlderThan(new Date(Date.now() - 3 * 24 * 3_600_000)).catch(() => undefined);
            db.query(`delete from webhook_inbox where state = 'done'`).catch(() => undefined);
          }
        }, deps.sweepIntervalMs ?? 30_000);
        sweepTimer.unref();
        const every = deps.reconcileIntervalMs ?? 600_000;
        if (every > 0) {
          await scheduleReconciliation().catch((err: unknown) => log.warn({ err: String(err) }, 'reconciliation not scheduled'));
          reconcileTimer = setInterval(() => {
            scheduleReconciliation().catch((err: unknown) => log.warn({ err: String(err) }, 'reconciliation not scheduled'));
          }, every);
          reconcileTimer.unref();
        }
      }
    },
    async close(options = {}) {
      if (sweepTimer) clearInterval(sweepTimer);
      if (reconcileTimer) clearInterval(reconcileTimer);
      await queue.close(options);
    },
  };
}

export { PermanentJobError };
