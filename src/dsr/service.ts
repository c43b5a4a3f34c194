// Data subject requests (access, erasure, objection, rectification): tracked with the legal deadline, reminded
// before it, closed with evidence in the ledger. Access gathers what HubSpot and the app hold; erasure deletes in
// HubSpot (GDPR delete) and here, leaving only the hashed suppression entry and the ledger's hashed trace.
import { randomUUID } from 'node:crypto';
import type { Db } from '../ledger/db.ts';
import type { EvidenceLedger, LedgerEntry } from '../ledger/ledger.ts';
import type { HubSpotApi } from '../enforcement/hubspot-api.ts';
import { HubSpotApiError } from '../enforcement/hubspot-api.ts';
import type { Clock, EvidencePort, SuppressionPort } from '../enforcement/ports.ts';
import { systemClock } from '../enforcement/ports.ts';
import type { SubjectHasher } from '../enforcement/subjects.ts';
import { extendedDeadline, initialDeadline, reminderStage } from './deadlines.ts';

export const DSR_KINDS = ['access', 'erasure', 'objection', 'rectification'] as const;
export type DsrKind = (typeof DSR_KINDS)[number];
export type DsrStatus = 'open' | 'extended' | 'closed' | 'rejected';

export interface DsrRequest {
  id: string;
  portalId: number;
  contactId: string | null;
  subjectHash: string | null;
  kind: DsrKind;
  origin: string;
  status: DsrStatus;
  receivedAt: string;
  dueAt: string;
  extendedAt: string | null;
  extensionReason: string | null;
  closedAt: string | null;
  outcome: string | null;
  remindersSent: number;
  details: Record<string, unknown>;
}

export class DsrError extends Error {
  override name = 'DsrError';
}

interface Row {
  id: string; portal_id: unknown; contact_id: string | null; subject_hash: string | null; kind: DsrKind; origin: string;
  status: DsrStatus; received_at: unknown; due_at: unknown; extended_at: unknown; extension_reason: string | null;
  closed_at: unknown; outcome: string | null; reminders_sent: unknown; details: string;
}

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : (v instanceof Date ? v : new Date(String(v))).toISOString());

function toRequest(r: Row): DsrRequest {
  return {
    id: r.id, portalId: Number(r.portal_id), contactId: r.contact_id, subjectHash: r.subject_hash, kind: r.kind, origin: r.origin,
    status: r.status, receivedAt: iso(r.received_at) ?? '', dueAt: iso(r.due_at) ?? '', extendedAt: iso(r.extended_at),
    extensionReason: r.extension_reason, closedAt: iso(r.closed_at), outcome: r.outcome, remindersSent: Number(r.reminders_sent),
    details: JSON.parse(r.details) as Record<string, unknown>,
  };
}

export interface DsrServiceDeps {
  db: Db;
  ledger: EvidenceLedger;
  hasher: SubjectHasher;
  hubspot?: HubSpotApi | null;
  evidence?: EvidencePort | null;
  suppression?: SuppressionPort | null;
  /** The last verdict the app computed for the contact, if the pipeline keeps one. */
  verdictOf?: ((portalId: number, contactId: string) => Promise<unknown>) | null;
  /** The pipeline's queue forgets every job naming the erased contact (no id of theirs left in Redis). */
  forgetQueued?: ((portalId: number, contactIds: string[]) => Promise<void>) | null;
  clock?: Clock;
}

export function createDsrService(deps: DsrServiceDeps) {
  const { db, ledger } = deps;
  const clock = deps.clock ?? systemClock;

  async function get(portalId: number, id: string): Promise<DsrRequest | null> {
    const { rows } = await db.query<Row>('select * from dsr_requests where portal_id = $1 and id = $2', [portalId, id]);
    return rows[0] ? toRequest(rows[0]) : null;
  }

  async function mustGet(portalId: number, id: string): Promise<DsrRequest> {
    const r = await get(portalId, id);
    if (!r) throw new DsrError(`no request ${id} in portal ${portalId}`);
    return r;
  }

  const service = {
    get,

    async open(input: { portalId: number; contactId: string | null; kind: DsrKind; origin: string; email?: string | null; phone?: string | null; details?: Record<string, unknown>; receivedAt?: Date }): Promise<DsrRequest> {
      if (!DSR_KINDS.includes(input.kind)) throw new DsrError(`unknown request kind ${String(input.kind)}`);
      const receivedAt = input.receivedAt ?? clock.now();
      const subjectHash = await deps.hasher.hash(input.portalId, { email: input.email, phone: input.phone });
      if (!input.contactId && !subjectHash) throw new DsrError('a request names a contact or an email/phone');
      // The same person asking the same thing again while a request is open gets that request, not a duplicate.
      const existing = await db.query<Row>(
        `select * from dsr_requests where portal_id = $1 and kind = $2 and status in ('open','extended')
         and ((contact_id is not null and contact_id = $3) or (subject_hash is not null and subject_hash = $4)) order by received_at limit 1`,
        [input.portalId, input.kind, input.contactId, subjectHash]);
      if (existing.rows[0]) return toRequest(existing.rows[0]);
      const id = randomUUID();
      const dueAt = initialDeadline(receivedAt);
      await db.query(
        `insert into dsr_requests (id, portal_id, contact_id, subject_hash, kind, origin, status, received_at, due_at, details)
         values ($1,$2,$3,$4,$5,$6,'open',$7,$8,$9)`,
        [id, input.portalId, input.contactId, subjectHash, input.kind, input.origin, receivedAt.toISOString(), dueAt.toISOString(), JSON.stringify(input.details ?? {})]);
      await ledger.append(input.portalId, {
        kind: 'dsr_opened', contactId: input.contactId, subjectHash, actor: `dsr:${input.origin}`, at: receivedAt,
        payload: { requestId: id, requestKind: input.kind, origin: input.origin, dueAt: dueAt.toISOString() }, idempotencyKey: `dsr:${id}:opened`,
      });
      return mustGet(input.portalId, id);
    },

    /** Extends to three months from receipt; only while the first month runs, once, with the reason told to the person. */
    async extend(portalId: number, id: string, reason: string, actor: string): Promise<DsrRequest> {
      const r = await mustGet(portalId, id);
      const now = clock.now();
      if (r.status !== 'open') throw new DsrError(`request ${id} is ${r.status}; only an open request can be extended`);
      if (now.getTime() > new Date(r.dueAt).getTime()) throw new DsrError('the extension must be notified within the first month');
      if (!reason.trim()) throw new DsrError('an extension needs a reason (it is told to the person)');
      const dueAt = extendedDeadline(new Date(r.receivedAt));
      await db.query(`update dsr_requests set status = 'extended', due_at = $3, extended_at = $4, extension_reason = $5, reminders_sent = 0 where portal_id = $1 and id = $2`,
        [portalId, id, dueAt.toISOString(), now.toISOString(), reason.slice(0, 1000)]);
      await ledger.append(portalId, {
        kind: 'notice', contactId: r.contactId, subjectHash: r.subjectHash, actor, at: now,
        payload: { requestId: id, dsrExtended: true, newDueAt: dueAt.toISOString(), reason: reason.slice(0, 1000) }, idempotencyKey: `dsr:${id}:extended`,
      });
      return mustGet(portalId, id);
    },

    async close(portalId: number, id: string, input: { outcome: 'fulfilled' | 'rejected' | 'withdrawn'; actor: string; evidence?: Record<string, unknown> }): Promise<DsrRequest> {
      const r = await mustGet(portalId, id);
      if (r.status === 'closed' || r.status === 'rejected') return r;
      const now = clock.now();
      const status: DsrStatus = input.outcome === 'rejected' ? 'rejected' : 'closed';
      await db.query('update dsr_requests set status = $3, closed_at = $4, outcome = $5 where portal_id = $1 and id = $2',
        [portalId, id, status, now.toISOString(), input.outcome]);
      await ledger.append(portalId, {
        kind: 'dsr_closed', contactId: r.contactId, subjectHash: r.subjectHash, actor: input.actor, at: now,
        payload: { requestId: id, requestKind: r.kind, outcome: input.outcome, onTime: now.getTime() <= new Date(r.dueAt).getTime(), dueAt: r.dueAt, ...(input.evidence ?? {}) },
        idempotencyKey: `dsr:${id}:closed`,
      });
      return mustGet(portalId, id);
    },

    async list(portalId: number, filter: { status?: DsrStatus[]; contactId?: string } = {}): Promise<DsrRequest[]> {
      const params: unknown[] = [portalId];
      let where = 'portal_id = $1';
      if (filter.contactId) { params.push(filter.contactId); where += ` and contact_id = $${params.length}`; }
      if (filter.status?.length) where += ` and status in (${filter.status.map((s) => { params.push(s); return `$${params.length}`; }).join(',')})`;
      const { rows } = await db.query<Row>(`select * from dsr_requests where ${where} order by due_at`, params);
      return rows.map(toRequest);
    },

    /** What HubSpot and the app hold about the contact, as one JSON document; recorded in the ledger. */
    async accessExport(portalId: number, contactId: string, input: { actor: string; requestId?: string }): Promise<Record<string, unknown>> {
      const now = clock.now();
      let hubspotRecord: Record<string, string | null> | null = null;
      if (deps.hubspot) {
        const res = await deps.hubspot.requester(portalId, { method: 'GET', path: '/crm/v3/properties/contacts' });
        const names = res.status === 200 ? ((res.body as { results?: { name: string }[] }).results ?? []).map((p) => p.name) : ['email', 'firstname', 'lastname', 'phone', 'company'];
        const contact = await deps.hubspot.getContact(portalId, contactId, names);
        hubspotRecord = contact ? Object.fromEntries(Object.entries(contact.properties).filter(([, v]) => v !== null && v !== '')) : null;
      }
      const [consents, objections, ledgerEntries, verdict] = await Promise.all([
        deps.evidence?.listConsents(portalId, contactId) ?? [],
        deps.evidence?.listObjections(portalId, contactId) ?? [],
        ledger.list(portalId, { contactId }),
        deps.verdictOf ? deps.verdictOf(portalId, contactId) : null,
      ]);
      const requests = await service.list(portalId, { contactId });
      const doc = {
        format: 'prospect-guard/access-export', version: 1, generatedAt: now.toISOString(), portalId, contactId,
        hubspot: { contact: hubspotRecord },
        app: {
          consents, objections, verdict,
          requests: requests.map(({ details: _d, ...rest }) => rest),
          ledger: ledgerEntries.map((e: LedgerEntry) => ({ seq: e.seq, at: e.at, kind: e.kind, actor: e.actor, payload: e.payload, hash: e.hash })),
        },
      };
      await ledger.append(portalId, {
        kind: 'access_export', contactId, actor: input.actor, at: now,
        payload: { requestId: input.requestId ?? null, hubspotProperties: hubspotRecord ? Object.keys(hubspotRecord).length : 0, consents: consents.length, objections: objections.length, ledgerEntries: ledgerEntries.length },
      });
      return doc;
    },

    /**
     * Erasure: the identifiers go to the suppression list (hashed, every channel) so the person is never contacted
     * again, HubSpot deletes the record permanently (GDPR delete), the app forgets its own data, and the ledger
     * blanks the person's entries, keeping digests and a hashed trace.
     */
    async erase(portalId: number, contactId: string, input: { actor: string; requestId?: string; reason?: string }): Promise<{ hubspot: string; erasedLedgerEntries: number; subjectHash: string | null }> {
      const now = clock.now();
      let email: string | null = null;
      let phone: string | null = null;
      let hubspotResult = 'skipped';
      if (deps.hubspot) {
        const contact = await deps.hubspot.getContact(portalId, contactId, ['email', 'phone', 'mobilephone']);
        email = contact?.properties.email ?? null;
        phone = contact?.properties.phone || contact?.properties.mobilephone || null;
      }
      const subjectHash = await deps.hasher.hash(portalId, { email, phone });
      if (deps.suppression && (email || phone)) await deps.suppression.add(portalId, { email, phone }, ['all'], 'erasure');
      if (deps.hubspot) {
        try {
          hubspotResult = await deps.hubspot.gdprDelete(portalId, contactId);
        } catch (err) {
          if (err instanceof HubSpotApiError) throw new DsrError(`HubSpot refused the GDPR delete (${err.status}); nothing else was erased, retry later`);
          throw err;
        }
      }
      await deps.evidence?.forgetContact(portalId, contactId);
      await deps.forgetQueued?.(portalId, [contactId]);
      await db.query('delete from sequence_blocks where portal_id = $1 and contact_id = $2', [portalId, contactId]);
      await db.query('update dsr_requests set contact_id = null, subject_hash = coalesce(subject_hash, $3) where portal_id = $1 and contact_id = $2', [portalId, contactId, subjectHash]);
      const erased = await ledger.eraseContact(portalId, contactId, {
        actor: input.actor, subjectHash, at: now,
        payload: { requestId: input.requestId ?? null, hubspot: hubspotResult, reason: input.reason ?? 'data subject request', suppressed: email !== null || phone !== null },
        ...(input.requestId ? { idempotencyKey: `dsr:${input.requestId}:erasure` } : {}),
      });
      if (input.requestId) await service.close(portalId, input.requestId, { outcome: 'fulfilled', actor: input.actor, evidence: { erasureSeq: erased.seq } });
      return { hubspot: hubspotResult, erasedLedgerEntries: erased.erasedEntries, subjectHash };
    },

    /** Requests whose deadline is near (7, 2, 0 days) or past and whose reminder for that stage is not sent yet. */
    async dueReminders(now: Date = clock.now()): Promise<(DsrRequest & { stage: number })[]> {
      const horizon = new Date(now.getTime() + 7 * 86_400_000).toISOString();
      const { rows } = await db.query<Row>(`select * from dsr_requests where status in ('open','extended') and due_at <= $1 order by due_at limit 500`, [horizon]);
      return rows.map(toRequest).map((r) => ({ ...r, stage: reminderStage(now, new Date(r.dueAt)) ?? 0 }))
        .filter((r) => r.stage > r.remindersSent);
    },

    async markReminded(portalId: number, id: string, stage: number): Promise<void> {
      await db.query('update dsr_requests set reminders_sent = $3, last_reminder_at = $4 where portal_id = $1 and id = $2', [portalId, id, stage, clock.now().toISOString()]);
    },
  };
  return service;
}

export type DsrService = ReturnType<typeof createDsrService>;

/** One reminder pass (run by a repeatable job): a task for the contact owner per request reaching a stage. */
export async function runDsrReminders(deps: { dsr: DsrService; hubspot?: HubSpotApi | null; ledger: EvidenceLedger; clock?: Clock; ownerOf?: (portalId: number, contactId: string) => Promise<string | null> }): Promise<{ reminded: number; failed: number }> {
  const now = (deps.clock ?? systemClock).now();
  let reminded = 0;
  let failed = 0;
  for (const r of await deps.dsr.dueReminders(now)) {
    try {
      const overdue = new Date(r.dueAt).getTime() < now.getTime();
      if (deps.hubspot && r.contactId) {
        const owner = deps.ownerOf ? await deps.ownerOf(r.portalId, r.contactId) : null;
        await deps.hubspot.createTask(r.portalId, {
          contactId: r.contactId, ownerId: owner, dueAt: new Date(r.dueAt), priority: 'HIGH',
          subject: `${overdue ? 'OVERDUE' : 'Due soon'}: ${r.kind} request (GDPR) / Demande ${r.kind} à traiter`,
          body: `A data subject ${r.kind} request received ${r.receivedAt.slice(0, 10)} must be answered by ${r.dueAt.slice(0, 10)} (GDPR art. 12(3)). Request id ${r.id}.`,
        });
      }
      await deps.ledger.append(r.portalId, {
        kind: 'notice', contactId: r.contactId, subjectHash: r.subjectHash, actor: 'dsr-reminders', at: now,
        payload: { requestId: r.id, dsrReminder: r.stage, dueAt: r.dueAt, overdue }, idempotencyKey: `dsr:${r.id}:reminder:${r.stage}:${r.dueAt}`,
      });
      await deps.dsr.markReminded(r.portalId, r.id, r.stage);
      reminded += 1;
    } catch {
      failed += 1;
    }
  }
  return { reminded, failed };
}
