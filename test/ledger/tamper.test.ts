// Issue 14.6: with write access to the database one could turn an objection into a consent, recompute the hashes
// and the head, and `ledger verify` said intact; cutting the tail and moving the head back also passed.
import { mkdtemp, rm, appendFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/db.ts';
import { describeWithServices } from '../support/services.ts';
import { canonicalJson, sha256Hex } from '../../src/ledger/canonical.ts';
import {
  contactRefFor, entryHash, genesisHash, keyedEntryHash, LedgerIntegrityError, type LedgerKeyRing,
} from '../../src/ledger/ledger.ts';
import { ledgerWithAnchor, runLedgerCommand } from '../../src/ledger/verify-command.ts';
import { rekeyUnanchoredChain, verifyPortalEvidence } from '../../src/ledger/integrity.ts';
import { exportLedger } from '../../src/ledger/export.ts';
import { resolveLedgerSecrets, type LedgerSecrets } from '../../src/ledger/secrets.ts';
import { loadConfig } from '../../src/config/config.ts';
import { ConfigError } from '../../src/config/config.ts';

const ring = (kid = 'k1'): LedgerKeyRing => ({ currentKeyId: kid, keys: new Map([[kid, randomBytes(32)]]) });

interface Row { seq: number; kind: string; contact_ref: string | null; subject_hash: string | null; actor: string; at: unknown; payload: string | null; payload_digest: string; idempotency_key: string | null }

/**
 * What an attacker with write access to the database does: edit entries, then recompute every digest, hash and
 * the head. `key` null: the published unkeyed algorithm (version 1); otherwise HMAC under the key they have.
 */
async function forge(db: TestDb, portalId: number, edit: (r: Row) => Row, key: { id: string; key: Buffer } | null): Promise<void> {
  const { rows } = await db.query<Row>('select seq, kind, contact_ref, subject_hash, actor, at, payload, payload_digest, idempotency_key from evidence_ledger where portal_id = $1 order by seq', [portalId]);
  let prev = genesisHash(portalId);
  for (const raw of rows) {
    const r = edit({ ...raw, seq: Number(raw.seq) });
    const digest = r.payload === null ? r.payload_digest : sha256Hex(r.payload);
    const core = {
      portalId, seq: r.seq, kind: r.kind, contactRef: r.contact_ref, subjectHash: r.subject_hash, actor: r.actor,
      at: new Date(String(r.at instanceof Date ? r.at.toISOString() : r.at)).toISOString(), payloadDigest: digest, idempotencyKey: r.idempotency_key,
    };
    const hash = key ? keyedEntryHash(key.key, key.id, prev, core) : entryHash(prev, core);
    await db.query('update evidence_ledger set kind = $3, payload = $4, payload_digest = $5, prev_hash = $6, hash = $7, hash_version = $8, key_id = $9 where portal_id = $1 and seq = $2',
      [portalId, r.seq, r.kind, r.payload, digest, prev, hash, key ? 2 : 1, key?.id ?? null]);
    prev = hash;
  }
  await db.query('update evidence_ledger_head set hash = $2, hash_version = $3 where portal_id = $1', [portalId, prev, key ? 2 : 1]);
}

const objectionToConsent = (r: Row): Row => (r.kind === 'objection'
  ? { ...r, kind: 'consent', payload: canonicalJson({ channel: 'email', method: 'web_form', origin: 'card' }) } : r);

function suite(kind: 'postgres' | 'pglite'): void {
  let db: TestDb;
  let dir: string;
  let secrets: LedgerSecrets;
  const at = (m: number) => new Date(Date.UTC(2026, 10, 20, 9, m));
  beforeAll(async () => {
    db = await createTestDb(kind);
    dir = await mkdtemp(path.join(os.tmpdir(), 'pg-ledger-'));
    secrets = { hmacKeys: ring('h1'), signingKeys: ring('s1'), checkpointPath: path.join(dir, 'checkpoints.jsonl') };
  });
  afterAll(async () => {
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  async function seed(portalId: number, n = 4): Promise<void> {
    const { ledger } = ledgerWithAnchor(db, secrets);
    await ledger.append(portalId, { kind: 'consent', contactId: '7', actor: 'user:1', at: at(0), payload: { channel: 'sms', method: 'web_form' } });
    await ledger.append(portalId, { kind: 'objection', contactId: '7', actor: 'preference-centre', at: at(1), payload: { channels: ['email'], origin: 'preference_centre' } });
    for (let i = 2; i < n; i += 1) await ledger.append(portalId, { kind: 'notice', contactId: '8', actor: 's', at: at(i), payload: { i } });
  }

  it('an objection turned into a consent, with every hash and the head recomputed, is detected', async () => {
    const P = 61;
    await seed(P);
    const { ledger, anchor } = ledgerWithAnchor(db, secrets);
    expect(await verifyPortalEvidence({ ledger, anchor }, P)).toMatchObject({ ok: true, state: 'unanchored' });
    // The published unkeyed algorithm: today's attack, which `ledger verify` used to accept.
    await forge(db, P, objectionToConsent, null);
    expect((await ledger.list(P)).map((e) => e.kind)).toEqual(['consent', 'consent', 'notice', 'notice']);
    const v1 = await verifyPortalEvidence({ ledger, anchor }, P);
    expect(v1).toMatchObject({ ok: false, state: 'broken', chain: { ok: false, brokenAtSeq: 1, reason: expect.stringMatching(/not keyed/) } });
    // HMAC under a key of the attacker's choosing: not the configured one.
    await forge(db, P, (r) => r, { id: 'h1', key: randomBytes(32) });
    expect(await ledger.verify(P)).toMatchObject({ ok: false, brokenAtSeq: 1, reason: expect.stringMatching(/edited/) });
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), openDb: async () => ({ ...db, close: async () => undefined }), secrets };
    expect(await runLedgerCommand(['verify', '--portal', String(P)], io)).toBe(1);
    expect(out.join('')).toMatch(/BROKEN at entry 1/);
  });

  it('cutting the tail and moving the head back is caught by the signed checkpoint', async () => {
    const P = 62;
    await seed(P, 5);
    const { ledger, anchor } = ledgerWithAnchor(db, secrets);
    const cp = await anchor.checkpoint(P);
    expect(cp).toMatchObject({ portalId: P, seq: 5, keyId: 's1' });
    expect(await anchor.checkpoint(P)).toBeNull(); // head unchanged: nothing new to anchor
    expect(await verifyPortalEvidence({ ledger, anchor }, P)).toMatchObject({ ok: true, state: 'intact', checkpoints: { valid: 1, entriesAfterLast: 0 } });

    const kept = (await ledger.list(P)).find((e) => e.seq === 3);
    await db.query('delete from evidence_ledger where portal_id = $1 and seq > 3', [P]);
    await db.query('update evidence_ledger_head set seq = 3, hash = $2 where portal_id = $1', [P, kept?.hash]);
    expect(await ledger.verify(P)).toMatchObject({ ok: true, entries: 3 }); // the database alone looks fine
    const r = await verifyPortalEvidence({ ledger, anchor }, P);
    expect(r).toMatchObject({ ok: false, state: 'broken' });
    expect(r.checkpoints.problems.map((p) => p.reason)).toEqual([expect.stringMatching(/entry 5, anchored by the checkpoint of .* is missing/)]);

    // Appending after the cut forks the chain: the checkpoint still disagrees, and the fork is not anchored over.
    await ledger.append(P, { kind: 'notice', contactId: '8', actor: 's', at: at(30), payload: { i: 'late' } });
    await ledger.append(P, { kind: 'notice', contactId: '8', actor: 's', at: at(31), payload: { i: 'later' } });
    expect(await anchor.checkpoint(P)).toBeNull();
    const fork = await verifyPortalEvidence({ ledger, anchor }, P);
    expect(fork.checkpoints.problems.map((p) => p.reason)).toEqual([expect.stringMatching(/entry 5 differs from the checkpoint/)]);
  });

  it('even with the HMAC key, rewriting history before a checkpoint is caught', async () => {
    const P = 63;
    await seed(P);
    const { ledger, anchor } = ledgerWithAnchor(db, secrets);
    await anchor.checkpoint(P);
    await forge(db, P, objectionToConsent, { id: 'h1', key: secrets.hmacKeys.keys.get('h1') as Buffer });
    expect(await ledger.verify(P)).toMatchObject({ ok: true }); // a forger holding the key passes the chain check...
    const r = await verifyPortalEvidence({ ledger, anchor }, P);
    expect(r).toMatchObject({ ok: false, state: 'broken' }); // ...not the checkpoint
    expect(r.checkpoints.problems[0]?.reason).toMatch(/entry 4 differs/);
  });

  it('a forged or foreign checkpoint line is a problem, not an anchor; newer entries are reported pending', async () => {
    const P = 64;
    await seed(P, 2);
    const own = { ...secrets, checkpointPath: path.join(dir, `forged-${kind}.jsonl`) };
    const { ledger, anchor } = ledgerWithAnchor(db, own);
    const cp = await anchor.checkpoint(P);
    await ledger.append(P, { kind: 'notice', contactId: '8', actor: 's', at: at(9), payload: { i: 9 } });
    expect(await verifyPortalEvidence({ ledger, anchor }, P)).toMatchObject({ ok: true, state: 'pending', checkpoints: { entriesAfterLast: 1 } });
    const other = ledgerWithAnchor(db, { ...own, signingKeys: ring('s1') }); // same key id, different key
    await appendFile(own.checkpointPath, `${JSON.stringify(other.anchor.signer.sign({ portalId: P, seq: 3, hash: 'f'.repeat(64), at: at(10).toISOString() }))}\n`);
    await appendFile(own.checkpointPath, `${JSON.stringify({ ...cp, seq: 1 })}\n`); // a real line, edited
    await appendFile(own.checkpointPath, 'not json\n');
    const r = await verifyPortalEvidence({ ledger, anchor }, P);
    expect(r.ok).toBe(false);
    expect(r.checkpoints.problems.map((p) => p.reason)).toEqual([
      expect.stringMatching(/not checkpoints \(lines \d+\)/),
      expect.stringMatching(/invalid signature/),
      expect.stringMatching(/invalid signature/),
    ]);
  });

  it('the export carries the checkpoints, their public keys and the verdict', async () => {
    const P = 65;
    await seed(P, 2);
    const { ledger, anchor } = ledgerWithAnchor(db, secrets);
    await anchor.checkpoint(P);
    const doc = await exportLedger(ledger, P, { anchor, now: at(50) });
    expect(doc.integrity).toMatchObject({ ok: true, state: 'intact' });
    expect(doc.checkpoints).toHaveLength(1);
    expect(doc.checkpointKeys.s1).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(doc.hashAlgorithm).toMatch(/HMAC-SHA256/);
  });

  it('a chain from before keyed hashing is refused by verify, rekeyed once after a check, and recorded', async () => {
    const P = 66;
    // Write a legacy (version 1) chain as the previous release did.
    let prev = genesisHash(P);
    for (let seq = 1; seq <= 3; seq += 1) {
      const payload = canonicalJson({ i: seq });
      const core = { portalId: P, seq, kind: 'notice', contactRef: contactRefFor(P, '5'), subjectHash: null, actor: 'old', at: at(seq).toISOString(), payloadDigest: sha256Hex(payload), idempotencyKey: null };
      const hash = entryHash(prev, core);
      await db.query(`insert into evidence_ledger (portal_id, seq, kind, contact_id, contact_ref, subject_hash, actor, payload, payload_digest, at, idempotency_key, prev_hash, hash, hash_version)
        values ($1,$2,'notice','5',$3,null,'old',$4,$5,$6,null,$7,$8,1)`, [P, seq, core.contactRef, payload, core.payloadDigest, core.at, prev, hash]);
      prev = hash;
    }
    await db.query('insert into evidence_ledger_head (portal_id, seq, hash, hash_version) values ($1, 3, $2, 1)', [P, prev]);
    const { ledger } = ledgerWithAnchor(db, secrets);
    expect(await ledger.verify(P)).toMatchObject({ ok: false, brokenAtSeq: 1, reason: expect.stringMatching(/ledger rekey/) });
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), openDb: async () => ({ ...db, close: async () => undefined }), secrets };
    expect(await runLedgerCommand(['rekey', '--portal', String(P)], io)).toBe(0);
    expect(out.join('')).toContain(`3 entries rekeyed; legacy head 3 / ${prev}`);
    expect(await ledger.verify(P)).toMatchObject({ ok: true, entries: 4 });
    const last = (await ledger.list(P)).at(-1);
    expect(last).toMatchObject({ kind: 'chain_rekeyed', hashVersion: 2, keyId: 'h1', payload: { legacyHeadSeq: 3, legacyHeadHash: prev } });
    expect(await ledger.rekey(P)).toEqual({ rekeyed: 0, legacyHead: null });

    // A legacy chain that no longer verifies is not laundered by a rekey.
    const Q = 67;
    await db.query(`insert into evidence_ledger (portal_id, seq, kind, contact_id, contact_ref, subject_hash, actor, payload, payload_digest, at, idempotency_key, prev_hash, hash, hash_version)
      values ($1,1,'notice',null,null,null,'old','{}',$2,$3,null,$4,$5,1)`, [Q, sha256Hex('{}'), at(1).toISOString(), genesisHash(Q), 'e'.repeat(64)]);
    await db.query('insert into evidence_ledger_head (portal_id, seq, hash, hash_version) values ($1, 1, $2, 1)', [Q, 'e'.repeat(64)]);
    await expect(ledger.rekey(Q)).rejects.toThrow(LedgerIntegrityError);
    // Appending still works (an objection is never refused) and the chain stays reported broken where it was.
    await ledger.append(Q, { kind: 'objection', contactId: '1', actor: 'pc', payload: { channels: ['email'] } });
    expect(await ledger.verify(Q)).toMatchObject({ ok: false, brokenAtSeq: 1 });
  });

  it('appends on a legacy chain are keyed at once; the rekey then covers the whole chain', async () => {
    const P = 68;
    const payload = canonicalJson({ a: 1 });
    const core = { portalId: P, seq: 1, kind: 'notice', contactRef: null, subjectHash: null, actor: 'old', at: at(1).toISOString(), payloadDigest: sha256Hex(payload), idempotencyKey: null };
    const hash = entryHash(genesisHash(P), core);
    await db.query(`insert into evidence_ledger (portal_id, seq, kind, contact_id, contact_ref, subject_hash, actor, payload, payload_digest, at, idempotency_key, prev_hash, hash)
      values ($1,1,'notice',null,null,null,'old',$2,$3,$4,null,$5,$6)`, [P, payload, core.payloadDigest, core.at, genesisHash(P), hash]);
    await db.query('insert into evidence_ledger_head (portal_id, seq, hash) values ($1, 1, $2)', [P, hash]);
    const { ledger, anchor } = ledgerWithAnchor(db, secrets);
    const added = await ledger.append(P, { kind: 'consent', contactId: '2', actor: 'u', payload: { channel: 'email' } });
    expect(added.seq).toBe(2);
    expect(await ledger.verify(P)).toMatchObject({ ok: false, brokenAtSeq: 1, reason: expect.stringMatching(/not keyed/) });
    expect(await rekeyUnanchoredChain({ ledger, anchor }, P)).toMatchObject({ rekeyed: 2, legacyHead: { seq: 2 } });
    expect((await ledger.list(P)).map((e) => [e.kind, e.hashVersion])).toEqual([['notice', 2], ['consent', 2], ['chain_rekeyed', 2]]);
    expect(await ledger.verify(P)).toMatchObject({ ok: true, entries: 3 });
  });

  it('a keyed, anchored chain downgraded to the unkeyed form is not laundered by a rekey', async () => {
    const P = 69;
    await seed(P);
    const { ledger, anchor } = ledgerWithAnchor(db, secrets);
    await anchor.checkpoint(P);
    // The attacker rewrites everything in the unkeyed form and marks the head as legacy, hoping for a migration.
    await forge(db, P, objectionToConsent, null);
    expect(await ledger.verify(P)).toMatchObject({ ok: false, reason: expect.stringMatching(/not keyed/) });
    await expect(rekeyUnanchoredChain({ ledger, anchor }, P)).rejects.toThrow(/downgrade/);
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), openDb: async () => ({ ...db, close: async () => undefined }), secrets };
    expect(await runLedgerCommand(['rekey', '--portal', String(P)], io)).toBe(1);
    expect(out.join('')).toMatch(/not rekeyed: .*downgrade/);
    expect((await ledger.list(P)).map((e) => e.kind)).toEqual(['consent', 'consent', 'notice', 'notice']);
    expect(await verifyPortalEvidence({ ledger, anchor }, P)).toMatchObject({ ok: false, state: 'broken' });
  });
}

describe('keyed, anchored ledger on PGlite', () => suite('pglite'));
describeWithServices('keyed, anchored ledger on PostgreSQL', { postgres: true }, () => suite('postgres'));

describe('ledger secrets', () => {
  const key = () => randomBytes(32).toString('base64');
  it('production requires the three ledger variables; a malformed key names its variable', () => {
    const base = { NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://x.example', HUBSPOT_CLIENT_ID: 'c', HUBSPOT_CLIENT_SECRET: 'a-real-secret', TOKEN_ENCRYPTION_KEY: key() };
    let error: unknown;
    try { resolveLedgerSecrets(loadConfig(base)); } catch (err) { error = err; }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variables).toEqual(['LEDGER_HMAC_KEY', 'LEDGER_SIGNING_KEY', 'LEDGER_CHECKPOINT_PATH']);
    const full = resolveLedgerSecrets(loadConfig({ ...base, LEDGER_HMAC_KEY: `a:${key()},b:${key()}`, LEDGER_SIGNING_KEY: key(), LEDGER_CHECKPOINT_PATH: '/var/lib/pg/cp.jsonl' }));
    expect(full.hmacKeys.currentKeyId).toBe('a');
    expect(full.signingKeys.keys.size).toBe(1);
    expect(() => loadConfig({ LEDGER_SIGNING_KEY: 'c2hvcnQ=' })).toThrow(/LEDGER_SIGNING_KEY: .*32 bytes/);
  });

  it('development keeps generated keys and checkpoints in DATA_DIR, the same on every start', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pg-ledger-dev-'));
    try {
      const a = resolveLedgerSecrets(loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir }));
      const b = resolveLedgerSecrets(loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir }));
      expect(a.hmacKeys.keys.get('dev')?.equals(b.hmacKeys.keys.get('dev') as Buffer)).toBe(true);
      expect(a.hmacKeys.keys.get('dev')?.equals(a.signingKeys.keys.get('dev') as Buffer)).toBe(false);
      expect(a.checkpointPath).toBe(path.join(dataDir, 'ledger-checkpoints.jsonl'));
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
