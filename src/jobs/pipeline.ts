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
import { ZIngestPayload, ZQueuedEvent, type IngestPayload, type QueuedEvent } from './webhook-events.ts';
import { createWebhookIntake, type IntakeCounters, type WebhookIntake } from './webhook-intake.ts';
import { createQueuedContactsEraser } from './forget-queued-contacts.ts';
import { recordReconcile } from '../metrics/metrics.ts';

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
  /** Issues the contacts' preference links written with each verdict (src/preferences/link-property.ts). */
  preferenceLinks?: JudgeDeps['preferenceLinks'];
  /**
   * Period of the reconciliation sweep (src/reconcile) in consuming processes: every backfilled portal is
   * compared with HubSpot's lastmodifieddate at start and then this often (default 10 minutes; 0 turns it off).
   */
  reconcileIntervalMs?: number;
  reconcile?: ReconcileOptions;
}

export type { IntakeResult, WebhookIntake } from './webhook-intake.ts';

export interface PipelineStats extends IntakeCounters {
  ingest: IngestResult;
  judge: JudgeResult;
  judgeBatches: number;
  /** Reconciliation sweeps run by this process, contacts judged again by them, and those whose tags they corrected. */
  reconcile: { runs: number; judged: number; healed: number };
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

const ZJudgePayload = z.object({ portalId: z.number().int().positive() });
type JudgePayload = z.infer<typeof ZJudgePayload>;
const ZBackfillPayload = z.object({ portalId: z.number().int().positive() });
type BackfillPayload = z.infer<typeof ZBackfillPayload>;

export const JUDGE_BATCH_SIZE = 100;

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
  const judgeDeps: JudgeDeps = { db, crm: deps.crm, evidence, suppression, states, evaluate: deps.evaluate, settings: deps.settings, now, log, preferenceLinks: deps.preferenceLinks ?? null };

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
        forgetQueued: (p, ids) => eraser.noteDeleted(p, ids),
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
      recordReconcile(r.judged, r.healed);
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

  const intake = createWebhookIntake({ db, queue, ingest: ingest as JobDefinition<IngestPayload>, installedPortals: deps.installedPortals, counters: stats, log });
  const eraser = createQueuedContactsEraser({ db, queue, ingest: ingest as JobDefinition<IngestPayload>, pending, log });

  async function startBackfill(portalId: number, options: { restart?: boolean } = {}): Promise<void> {
    if (await prepareBackfill(db, portalId, options)) {
      await queue.enqueue(backfill, { portalId }, { jobId: `backfill-${portalId}-${Date.now()}`, dedupe: { id: `backfill-${portalId}` } });
    }
  }

  async function sweep(): Promise<void> {
    await eraser.drain().catch((err: unknown) => log.warn({ err: String(err) }, 'queued jobs of deleted contacts not scrubbed yet'));
    for (const portalId of await pending.portals()) {
      const n = await pending.size(portalId);
      if (n > 0) await scheduleJudge(portalId, n);
    }
    // Evidence stored after a contact's last judgement whose re-judgement could not be queued (Redis away at
    // that very moment): judged again, so HubSpot's tags never stay behind a stored objection or consent.
    const { rows: stale } = await db.query<{ portal_id: number; contact_id: string }>(
      `select e.portal_id, e.contact_id from (
         select portal_id, contact_id, max(recorded_at) as at from contact_objections
         where recorded_at > $1 group by portal_id, contact_id
         union all
         select portal_id, contact_id, max(recorded_at) as at from contact_consents
         where recorded_at > $1 group by portal_id, contact_id) e
       join contact_state s on s.portal_id = e.portal_id and s.contact_id = e.contact_id
       where s.evaluated_at < e.at limit 1000`, [new Date(Date.now() - 7 * 86_400_000)]);
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
    forgetQueuedContacts: (portalId, contactIds) => eraser.forgetNow(portalId, contactIds),
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
