// `audit` with the second reading of the engine (issue 10): --controller and --sector, and the new verdict
// fields (call_limit + until, warnings) in jsonl, csv and table. Runs the command in-process on a temporary file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { runAuditCommand } from '../../src/audit/command.ts';
import { CSV_COLUMNS } from '../../src/audit/format-csv.ts';
import { parseAuditOptions, UsageError } from '../../src/audit/options.ts';

const dir = mkdtempSync(join(tmpdir(), 'pg-audit-10-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CONTACTS = [
  // 1. A consumer with a valid phone consent, called 4 times in 30 days: call_limit until 30 days later.
  { id: 'cap-1', email: 'paul.martin@gmail.com', phone: '06 12 34 56 78', country: 'FR', callsLast30Days: 4,
    source: { kind: 'web_form', collectedAt: '2026-10-01' },
    consents: [{ channel: 'phone', givenAt: '2026-10-01T10:00:00Z', method: 'oral_recorded', proofRef: 'rec-1' }] },
  // 2. A rented list whose consent names "ACME SAS" with a proof reference: valid only with --controller Acme.
  { id: 'rent-2', email: 'lea.durand@orange.fr', country: 'FR',
    source: { kind: 'rented_list', collectedAt: '2026-10-01', proofOfConsentFromProvider: true },
    consents: [{ channel: 'email', givenAt: '2026-09-01T10:00:00Z', method: 'double_opt_in', controllers: ['ACME SAS'], proofRef: 'l-9' }] },
  // 3. A vague free-text sector: a warning.
  { id: 'vague-3', email: 'marc.petit@free.fr', country: 'FR', sector: 'Travaux et rénovation', source: { kind: 'web_form', collectedAt: '2026-10-01' } },
  // 4. A broken line.
  { id: 'bad-4', consents: [{ channel: 'pigeon', givenAt: '2026-01-01', method: 'double_opt_in' }] },
];
const file = join(dir, 'list.jsonl');
writeFileSync(file, `${CONTACTS.map((c) => JSON.stringify(c)).join('\n')}\n`);

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (b: Buffer) => out.push(b));
  stderr.on('data', (b: Buffer) => err.push(b));
  const code = await runAuditCommand([file, '--at', '2026-11-23T10:00:00Z', '--quiet', ...args],
    { stdin: Readable.from([]), stdout, stderr, now: () => new Date('2026-11-23T10:00:00Z') });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

interface JsonResult {
  id: string; status?: string; warnings?: string[]; error?: string;
  channels?: Record<string, { allowed: boolean; blocker?: string; basis?: string; until?: string }>;
}
const jsonl = (text: string): JsonResult[] => text.trim().split('\n').map((l) => JSON.parse(l) as JsonResult);

describe('audit --controller and --sector', () => {
  it('parses repeated --controller names and a listed --sector, and refuses an unlisted sector or an empty name', () => {
    const o = parseAuditOptions(['a.jsonl', '--controller', 'Acme SAS', '--controller', 'Acme Group', '--sector', 'Heat_Pumps']);
    expect(o !== 'help' && { controllers: o.controllers, sector: o.sector }).toEqual({ controllers: ['Acme SAS', 'Acme Group'], sector: 'heat_pumps' });
    expect(() => parseAuditOptions(['a.jsonl', '--sector', 'solar panels'])).toThrow(UsageError);
    expect(() => parseAuditOptions(['a.jsonl', '--sector', 'solar panels'])).toThrow(/listed sectors/);
    expect(() => parseAuditOptions(['a.jsonl', '--controller', '  '])).toThrow(/company name/);
  });

  it('opens a third-party consent only when it names the --controller', async () => {
    const without = jsonl((await run(['--format', 'jsonl'])).stdout).find((r) => r.id === 'rent-2');
    const withName = jsonl((await run(['--format', 'jsonl', '--controller', 'Acme'])).stdout).find((r) => r.id === 'rent-2');
    expect(without?.channels?.email).toMatchObject({ allowed: false, blocker: 'invalid_consent' });
    expect(withName?.channels?.email).toMatchObject({ allowed: true, basis: 'consent' });
  });

  it('forbids every channel to consumers with a banned --sector', async () => {
    const results = jsonl((await run(['--format', 'jsonl', '--sector', 'heat_pumps'])).stdout).filter((r) => r.channels);
    for (const r of results) for (const [ch, v] of Object.entries(r.channels ?? {})) expect(v, `${r.id} ${ch}`).toMatchObject({ allowed: false, blocker: 'forbidden' });
  });
});

describe('audit output of the new verdict fields', () => {
  it('jsonl carries call_limit with until, and the warnings list', async () => {
    const { code, stdout } = await run(['--format', 'jsonl']);
    expect(code).toBe(1); // the broken line
    const byId = new Map(jsonl(stdout).map((r) => [r.id, r]));
    expect(byId.get('cap-1')?.channels?.phone).toMatchObject({ allowed: false, blocker: 'call_limit', until: '2026-12-23T10:00:00.000Z' });
    expect(byId.get('cap-1')?.warnings).toEqual([]);
    expect(byId.get('vague-3')).toMatchObject({ status: 'at_risk', warnings: ['fr.sector_ban.possible'] });
    expect(byId.get('bad-4')?.error).toMatch(/consents\.0\.channel/);
  });

  it('csv keeps every earlier column in place and puts phone_until, automated_call_until and warnings right after error', async () => {
    const { stdout } = await run(['--format', 'csv']);
    const [cols, ...rows] = parse(stdout) as string[][];
    expect(cols).toEqual([...CSV_COLUMNS]);
    // The audit's cleaning columns (email, usable_channels, …) come after these three.
    const errorAt = cols!.indexOf('error');
    expect(errorAt).toBe(6 + 3 * 7 + 11);
    expect(cols!.slice(errorAt, errorAt + 4)).toEqual(['error', 'phone_until', 'automated_call_until', 'warnings']);
    const cell = (row: string[], name: string) => row[cols!.indexOf(name)];
    const cap = rows.find((r) => r[1] === 'cap-1')!;
    expect(cell(cap, 'phone_blocker')).toBe('call_limit');
    expect(cell(cap, 'phone_until')).toBe('2026-12-23T10:00:00.000Z');
    expect(cell(cap, 'blockers')).toContain('call_limit');
    const vague = rows.find((r) => r[1] === 'vague-3')!;
    expect(cell(vague, 'warnings')).toBe('fr.sector_ban.possible');
    // The audit's cleaning columns sit beside them: masked email, usable channels (none: the phone is capped).
    expect(cell(cap, 'email')).toBe('p***@gmail.com');
    expect({ usable: cell(cap, 'usable_channels'), none: cell(cap, 'no_usable_channel') }).toEqual({ usable: '', none: 'true' });
    const bad = rows.find((r) => r[1] === 'bad-4')!;
    expect(cell(bad, 'error')).toMatch(/consents\.0\.channel/);
    expect(bad).toHaveLength(cols!.length);
  });

  it('table marks the call cap (-cap) and warnings (*), explains both, and counts call_limit in the summary', async () => {
    const { stdout } = await run(['--format', 'table']);
    const capRow = stdout.split('\n').find((l) => /\bcap-1\b/.test(l));
    expect(capRow).toContain('-cap');
    // With the audit's columns: the masked email, and the cap's end in the note.
    expect(capRow).toContain('p***@gmail.com');
    expect(capRow).toContain('calls capped until 2026-12-23 10:00 UTC');
    expect(stdout.split('\n').find((l) => /\bvague-3\b/.test(l))).toMatch(/at_risk\*/);
    expect(stdout).toContain('-cap call limit reached');
    expect(stdout).toMatch(/call_limit\s+1\s/);
  });
});
