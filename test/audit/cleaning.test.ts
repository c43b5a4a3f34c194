// One test per cleaning rule of issue 13: invalid email / phone blockers, no usable channel, duplicates,
// masked contacts in table and csv, `line` in jsonl, the summary naming invalid lines, status a marketer reads
// right, counts that agree, --fields.
import { describe, expect, it } from 'vitest';
import { parseCsvText } from '../../src/audit/csv-records.ts';
import { CSV_COLUMNS } from '../../src/audit/format-csv.ts';
import { isWellFormedEmail } from '../../src/audit/cleaning.ts';
import { maskEmail, maskPhone } from '../../src/audit/contact-display.ts';
import { jsonlResults, runAudit } from './helpers.ts';

type Result = Record<string, unknown> & {
  id: string; line: number; status: string; usableChannels: string[];
  channels: Record<string, { allowed: boolean; blocker?: string; basis?: string; reasons: { rule: string }[] }>;
};

const B2B = { country: 'FR', company: 'Acme', jobTitle: 'CTO', offerRelatedToProfession: true,
  source: { kind: 'trade_show', collectedAt: '2026-03-10' } };
const jsonl = (contacts: object[]): string => `${contacts.map((c) => JSON.stringify(c)).join('\n')}\n`;

async function results(contacts: object[], extra: string[] = []): Promise<Result[]> {
  const run = await runAudit(['-', '--input', 'jsonl', '--format', 'jsonl', '--quiet', ...extra], { stdin: jsonl(contacts) });
  expect(run.code).toBe(0);
  return jsonlResults(run.stdout) as Result[];
}

describe('invalid contact points', () => {
  it('an invalid email is its own blocker on email only, and the law\'s reasons stay', async () => {
    const [r] = await results([{ id: 'e1', email: 'jean..dupont@acme.fr', phone: '+33 6 12 34 56 78', ...B2B }]);
    expect(r?.channels.email).toMatchObject({ allowed: false, blocker: 'invalid_email' });
    expect(r?.channels.email?.reasons.map((x) => x.rule)).toContain('audit.invalid_email');
    expect(r?.channels.email?.reasons.map((x) => x.rule)).toContain('fr.email.b2b.li'); // what the law would allow
    expect(r?.channels.phone).toMatchObject({ allowed: true });
    expect(r?.contactPoints).toEqual({ email: 'invalid', phone: 'valid' });
    expect(r?.status).toBe('at_risk'); // compliant but for an address to fix
    expect(r?.usableChannels).toEqual(['sms', 'automated_call', 'phone']);
  });

  it('an invalid phone blocks every phone channel with invalid_phone', async () => {
    const [r] = await results([{ id: 'p1', email: 'jane@acme.fr', phone: '06 12', ...B2B }]);
    for (const channel of ['sms', 'automated_call', 'phone']) expect(r?.channels[channel]).toMatchObject({ allowed: false, blocker: 'invalid_phone' });
    expect(r?.channels.fax?.blocker).toBe('needs_consent'); // blocked by the law first: that reason is kept
    expect(r?.channels.email).toMatchObject({ allowed: true });
    expect(r?.usableChannels).toEqual(['email']);
  });

  it('well-formed addresses: the strict check the audit applies', () => {
    expect(['jane@acme.fr', 'j.o\'brien+news@sub.acme.co.uk', 'élodie@société.fr'].map(isWellFormedEmail)).toEqual([true, true, true]);
    expect(['jane@acme', 'jane@@acme.fr', '.jane@acme.fr', 'jane.@acme.fr', 'ja..ne@acme.fr', 'jane dupont@acme.fr', 'jane@acme.f']
      .map(isWellFormedEmail)).toEqual([false, false, false, false, false, false, false]);
  });

  it('a contact with no usable channel says so: blocked if nothing is allowed, and where nothing allowed can be used', async () => {
    const [nothing, noPoint] = await results([
      { id: 'n1', email: 'bad@', ...B2B, objections: [{ channel: 'all', at: '2026-05-01' }] },
      { id: 'n2', email: 'paul@gmail.com', country: 'FR', source: { kind: 'web_form', collectedAt: '2026-01-01' } },
    ]);
    expect(nothing).toMatchObject({ status: 'blocked', usableChannels: [] });
    // B2C without consent: only postal (and social DMs) are allowed, and the file has no address.
    expect(noPoint?.channels.postal?.allowed).toBe(true);
    expect(noPoint?.usableChannels).toEqual([]);
    const table = await runAudit(['-', '--input', 'jsonl', '--at', '2026-11-23'], {
      stdin: jsonl([{ id: 'n2', email: 'paul@gmail.com', country: 'FR', source: { kind: 'web_form', collectedAt: '2026-01-01' } }]),
    });
    expect(table.stdout).toMatch(/^1\s+n2\s+p\*\*\*@gmail\.com\s+compliant\s+none\s.*no usable channel$/m);
    expect(table.stdout).toContain('1 of them have no usable channel');
  });
});

describe('duplicates', () => {
  const contacts = [
    { id: 'd1', email: 'Anne.Durand@Acme.fr ', phone: '06 11 22 33 44', ...B2B },
    { id: 'd2', email: 'anne.durand@acme.fr', ...B2B },
    { id: 'd3', email: 'other@acme.fr', phone: '+33611223344', ...B2B },
    { id: 'd4', email: 'third@acme.fr', ...B2B },
  ];

  it('by normalised email, then by phone (E.164): later lines point to the first', async () => {
    const r = await results(contacts);
    expect(r.map((x) => x.duplicateOf ?? null)).toEqual([null, { line: 1, by: 'email' }, { line: 1, by: 'phone' }, null]);
  });

  it('a duplicate whose channels differ (an objection on it only) is flagged to merge by hand', async () => {
    const twice = [
      { id: 'o1', email: 'jane@acme.fr', ...B2B },
      { id: 'o2', email: 'JANE@acme.fr', ...B2B, objections: [{ channel: 'email', at: '2026-06-01' }] },
      { id: 'o3', email: 'jane@acme.fr', ...B2B },
    ];
    const r = await results(twice);
    expect(r.map((x) => x.duplicateOf ?? null)).toEqual([null, { line: 1, by: 'email', differs: true }, { line: 1, by: 'email' }]);
    const table = await runAudit(['-', '--input', 'jsonl', '--at', '2026-11-23'], { stdin: jsonl(twice) });
    expect(table.stdout).toContain('1 of them allow other channels than their first line (an objection or a consent on one record only): merge by hand, lines 2');
    expect(table.stdout).toMatch(/^2\s+o2\s.*duplicate of line 1 \(same email\), channels differ: merge by hand/m);
  });

  it('are counted once in the summary and listed to drop', async () => {
    const run = await runAudit(['-', '--input', 'jsonl', '--at', '2026-11-23'], { stdin: jsonl(contacts) });
    expect(run.stdout).toContain('2 duplicates of an earlier line (same email or phone): kept once, so 2 distinct contacts below');
    expect(run.stdout).toMatch(/compliant\s+2\s+100\.0%/);
    expect(run.stdout).toContain('2 duplicate lines to drop (line -> first line): 2 -> 1, 3 -> 1');
    expect(run.stdout).toMatch(/^2\s+d2\s.*duplicate of line 1 \(same email\)$/m);
  });
});

describe('what the outputs show', () => {
  const contacts = [{ id: 'm1', email: 'jane.doe@acme.fr', phone: '+33 6 12 34 56 78', ...B2B }];

  it('table and csv mask the email (and the number) unless --show-contacts', async () => {
    expect(maskEmail('jane.doe@acme.fr')).toBe('j***@acme.fr');
    expect(maskPhone('+33612345678')).toBe('+336******78');
    const table = await runAudit(['-', '--input', 'jsonl', '--at', '2026-11-23'], { stdin: jsonl(contacts) });
    expect(table.stdout).toContain('j***@acme.fr');
    expect(table.stdout).not.toContain('jane.doe');
    const shown = await runAudit(['-', '--input', 'jsonl', '--at', '2026-11-23', '--show-contacts'], { stdin: jsonl(contacts) });
    expect(shown.stdout).toContain('jane.doe@acme.fr');

    const csv = async (extra: string[]) => {
      const run = await runAudit(['-', '--input', 'jsonl', '--format', 'csv', '--quiet', '--at', '2026-11-23', ...extra], { stdin: jsonl(contacts) });
      const [header, row] = run.stdout.trim().split('\n').map((l) => {
        const parsed = parseCsvText(l, ',');
        if (parsed.kind !== 'fields') throw new Error('bad csv');
        return parsed.fields;
      });
      expect(header).toEqual([...CSV_COLUMNS]);
      return Object.fromEntries((header ?? []).map((h, i) => [h, row?.[i]]));
    };
    expect(await csv([])).toMatchObject({ email: 'j***@acme.fr', phone_e164: '+336******78', email_valid: 'true',
      usable_channels: 'email sms automated_call phone', no_usable_channel: 'false' });
    expect(await csv(['--show-contacts'])).toMatchObject({ email: 'jane.doe@acme.fr', phone_e164: '+33612345678' });
  });

  it('jsonl results carry their input line; --fields writes only what is asked', async () => {
    const run = await runAudit(['-', '--input', 'jsonl', '--format', 'jsonl', '--quiet', '--at', '2026-11-23',
      '--fields', 'id,line,status,usableChannels,channels.email,retention.state'], { stdin: `\n${jsonl(contacts)}` });
    expect(jsonlResults(run.stdout)).toEqual([{ id: 'm1', line: 2, status: 'compliant',
      usableChannels: ['email', 'sms', 'automated_call', 'phone'],
      channels: { email: expect.objectContaining({ allowed: true, basis: 'legitimate_interest' }) }, retention: { state: 'active' } }]);
    const full = await results(contacts);
    expect(full[0]).toMatchObject({ id: 'm1', line: 1, contactPoints: { email: 'valid', phone: 'valid' } });
    expect(Object.keys(full[0] ?? {}).slice(0, 2)).toEqual(['id', 'line']);
  });

  it('the summary names the lines of invalid values, never the values', async () => {
    const run = await runAudit(['-', '--input', 'jsonl', '--at', '2026-11-23'], { stdin: jsonl([
      { id: 'a', email: 'ok@acme.fr', ...B2B }, { id: 'b', email: 'broken@acme', ...B2B }, { id: 'c', email: 'x@@y.fr', ...B2B },
      { id: 'd', email: 'd@acme.fr', phone: '123', ...B2B },
    ]) });
    expect(run.stdout).toContain('2 email addresses are not well-formed: lines 2-3');
    expect(run.stdout).toContain('1 phone numbers are not valid numbers: lines 4');
    expect(run.stdout).not.toContain('broken@acme');
  });

  it('"compliant" beside a blocked B2B email says which channels are open', async () => {
    // Relevance unknown: B2B email needs consent in France, calls and post stay open.
    const run = await runAudit(['-', '--input', 'jsonl', '--at', '2026-11-23'], { stdin: jsonl([
      { id: 'c1', email: 'jane@acme.fr', phone: '+33 1 44 55 66 77', country: 'FR', company: 'Acme', jobTitle: 'Comptable',
        source: { kind: 'trade_show', collectedAt: '2026-03-10' } },
    ]) });
    expect(run.stdout).toMatch(/^1\s+c1\s+j\*\*\*@acme\.fr\s+compliant\s+phone\s+b2b_nominative\s+-need/m);
  });

  it('the summary counts agree: retention_expired equals the expired status, objection or not', async () => {
    const old = { country: 'FR', company: 'Acme', source: { kind: 'trade_show', collectedAt: '2020-01-01' } };
    const run = await runAudit(['-', '--input', 'jsonl', '--format', 'jsonl', '--at', '2026-11-23'], { stdin: jsonl([
      { id: 'x1', email: 'a@acme.fr', ...old },
      { id: 'x2', email: 'b@acme.fr', ...old, objections: [{ channel: 'all', at: '2021-01-01' }] },
    ]) });
    const r = jsonlResults(run.stdout) as Result[];
    expect(r.map((x) => x.status)).toEqual(['expired', 'expired']);
    expect(r[1]?.channels.email?.blocker).toBe('objected'); // the engine names the objection first
    const { AuditSummariser } = await import('../../src/audit/summary.ts');
    const { collect } = await import('./helpers.ts');
    const summariser = new AuditSummariser();
    for (const record of await collect(jsonl([{ id: 'x1', email: 'a@acme.fr', ...old },
      { id: 'x2', email: 'b@acme.fr', ...old, objections: [{ channel: 'all', at: '2021-01-01' }] }]))) summariser.add(record);
    expect(summariser.summary.byStatus.expired).toBe(2);
    expect(summariser.summary.byBlocker.retention_expired).toBe(2);
  });
});
