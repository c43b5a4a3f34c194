// Evidence ledger: an append-only, per-portal hash chain of everything the app did or learned that an authority
// may ask to see (consents, objections, blocks, erasures, ...). Each entry's hash covers the previous hash and a
// canonical form of the entry in which the payload and the contact id appear as digests: an erasure can then
// blank the clear payload and contact id of a person's entries (GDPR art. 17) while the chain still verifies and
// keeps a hashed trace. Appends are serialised per portal by a row lock on the chain head.
import type { Db } from './db.ts';
import { canonicalJson, sha256Hex } from './canonical.ts';

export const LEDGER_KINDS = [
  'consent', 'withdrawal', 'objection', 'verdict_change', 'block', 'notice', 'erasure', 'access_export',
  'dsr_opened', 'dsr_closed', 'suppression_import', 'retention_action', 'settings_change',
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export interface LedgerAppend {
  kind: LedgerKind;
  contactId?: string | null;
  subjectHash?: string | null;
  actor: string;
  payload: Record<string, unknown>;
  at?: Date;
  idempotencyKey?: string;
}

export interface LedgerEntry {
  portalId: number;
  seq: number;
  kind: LedgerKind;
  /** null once erased (or for portal-level entries); `contactRef` stays. */
  contactId: string | null;
  /** sha256 of the portal and contact id: the hashed trace that survives an erasure. */
  contactRef: string | null;
  subjectHash: string | null;
  actor: string;
  /** null once erased; `payloadDigest` stays. */
  payload: Record<string, unknown> | null;
  payloadDigest: string;
  at: string;
  idempotencyKey: string | null;
  prevHash: string;
  hash: string;
  erasedBySeq: number | null;
}

export type LedgerVerification =
  | { ok: true; entries: number; headHash: string }
  | { ok: false; brokenAtSeq: number; reason: string };

export interface EvidenceLedger {
  append(portalId: number, entry: LedgerAppend): Promise<{ seq: number; hash: string }>;
  list(portalId: number, filter?: { contactId?: string; kinds?: LedgerKind[]; limit?: number; afterSeq?: number }): Promise<LedgerEntry[]>;
  verify(portalId: number): Promise<LedgerVerification>;
  /**
   * Appends an `erasure` entry for the contact and blanks the clear payload and contact id of its earlier
   * entries, which keep their digests, contact reference and place in the chain.
   */
  eraseContact(portalId: number, contactId: string, entry: Omit<LedgerAppend, 'kind' | 'contactId'>): Promise<{ seq: number; hash: string; erasedEntries: number }>;
  /** Current chain tip, to anchor outside the database (exports print it). */
  head(portalId: number): Promise<{ seq: number; hash: string }>;
}

export class LedgerPayloadError extends Error {
  override name = 'LedgerPayloadError';
}

const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
const CLEAR_KEYS = new Set(['email', 'phone', 'mobilephone', 'emailaddress', 'phonenumber']);

/**
 * The forms a text may take once read back: as stored, percent-decoded (URL paths and query strings, decoded
 * repeatedly for double encoding) and with HTML character references for "@" and "." resolved.
 */
export function decodedForms(text: string): string[] {
  const forms = [text];
  let current = text;
  for (let i = 0; i < 3 && /%[0-9a-f]{2}/i.test(current); i += 1) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      // A malformed sequence elsewhere must not hide a well-formed %40: decode each escape on its own.
      next = current.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    }
    if (next === current) break;
    forms.push(next);
    current = next;
  }
  const entities = current.replace(/&#0*64;|&#x0*40;|&commat;/gi, '@').replace(/&#0*46;|&#x0*2e;|&period;/gi, '.');
  if (entities !== current) forms.push(entities);
  return forms;
}

/** Rejects payloads carrying an email address or a phone number in clear (hash them first), encoded or not. */
export function assertNoClearContactData(value: unknown, path = 'payload'): void {
  if (typeof value === 'string') {
    if (decodedForms(value).some((form) => EMAIL_IN_TEXT.test(form))) {
      throw new LedgerPayloadError(`${path}: looks like an email address in clear; store a hash`);
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertNoClearContactData(v, `${path}[${i}]`));
    return;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const [k, v] of Object.entries(value)) {
      if (CLEAR_KEYS.has(k.toLowerCase()) && typeof v === 'string' && v !== '') {
        throw new LedgerPayloadError(`${path}.${k}: clear contact data is not allowed in the ledger; store a hash`);
      }
      assertNoClearContactData(v, `${path}.${k}`);
    }
  }
}

export function genesisHash(portalId: number): string {
  return sha256Hex(`prospect-guard/evidence-ledger/v1/genesis/${portalId}`);
}

export function contactRefFor(portalId: number, contactId: string): string {
  return sha256Hex(`prospect-guard/contact/${portalId}/${contactId}`);
}

interface Core {
  portalId: number; seq: number; kind: string; contactRef: string | null; subjectHash: string | null;
  actor: string; at: string; payloadDigest: string; idempotencyKey: string | null;
}

export function entryHash(prevHash: string, core: Core): string {
  return sha256Hex(`${prevHash}\n${canonicalJson({ v: 1, ...core })}`);
}

interface Row {
  portal_id: unknown; seq: unknown; kind: string; contact_id: string | null; contact_ref: string | null;
  subject_hash: string | null; actor: string; payload: string | null; payload_digest: string; at: unknown;
  idempotency_key: string | null; prev_hash: string; hash: string; erased_by_seq: unknown;
}

const COLUMNS = 'portal_id, seq, kind, contact_id, contact_ref, subject_hash, actor, payload, payload_digest, at, idempotency_key, prev_hash, hash, erased_by_seq';

function toIso(value: unknown): string {
  const d = value instanceof Date ? value : new Date(String(value));
  return d.toISOString();
}

function toEntry(row: Row): LedgerEntry {
  return {
    portalId: Number(row.portal_id),
    seq: Number(row.seq),
    kind: row.kind as LedgerKind,
    contactId: row.contact_id,
    contactRef: row.contact_ref,
    subjectHash: row.subject_hash,
    actor: row.actor,
    payload: row.payload === null ? null : (JSON.parse(row.payload) as Record<string, unknown>),
    payloadDigest: row.payload_digest,
    at: toIso(row.at),
    idempotencyKey: row.idempotency_key,
    prevHash: row.prev_hash,
    hash: row.hash,
    erasedBySeq: row.erased_by_seq === null || row.erased_by_seq === undefined ? null : Number(row.erased_by_seq),
  };
}

function validatePortal(portalId: number): void {
  if (!Number.isSafeInteger(portalId) || portalId <= 0) throw new RangeError(`invalid portal id: ${portalId}`);
}

export function createEvidenceLedger(db: Db): EvidenceLedger {
  async function lockHead(tx: Db, portalId: number): Promise<{ seq: number; hash: string }> {
    await tx.query(
      'insert into evidence_ledger_head (portal_id, seq, hash) values ($1, 0, $2) on conflict (portal_id) do nothing',
      [portalId, genesisHash(portalId)],
    );
    const { rows } = await tx.query<{ seq: unknown; hash: string }>(
      'select seq, hash from evidence_ledger_head where portal_id = $1 for update', [portalId],
    );
    const head = rows[0];
    if (!head) throw new Error('evidence ledger head missing after insert');
    return { seq: Number(head.seq), hash: head.hash };
  }

  async function appendIn(tx: Db, portalId: number, entry: LedgerAppend): Promise<{ seq: number; hash: string }> {
    if (!(LEDGER_KINDS as readonly string[]).includes(entry.kind)) throw new LedgerPayloadError(`unknown ledger kind: ${String(entry.kind)}`);
    if (!entry.actor) throw new LedgerPayloadError('actor is required');
    if (entry.payload === null || typeof entry.payload !== 'object' || Array.isArray(entry.payload)) {
      throw new LedgerPayloadError('payload must be an object');
    }
    assertNoClearContactData(entry.payload);
    const head = await lockHead(tx, portalId);
    if (entry.idempotencyKey) {
      const existing = await tx.query<{ seq: unknown; hash: string }>(
        'select seq, hash from evidence_ledger where portal_id = $1 and idempotency_key = $2', [portalId, entry.idempotencyKey],
      );
      const found = existing.rows[0];
      if (found) return { seq: Number(found.seq), hash: found.hash };
    }
    const seq = head.seq + 1;
    const at = (entry.at ?? new Date()).toISOString();
    const payloadText = canonicalJson(entry.payload);
    const payloadDigest = sha256Hex(payloadText);
    const contactId = entry.contactId ?? null;
    const contactRef = contactId === null ? null : contactRefFor(portalId, contactId);
    const core: Core = {
      portalId, seq, kind: entry.kind, contactRef, subjectHash: entry.subjectHash ?? null, actor: entry.actor, at,
      payloadDigest, idempotencyKey: entry.idempotencyKey ?? null,
    };
    const hash = entryHash(head.hash, core);
    await tx.query(
      `insert into evidence_ledger (${COLUMNS}) values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,null)`,
      [portalId, seq, entry.kind, contactId, contactRef, core.subjectHash, entry.actor, payloadText, payloadDigest, at,
        core.idempotencyKey, head.hash, hash],
    );
    await tx.query('update evidence_ledger_head set seq = $2, hash = $3 where portal_id = $1', [portalId, seq, hash]);
    return { seq, hash };
  }

  return {
    async append(portalId, entry) {
      validatePortal(portalId);
      return db.transaction((tx) => appendIn(tx, portalId, entry));
    },

    async list(portalId, filter = {}) {
      validatePortal(portalId);
      const params: unknown[] = [portalId];
      let where = 'portal_id = $1';
      if (filter.contactId !== undefined) {
        params.push(contactRefFor(portalId, filter.contactId));
        where += ` and contact_ref = $${params.length}`;
      }
      if (filter.kinds && filter.kinds.length > 0) {
        const marks = filter.kinds.map((k) => { params.push(k); return `$${params.length}`; });
        where += ` and kind in (${marks.join(',')})`;
      }
      if (filter.afterSeq !== undefined) {
        params.push(filter.afterSeq);
        where += ` and seq > $${params.length}`;
      }
      let limit = '';
      if (filter.limit !== undefined) {
        params.push(filter.limit);
        limit = ` limit $${params.length}`;
      }
      const { rows } = await db.query<Row>(`select ${COLUMNS} from evidence_ledger where ${where} order by seq${limit}`, params);
      return rows.map(toEntry);
    },

    async head(portalId) {
      validatePortal(portalId);
      const { rows } = await db.query<{ seq: unknown; hash: string }>('select seq, hash from evidence_ledger_head where portal_id = $1', [portalId]);
      const row = rows[0];
      return row ? { seq: Number(row.seq), hash: row.hash } : { seq: 0, hash: genesisHash(portalId) };
    },

    async verify(portalId) {
      validatePortal(portalId);
      let prevHash = genesisHash(portalId);
      let expectedSeq = 1;
      const erasures = new Map<number, string | null>();
      const pendingErased: { seq: number; by: number; contactRef: string | null }[] = [];
      const pageSize = 1000;
      for (;;) {
        const { rows } = await db.query<Row>(
          `select ${COLUMNS} from evidence_ledger where portal_id = $1 and seq >= $2 order by seq limit $3`,
          [portalId, expectedSeq, pageSize],
        );
        for (const row of rows) {
          const e = toEntry(row);
          const fail = (reason: string): LedgerVerification => ({ ok: false, brokenAtSeq: e.seq, reason });
          if (e.seq !== expectedSeq) return { ok: false, brokenAtSeq: expectedSeq, reason: `entry ${expectedSeq} is missing` };
          if (e.prevHash !== prevHash) return fail('previous-hash link does not match the preceding entry');
          if (!(LEDGER_KINDS as readonly string[]).includes(e.kind)) return fail(`unknown kind ${e.kind}`);
          if (row.payload !== null) {
            if (sha256Hex(row.payload) !== e.payloadDigest) return fail('payload does not match its digest (edited)');
          } else if (e.erasedBySeq === null) {
            return fail('payload removed without an erasure entry');
          } else {
            pendingErased.push({ seq: e.seq, by: e.erasedBySeq, contactRef: e.contactRef });
          }
          if (e.contactId !== null) {
            if (e.contactRef !== contactRefFor(portalId, e.contactId)) return fail('contact id does not match its reference (edited)');
          }
          const core: Core = {
            portalId, seq: e.seq, kind: e.kind, contactRef: e.contactRef, subjectHash: e.subjectHash, actor: e.actor,
            at: e.at, payloadDigest: e.payloadDigest, idempotencyKey: e.idempotencyKey,
          };
          if (entryHash(prevHash, core) !== e.hash) return fail('entry hash does not match its content (edited)');
          if (e.kind === 'erasure') erasures.set(e.seq, e.contactRef);
          prevHash = e.hash;
          expectedSeq += 1;
        }
        if (rows.length < pageSize) break;
      }
      for (const p of pendingErased) {
        if (!(p.by > p.seq) || !erasures.has(p.by) || erasures.get(p.by) !== p.contactRef) {
          return { ok: false, brokenAtSeq: p.seq, reason: 'payload removed without a matching erasure entry' };
        }
      }
      const count = expectedSeq - 1;
      const { rows: heads } = await db.query<{ seq: unknown; hash: string }>('select seq, hash from evidence_ledger_head where portal_id = $1', [portalId]);
      const head = heads[0];
      if (!head) {
        if (count === 0) return { ok: true, entries: 0, headHash: prevHash };
        return { ok: false, brokenAtSeq: 1, reason: 'chain head is missing' };
      }
      if (Number(head.seq) !== count || head.hash !== prevHash) {
        return { ok: false, brokenAtSeq: Math.min(Number(head.seq), count) + 1, reason: `chain head says ${String(head.seq)} entries, found ${count} (entries removed at the end)` };
      }
      return { ok: true, entries: count, headHash: prevHash };
    },

    async eraseContact(portalId, contactId, entry) {
      validatePortal(portalId);
      return db.transaction(async (tx) => {
        const result = await appendIn(tx, portalId, { ...entry, kind: 'erasure', contactId });
        const ref = contactRefFor(portalId, contactId);
        const updated = await tx.query(
          `update evidence_ledger set payload = null, contact_id = null, erased_by_seq = $3
           where portal_id = $1 and contact_ref = $2 and seq < $3 and payload is not null`,
          [portalId, ref, result.seq],
        );
        // The erasure entry itself keeps only hashes: blank its clear contact id too.
        await tx.query('update evidence_ledger set contact_id = null where portal_id = $1 and seq = $2', [portalId, result.seq]);
        return { ...result, erasedEntries: updated.rowCount };
      });
    },
  };
}
