// `audit --suppression`: the app's hashed export (made by `suppression export` from a real database), a plain
// opt-out CSV and a do-not-call extract block matching contacts, with the list named as the reason.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SuppressionList } from '../../src/contacts/suppression-list.ts';
import { runSuppressionExportCommand } from '../../src/contacts/suppression-export.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { jsonlResults, runAudit } from './helpers.ts';

type Result = Record<string, unknown> & { id: string; status: string; channels: Record<string, { allowed: boolean; blocker?: string; reasons: { rule: string; text: string }[] }> };

const B2B = { country: 'FR', company: 'Acme', jobTitle: 'CTO', offerRelatedToProfession: true, source: { kind: 'trade_show', collectedAt: '2026-03-10' } };
const CONTACTS = [
  { id: 's1', email: 'Opted.Out@Acme.fr', ...B2B },
  { id: 's2', email: 'caller@acme.fr', phone: '06 11 22 33 44', ...B2B },
  { id: 's3', email: 'free@acme.fr', phone: '+33 6 99 88 77 66', ...B2B },
];

describe('audit --suppression', () => {
  let dir = '';
  let db: TestDb;
  let input = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pg-audit-supp-'));
    db = await createTestDb('pglite');
    input = join(dir, 'list.jsonl');
    await writeFile(input, `${CONTACTS.map((c) => JSON.stringify(c)).join('\n')}\n`);
  }, 120_000);
  afterAll(async () => { await db?.drop(); await rm(dir, { recursive: true, force: true }); });

  async function audit(...lists: string[]): Promise<{ results: Result[]; stderr: string; code: number }> {
    const run = await runAudit([input, '--format', 'jsonl', '--at', '2026-11-23', ...lists.flatMap((l) => ['--suppression', l])]);
    return { results: jsonlResults(run.stdout) as Result[], stderr: run.stderr, code: run.code };
  }

  it('matches the app\'s hashed export by email and by phone, without any value in clear in the file', async () => {
    const list = new SuppressionList(db);
    await list.add(42, { email: 'opted.out@acme.fr' }, ['all'], 'objection');
    await list.add(42, { phone: '+33611223344' }, ['phone', 'sms'], 'import:bloctel');
    await list.add(43, { email: 'free@acme.fr' }, ['all']); // another portal: not in this export
    const file = join(dir, 'export.jsonl');
    const stdout = new PassThrough();
    let said = '';
    const code = await runSuppressionExportCommand(['--portal', '42', '--out', file], {
      stdout, stderr: (t) => { said += t; }, openDb: async () => db, now: () => new Date('2026-11-23T00:00:00Z') });
    expect(code).toBe(0);
    expect(said).toContain('exported 2 suppression entries of portal 42');
    const text = await readFile(file, 'utf8');
    expect(text).not.toMatch(/acme|611223344/);
    expect(JSON.parse(text.split('\n')[0] as string)).toMatchObject({ format: 'prospect-guard/suppression-export', version: 1, portalId: 42 });

    // The export closed the db: open a fresh one for the next tests.
    db = await createTestDb('pglite');
    const { results, stderr, code: auditCode } = await audit(file);
    expect(auditCode).toBe(0);
    expect(stderr).toContain('Suppression list export.jsonl: 2 entries, hashed suppression export');
    const [s1, s2, s3] = results;
    expect(s1).toMatchObject({ status: 'blocked', suppressed: { by: 'email', list: 'export.jsonl', channels: ['all'] } });
    expect(s1?.channels.email).toMatchObject({ allowed: false, blocker: 'suppressed' });
    expect(s1?.channels.email?.reasons[0]?.text).toContain('On the suppression list export.jsonl (matched by email)');
    expect(s2).toMatchObject({ suppressed: { by: 'phone', channels: ['phone', 'sms'] } });
    expect(s2?.channels.phone?.blocker).toBe('suppressed');
    expect(s2?.channels.sms?.blocker).toBe('suppressed');
    expect(s2?.channels.email).toMatchObject({ allowed: true }); // the entry blocks calls and SMS only
    expect(s2?.status).toBe('compliant');
    expect(s3?.suppressed).toBeUndefined();
  });

  it('a plain opt-out CSV blocks every channel; a phone-only extract blocks calls', async () => {
    const optout = join(dir, 'optout.csv');
    await writeFile(optout, '\ufeffNom;Courriel\nX;opted.out@acme.fr\n');
    const dnc = join(dir, 'dnc.csv');
    await writeFile(dnc, '+33 6 99 88 77 66\n0611223344\nnot a number\n');
    const { results, stderr } = await audit(optout, dnc);
    expect(stderr).toContain('Suppression list optout.csv: 1 entries, opt-out list (blocks every channel)');
    expect(stderr).toContain('Suppression list dnc.csv: 2 entries, do-not-call list (blocks phone calls); 1 unreadable lines skipped');
    const [s1, s2, s3] = results;
    expect(s1).toMatchObject({ status: 'blocked', suppressed: { by: 'email', list: 'optout.csv', channels: ['all'] } });
    expect(s2).toMatchObject({ suppressed: { by: 'phone', list: 'dnc.csv', channels: ['phone'] } });
    expect(s3?.channels.phone).toMatchObject({ allowed: false, blocker: 'suppressed' });
    expect(s3?.channels.sms).toMatchObject({ allowed: true });
  });

  it('the summary and the table say who is on a list; a file that is not a list is a usage error', async () => {
    const optout = join(dir, 'optout.csv');
    const table = await runAudit([input, '--at', '2026-11-23', '--suppression', optout]);
    expect(table.stdout).toContain('1 contacts are on a suppression list: lines 1');
    expect(table.stdout).toMatch(/^1\s+s1\s.*on optout\.csv \(email\)/m);
    const bad = join(dir, 'bad.jsonl');
    await writeFile(bad, '{"hello":"world"}\n');
    const run = await runAudit([input, '--suppression', bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('not a Prospect Guard suppression export');
    expect((await runAudit([input, '--suppression', join(dir, 'missing.csv')])).stderr).toContain('cannot read --suppression');
  });
});
