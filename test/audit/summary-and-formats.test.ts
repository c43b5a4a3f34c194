import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/audit/audit-stream.ts';
import { parseCsvText } from '../../src/audit/csv-records.ts';
import { CSV_COLUMNS, csvCell, formatCsv } from '../../src/audit/format-csv.ts';
import { formatJsonl } from '../../src/audit/format-jsonl.ts';
import { formatTable } from '../../src/audit/format-table.ts';
import { AuditSummariser, summarise } from '../../src/audit/summary.ts';
import { verdictToJson } from '../../src/audit/verdict-json.ts';
import { BLOCKERS } from '../../src/engine/types.ts';
import type { ChannelVerdict, Verdict } from '../../src/engine/types.ts';
import { AUDIT_BLOCKERS } from '../../src/audit/cleaning.ts';
import { AT, collect, CONTRACT_EXAMPLE, FIXTURES, ROOT } from './helpers.ts';

async function text(chunks: AsyncIterable<string | Buffer>): Promise<string> {
  let out = '';
  for await (const chunk of chunks) out += chunk.toString();
  return out;
}
async function* replay(records: AuditRecord[]): AsyncGenerator<AuditRecord> {
  yield* records;
}

const example = (): Promise<AuditRecord[]> => collect(readFileSync(CONTRACT_EXAMPLE, 'utf8'));

describe('summary', () => {
  it('counts the contract example right: statuses, blockers, sources, contacts to delete', async () => {
    const s = await summarise(await example());
    expect(s).toMatchObject({ records: 5, evaluated: 5, rejected: 0,
      byStatus: { compliant: 2, at_risk: 2, blocked: 0, expired: 1 } });
    // Fax needs consent for ex-1 (B2B) and ex-5 (no fax consent); ex-2 has no consent at all; ex-4 is expired.
    // Every blocker the engine knows (whatever it grows to, call_limit included) and the audit's own, each counted.
    const zero = Object.fromEntries([...BLOCKERS, ...AUDIT_BLOCKERS].map((b) => [b, 0]));
    expect(s.byBlocker).toEqual({ ...zero, needs_consent: 3, retention_expired: 1 });
    expect(s.byBlocker).toMatchObject({ invalid_consent: 0, objected: 0, forbidden: 0, call_limit: 0 });
    expect(Object.fromEntries(Object.entries(s.bySource).map(([k, v]) => [k, v?.total]))).toEqual({
      trade_show: 1, rented_list: 1, scraped: 1, web_form: 1, existing_customer: 1 });
    expect(s.bySource.rented_list?.highRisk).toBe(1);
    expect(s.toDelete).toEqual({ count: 1, sample: [{ id: 'ex-4', line: 4, expiresAt: '2025-02-01' }] });
    expect(s.byChannel.postal.allowed + s.byChannel.postal.blocked).toBe(5);
  });

  it('counts rejected lines and keeps only a sample of them', async () => {
    const records = await collect(readFileSync(join(FIXTURES, 'malformed.jsonl'), 'utf8'));
    const s = await summarise(records, { sampleSize: 2 });
    expect(s).toMatchObject({ records: 8, evaluated: 2, rejected: 6 });
    expect(s.errors.count).toBe(6);
    expect(s.errors.sample.map((e) => e.line)).toEqual([2, 3]);
  });

  it('counts a contact once per blocker even when several channels share it', () => {
    const blocked: ChannelVerdict = { allowed: false, blocker: 'objected', reasons: [] };
    const verdict = {
      id: 'x', audience: 'b2c', status: 'blocked', source: { kind: 'web_form', risk: 'low', art14NoticeRequired: false },
      retention: { anchor: 'collected', expiresAt: '2028-01-01', state: 'active', daysLeft: 400 },
      channels: { email: blocked, sms: blocked, social_dm: blocked, automated_call: blocked, fax: blocked, phone: blocked,
        postal: { allowed: false, blocker: 'needs_consent', reasons: [] } },
      phone: { e164: null, valid: false, input: '12' }, reasons: [],
    } as unknown as Verdict;
    const summariser = new AuditSummariser();
    summariser.add({ line: 1, verdict });
    expect(summariser.summary.byBlocker).toMatchObject({ objected: 1, needs_consent: 1 });
    expect(summariser.summary.invalidPhones).toBe(1);
    expect(summariser.summary.byChannel.email).toEqual({ allowed: 0, blocked: 1 });
  });
});

describe('formats', () => {
  it('table: prints rows up to the limit, says how many were left out, then the summary', async () => {
    const out = await text(formatTable(replay(await example()), { limit: 2, at: AT, jurisdiction: 'FR', fileName: 'x.jsonl' }));
    const rows = out.split('\n').filter((l) => /^\d+\s+ex-/.test(l));
    expect(rows.map((r) => r.split(/\s+/)[1])).toEqual(['ex-1', 'ex-2']);
    expect(out).toContain('… 3 more rows not shown');
    expect(out).toContain('SUMMARY of x.jsonl, judged as of 2026-11-23 (default country FR)');
    expect(out).toMatch(/expired\s+1\s+20\.0%\s+retention over/);
    expect(out).toContain('Delete now (retention over): 1 contact\n  ex-4 (line 4)');
  });

  it('table: shows rejected lines as rows and in the summary', async () => {
    const records = await collect(readFileSync(join(FIXTURES, 'malformed.jsonl'), 'utf8'));
    const out = await text(formatTable(replay(records), { limit: 100, at: AT, jurisdiction: 'FR' }));
    expect(out).toMatch(/^3\s+bad-type\s+REJECTED\s+callsLast30Days: /m);
    expect(out).toContain('Rejected lines: 6 (fix them and run again)');
  });

  it('jsonl: one JSON value per record, the error shape for rejected lines', async () => {
    const records = await collect(readFileSync(join(FIXTURES, 'malformed.jsonl'), 'utf8'));
    const lines = (await text(formatJsonl(replay(records)))).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(records.length);
    expect(lines[1]).toEqual({ id: 'bad-json', line: 2, error: expect.stringMatching(/^invalid JSON/) });
    expect(lines[0]?.status).toBe('compliant');
  });

  it('jsonl: the fast serialiser gives the same value as JSON.stringify for every sample verdict', async () => {
    const records = await collect(readFileSync(join(ROOT, 'samples', 'contacts-sample.jsonl'), 'utf8'));
    const differing = records.filter((r) => r.verdict && !isDeepStrictEqual(JSON.parse(verdictToJson(r.verdict)), JSON.parse(JSON.stringify(r.verdict))));
    expect(differing).toEqual([]);
  });

  it('jsonl: with line and cleaning members, the fast path equals the plain object of the result', async () => {
    const { cleaningJson, resultObject } = await import('../../src/audit/format-jsonl.ts');
    const records = await collect(readFileSync(join(ROOT, 'samples', 'contacts-sample.jsonl'), 'utf8'));
    const differing = records.filter((r) => r.verdict
      && !isDeepStrictEqual(JSON.parse(verdictToJson(r.verdict, r.line, cleaningJson(r.cleaning))), resultObject(r)));
    expect(differing).toEqual([]);
    expect(records.some((r) => r.cleaning?.duplicateOf || r.cleaning?.email === 'invalid')).toBe(true);
  });

  it('jsonl through a real pipe (output blocks reused once written) gives the same bytes as in-process', async () => {
    const { runAudit, runCli } = await import('./helpers.ts');
    const args = ['audit', join('samples', 'contacts-sample.jsonl'), '--format', 'jsonl', '--at', '2026-11-23', '--quiet'];
    const child = await runCli(args);
    const inProcess = await runAudit(args.slice(1));
    expect(child.stdout.length).toBeGreaterThan(4 * 256 * 1024); // several blocks, so some were reused
    expect(child.stdout).toBe(inProcess.stdout);
  });

  it('csv: a header, one row per record, errors with line and message, formula-looking text defused', async () => {
    const records = await collect(readFileSync(join(FIXTURES, 'malformed.jsonl'), 'utf8'));
    const rows = (await text(formatCsv(replay(records)))).trimEnd().split('\n').map((l) => {
      const parsed = parseCsvText(l, ',');
      if (parsed.kind !== 'fields') throw new Error(`unparseable row ${l}`);
      return Object.fromEntries(parsed.fields.map((v, i) => [CSV_COLUMNS[i], v]));
    });
    expect(Object.keys(rows[0] ?? {})).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(records.length + 1);
    expect(rows[1]).toMatchObject({ line: '1', id: 'ok-1', status: 'compliant', email_allowed: 'false', email_blocker: 'needs_consent', error: '' });
    expect(rows[2]).toMatchObject({ line: '2', id: 'bad-json', status: '', error: expect.stringMatching(/^invalid JSON/) });
    expect(csvCell('=HYPERLINK("x")', { freeText: true })).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('+33 6 12', {})).toBe('+33 6 12');
  });
});
