// Evidence ledger: an append-only, per-portal hash chain of everything the app did or learned that an authority
// may ask to see (consents, objections, blocks, erasures, ...). Each entry's hash covers the previous hash and a
// canonical form of the entry in which the payload and the contact id appear as digests: an erasure can then
// blank the clear payload and contact id of a person's entries (GDPR art. 17) while the chain still verifies and
// keeps a hashed trace. Appends are serialised per portal by a row lock on the chain head.
// The hash is an HMAC under a key from the configuration (never in the database): with write access to the
// database alone, an edited entry cannot be given a valid hash. Removing the tail and moving the head back is
// caught by the signed checkpoints kept outside the database (checkpoints.ts, integrity.ts).
import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from './db.ts';
import { canonicalJson, sha256Hex } from './canonical.ts';

/** HMAC keys by id; the current one hashes new entries, every one verifies (rotation). Same shape as the token key ring. */
export interface LedgerKeyRing {
  currentKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

let processKeys: LedgerKeyRing | null = null;
/**
 * A key that lives as long as this process: for tests and library use without configuration. The app passes
 * the configured key (src/ledger/secrets.ts); a chain written under this one cannot be verified by another process.
 */
export function processLedgerKeys(): LedgerKeyRing {
  processKeys ??= { currentKeyId: 'process', keys: new Map([['process', randomBytes(32)]]) };
  return processKeys;
}

export const LEDGER_KINDS = [
  'consent', 'withdrawal', 'objection', 'verdict_change', 'block', 'notice', 'erasure', 'access_export',
  'dsr_opened', 'dsr_closed', 'suppression_import', 'retention_action', 'settings_change', 'chain_rekeyed',
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
  /** 1: unkeyed sha256 (before migration 250); 2: HMAC-SHA256 under `keyId`. */
  hashVersion: number;
  keyId: string | null;
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
  /** The stored hash of each given entry (absent seqs are left out): to compare with checkpoints. */
  hashesAt(portalId: number, seqs: number[]): Promise<Map<number, string>>;
  /**
   * Rewrites a portal's unkeyed (legacy) chain under the HMAC key after checking it (entries appended since the
   * upgrade, already keyed, are rewritten too), and appends a `chain_rekeyed` entry naming the legacy head.
   * Throws LedgerIntegrityError when the legacy chain does not verify. Callers go through
   * `rekeyUnanchoredChain` (integrity.ts): a chain that has checkpoints was keyed already, and a "legacy" head
   * on it is a downgrade by someone with database access, not a migration.
   */
  rekey(portalId: number): Promise<{ rekeyed: number; legacyHead: { seq: number; hash: string } | null }>;
}

export class LedgerIntegrityError extends Error {
  override name = 'LedgerIntegrityError';
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

/** Version 1 (legacy, unkeyed): sha256(prevHash + "\n" + canonicalJSON({v:1, ...core})). */
export function entryHash(prevHash: string, core: Core): string {
  return sha256Hex(`${prevHash}\n${canonicalJson({ v: 1, ...core })}`);
}

/** Version 2: HMAC-SHA256(key, prevHash + "\n" + canonicalJSON({v:2, keyId, ...core})). */
export function keyedEntryHash(key: Buffer, keyId: string, prevHash: string, core: Core): string {
  return createHmac('sha256', key).update(`${prevHash}\n${canonicalJson({ v: 2, keyId, ...core })}`, 'utf8').digest('hex');
}

interface Row {
  portal_id: unknown; seq: unknown; kind: string; contact_id: string | null; contact_ref: string | null;
  subject_hash: string | null; actor: string; payload: string | null; payload_digest: string; at: unknown;
  idempotency_key: string | null; prev_hash: string; hash: string; erased_by_seq: unknown; hash_version: unknown; key_id: string | null;
}

const COLUMNS = 'portal_id, seq, kind, contact_id, contact_ref, subject_hash, actor, payload, payload_digest, at, idempotency_key, prev_hash, hash, erased_by_seq, hash_version, key_id';

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
    hashVersion: Number(row.hash_version ?? 1),
    keyId: row.key_id ?? null,
  };
}

function validatePortal(portalId: number): void {
  if (!Number.isSafeInteger(portalId) || portalId <= 0) throw new RangeError(`invalid portal id: ${portalId}`);
}

function coreOf(e: LedgerEntry): Core {
  return {
    portalId: e.portalId, seq: e.seq, kind: e.kind, contactRef: e.contactRef, subjectHash: e.subjectHash, actor: e.actor,
    at: e.at, payloadDigest: e.payloadDigest, idempotencyKey: e.idempotencyKey,
  };
}

/**
 * Walks one portal's entries in order and checks every link. `legacy: 'accept'` checks unkeyed entries as the
 * sha256 chain they were (before a rekey); otherwise an unkeyed entry fails: it proves nothing against a
 * database write.
 */
async function walkChain(db: Db, portalId: number, keys: LedgerKeyRing, legacy: 'accept' | 'refuse'): Promise<LedgerVerification> {
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
      if (e.hashVersion === 2) {
        const key = e.keyId === null ? undefined : keys.keys.get(e.keyId);
        if (!key) return fail(`hashed with key "${e.keyId ?? ''}", which is not configured (LEDGER_HMAC_KEY)`);
        if (keyedEntryHash(key, e.keyId as string, prevHash, coreOf(e)) !== e.hash) return fail('entry hash does not match its content (edited)');
      } else if (e.hashVersion === 1) {
        if (entryHash(prevHash, coreOf(e)) !== e.hash) return fail('entry hash does not match its content (edited)');
        if (legacy === 'refuse') return fail('entry is not keyed (written before keyed hashing): run "prospect-guard ledger rekey"');
      } else {
        return fail(`unknown hash version ${e.hashVersion}`);
      }
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
}

export function createEvidenceLedger(db: Db, options: { keys?: LedgerKeyRing } = {}): EvidenceLedger {
  const keys = options.keys ?? processLedgerKeys();
  const currentKey = keys.keys.get(keys.currentKeyId);
  if (!currentKey) throw new Error(`ledger key "${keys.currentKeyId}" is not in the key ring`);

  async function lockHead(tx: Db, portalId: number): Promise<{ seq: number; hash: string; version: number }> {
    await tx.query(
      'insert into evidence_ledger_head (portal_id, seq, hash, hash_version) values ($1, 0, $2, 2) on conflict (portal_id) do nothing',
      [portalId, genesisHash(portalId)],
    );
    const { rows } = await tx.query<{ seq: unknown; hash: string; hash_version: unknown }>(
      'select seq, hash, hash_version from evidence_ledger_head where portal_id = $1 for update', [portalId],
    );
    const head = rows[0];
    if (!head) throw new Error('evidence ledger head missing after insert');
    return { seq: Number(head.seq), hash: head.hash, version: Number(head.hash_version ?? 1) };
  }

  /** Inside a transaction holding the head lock: rewrites the legacy chain under the current key. */
  async function rekeyIn(tx: Db, portalId: number, head: { seq: number; hash: string }): Promise<number> {
    const legacy = await walkChain(tx, portalId, keys, 'accept');
    if (!legacy.ok) throw new LedgerIntegrityError(`legacy chain of portal ${portalId} is broken at entry ${legacy.brokenAtSeq}: ${legacy.reason}`);
    let prevHash = genesisHash(portalId);
    let rekeyed = 0;
    for (let after = 0; ;) {
      const { rows } = await tx.query<Row>(`select ${COLUMNS} from evidence_ledger where portal_id = $1 and seq > $2 order by seq limit 500`, [portalId, after]);
      for (const row of rows) {
        const e = toEntry(row);
        const hash = keyedEntryHash(currentKey as Buffer, keys.currentKeyId, prevHash, coreOf(e));
        await tx.query('update evidence_ledger set prev_hash = $3, hash = $4, hash_version = 2, key_id = $5 where portal_id = $1 and seq = $2',
          [portalId, e.seq, prevHash, hash, keys.currentKeyId]);
        prevHash = hash;
        after = e.seq;
        rekeyed += 1;
      }
      if (rows.length < 500) break;
    }
    await tx.query('update evidence_ledger_head set hash = $2, hash_version = 2 where portal_id = $1', [portalId, prevHash]);
    await insertEntry(tx, portalId, { seq: head.seq, hash: prevHash }, {
      kind: 'chain_rekeyed', actor: 'prospect-guard:ledger', payload: { legacyHeadSeq: head.seq, legacyHeadHash: head.hash, algorithm: 'HMAC-SHA256', keyId: keys.currentKeyId },
    });
    return rekeyed;
  }

  async function insertEntry(tx: Db, portalId: number, head: { seq: number; hash: string }, entry: LedgerAppend): Promise<{ seq: number; hash: string }> {
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
    const hash = keyedEntryHash(currentKey as Buffer, keys.currentKeyId, head.hash, core);
    await tx.query(
      `insert into evidence_ledger (${COLUMNS}) values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,null,2,$14)`,
      [portalId, seq, entry.kind, contactId, contactRef, core.subjectHash, entry.actor, payloadText, payloadDigest, at,
        core.idempotencyKey, head.hash, hash, keys.currentKeyId],
    );
    await tx.query('update evidence_ledger_head set seq = $2, hash = $3 where portal_id = $1', [portalId, seq, hash]);
    return { seq, hash };
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
    return insertEntry(tx, portalId, head, entry);
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

    async hashesAt(portalId, seqs) {
      validatePortal(portalId);
      const out = new Map<number, string>();
      const wanted = [...new Set(seqs.filter((s) => Number.isSafeInteger(s) && s > 0))];
      for (let i = 0; i < wanted.length; i += 500) {
        const chunk = wanted.slice(i, i + 500);
        const marks = chunk.map((_, j) => `$${j + 2}`).join(',');
        const { rows } = await db.query<{ seq: unknown; hash: string }>(`select seq, hash from evidence_ledger where portal_id = $1 and seq in (${marks})`, [portalId, ...chunk]);
        for (const r of rows) out.set(Number(r.seq), r.hash);
      }
      return out;
    },

    async verify(portalId) {
      validatePortal(portalId);
      return walkChain(db, portalId, keys, 'refuse');
    },

    async rekey(portalId) {
      validatePortal(portalId);
      return db.transaction(async (tx) => {
        const head = await lockHead(tx, portalId);
        if (head.version === 2) return { rekeyed: 0, legacyHead: null };
        if (head.seq === 0) {
          await tx.query('update evidence_ledger_head set hash_version = 2 where portal_id = $1', [portalId]);
          return { rekeyed: 0, legacyHead: null };
        }
        const rekeyed = await rekeyIn(tx, portalId, head);
        return { rekeyed, legacyHead: { seq: head.seq, hash: head.hash } };
      });
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
