// One webhook delivery, after the receiver stored it: drop duplicates and our own changes, apply deletions and
// merges to our own data, and put the contacts to judge into the portal's pending set. No HubSpot call here:
// the judgement happens in coalesced batches (judge-portal job).
import type { Logger } from 'pino';
import type { ContactEvidenceStore } from '../contacts/evidence-store.ts';
import type { ContactStateStore } from '../contacts/contact-state-store.ts';
import type { ObjectionChannel } from '../engine/types.ts';
import { CHANNELS } from '../engine/types.ts';
import { eventKey, type ProcessedEvents } from '../contacts/processed-events.ts';
import type { SuppressionList } from '../contacts/suppression-list.ts';
import { isOwnChange } from '../hubspot/contact-mapping.ts';
import { eventKind, type QueuedEvent } from './webhook-events.ts';
import type { PendingContacts } from './pending-contacts.ts';

export interface IngestDeps {
  processed: ProcessedEvents;
  states: ContactStateStore;
  evidence: ContactEvidenceStore;
  suppression: SuppressionList;
  pending: PendingContacts;
  appId: number | null;
  isActive(portalId: number): Promise<boolean>;
  /** Called per portal with the number of ids now pending, to schedule the judge job. */
  schedule(portalId: number, pendingCount: number): Promise<void>;
  /** After a deletion or privacy deletion: the queue forgets every job and pending id naming those contacts. */
  forgetQueued?(portalId: number, contactIds: string[]): Promise<void>;
  log: Logger;
}

export interface IngestResult {
  events: number;
  duplicates: number;
  ignored: number;
  ownChanges: number;
  inactivePortal: number;
  queuedForJudgement: number;
  forgotten: number;
  merged: number;
}

export async function ingestWebhookEvents(deps: IngestDeps, events: QueuedEvent[]): Promise<IngestResult> {
  const result: IngestResult = { events: events.length, duplicates: 0, ignored: 0, ownChanges: 0, inactivePortal: 0, queuedForJudgement: 0, forgotten: 0, merged: 0 };
  const byPortal = new Map<number, QueuedEvent[]>();
  for (const e of events) {
    // Cheap filters first, before any database work: events we ignore and echoes of our own writes (named by
    // our app id) need no dedupe. Echoes recognised only by value are caught below, with the stored values.
    if (eventKind(e) === 'ignored') { result.ignored += 1; continue; }
    if (eventKind(e) === 'propertyChange' && isOwnChange(e, { appId: deps.appId, written: null })) { result.ownChanges += 1; continue; }
    const list = byPortal.get(e.portalId);
    if (list) list.push(e);
    else byPortal.set(e.portalId, [e]);
  }

  for (const [portalId, list] of byPortal) {
    const keyed = new Map<string, QueuedEvent>();
    for (const e of list) {
      const k = eventKey(e);
      if (keyed.has(k)) result.duplicates += 1;
      else keyed.set(k, e);
    }
    const unseen = await deps.processed.unseen(portalId, [...keyed.keys()]);
    result.duplicates += keyed.size - unseen.size;
    const fresh = [...unseen].map((k) => keyed.get(k) as QueuedEvent).sort((a, b) => a.occurredAt - b.occurredAt);
    if (fresh.length === 0) continue;
    if (!(await deps.isActive(portalId))) {
      result.inactivePortal += fresh.length;
      await deps.processed.markProcessed(portalId, [...unseen]);
      continue;
    }

    // Values we last wrote, for events about properties we write ourselves (hs_legal_basis).
    const withProperty = fresh.filter((e) => e.propertyName);
    const states = await deps.states.getMany(portalId, [...new Set(withProperty.map((e) => e.objectId))]);

    const toJudge = new Set<string>();
    const erased = new Set<string>();
    for (const e of fresh) {
      switch (eventKind(e)) {
        case 'creation':
        case 'restore':
          toJudge.add(e.objectId);
          break;
        case 'propertyChange':
          if (isOwnChange(e, { appId: deps.appId, written: states.get(e.objectId)?.written ?? null })) result.ownChanges += 1;
          else toJudge.add(e.objectId);
          break;
        case 'merge': {
          const survivor = e.newObjectId ?? e.primaryObjectId ?? e.objectId;
          const absorbed = [...new Set([...(e.mergedObjectIds ?? []), e.primaryObjectId, e.objectId])]
            .filter((x): x is string => x !== undefined && x !== survivor);
          // The person's consents and objections follow them into the surviving record.
          await deps.evidence.moveEvidence(portalId, absorbed, survivor);
          for (const id of absorbed) {
            await deps.evidence.forgetContact(portalId, id);
            toJudge.delete(id);
          }
          toJudge.add(survivor);
          result.merged += 1;
          break;
        }
        case 'deletion':
        case 'privacyDeletion':
          await forgetDeletedContact(deps, portalId, e.objectId);
          toJudge.delete(e.objectId);
          erased.add(e.objectId);
          result.forgotten += 1;
          break;
        case 'ignored':
          result.ignored += 1;
          break;
      }
    }
    if (toJudge.size > 0) {
      const n = await deps.pending.add(portalId, [...toJudge]);
      await deps.states.touchEvents(portalId, [...toJudge], new Date(Math.max(...fresh.map((e) => e.occurredAt))));
      await deps.schedule(portalId, n);
      result.queuedForJudgement += toJudge.size;
    }
    if (erased.size > 0 && deps.forgetQueued) await deps.forgetQueued(portalId, [...erased]);
    // Marked only once their effect is stored: a crash before this line replays them, which is harmless.
    await deps.processed.markProcessed(portalId, [...unseen]);
  }
  return result;
}

/**
 * Deletion or privacy deletion: everything we hold about the contact goes, except that an objection survives as
 * a hashed suppression entry (from the salted hashes kept in contact_state), so the person stays blocked if
 * they come back.
 */
export async function forgetDeletedContact(deps: Pick<IngestDeps, 'states' | 'evidence' | 'suppression'>, portalId: number, contactId: string): Promise<void> {
  const [state, objections] = await Promise.all([
    deps.states.get(portalId, contactId),
    deps.evidence.listObjections(portalId, contactId),
  ]);
  const channels = new Set<ObjectionChannel>(objections.map((o) => o.channel));
  if (state?.verdict) {
    for (const ch of CHANNELS) if (state.verdict.channels[ch]?.blocker === 'objected') channels.add(ch);
  }
  if (channels.size > 0 && state && (state.emailHash || state.phoneHash)) {
    await deps.suppression.addHashes(portalId, { email: state.emailHash, phone: state.phoneHash }, [...channels], 'deleted_contact');
  }
  await deps.evidence.forgetContact(portalId, contactId);
}
