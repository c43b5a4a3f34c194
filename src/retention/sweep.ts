// Retention sweep (CNIL: prospects are kept 3 years from collection or the last contact they initiated). For one
// portal: contacts whose pg_retention_expires_at falls within the warning period get a task for their owner
// (with a preference-centre link the rep can send to ask whether the person wants to keep hearing from the
// company); expired contacts are handled per the portal's setting: notify (task), archive (HubSpot's restorable
// delete) or delete (HubSpot's GDPR delete + the app's own data; the ledger keeps a hashed trace). Contacts are
// read in pages of 100 ordered by hs_object_id and paged by id (deletions do not shift the pages); the cursor is
// checkpointed after each page so an interrupted run resumes where it stopped.
import { randomUUID } from 'node:crypto';
import type { Db } from '../storage/db.ts';
import type { EvidenceLedger } from '../ledger/ledger.ts';
import type { HubSpotApi, ContactRecord } from '../enforcement/hubspot-api.ts';
import type { Clock, EvidencePort } from '../enforcement/ports.ts';
import { systemClock } from '../enforcement/ports.ts';
import type { SubjectHasher } from '../enforcement/subjects.ts';

export interface RetentionSettings {
  warningDays: number;
  expiryAction: 'notify' | 'archive' | 'delete';
}

export interface RetentionReport {
  runId: string;
  portalId: number;
  resumed: boolean;
  finished: boolean;
  pages: number;
  warned: number;
  expiredNotified: number;
  archived: number;
  deleted: number;
  alreadyHandled: number;
  failed: number;
}

export interface RetentionDeps {
  db: Db;
  ledger: EvidenceLedger;
  hubspot: HubSpotApi;
  hasher: SubjectHasher;
  evidence?: EvidencePort | null;
  settings: (portalId: number) => Promise<RetentionSettings>;
  /** Builds a preference-centre link for a contact (renewal request); optional. */
  renewalLink?: ((portalId: number, contactId: string, email: string | null) => string) | null;
  clock?: Clock;
  log?: { warn(obj: object, msg: string): void };
}

const PROPS = ['email', 'phone', 'hubspot_owner_id', 'pg_retention_expires_at', 'pg_retention_state'];
const PAGE = 100;
const DAY = 86_400_000;

type Phase = 'warning' | 'expired' | 'done';

function utcMidnight(d: Date): number {
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

export function createRetentionSweeper(deps: RetentionDeps) {
  const { db, ledger, hubspot } = deps;
  const clock = deps.clock ?? systemClock;

  async function already(portalId: number, key: string): Promise<boolean> {
    const { rows } = await db.query('select 1 from evidence_ledger where portal_id = $1 and idempotency_key = $2', [portalId, key]);
    return rows.length > 0;
  }

  async function handleWarning(portalId: number, c: ContactRecord, report: RetentionReport): Promise<void> {
    const expiresAt = c.properties.pg_retention_expires_at ?? '';
    const key = `retention:warn:${c.id}:${expiresAt}`;
    if (await already(portalId, key)) { report.alreadyHandled += 1; return; }
    const link = deps.renewalLink?.(portalId, c.id, c.properties.email ?? null) ?? null;
    const taskId = await hubspot.createTask(portalId, {
      contactId: c.id, ownerId: c.properties.hubspot_owner_id ?? null, dueAt: clock.now(), priority: 'MEDIUM',
      subject: 'Retention ends soon: ask to renew / Fin de conservation proche : demander le renouvellement',
      body: `This prospect's data may be kept for prospecting until ${expiresAt.slice(0, 10)} (CNIL: 3 years from collection or the last contact the person initiated). Ask whether they wish to keep hearing from you${link ? `: send them ${link}` : ''}. Without a positive answer the record is handled as the portal's settings say.`,
    });
    await ledger.append(portalId, {
      kind: 'retention_action', contactId: c.id, actor: 'retention-sweep', at: clock.now(),
      payload: { action: 'warned', expiresAt, taskId, renewalLinkOffered: link !== null }, idempotencyKey: key,
    });
    report.warned += 1;
  }

  async function handleExpired(portalId: number, c: ContactRecord, action: RetentionSettings['expiryAction'], report: RetentionReport): Promise<void> {
    const expiresAt = c.properties.pg_retention_expires_at ?? '';
    const key = `retention:${action}:${c.id}:${expiresAt}`;
    if (await already(portalId, key)) { report.alreadyHandled += 1; return; }
    const at = clock.now();
    if (action === 'notify') {
      const taskId = await hubspot.createTask(portalId, {
        contactId: c.id, ownerId: c.properties.hubspot_owner_id ?? null, dueAt: at, priority: 'HIGH',
        subject: 'Retention period over: delete or archive / Durée de conservation écoulée : supprimer ou archiver',
        body: `The retention period for prospecting ended on ${expiresAt.slice(0, 10)}. Delete the record, or archive it with restricted access if a legal obligation requires keeping it.`,
      });
      await ledger.append(portalId, { kind: 'retention_action', contactId: c.id, actor: 'retention-sweep', at, payload: { action: 'expired_notified', expiresAt, taskId }, idempotencyKey: key });
      report.expiredNotified += 1;
      return;
    }
    if (action === 'archive') {
      const result = await hubspot.archiveContact(portalId, c.id);
      await ledger.append(portalId, { kind: 'retention_action', contactId: c.id, actor: 'retention-sweep', at, payload: { action: 'archived', expiresAt, hubspot: result }, idempotencyKey: key });
      report.archived += 1;
      return;
    }
    const subjectHash = await deps.hasher.hash(portalId, { email: c.properties.email, phone: c.properties.phone });
    const result = await hubspot.gdprDelete(portalId, c.id);
    await deps.evidence?.forgetContact(portalId, c.id);
    await ledger.eraseContact(portalId, c.id, { actor: 'retention-sweep', subjectHash, at, payload: { reason: 'retention_expired', expiresAt, hubspot: result }, idempotencyKey: key });
    report.deleted += 1;
  }

  async function loadOpenRun(portalId: number): Promise<{ id: string; phase: Phase; cursor: string | null; counts: Partial<RetentionReport> } | null> {
    const { rows } = await db.query<{ id: string; phase: Phase; cursor_value: string | null; counts: string; started_at: unknown }>(
      'select id, phase, cursor_value, counts, started_at from retention_runs where portal_id = $1 and finished_at is null order by started_at desc limit 1', [portalId]);
    const r = rows[0];
    if (!r) return null;
    const started = new Date(r.started_at instanceof Date ? r.started_at : String(r.started_at)).getTime();
    if (clock.now().getTime() - started > DAY) {
      await db.query('update retention_runs set finished_at = $2, phase = $3 where id = $1', [r.id, clock.now().toISOString(), 'abandoned']);
      return null;
    }
    return { id: r.id, phase: r.phase, cursor: r.cursor_value, counts: JSON.parse(r.counts) as Partial<RetentionReport> };
  }

  async function checkpoint(report: RetentionReport, phase: Phase | 'abandoned', cursor: string | null, finished: boolean): Promise<void> {
    const { runId, pages, warned, expiredNotified, archived, deleted, alreadyHandled, failed } = report;
    await db.query('update retention_runs set phase = $2, cursor_value = $3, counts = $4, finished_at = $5 where id = $1',
      [runId, phase, cursor, JSON.stringify({ pages, warned, expiredNotified, archived, deleted, alreadyHandled, failed }), finished ? clock.now().toISOString() : null]);
  }

  return {
    /**
     * One run (or the rest of an interrupted one). `maxPages` bounds the work of one call: the job calls again
     * until `finished`. `signal` lets a shutdown stop between pages (the checkpoint is already written).
     */
    async run(portalId: number, options: { maxPages?: number; signal?: AbortSignal; pauseMs?: number } = {}): Promise<RetentionReport> {
      const settings = await deps.settings(portalId);
      const open = await loadOpenRun(portalId);
      const report: RetentionReport = {
        runId: open?.id ?? randomUUID(), portalId, resumed: open !== null, finished: false, pages: 0, warned: 0, expiredNotified: 0,
        archived: 0, deleted: 0, alreadyHandled: 0, failed: 0, ...(open?.counts ?? {}),
      };
      report.resumed = open !== null;
      report.finished = false;
      let phase: Phase = open?.phase ?? 'warning';
      let cursor: string | null = open?.cursor ?? null;
      if (!open) {
        await db.query('insert into retention_runs (id, portal_id, started_at, phase, cursor_value) values ($1,$2,$3,$4,null)',
          [report.runId, portalId, clock.now().toISOString(), phase]);
      }
      const today = utcMidnight(clock.now());
      const warnUntil = today + settings.warningDays * DAY;
      let pagesThisCall = 0;
      while (phase !== 'done') {
        if (options.signal?.aborted || pagesThisCall >= (options.maxPages ?? Infinity)) return report;
        const range = phase === 'warning'
          ? { propertyName: 'pg_retention_expires_at', operator: 'BETWEEN', value: String(today), highValue: String(warnUntil) }
          : { propertyName: 'pg_retention_expires_at', operator: 'LT', value: String(today) };
        const filters: Record<string, unknown>[] = [range];
        if (cursor) filters.push({ propertyName: 'hs_object_id', operator: 'GT', value: cursor });
        const res = await hubspot.searchContacts(portalId, { filterGroups: [{ filters }], properties: PROPS, sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }], limit: PAGE });
        for (const c of res.results) {
          try {
            if (phase === 'warning') await handleWarning(portalId, c, report);
            else await handleExpired(portalId, c, settings.expiryAction, report);
          } catch (err) {
            report.failed += 1;
            deps.log?.warn({ portalId, contactId: c.id, err: (err as Error).message }, 'retention action failed; retried next run');
          }
          cursor = c.id;
        }
        report.pages += 1;
        pagesThisCall += 1;
        if (res.results.length < PAGE) {
          phase = phase === 'warning' ? 'expired' : 'done';
          cursor = null;
        }
        await checkpoint(report, phase, cursor, phase === 'done');
        if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
      }
      report.finished = true;
      await ledger.append(portalId, {
        kind: 'retention_action', actor: 'retention-sweep', at: clock.now(),
        payload: { action: 'sweep_report', runId: report.runId, warned: report.warned, expiredNotified: report.expiredNotified, archived: report.archived, deleted: report.deleted, alreadyHandled: report.alreadyHandled, failed: report.failed, pages: report.pages, expiryAction: settings.expiryAction, warningDays: settings.warningDays },
        idempotencyKey: `retention:run:${report.runId}`,
      });
      return report;
    },
  };
}

export type RetentionSweeper = ReturnType<typeof createRetentionSweeper>;
