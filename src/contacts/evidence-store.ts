// Consents and objections recorded by the app (card, preference centre, imports), per portal and contact.
// HubSpot holds no proof of consent; this store does, and the pipeline feeds it to the engine as facts.
import type { Db } from '../storage/db.ts';
import type { Channel, ConsentMethod, ConsentRecord, ObjectionChannel, ObjectionRecord } from '../engine/types.ts';

export interface StoredConsent extends ConsentRecord {
  id: number;
  recordedBy: string | null;
  recordedAt: string;
}

export interface StoredObjection extends ObjectionRecord {
  id: number;
  origin: string;
  recordedAt: string;
}

interface ConsentRow {
  id: number; contact_id: string; channel: string; given_at: Date | string; method: string;
  withdrawn_at: Date | string | null; expires_at: Date | string | null; partners: unknown;
  proof_ref: string | null; recorded_by: string | null; recorded_at: Date | string;
}
interface ObjectionRow {
  id: number; contact_id: string; channel: string; objected_at: Date | string; origin: string; recorded_at: Date | string;
}

export function isoOrNull(v: Date | string | null | undefined): string | null {
  if (v == null) return null;
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function iso(v: Date | string): string {
  return isoOrNull(v) ?? String(v);
}

function parseJsonArray(v: unknown): string[] {
  const arr = typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
  return Array.isArray(arr) ? arr.filter((x): x is string => typeof x === 'string') : [];
}

function toConsent(r: ConsentRow): StoredConsent {
  return {
    id: Number(r.id), channel: r.channel as Channel, givenAt: iso(r.given_at), method: r.method as ConsentMethod,
    withdrawnAt: isoOrNull(r.withdrawn_at), expiresAt: isoOrNull(r.expires_at), partners: parseJsonArray(r.partners),
    proofRef: r.proof_ref, recordedBy: r.recorded_by, recordedAt: iso(r.recorded_at),
  };
}

function toObjection(r: ObjectionRow): StoredObjection {
  return { id: Number(r.id), channel: r.channel as ObjectionChannel, at: iso(r.objected_at), origin: r.origin, recordedAt: iso(r.recorded_at) };
}

function group<T>(rows: (T & { contact_id: string })[], map: (r: T & { contact_id: string }) => unknown): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  for (const r of rows) {
    const list = out.get(r.contact_id) ?? [];
    list.push(map(r));
    out.set(r.contact_id, list);
  }
  return out;
}

export class ContactEvidenceStore {
  readonly #db: Db;
  readonly #now: () => Date;

  /**
   * `now` stamps recorded_at with the app's clock, the clock the judge stamps evaluated_at with: the sweep
   * compares the two, and mixing the database's clock with the app's would let an objection look older than
   * the verdict that never saw it.
   */
  constructor(db: Db, options: { now?: () => Date } = {}) {
    this.#db = db;
    this.#now = options.now ?? (() => new Date());
  }

  async listConsents(portalId: number, contactId: string): Promise<StoredConsent[]> {
    return (await this.listConsentsFor(portalId, [contactId])).get(contactId) ?? [];
  }

  /** Consents of many contacts in one query (the pipeline judges up to 200 at a time). */
  async listConsentsFor(portalId: number, contactIds: string[]): Promise<Map<string, StoredConsent[]>> {
    if (contactIds.length === 0) return new Map();
    const { rows } = await this.#db.query<ConsentRow>(
      `select * from contact_consents where portal_id = $1 and contact_id = any($2::text[]) order by given_at, id`,
      [portalId, contactIds],
    );
    return group(rows, toConsent) as Map<string, StoredConsent[]>;
  }

  async addConsent(portalId: number, contactId: string, consent: ConsentRecord & { recordedBy?: string | null }): Promise<StoredConsent> {
    const { rows } = await this.#db.query<ConsentRow>(
      `insert into contact_consents (portal_id, contact_id, channel, given_at, method, withdrawn_at, expires_at, partners, proof_ref, recorded_by, recorded_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11) returning *`,
      [portalId, contactId, consent.channel, consent.givenAt, consent.method, consent.withdrawnAt ?? null, consent.expiresAt ?? null,
        JSON.stringify(consent.partners ?? []), consent.proofRef ?? null, consent.recordedBy ?? null, this.#now()],
    );
    return toConsent(rows[0] as ConsentRow);
  }

  /** Marks every open consent of the channel withdrawn (the record stays: it is evidence). Returns how many. */
  async withdrawConsent(portalId: number, contactId: string, channel: Channel, at: string): Promise<number> {
    const r = await this.#db.query(
      `update contact_consents set withdrawn_at = $4 where portal_id = $1 and contact_id = $2 and channel = $3 and withdrawn_at is null`,
      [portalId, contactId, channel, at],
    );
    return r.rowCount;
  }

  async listObjections(portalId: number, contactId: string): Promise<StoredObjection[]> {
    return (await this.listObjectionsFor(portalId, [contactId])).get(contactId) ?? [];
  }

  async listObjectionsFor(portalId: number, contactIds: string[]): Promise<Map<string, StoredObjection[]>> {
    if (contactIds.length === 0) return new Map();
    const { rows } = await this.#db.query<ObjectionRow>(
      `select * from contact_objections where portal_id = $1 and contact_id = any($2::text[]) order by objected_at, id`,
      [portalId, contactIds],
    );
    return group(rows, toObjection) as Map<string, StoredObjection[]>;
  }

  async addObjection(portalId: number, contactId: string, objection: ObjectionRecord & { origin?: string }): Promise<StoredObjection> {
    const { rows } = await this.#db.query<ObjectionRow>(
      `insert into contact_objections (portal_id, contact_id, channel, objected_at, origin, recorded_at) values ($1, $2, $3, $4, $5, $6) returning *`,
      [portalId, contactId, objection.channel, objection.at, objection.origin ?? 'card', this.#now()],
    );
    return toObjection(rows[0] as ObjectionRow);
  }

  /**
   * After a merge, the evidence of the absorbed records belongs to the surviving one: a consent or objection
   * given by the person must not vanish because two records were merged.
   */
  async moveEvidence(portalId: number, fromContactIds: string[], toContactId: string): Promise<void> {
    if (fromContactIds.length === 0) return;
    await this.#db.transaction(async (tx) => {
      for (const table of ['contact_consents', 'contact_objections']) {
        await tx.query(`update ${table} set contact_id = $3 where portal_id = $1 and contact_id = any($2::text[])`, [portalId, fromContactIds, toContactId]);
      }
    });
  }

  /**
   * Deletion and privacy deletion: removes everything the app holds about the contact (evidence, pipeline state,
   * pending work, sequence detections). The hashed suppression entry stays: it is what keeps an objection alive.
   */
  async forgetContact(portalId: number, contactId: string): Promise<void> {
    await this.#db.transaction(async (tx) => {
      for (const table of ['contact_consents', 'contact_objections', 'contact_state', 'pending_contacts', 'sequence_detections']) {
        await tx.query(`delete from ${table} where portal_id = $1 and contact_id = $2`, [portalId, contactId]);
      }
    });
  }
}
