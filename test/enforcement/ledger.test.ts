import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvidenceLedger, genesisHash, LedgerPayloadError, type EvidenceLedger } from '../../src/ledger/ledger.ts';
import { exportLedger, renderLedgerHtml } from '../../src/ledger/export.ts';
import { runLedgerCommand } from '../../src/ledger/verify-command.ts';
import { createEnforcementTestDb, type TestDb } from './support/db.ts';
import { describeWithServices } from '../support/services.ts';

function suite(kind: 'postgres' | 'pglite'): void {
  let db: TestDb;
  let ledger: EvidenceLedger;
  beforeAll(async () => {
    db = await createEnforcementTestDb(kind);
    ledger = createEvidenceLedger(db);
  });
  afterAll(async () => { await db?.drop(); });

  it('chains entries per portal and verifies', async () => {
    const a = await ledger.append(101, { kind: 'consent', contactId: '1', actor: 'user:7', payload: { channel: 'email', text: 'Oui' } });
    const b = await ledger.append(101, { kind: 'objection', contactId: '1', actor: 'preference-centre', payload: { channels: ['email'] } });
    const other = await ledger.append(202, { kind: 'block', contactId: '1', actor: 'system', payload: { lever: 'task' } });
    expect(a.seq).toBe(1);
    expect(b.seq).toBe(2);
    expect(other.seq).toBe(1);
    const entries = await ledger.list(101);
    expect(entries.map((e) => e.kind)).toEqual(['consent', 'objection']);
    expect(entries[0]?.prevHash).toBe(genesisHash(101));
    expect(entries[1]?.prevHash).toBe(a.hash);
    expect(await ledger.verify(101)).toEqual({ ok: true, entries: 2, headHash: b.hash });
    expect(await ledger.verify(202)).toMatchObject({ ok: true, entries: 1 });
    expect((await ledger.list(202))[0]?.payload).toEqual({ lever: 'task' });
  });

  it('returns the first entry for a repeated idempotency key', async () => {
    const first = await ledger.append(303, { kind: 'block', contactId: '9', actor: 'job', payload: { n: 1 }, idempotencyKey: 'job-1' });
    const again = await ledger.append(303, { kind: 'block', contactId: '9', actor: 'job', payload: { n: 2 }, idempotencyKey: 'job-1' });
    expect(again).toEqual(first);
    expect(await ledger.list(303)).toHaveLength(1);
  });

  it('serialises concurrent appends into one unbroken chain', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) =>
      ledger.append(404, { kind: 'verdict_change', contactId: String(i % 3), actor: 'pipeline', payload: { i } })));
    const v = await ledger.verify(404);
    expect(v).toMatchObject({ ok: true, entries: 20 });
    expect((await ledger.list(404, { contactId: '1' })).length).toBe(7);
    expect((await ledger.list(404, { kinds: ['consent'] })).length).toBe(0);
  });

  it('refuses clear email addresses and phone numbers in payloads', async () => {
    await expect(ledger.append(505, { kind: 'objection', actor: 'x', payload: { note: 'from jean@example.fr' } })).rejects.toThrow(LedgerPayloadError);
    await expect(ledger.append(505, { kind: 'objection', actor: 'x', payload: { phone: '+33612345678' } })).rejects.toThrow(/clear contact data/);
    expect(await ledger.list(505)).toHaveLength(0);
  });

  it('a tampered ledger fails verification', async () => {
    await ledger.append(606, { kind: 'consent', contactId: '5', actor: 'user:1', payload: { channel: 'sms' } });
    await ledger.append(606, { kind: 'objection', contactId: '5', actor: 'user:1', payload: { channels: ['sms'] } });
    await ledger.append(606, { kind: 'block', contactId: '5', actor: 'system', payload: { lever: 'task' } });
    expect((await ledger.verify(606)).ok).toBe(true);
    await db.query(`update evidence_ledger set payload = '{"channel":"email"}' where portal_id = 606 and seq = 1`);
    expect(await ledger.verify(606)).toMatchObject({ ok: false, brokenAtSeq: 1 });
    // A forger who also fixes the digest is caught by the entry hash.
    await db.query(`update evidence_ledger set payload_digest = encode(sha256(convert_to(payload, 'UTF8')), 'hex') where portal_id = 606 and seq = 1`);
    expect(await ledger.verify(606)).toMatchObject({ ok: false, brokenAtSeq: 1, reason: expect.stringMatching(/hash/) });
  });

  it('detects a deleted entry, a removed tail and a blanked payload', async () => {
    for (let i = 0; i < 4; i += 1) await ledger.append(707, { kind: 'notice', contactId: '3', actor: 's', payload: { i } });
    await db.query('delete from evidence_ledger where portal_id = 707 and seq = 2');
    expect(await ledger.verify(707)).toMatchObject({ ok: false, brokenAtSeq: 2 });

    for (let i = 0; i < 3; i += 1) await ledger.append(708, { kind: 'notice', contactId: '3', actor: 's', payload: { i } });
    await db.query('delete from evidence_ledger where portal_id = 708 and seq = 3');
    expect(await ledger.verify(708)).toMatchObject({ ok: false, reason: expect.stringMatching(/removed at the end/) });

    await ledger.append(709, { kind: 'notice', contactId: '3', actor: 's', payload: { i: 0 } });
    await db.query('update evidence_ledger set payload = null where portal_id = 709');
    expect(await ledger.verify(709)).toMatchObject({ ok: false, brokenAtSeq: 1, reason: expect.stringMatching(/erasure/) });
  });

  it('erasure blanks a contact\'s entries yet the chain verifies and a hashed trace remains', async () => {
    await ledger.append(808, { kind: 'consent', contactId: '42', actor: 'u', payload: { text: 'J\'accepte', ip: '203.0.113.9' } });
    await ledger.append(808, { kind: 'consent', contactId: '43', actor: 'u', payload: { text: 'other' } });
    const erased = await ledger.eraseContact(808, '42', { actor: 'dsr', subjectHash: 'ab'.repeat(32), payload: { requestId: 'r1' } });
    expect(erased.erasedEntries).toBe(1);
    expect(await ledger.verify(808)).toMatchObject({ ok: true, entries: 3 });
    const trace = await ledger.list(808, { contactId: '42' });
    expect(trace.map((e) => [e.kind, e.contactId, e.payload === null])).toEqual([['consent', null, true], ['erasure', null, false]]);
    expect(trace[0]?.contactRef).toMatch(/^[0-9a-f]{64}$/);
    expect(trace[1]?.subjectHash).toBe('ab'.repeat(32));
    expect((await ledger.list(808, { contactId: '43' }))[0]?.payload).toEqual({ text: 'other' });
  });

  if (kind === 'pglite') {
    it('exports per contact as JSON and escaped HTML', async () => {
      const ledger = createEvidenceLedger(db);
      await ledger.append(11, { kind: 'consent', contactId: '1', actor: '<script>alert(1)</script>', payload: { text: '"><img src=x onerror=alert(1)>' } });
      await ledger.append(11, { kind: 'objection', contactId: '2', actor: 'pc', payload: { channels: ['email'] } });
      const report = await exportLedger(ledger, 11, { contactId: '1', now: new Date('2026-11-23T08:00:00Z') });
      expect(report.entries).toHaveLength(1);
      expect(report.verification).toMatchObject({ ok: true, entries: 2 });
      const html = renderLedgerHtml(report, 'fr');
      expect(html).toContain('<html lang="fr">');
      expect(html).toContain('Consentement');
      expect(html).not.toContain('<script>alert');
      expect(html).not.toContain('<img src=x');
      expect(html).toContain('&lt;script&gt;');
    });

    it('verify exits 0 on an intact chain, 1 on a tampered one, 2 on bad usage', async () => {
      const ledger = createEvidenceLedger(db);
      await ledger.append(12, { kind: 'notice', contactId: '1', actor: 's', payload: { a: 1 } });
      const out: string[] = [];
      const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), openDb: async () => ({ ...db, close: async () => undefined }) };
      expect(await runLedgerCommand(['verify', '--portal', '12'], io)).toBe(0);
      expect(out.join('')).toMatch(/intact, 1 entries/);
      await db.query(`update evidence_ledger set actor = 'someone else' where portal_id = 12`);
      expect(await runLedgerCommand(['verify', '--portal', '12'], io)).toBe(1);
      expect(out.join('')).toMatch(/BROKEN at entry 1/);
      expect(await runLedgerCommand(['verify', '--portal', 'abc'], io)).toBe(2);
      expect(await runLedgerCommand(['verify'], io)).toBe(2);
    });
  }
}

describe('evidence ledger on PGlite', () => suite('pglite'));
describeWithServices('evidence ledger on PostgreSQL', { postgres: true }, () => suite('postgres'));

