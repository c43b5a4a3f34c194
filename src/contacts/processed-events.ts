// Dedupe of webhook events. HubSpot may deliver an event twice, and eventId alone is not unique, so the key
// is eventId:subscriptionType:objectId:occurredAt. Keys are kept three days (HubSpot retries for 24 hours).
import type { Db } from '../storage/db.ts';

export interface EventKeyParts {
  eventId: number | string;
  subscriptionType: string;
  objectId: number | string;
  occurredAt: number;
}

export function eventKey(e: EventKeyParts): string {
  return `${e.eventId}:${e.subscriptionType}:${e.objectId}:${e.occurredAt}`;
}

export class ProcessedEvents {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** The keys among `keys` not seen before for this portal. Does not mark them: call `markProcessed` once handled. */
  async unseen(portalId: number, keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const { rows } = await this.#db.query<{ event_key: string }>(
      `select event_key from processed_events where portal_id = $1 and event_key = any($2::text[])`, [portalId, keys]);
    const seen = new Set(rows.map((r) => r.event_key));
    return new Set(keys.filter((k) => !seen.has(k)));
  }

  async markProcessed(portalId: number, keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.#db.query(
      `insert into processed_events (portal_id, event_key) select $1, k from unnest($2::text[]) as k on conflict do nothing`,
      [portalId, [...new Set(keys)]]);
  }

  async purgeOlderThan(cutoff: Date): Promise<number> {
    const r = await this.#db.query(`delete from processed_events where processed_at < $1`, [cutoff.toISOString()]);
    return r.rowCount;
  }
}
