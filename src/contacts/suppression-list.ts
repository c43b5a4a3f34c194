// The suppression list: salted hashes of normalised email addresses and phone numbers with the channels they
// block. No address or number is ever stored in clear; a per-portal salt keeps two portals' hashes unjoinable.
import { createHmac, randomBytes } from 'node:crypto';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { Db } from '../storage/db.ts';
import type { ObjectionChannel } from '../engine/types.ts';

export interface Identifiers {
  email?: string | null;
  phone?: string | null;
}

export interface IdentifierHashes {
  email: string | null;
  phone: string | null;
}

export function normaliseEmail(email: string | null | undefined): string | null {
  const e = email?.trim().toLowerCase();
  return e && e.includes('@') ? e : null;
}

/** E.164 when the number parses, else its digits (still a stable key for the same input). */
export function normalisePhoneForMatch(phone: string | null | undefined, defaultCountry = 'FR'): string | null {
  const raw = phone?.trim();
  if (!raw) return null;
  const parsed = parsePhoneNumberFromString(raw, defaultCountry as CountryCode);
  if (parsed?.isValid()) return parsed.number;
  const digits = raw.replace(/\D/g, '');
  return digits.length >= 6 ? digits : null;
}

function parseChannels(v: unknown): ObjectionChannel[] {
  const arr = typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
  return Array.isArray(arr) ? (arr.filter((x) => typeof x === 'string') as ObjectionChannel[]) : [];
}

export class SuppressionList {
  readonly #db: Db;
  readonly #salts = new Map<number, string>();

  constructor(db: Db) {
    this.#db = db;
  }

  async #salt(portalId: number): Promise<string> {
    const cached = this.#salts.get(portalId);
    if (cached) return cached;
    await this.#db.query(
      `insert into suppression_salts (portal_id, salt) values ($1, $2) on conflict (portal_id) do nothing`,
      [portalId, randomBytes(32).toString('base64')],
    );
    const { rows } = await this.#db.query<{ salt: string }>(`select salt from suppression_salts where portal_id = $1`, [portalId]);
    const salt = rows[0]?.salt;
    if (!salt) throw new Error(`no suppression salt for portal ${portalId}`);
    this.#salts.set(portalId, salt);
    return salt;
  }

  /** Salted hashes of the identifiers (null where absent or not normalisable). */
  async hash(portalId: number, ids: Identifiers, defaultCountry = 'FR'): Promise<IdentifierHashes> {
    const salt = await this.#salt(portalId);
    const h = (kind: string, value: string | null) =>
      value === null ? null : createHmac('sha256', salt).update(`${kind}:${value}`).digest('base64url');
    return { email: h('email', normaliseEmail(ids.email)), phone: h('phone', normalisePhoneForMatch(ids.phone, defaultCountry)) };
  }

  /** Hash of an already normalised value (lower-cased email, E.164 phone), e.g. the engine's verdict.phone.e164. */
  async hashNormalised(portalId: number, kind: 'email' | 'phone', value: string | null): Promise<string | null> {
    if (value === null) return null;
    const salt = await this.#salt(portalId);
    return createHmac('sha256', salt).update(`${kind}:${value}`).digest('base64url');
  }

  /** Whether the portal has any entry of this kind (a judgement batch skips phone parsing when it has none). */
  async hasEntries(portalId: number, kind: 'email' | 'phone'): Promise<boolean> {
    const { rows } = await this.#db.query(`select 1 from suppression_entries where portal_id = $1 and kind = $2 limit 1`, [portalId, kind]);
    return rows.length > 0;
  }

  /** Adds (or widens) entries for the identifiers given. Returns the hashes stored. */
  async add(portalId: number, ids: Identifiers, channels: ObjectionChannel[], origin = 'objection'): Promise<IdentifierHashes> {
    const hashes = await this.hash(portalId, ids);
    await this.addHashes(portalId, hashes, channels, origin);
    return hashes;
  }

  /** Adds entries from hashes already computed (a deleted contact's stored hashes). */
  async addHashes(portalId: number, hashes: IdentifierHashes, channels: ObjectionChannel[], origin = 'objection'): Promise<void> {
    for (const kind of ['email', 'phone'] as const) {
      const hash = hashes[kind];
      if (hash === null) continue;
      const { rows } = await this.#db.query<{ channels: unknown }>(
        `select channels from suppression_entries where portal_id = $1 and kind = $2 and hash = $3`, [portalId, kind, hash]);
      const merged = [...new Set([...parseChannels(rows[0]?.channels ?? '[]'), ...channels])].sort();
      await this.#db.query(
        `insert into suppression_entries (portal_id, kind, hash, channels, origin) values ($1, $2, $3, $4::jsonb, $5)
         on conflict (portal_id, kind, hash) do update set channels = excluded.channels, updated_at = now()`,
        [portalId, kind, hash, JSON.stringify(merged), origin],
      );
    }
  }

  /** Channels blocked for these identifiers (union over the email and phone entries); empty when none. */
  async match(portalId: number, ids: Identifiers): Promise<ObjectionChannel[]> {
    const hashes = await this.hash(portalId, ids);
    return this.matchHashes(portalId, hashes);
  }

  async matchHashes(portalId: number, hashes: IdentifierHashes): Promise<ObjectionChannel[]> {
    const keys = [hashes.email, hashes.phone].filter((h): h is string => h !== null);
    if (keys.length === 0) return [];
    const { rows } = await this.#db.query<{ kind: string; hash: string; channels: unknown }>(
      `select kind, hash, channels from suppression_entries where portal_id = $1 and hash = any($2::text[])`, [portalId, keys]);
    const out = new Set<ObjectionChannel>();
    for (const r of rows) {
      if ((r.kind === 'email' && r.hash === hashes.email) || (r.kind === 'phone' && r.hash === hashes.phone)) {
        for (const c of parseChannels(r.channels)) out.add(c);
      }
    }
    return [...out].sort();
  }

  /** Matches for many contacts in one query: contact id -> blocked channels. */
  async matchMany(portalId: number, byContact: Map<string, IdentifierHashes>): Promise<Map<string, ObjectionChannel[]>> {
    const keys = [...byContact.values()].flatMap((h) => [h.email, h.phone]).filter((h): h is string => h !== null);
    const result = new Map<string, ObjectionChannel[]>();
    if (keys.length === 0) return result;
    const { rows } = await this.#db.query<{ kind: string; hash: string; channels: unknown }>(
      `select kind, hash, channels from suppression_entries where portal_id = $1 and hash = any($2::text[])`, [portalId, keys]);
    if (rows.length === 0) return result;
    const entries = new Map(rows.map((r) => [`${r.kind}:${r.hash}`, parseChannels(r.channels)]));
    for (const [contactId, h] of byContact) {
      const channels = new Set<ObjectionChannel>([
        ...(h.email ? entries.get(`email:${h.email}`) ?? [] : []),
        ...(h.phone ? entries.get(`phone:${h.phone}`) ?? [] : []),
      ]);
      if (channels.size > 0) result.set(contactId, [...channels].sort());
    }
    return result;
  }
}
