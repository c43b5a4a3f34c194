// Erasure in queued work: no job, inbox row or pending id may still name a contact once it is erased (the card's
// erasure, a data subject request) or deleted in HubSpot (deletion or privacy-deletion event). An erasure scrubs
// at once; a deletion event forgets the contact in the inbox and the pending set at once and notes the id, and
// the periodic sweep scrubs the stored jobs of every noted contact in one pass (a burst of deletions must not
// scan the queue once each).
import type { Logger } from 'pino';
import type { Db } from '../storage/db.ts';
import type { JobDefinition, JobQueue } from '../queue/job.ts';
import { contactIdsOf, type IngestPayload } from './webhook-events.ts';
import type { PendingContacts } from './pending-contacts.ts';

export interface QueuedContactsEraser {
  /** Erasure from the card or a data subject request: every trace in queued work goes now. */
  forgetNow(portalId: number, contactIds: string[]): Promise<void>;
  /** A deletion ingested: inbox and pending set now, the stored jobs at the next `drain`. */
  noteDeleted(portalId: number, contactIds: string[]): Promise<void>;
  /** Scrubs the stored jobs of the contacts noted so far (the periodic sweep calls it). */
  drain(): Promise<void>;
}

// An inbox event (e) of portal $1 naming one of the contacts $2. Every comparison is made two-valued: an absent
// field must not turn "not (...)" into null and drop the event.
const NAMES_ERASED = `((e->>'portalId')::bigint = $1 and (coalesce(e->>'objectId' = any($2::text[]), false)
  or coalesce(e->>'primaryObjectId' = any($2::text[]), false) or coalesce(e->>'newObjectId' = any($2::text[]), false)
  or exists (select 1 from jsonb_array_elements_text(coalesce(e->'mergedObjectIds', '[]'::jsonb)) m where m = any($2::text[]))))`;

export function createQueuedContactsEraser(deps: {
  db: Db;
  queue: JobQueue;
  ingest: JobDefinition<IngestPayload>;
  pending: PendingContacts;
  log: Logger;
}): QueuedContactsEraser {
  const { db, queue, ingest, pending, log } = deps;

  /** Removes the events naming these contacts from every stored ingest job, in one pass over the queue. */
  async function scrubJobs(erased: Map<number, Set<string>>): Promise<number> {
    const names = (e: Parameters<typeof contactIdsOf>[0] & { portalId: number }) => contactIdsOf(e).some((id) => erased.get(e.portalId)?.has(id));
    return queue.rewriteStored(ingest, (p) => {
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

  return {
    async forgetNow(portalId, contactIds) {
      if (contactIds.length === 0) return;
      const jobs = await scrubJobs(new Map([[portalId, new Set(contactIds)]]));
      const rowCount = await forgetStoredEvents(portalId, contactIds);
      if (jobs > 0 || rowCount > 0) log.info({ portalId, contacts: contactIds.length, jobs, inboxRows: rowCount }, 'erased contacts removed from queued work');
    },
    async noteDeleted(portalId, contactIds) {
      if (contactIds.length === 0) return;
      await forgetStoredEvents(portalId, contactIds);
      if (queue.kind !== 'bullmq') return; // in-process jobs carry inbox ids only
      await db.query(
        `insert into queue_erasures (portal_id, contact_id) select $1, x from unnest($2::text[]) as x on conflict do nothing`,
        [portalId, contactIds]);
    },
    async drain() {
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
    },
  };
}
