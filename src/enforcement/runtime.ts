// Enforcement inside the running app: the public preference centre router and a periodic "tick" job on its own
// queue (BullMQ when REDIS_URL is set, the in-process queue otherwise). The tick re-enqueues itself with a
// delay and a slot-derived job id, so exactly one tick per slot runs across processes (a repeatable job that
// works the same on both queue kinds). Each tick:
//   - acts on the sequence enrolments the pipeline detected (sequence_detections rows still 'flagged');
//   - polls every active portal for blocked contacts enrolled in a sequence (one search per 100 contacts);
//   - sends data subject request reminders (at most hourly) and advances the retention sweeps (daily runs,
//     resumed page by page).
// Usage: `const enf = createEnforcementRuntime(); startApp(config, { routers: [enf.router] })`, then
// `await enf.attach(running)` once the app runs (it needs the pipeline's re-judge and the HubSpot clients).
import express, { type Router } from 'express';
import { z } from 'zod';
import type { RunningApp } from '../main.ts';
import { createQueue, defineJob, type JobDefinition, type JobQueue } from '../queue/index.ts';
import { log as rootLog } from '../log.ts';
import { createEnforcement, requesterFromClients, type Enforcement } from './wiring.ts';
import { createSequenceEnforcer, type EmailVerdict, type SequenceEnforcer } from './sequences.ts';
import { createEnforcementHooks, type EnforcementHooks } from './hooks.ts';
import { createRetentionSweeper, type RetentionSweeper } from '../retention/sweep.ts';
import { runDsrReminders } from '../dsr/service.ts';
import { createPreferenceRouter } from '../preferences/router.ts';
import { createPreferenceToken, preferenceKeyFromConfig, preferenceUrl } from '../preferences/token.ts';
import { InstallationGoneError } from '../hubspot/client-factory.ts';
import { createLinkRefresher } from '../preferences/refresh-links.ts';
import { createPreferenceConsents } from '../preferences/record-consent.ts';
import { ContactEvidenceStore } from '../contacts/index.ts';
import { resolveLedgerSecrets } from '../ledger/secrets.ts';
import { rekeyUnanchoredChain } from '../ledger/integrity.ts';

export interface EnforcementRuntimeOptions {
  /** Tick period (default 60 s): the detection-to-action bound of the polling path. */
  tickMs?: number;
  /** Run ticks on a timer/queue (default true); tests call `tick()` by hand. */
  schedule?: boolean;
  keyPrefix?: string;
  /** Search pages per portal per tick for the sequence poll and the retention sweep. */
  pollPages?: number;
  retentionPagesPerTick?: number;
  /** Called after each scheduled tick (monitoring, tests). */
  onTick?: (report: TickReport) => void;
}

export interface TickReport {
  detections: number;
  blockedFromDetections: number;
  polledPortals: number;
  blockedFromPoll: number;
  reminders: number;
  retentionPortals: number;
  /** Contacts handed back to the judge step for a new preference link (expiring or missing). */
  linksRefreshed: number;
  errors: number;
}

export interface AttachedEnforcement {
  enforcement: Enforcement;
  sequences: SequenceEnforcer;
  retention: RetentionSweeper;
  hooks: EnforcementHooks;
  queue: JobQueue | null;
  /** A signed preference-centre URL for a contact (to put in emails and List-Unsubscribe). */
  preferenceLink(portalId: number, contactId: string, email: string | null): string;
  tick(): Promise<TickReport>;
  /** Only the first step of a tick: act on flagged enrolments now (the demo; a caller that cannot wait a minute). */
  actOnDetections(): Promise<TickReport>;
  stop(): Promise<void>;
}

const log = rootLog.child({ part: 'enforcement' });

function emptyTickReport(): TickReport {
  return { detections: 0, blockedFromDetections: 0, polledPortals: 0, blockedFromPoll: 0, reminders: 0, retentionPortals: 0, linksRefreshed: 0, errors: 0 };
}

function verdictFromBlockers(blockers: string): EmailVerdict {
  const list = blockers.split(',').map((b) => b.trim()).filter(Boolean);
  const blocker = list.includes('objected') ? 'objected' : list[0] ?? null;
  return { allowed: false, blocker, reason: null };
}

async function rekeyLegacyChains(db: RunningApp['db'], enforcement: Enforcement): Promise<void> {
  const { rows } = await db.query<{ portal_id: unknown }>('select portal_id from evidence_ledger_head where hash_version = 1');
  for (const row of rows) {
    try {
      const done = await rekeyUnanchoredChain(enforcement, Number(row.portal_id));
      if (done.rekeyed > 0) log.info({ portalId: Number(row.portal_id), entries: done.rekeyed }, 'ledger chain rekeyed');
    } catch (err) {
      log.error({ portalId: Number(row.portal_id), err: (err as Error).message }, 'legacy ledger chain not rekeyed');
    }
  }
}

export function createEnforcementRuntime(options: EnforcementRuntimeOptions = {}) {
  let inner: Router | null = null;
  const router = express.Router();
  router.use('/p', (req, res, next) => {
    if (!inner) {
      res.status(503).set('Retry-After', '5').type('text/plain').send('Starting, try again in a moment.');
      return;
    }
    inner(req, res, next);
  });

  async function attach(running: RunningApp): Promise<AttachedEnforcement> {
    const { config, db, installations, clients } = running;
    const key = preferenceKeyFromConfig(config);
    // The pipeline's re-judge (present when startApp runs the webhook pipeline).
    const withPipeline = running as RunningApp & { pipeline?: { pipeline: { judgeContact(p: number, c: string): Promise<void>; judgeContacts(p: number, c: string[]): Promise<void>; forgetQueuedContacts?(p: number, c: string[]): Promise<void> }; limiter?: Parameters<typeof requesterFromClients>[2] } | null };
    const pipeline = withPipeline.pipeline?.pipeline ?? null;
    // Enforcement's HubSpot calls share the pipeline's per-portal rate limiter.
    const limiter = withPipeline.pipeline?.limiter ?? null;
    const enforcement = createEnforcement({
      db, requester: requesterFromClients(clients, config.hubspotApiBaseUrl, limiter), log, ledgerSecrets: resolveLedgerSecrets(config),
      rejudge: pipeline ? (p, c) => pipeline.judgeContact(p, c) : null,
      forgetQueued: pipeline?.forgetQueuedContacts ? (p, c) => pipeline.forgetQueuedContacts?.(p, c) ?? Promise.resolve() : null,
      verdictOf: async (p, c) => {
        const { rows } = await db.query<{ verdict: unknown }>('select verdict from contact_state where portal_id = $1 and contact_id = $2', [p, c]).catch(() => ({ rows: [] as { verdict: unknown }[] }));
        const v = rows[0]?.verdict;
        return typeof v === 'string' ? JSON.parse(v) as unknown : v ?? null;
      },
    });
    const hubspot = enforcement.hubspot ?? (() => { throw new Error('enforcement needs HubSpot access'); })();
    const settingsOf = (portalId: number) => installations.getSettings(portalId);
    const sequences = createSequenceEnforcer({
      db, ledger: enforcement.ledger, hubspot, log,
      settings: async (p) => { const s = await settingsOf(p); return { sequenceBlocking: s.sequenceBlocking, notifyOwnerOnBlock: s.notifyOwnerOnBlock }; },
      grantedScopes: async (p) => (await installations.get(p))?.scopes ?? null,
    });
    const preferenceLink = (portalId: number, contactId: string, email: string | null) =>
      preferenceUrl(config.publicBaseUrl, createPreferenceToken(key, { portalId, contactId, email }));
    const retention = createRetentionSweeper({
      db, ledger: enforcement.ledger, hubspot, hasher: enforcement.hasher, evidence: enforcement.evidence, log,
      settings: async (p) => { const s = await settingsOf(p); return { warningDays: s.retention.warningDays, expiryAction: s.expiryAction }; },
      renewalLink: (p, c, email) => preferenceLink(p, c, email),
    });
    const hooks = createEnforcementHooks(enforcement, sequences);
    // Preference links close to expiry (or missing) are re-issued by the judge step, swept once a day per portal.
    const links = pipeline ? createLinkRefresher({
      hubspot, rejudge: (p, ids) => pipeline.judgeContacts(p, ids),
      enabled: async (p) => (await settingsOf(p)).preferenceCentreEnabled,
    }) : null;
    const linksSweptAt = new Map<number, number>();
    // Chains written before keyed hashing (migration 250) are rewritten under the key once, in the background.
    void rekeyLegacyChains(db, enforcement).catch((err: unknown) => log.warn({ err: (err as Error).message }, 'ledger rekey failed'));

    inner = createPreferenceRouter({
      key, publicBaseUrl: config.publicBaseUrl, hubspot, evidence: enforcement.evidence, objections: enforcement.objections, log,
      dsr: { open: async (i) => { const r = await enforcement.dsr.open(i); return { id: r.id, dueAt: r.dueAt }; } },
      settings: async (portalId) => {
        if (!(await installations.isActive(portalId))) return null;
        const s = await settingsOf(portalId);
        return {
          controllerName: s.controller?.name ?? null, privacyPolicyUrl: s.privacyPolicyUrl, preferenceCentreEnabled: s.preferenceCentreEnabled,
          controllerAddress: s.controller?.address ?? null, dpoContact: s.controller?.dpoContact ?? null, logoUrl: s.controller?.logoUrl ?? null,
          defaultJurisdiction: s.defaultJurisdiction,
        };
      },
      consents: createPreferenceConsents({
        store: new ContactEvidenceStore(db), ledger: enforcement.ledger,
        rejudge: pipeline ? (p, c) => pipeline.judgeContact(p, c) : null,
      }),
      production: config.nodeEnv === 'production',
    });

    let lastReminders = 0;
    /** Acts on the enrolments of blocked contacts that the pipeline flagged (the first step of every tick). */
    async function actOnDetections(report: TickReport = emptyTickReport()): Promise<TickReport> {
      const { rows } = await db.query<{ id: unknown; portal_id: unknown; contact_id: string; blockers: string }>(
        `select id, portal_id, contact_id, blockers from sequence_detections where action = 'flagged' order by id limit 200`).catch(() => ({ rows: [] }));
      for (const d of rows) {
        report.detections += 1;
        try {
          const outcome = await sequences.onSequenceEnrolmentDetected(Number(d.portal_id), d.contact_id, verdictFromBlockers(d.blockers), 'webhook');
          if (outcome) report.blockedFromDetections += 1;
          await db.query('update sequence_detections set action = $2 where id = $1', [d.id, outcome ? 'enforced' : 'checked']);
        } catch (err) {
          report.errors += 1;
          log.warn({ portalId: Number(d.portal_id), contactId: d.contact_id, err: (err as Error).message }, 'sequence detection not enforced yet');
        }
      }
      return report;
    }

    async function tick(): Promise<TickReport> {
      const report = await actOnDetections();
      const portals = (await installations.listActive()).map((i) => i.portalId);
      for (const portalId of portals) {
        try {
          const polled = await sequences.pollPortal(portalId, { maxPages: options.pollPages ?? 5 });
          report.polledPortals += 1;
          report.blockedFromPoll += polled.blocked;
        } catch (err) {
          if (!(err instanceof InstallationGoneError)) { report.errors += 1; log.warn({ portalId, err: (err as Error).message }, 'sequence poll failed'); }
        }
      }
      if (Date.now() - lastReminders >= 3600_000) {
        lastReminders = Date.now();
        report.reminders = (await runDsrReminders({ dsr: enforcement.dsr, hubspot, ledger: enforcement.ledger,
          ownerOf: async (p, c) => (await hubspot.getContact(p, c, ['hubspot_owner_id']))?.properties.hubspot_owner_id ?? null })).reminded;
      }
      for (const portalId of portals) {
        try {
          const { rows: runs } = await db.query<{ started_at: unknown; finished_at: unknown }>(
            'select started_at, finished_at from retention_runs where portal_id = $1 order by started_at desc limit 1', [portalId]);
          const last = runs[0];
          const due = !last || last.finished_at === null || Date.now() - new Date(String(last.started_at instanceof Date ? last.started_at.toISOString() : last.started_at)).getTime() > 86_400_000;
          if (!due) continue;
          await retention.run(portalId, { maxPages: options.retentionPagesPerTick ?? 10 });
          report.retentionPortals += 1;
        } catch (err) {
          if (!(err instanceof InstallationGoneError)) { report.errors += 1; log.warn({ portalId, err: (err as Error).message }, 'retention sweep step failed'); }
        }
      }
      for (const portalId of links ? portals : []) {
        if (Date.now() - (linksSweptAt.get(portalId) ?? 0) < 86_400_000) continue;
        try {
          const r = await links!.run(portalId, { maxPages: options.retentionPagesPerTick ?? 10 });
          report.linksRefreshed += r.rejudged;
          if (r.finished) linksSweptAt.set(portalId, Date.now());
        } catch (err) {
          if (!(err instanceof InstallationGoneError)) { report.errors += 1; log.warn({ portalId, err: (err as Error).message }, 'preference link refresh step failed'); }
        }
      }
      // Anchor every portal's chain head outside the database (skipped when it has not moved).
      const anchored = await enforcement.anchor.checkpointPortals(portals);
      report.errors += anchored.failed;
      return report;
    }

    let queue: JobQueue | null = null;
    if (options.schedule !== false) {
      const tickMs = options.tickMs ?? 60_000;
      queue = createQueue({ redisUrl: config.redisUrl, log, prefix: `${options.keyPrefix ?? 'pg'}-enforcement` });
      const q = queue;
      const tickJob = defineJob({
        name: 'enforcement-tick', version: 1, schema: z.object({ slot: z.number().int() }), concurrency: 1,
        handler: async ({ slot }) => {
          try {
            const r = await tick();
            if (r.detections || r.blockedFromPoll || r.errors) log.info({ slot, ...r }, 'enforcement tick');
            options.onTick?.(r);
          } finally {
            const next = Math.floor(Date.now() / tickMs) + 1;
            await q.enqueue(tickJob, { slot: next }, { jobId: `enforcement-tick-${next}`, delayMs: Math.max(0, next * tickMs - Date.now()) });
          }
        },
      });
      q.register(tickJob as unknown as JobDefinition<unknown>);
      await q.start();
      const first = Math.floor(Date.now() / tickMs);
      await q.enqueue(tickJob, { slot: first }, { jobId: `enforcement-tick-${first}` });
    }

    return {
      enforcement, sequences, retention, hooks, queue, preferenceLink, tick, actOnDetections: () => actOnDetections(),
      async stop() {
        inner = null;
        await queue?.close({ timeoutMs: 5_000 });
      },
    };
  }

  return { router, attach };
}
