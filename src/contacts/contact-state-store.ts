// Per-contact pipeline state: the last verdict, the HubSpot property values we last wrote (so we write only what
// changed and recognise webhooks caused by our own writes), salted identifier hashes, last event time.
import type { Db } from '../storage/db.ts';
import type { Verdict } from '../engine/types.ts';
import { isoOrNull } from './evidence-store.ts';

export interface ContactState {
  contactId: string;
  status: string | null;
  blockers: string | null;
  verdict: Verdict | null;
  written: Record<string, string>;
  emailHash: string | null;
  phoneHash: string | null;
  evaluatedAt: string | null;
  writtenAt: string | null;
  lastEventAt: string | null;
  sequenceEnrolled: boolean;
}

export interface ContactStateUpdate {
  contactId: string;
  verdict: Verdict;
  /** Properties written in this round (merged into `written`), or {} when nothing changed. */
  written: Record<string, string>;
  emailHash: string | null;
  phoneHash: string | null;
  sequenceEnrolled: boolean;
}

interface Row {
  contact_id: string; status: string | null; blockers: string | null; verdict: unknown; written: unknown;
  email_hash: string | null; phone_hash: string | null; evaluated_at: Date | string | null; written_at: Date | string | null;
  last_event_at: Date | string | null; sequence_enrolled: boolean;
}

function json<T>(v: unknown, fallback: T): T {
  if (v == null) return fallback;
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

function toState(r: Row): ContactState {
  return {
    contactId: r.contact_id, status: r.status, blockers: r.blockers, verdict: json<Verdict | null>(r.verdict, null),
    written: json<Record<string, string>>(r.written, {}), emailHash: r.email_hash, phoneHash: r.phone_hash,
    evaluatedAt: isoOrNull(r.evaluated_at), writtenAt: isoOrNull(r.written_at), lastEventAt: isoOrNull(r.last_event_at),
    sequenceEnrolled: r.sequence_enrolled,
  };
}

export class ContactStateStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async get(portalId: number, contactId: string): Promise<ContactState | null> {
    return (await this.getMany(portalId, [contactId])).get(contactId) ?? null;
  }

  async getMany(portalId: number, contactIds: string[]): Promise<Map<string, ContactState>> {
    if (contactIds.length === 0) return new Map();
    const { rows } = await this.#db.query<Row>(
      `select * from contact_state where portal_id = $1 and contact_id = any($2::text[])`, [portalId, contactIds]);
    return new Map(rows.map((r) => [r.contact_id, toState(r)]));
  }

  /** Records a round of judgements in one statement. */
  async saveMany(portalId: number, updates: ContactStateUpdate[], at: Date): Promise<void> {
    if (updates.length === 0) return;
    const payload = updates.map((u) => ({
      contact_id: u.contactId,
      status: u.verdict.status,
      blockers: blockersOf(u.verdict),
      verdict: compactVerdict(u.verdict),
      written: u.written,
      wrote: Object.keys(u.written).length > 0,
      email_hash: u.emailHash,
      phone_hash: u.phoneHash,
      sequence_enrolled: u.sequenceEnrolled,
    }));
    await this.#db.query(
      `insert into contact_state (portal_id, contact_id, status, blockers, verdict, written, email_hash, phone_hash, evaluated_at, written_at, sequence_enrolled)
       select $1, x.contact_id, x.status, x.blockers, x.verdict, x.written, x.email_hash, x.phone_hash, $2::timestamptz,
              case when x.wrote then $2::timestamptz else null end, x.sequence_enrolled
       from jsonb_to_recordset($3::jsonb) as x(contact_id text, status text, blockers text, verdict jsonb, written jsonb,
            wrote boolean, email_hash text, phone_hash text, sequence_enrolled boolean)
       on conflict (portal_id, contact_id) do update set
         status = excluded.status, blockers = excluded.blockers, verdict = excluded.verdict,
         written = contact_state.written || excluded.written, email_hash = excluded.email_hash, phone_hash = excluded.phone_hash,
         evaluated_at = excluded.evaluated_at, written_at = coalesce(excluded.written_at, contact_state.written_at),
         sequence_enrolled = excluded.sequence_enrolled`,
      [portalId, at.toISOString(), JSON.stringify(payload)],
    );
  }

  async touchEvents(portalId: number, contactIds: string[], at: Date): Promise<void> {
    if (contactIds.length === 0) return;
    await this.#db.query(
      `update contact_state set last_event_at = greatest(coalesce(last_event_at, $3::timestamptz), $3::timestamptz)
       where portal_id = $1 and contact_id = any($2::text[])`, [portalId, contactIds, at.toISOString()]);
  }

  /**
   * Counts per status for one portal (settings page, demo summary), from the counters the triggers of migration
   * 240 keep with every write of contact_state: a few rows read, whatever the portal's size.
   */
  async statusCounts(portalId: number): Promise<Record<string, number>> {
    return this.#counts(portalId, 'status');
  }

  /** Contacts per blocker (a contact counts once under each distinct blocker it has). */
  async blockerCounts(portalId: number): Promise<Record<string, number>> {
    return this.#counts(portalId, 'blocker');
  }

  async #counts(portalId: number, metric: 'status' | 'blocker'): Promise<Record<string, number>> {
    const { rows } = await this.#db.query<{ key: string; n: number | string }>(
      'select key, n from dashboard_counts where portal_id = $1 and metric = $2 and n > 0', [portalId, metric]);
    return Object.fromEntries(rows.map((r) => [r.key, Number(r.n)]));
  }
}

/**
 * What we keep of a verdict: the decision per channel, status, source, retention and versions, without the
 * reason texts (they are rebuilt on demand by the engine, and would multiply the row size by ten).
 */
export function compactVerdict(v: Verdict): Verdict {
  const channels = Object.fromEntries(Object.entries(v.channels).map(([ch, c]) => [ch, {
    allowed: c.allowed, ...(c.basis ? { basis: c.basis } : {}), ...(c.blocker ? { blocker: c.blocker } : {}),
    ...(c.until ? { until: c.until } : {}),
    reasons: c.reasons.map((r) => ({ rule: r.rule, text: '', textFr: '', citation: '' })),
  }])) as Verdict['channels'];
  return {
    id: v.id, audience: v.audience, audienceSignal: v.audienceSignal, jurisdiction: v.jurisdiction, rulePack: v.rulePack,
    rulesVersion: v.rulesVersion, evaluatedAt: v.evaluatedAt, status: v.status, channels, source: v.source, retention: v.retention,
    warnings: v.warnings ?? [],
    reasons: v.reasons.map((r) => ({ rule: r.rule, text: '', textFr: '', citation: '' })),
  };
}

/** The distinct blocker ids of a verdict, sorted, comma-separated (what pg_blockers holds). */
export function blockersOf(verdict: Verdict): string {
  const set = new Set<string>();
  for (const ch of Object.values(verdict.channels)) if (ch.blocker) set.add(ch.blocker);
  return [...set].sort().join(',');
}
