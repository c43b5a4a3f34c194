// The audit pipeline as a library, on the contract's example and on malformed input.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../src/engine/index.ts';
import type { Verdict } from '../../src/engine/index.ts';
import { AT, collect, CONTRACT_EXAMPLE, FIXTURES, ROOT } from './helpers.ts';

const verdicts = (records: Awaited<ReturnType<typeof collect>>): Verdict[] =>
  records.map((r) => r.verdict).filter((v): v is Verdict => v !== undefined);

describe('the contract example, judged on 2026-11-23', () => {
  it('gives each contact the status and channel verdicts the rules call for', async () => {
    const records = await collect(readFileSync(CONTRACT_EXAMPLE, 'utf8'));
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 4, 5]);
    const [ex1, ex2, ex3, ex4, ex5] = verdicts(records) as [Verdict, Verdict, Verdict, Verdict, Verdict];

    // Nominative work address, CTO, offer flagged as related: B2B legitimate interest for email; collected at a
    // trade show (low risk); retention runs 3 years from the last prospect-initiated contact (2025-09-01).
    expect(ex1).toMatchObject({ id: 'ex-1', audience: 'b2b_nominative', status: 'compliant',
      source: { kind: 'trade_show', risk: 'low', art14NoticeRequired: false },
      retention: { anchor: 'last_prospect_contact', expiresAt: '2028-09-01', state: 'active' } });
    expect(ex1.channels.email).toMatchObject({ allowed: true, basis: 'legitimate_interest' });

    // Consumer (gmail) from a rented list without proof of consent: no electronic channel, no phone since
    // 2026-08-11; postal stays open on legitimate interest, so the record is usable but at risk (Art. 14 notice).
    expect(ex2).toMatchObject({ id: 'ex-2', audience: 'b2c', status: 'at_risk',
      source: { kind: 'rented_list', risk: 'high', art14NoticeRequired: true } });
    for (const channel of ['email', 'sms', 'phone'] as const) {
      expect(ex2.channels[channel]).toMatchObject({ allowed: false, blocker: 'needs_consent' });
    }
    expect(ex2.channels.postal).toMatchObject({ allowed: true, basis: 'legitimate_interest' });

    // contact@ is a generic address (not personal data) but the data was scraped: usable, at risk.
    expect(ex3).toMatchObject({ id: 'ex-3', audience: 'b2b_generic', status: 'at_risk', source: { kind: 'scraped', risk: 'high' } });
    expect(ex3.channels.email).toMatchObject({ allowed: true, basis: 'not_personal_data' });

    // Collected 2022-02-01, no prospect-initiated contact since (an open in 2026 does not count): expired.
    expect(ex4).toMatchObject({ id: 'ex-4', status: 'expired',
      retention: { anchor: 'collected', expiresAt: '2025-02-01', state: 'expired' } });
    for (const channel of CHANNELS) expect(ex4.channels[channel]).toMatchObject({ allowed: false, blocker: 'retention_expired' });

    // Customer with a contract in progress and a similar offer: soft opt-in by email, phone within the contract.
    expect(ex5).toMatchObject({ id: 'ex-5', status: 'compliant' });
    expect(ex5.channels.email).toMatchObject({ allowed: true, basis: 'soft_opt_in' });
    expect(ex5.channels.phone).toMatchObject({ allowed: true, basis: 'contract' });
  });

  it('applies --target-roles when a B2B record has no relevance flag', async () => {
    const line = '{"id":"t-1","email":"jean.dupont@acme-software.fr","company":"Acme","jobTitle":"Directeur technique","source":{"kind":"trade_show","collectedAt":"2026-01-10"}}\n';
    const [without] = verdicts(await collect(line));
    const [withRoles] = verdicts(await collect(line, { targetRoles: ['directeur technique'] }));
    expect(without?.channels.email).toMatchObject({ allowed: false, blocker: 'needs_consent' });
    expect(withRoles?.channels.email).toMatchObject({ allowed: true, basis: 'legitimate_interest' });
  });

  it('judges as of --at: the same consumer phone call is opt-out before 2026-08-11 and needs consent after', async () => {
    const line = '{"id":"p-1","email":"paul@gmail.com","phone":"+33 6 12 34 56 78","country":"FR","source":{"kind":"web_form","collectedAt":"2026-01-10"}}\n';
    const [before] = verdicts(await collect(line, { at: new Date('2026-07-01T10:00:00Z') }));
    const [after] = verdicts(await collect(line, { at: new Date('2026-09-01T10:00:00Z') }));
    expect(before?.channels.phone.allowed).toBe(true);
    expect(after?.channels.phone).toMatchObject({ allowed: false, blocker: 'needs_consent' });
  });

  it('uses --jurisdiction for contacts without a country', async () => {
    const line = '{"id":"j-1","email":"anna@web.de","source":{"kind":"web_form","collectedAt":"2026-01-10"}}\n';
    const [de] = verdicts(await collect(line, { jurisdiction: 'DE' }));
    expect(de?.jurisdiction).toBe('DE');
  });
});

describe('malformed lines', () => {
  it('yields an error naming the line and the field, and goes on with the next lines (JSONL)', async () => {
    const records = await collect(readFileSync(join(FIXTURES, 'malformed.jsonl'), 'utf8'));
    expect(records.map((r) => (r.error ? ['error', r.line, r.error.id] : ['ok', r.line, r.verdict.id]))).toEqual([
      ['ok', 1, 'ok-1'], ['error', 2, 'bad-json'], ['error', 3, 'bad-type'], ['error', 4, null],
      ['error', 6, null], ['error', 7, 'bad-enum'], ['error', 8, 'bad-date'], ['ok', 9, 'ok-2'],
    ]);
    const errors = records.flatMap((r) => (r.error ? [r.error] : []));
    expect(errors[0]?.error).toMatch(/^invalid JSON/);
    expect(errors[1]?.error).toMatch(/^callsLast30Days: /);
    expect(errors[2]?.error).toMatch(/^id: /);
    expect(errors[3]?.error).toMatch(/JSON object/);
    expect(errors[4]?.error).toMatch(/^source\.kind: /);
    expect(errors[5]?.error).toMatch(/^source\.collectedAt: invalid date/);
    for (const e of errors) expect(Object.keys(e).sort()).toEqual(['error', 'id', 'line']);
  });

  it('yields an error naming the line for broken CSV quoting, width and a bad cell, and keeps the good rows', async () => {
    const records = await collect(readFileSync(join(FIXTURES, 'malformed.csv'), 'utf8'), { input: 'csv' });
    expect(records.map((r) => (r.error ? [r.line, r.error.id, r.error.error] : [r.line, r.verdict.id]))).toEqual([
      [2, 'ok-1'],
      [3, 'broken-quote', 'CSV in column 2 (email): a closing quote must be followed by "," or the end of the line'],
      [4, 'wrong-width', 'CSV: expected 7 columns, found 3'],
      [5, 'bad-bool', 'isProfessional: expected true or false, got "maybe"'],
      [6, 'ok-2'],
    ]);
  });
});

describe('CSV input', () => {
  it('gives the same verdicts for the flat CSV sample as for the JSONL sample it was generated with', async () => {
    const fromJsonl = verdicts(await collect(readFileSync(join(ROOT, 'samples', 'contacts-sample.jsonl'), 'utf8')));
    const fromCsv = await collect(readFileSync(join(ROOT, 'samples', 'contacts-sample.csv'), 'utf8'), { input: 'csv' });
    expect(fromCsv.filter((r) => r.error)).toEqual([]);
    expect(fromJsonl).toHaveLength(300);
    const differing = verdicts(fromCsv).filter((v, i) => !isDeepStrictEqual(v, fromJsonl[i]));
    expect(differing.map((v) => v.id)).toEqual([]);
  });

  it('reads the HubSpot-export sample without rejecting a line, recognising its layout', async () => {
    let layout = '';
    const records = await collect(readFileSync(join(ROOT, 'samples', 'contacts-sample-hubspot.csv'), 'utf8'),
      { input: 'csv', onCsvLayout: (info) => { layout = info.layout; } });
    expect(layout).toBe('hubspot');
    expect(records.filter((r) => r.error)).toEqual([]);
    expect(records).toHaveLength(300);
    expect(records[0]?.line).toBe(2);
  });

  it('keeps results in input order with each one carrying its evaluation instant', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => JSON.stringify({ id: `o-${i}`, email: `p${i}@gmail.com` })).join('\n');
    const records = await collect(lines);
    expect(verdicts(records).map((v) => v.id)).toEqual(Array.from({ length: 50 }, (_, i) => `o-${i}`));
    expect(new Set(verdicts(records).map((v) => v.evaluatedAt))).toEqual(new Set([AT.toISOString()]));
  });
});
