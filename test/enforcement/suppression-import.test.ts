import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createEnforcementTestDb, type TestDb } from './support/db.ts';
import { createEvidenceLedger } from '../../src/ledger/ledger.ts';
import { importSuppressionFile } from '../../src/enforcement/suppression-import.ts';
import { runSuppressionImportCommand } from '../../src/enforcement/import-command.ts';
import { SuppressionList } from '../../src/contacts/suppression-list.ts';

describe('suppression imports', () => {
  let db: TestDb;
  let dir: string;
  beforeAll(async () => {
    db = await createEnforcementTestDb('pglite');
    dir = await mkdtemp(path.join(tmpdir(), 'pg-import-'));
  });
  afterAll(async () => { await db?.drop(); await rm(dir, { recursive: true, force: true }); });
  const installPortal = (portalId: number, status: 'active' | 'uninstalled') => db.query(
    `insert into installations (portal_id, access_token_enc, refresh_token_enc, token_key_id, access_token_expires_at, status)
     values ($1, 'x', 'x', 'k', now(), $2) on conflict (portal_id) do update set status = excluded.status`, [portalId, status]);

  it('imports a partner CSV with a header, reports bad lines by number, hashes everything', async () => {
    const csv = 'Nom;Email;Téléphone\nDurand;Anne.Durand@Example.fr;\nBad;not-an-email;12\n;;\nMartin;;06 11 22 33 44\n';
    const ledger = createEvidenceLedger(db);
    const report = await importSuppressionFile({ db, ledger, portalId: 5, source: 'partner_optout', channels: ['email', 'phone'], stream: Readable.from([csv]) });
    expect(report).toMatchObject({ linesRead: 5, added: 2, emails: 1, phones: 1, skipped: 2, channels: ['email', 'phone'] });
    expect(report.errors.map((e) => e.line)).toEqual([3, 4]);
    expect(JSON.stringify(report)).not.toContain('not-an-email');
    const list = new SuppressionList(db);
    expect(await list.match(5, { email: 'anne.durand@example.fr' })).toEqual(['email', 'phone']);
    expect(await list.match(5, { phone: '+33611223344' })).toEqual(['email', 'phone']);
    expect(await list.match(6, { email: 'anne.durand@example.fr' })).toEqual([]);
    const { rows } = await db.query<{ hash: string }>('select hash from suppression_entries where portal_id = 5');
    expect(rows.some((r) => r.hash.includes('anne'))).toBe(false);
    const entries = await ledger.list(5, { kinds: ['suppression_import'] });
    expect(entries[0]?.payload).toMatchObject({ source: 'partner_optout', added: 2, skipped: 2, fileSha256: report.fileSha256 });
  });

  it('reads a headerless registry extract with the registry country and phone-only default', async () => {
    const tps = '07700 900123\n020 7946 0958\nnot a number\n';
    const report = await importSuppressionFile({ db, ledger: createEvidenceLedger(db), portalId: 5, source: 'tps', stream: Readable.from([tps]) });
    expect(report).toMatchObject({ added: 2, skipped: 1, channels: ['phone'] });
    expect(await new SuppressionList(db).match(5, { phone: '+447700900123' })).toEqual(['phone']);
  });

  it('runs as a command, with usage errors exiting 2', async () => {
    const file = path.join(dir, 'bloctel.csv');
    await writeFile(file, 'numero\n0140000000\n0611111111\n');
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), openDb: async () => ({ ...db, close: async () => undefined }) };
    await installPortal(9, 'active');
    expect(await runSuppressionImportCommand([file, '--portal', '9', '--source', 'bloctel'], io)).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({ source: 'bloctel', added: 2, channels: ['phone'] });
    expect(await runSuppressionImportCommand([file, '--portal', '9', '--source', 'nope'], io)).toBe(2);
    expect(await runSuppressionImportCommand([file, '--source', 'tps'], io)).toBe(2);
    expect(await runSuppressionImportCommand([path.join(dir, 'missing.csv'), '--portal', '9', '--source', 'tps'], io)).toBe(1);
  });

  it('refuses a portal that never installed, or has uninstalled, and imports nothing', async () => {
    const file = path.join(dir, 'tps.csv');
    await writeFile(file, '07700 900124\n');
    const err: string[] = [];
    const io = { stdout: () => undefined, stderr: (t: string) => err.push(t), openDb: async () => ({ ...db, close: async () => undefined }) };
    expect(await runSuppressionImportCommand([file, '--portal', '404', '--source', 'tps'], io)).toBe(1);
    expect(err.join('')).toMatch(/portal 404 has not installed/);
    await installPortal(405, 'uninstalled');
    expect(await runSuppressionImportCommand([file, '--portal', '405', '--source', 'tps'], io)).toBe(1);
    expect(err.join('')).toMatch(/portal 405 is uninstalled/);
    const { rows } = await db.query<{ n: number }>('select count(*)::int as n from suppression_entries where portal_id in (404, 405)');
    expect(rows[0]?.n).toBe(0);
    expect(await createEvidenceLedger(db).list(404, { kinds: ['suppression_import'] })).toEqual([]);
  });
});
