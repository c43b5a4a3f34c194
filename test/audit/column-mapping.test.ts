// Column names, --map, dates and source words as real files write them.
import { describe, expect, it } from 'vitest';
import { parseColumnMap, recogniseHeader, ColumnMapError } from '../../src/audit/column-names.ts';
import { createCsvContactMapper } from '../../src/audit/csv-contact.ts';
import { defaultDateOrder, parseDateCell } from '../../src/audit/date-cells.ts';
import { FingerprintTable } from '../../src/audit/fingerprints.ts';
import { parseAuditRunOptions, UsageError } from '../../src/audit/options.ts';
import { recogniseSourceKind } from '../../src/audit/source-kinds.ts';
import { jsonlResults, runAudit } from './helpers.ts';

const at = new Date('2026-11-23T00:00:00Z');

describe('headers', () => {
  it.each([
    ['Email', 'email'], ['E-mail', 'email'], ['Courriel', 'email'], ['Adresse e-mail', 'email'], ['Person - Email - Work', 'email'],
    ['Téléphone', 'phone'], ['TEL', 'phone'], ['Mobile Phone Number', 'phone'], ['Phone - Mobile', 'phone'],
    ['Pays', 'country'], ['Country/Region', 'country'], ['Mailing Country', 'country'],
    ['Société', 'company'], ['Raison sociale', 'company'], ['Account Name', 'company'], ['Person - Organization', 'company'],
    ['Fonction', 'jobTitle'], ['Intitulé de poste', 'jobTitle'], ['Title', 'jobTitle'],
    ['Source', 'source.kind'], ['Lead Source', 'source.kind'], ['Origine', 'source.kind'],
    ['Date de collecte', 'source.collectedAt'], ['Created Date', 'source.collectedAt'], ['Person created', 'source.collectedAt'],
    ['source_kind', 'source.kind'], ['sourceCollectedAt', 'source.collectedAt'], ['Lead ID', 'id'], ['Record ID', 'id'],
    ['Email Opt Out', 'optout.email'], ['Do Not Call', 'optout.phone'], ['Adresse', 'address'], ['LinkedIn', 'social'],
  ])('%s -> %s', (header, field) => {
    expect(recogniseHeader(header)?.path).toBe(field);
  });

  it('leaves unknown headers to --map, which wins over recognition', () => {
    expect(recogniseHeader('Couleur préférée')).toBeNull();
    const map = parseColumnMap('Date d\'inscription=source.collectedAt, "Canal, détail"=source.detail,Origine=ignore');
    const mapper = createCsvContactMapper(['E-mail', 'Date d\'inscription', 'Canal, détail', 'Origine'], { columnMap: map });
    expect(mapper.columns).toEqual([
      { column: 'E-mail', field: 'email', how: 'name' },
      { column: 'Date d\'inscription', field: 'source.collectedAt', how: 'map' },
      { column: 'Canal, détail', field: 'source.detail', how: 'map' },
      { column: 'Origine', field: null, how: 'ignored' },
    ]);
    expect(mapper.map(['a@b.fr', '23/11/2025', 'salon X', 'salon'], { at, line: 7 })).toEqual({ ok: true, value: {
      id: 'line-7', email: 'a@b.fr', source: { collectedAt: '2025-11-23', detail: 'salon X' } } });
    expect(() => parseColumnMap('Foo=bar')).toThrow(ColumnMapError);
    expect(() => parseColumnMap('Foo')).toThrow(/should read "Column header=field"/);
  });

  it('without an id column a rejected row is named after its line too', async () => {
    const csv = 'Email;Source\na@acme.fr;salon\nb@acme.fr;salon;extra\nc@acme.fr;"unclosed\n';
    const run = await runAudit(['-', '--input', 'csv', '--format', 'jsonl', '--quiet', '--at', '2026-11-23'], { stdin: csv });
    expect(jsonlResults(run.stdout).map((r) => [r.id, r.line, r.error === undefined])).toEqual([
      ['line-2', 2, true], ['line-3', 3, false], ['line-4', 4, false]]);
  });

  it('keeps the first non-empty of two columns for one field (Phone, then Mobile)', () => {
    const mapper = createCsvContactMapper(['Phone', 'Mobile']);
    expect(mapper.map(['', '06 11 22 33 44'], { at, line: 2 })).toMatchObject({ ok: true, value: { phone: '06 11 22 33 44' } });
    expect(mapper.map(['01 44 55 66 77', '06 11 22 33 44'], { at, line: 3 })).toMatchObject({ ok: true, value: { phone: '01 44 55 66 77' } });
  });

  it('an opt-out column is an objection at the evaluation instant; a bad flag names the field', () => {
    const mapper = createCsvContactMapper(['Email', 'Email Opt Out', 'Do Not Call']);
    expect(mapper.map(['a@b.fr', 'oui', '1'], { at, line: 2 })).toMatchObject({ ok: true, value: { objections: [
      { channel: 'email', at: at.toISOString() }, { channel: 'phone', at: at.toISOString() }, { channel: 'automated_call', at: at.toISOString() },
    ] } });
    expect(mapper.map(['a@b.fr', 'peut-être', ''], { at, line: 3 })).toEqual({ ok: false, id: 'line-3', error: 'optout.email: expected yes or no, got "peut-être"' });
  });
});

describe('dates', () => {
  it('reads ISO always, day-first or month-first as told, and refuses dates that do not exist', () => {
    expect(parseDateCell('2025-11-23', 'dmy')).toEqual({ ok: true, iso: '2025-11-23' });
    expect(parseDateCell('2025-11-23 14:05', 'dmy')).toEqual({ ok: true, iso: '2025-11-23T14:05:00Z' });
    expect(parseDateCell('23/11/2025', 'dmy')).toEqual({ ok: true, iso: '2025-11-23' });
    expect(parseDateCell('23.11.2025', 'dmy')).toEqual({ ok: true, iso: '2025-11-23' });
    expect(parseDateCell('3-4-2025', 'dmy')).toEqual({ ok: true, iso: '2025-04-03' });
    expect(parseDateCell('3/4/2025', 'mdy')).toEqual({ ok: true, iso: '2025-03-04' });
    expect(parseDateCell('23/11/25', 'dmy')).toEqual({ ok: true, iso: '2025-11-23' });
    expect(parseDateCell('23/11/2025 9h30', 'dmy')).toEqual({ ok: true, iso: '2025-11-23T09:30:00Z' });
    expect(parseDateCell('31/02/2025', 'dmy')).toMatchObject({ ok: false, error: expect.stringContaining('not a date in dd/mm/yyyy') });
    expect(parseDateCell('11/23/2025', 'dmy')).toMatchObject({ ok: false });
    expect(parseDateCell('hier', 'dmy')).toMatchObject({ ok: false, error: expect.stringContaining('is not a date') });
    expect([defaultDateOrder('FR'), defaultDateOrder('US')]).toEqual(['dmy', 'mdy']);
  });

  it('--date-format mdy reads a US export; a bad cell is rejected with the field named', async () => {
    const csv = 'Email,Date de collecte,Source\na@acme.fr,11/23/2025,Trade Show\nb@acme.fr,23/11/2025,Trade Show\n';
    const run = await runAudit(['-', '--input', 'csv', '--format', 'jsonl', '--quiet', '--at', '2026-11-23', '--date-format', 'mm/dd/yyyy'], { stdin: csv });
    const [first, second] = jsonlResults(run.stdout);
    expect(first).toMatchObject({ id: 'line-2', retention: { expiresAt: '2028-11-23' } });
    expect(second).toEqual({ id: 'line-3', line: 3, error: 'source.collectedAt: "23/11/2025" is not a date in mm/dd/yyyy (see --date-format)' });
    expect(run.code).toBe(1);
  });

  it('options: --date-format defaults from --jurisdiction, bad values are usage errors', () => {
    const run = (argv: string[]) => parseAuditRunOptions(argv, () => at);
    expect(run(['a.csv'])).toMatchObject({ dateOrder: 'dmy', showContacts: false, fields: null, suppressionFiles: [] });
    expect(run(['a.csv', '--jurisdiction', 'US'])).toMatchObject({ dateOrder: 'mdy' });
    expect(run(['a.xlsx', '--suppression', 'x.csv', '--suppression', 'y.jsonl', '--show-contacts'])).toMatchObject({
      input: 'xlsx', suppressionFiles: ['x.csv', 'y.jsonl'], showContacts: true });
    expect(() => run(['a.csv', '--date-format', 'yyyy/dd/mm'])).toThrow(UsageError);
    expect(() => run(['a.csv', '--map', 'X=nowhere'])).toThrow(/unknown field "nowhere"/);
    expect(() => run(['a.csv', '--fields', 'id,,'])).not.toThrow();
    expect(() => run(['a.csv', '--fields', 'id;status'])).toThrow(/--fields takes/);
  });
});

describe('source words', () => {
  it.each([
    ['salon', 'trade_show'], ['Salon VivaTech 2025', 'trade_show'], ['achat de fichier', 'purchased_list'],
    ['Fichier acheté', 'purchased_list'], ['carte de visite', 'business_card'], ['location de fichier', 'rented_list'],
    ['Trade Show', 'trade_show'], ['Purchased List', 'purchased_list'], ['Partner Referral', 'referral'], ['Web', 'web_form'],
    ['Phone Inquiry', 'inbound_request'], ['Word of mouth', 'referral'], ['scraping LinkedIn', 'scraped'], ['courtier', 'data_broker'],
    ['Enrichissement Kaspr', 'enrichment_tool'], ['client existant', 'existing_customer'], ['rented_list', 'rented_list'], ['Autre', 'unknown'],
  ])('%s -> %s', (text, kind) => {
    expect(recogniseSourceKind(text)).toBe(kind);
  });

  it('an unknown word is judged as unknown, kept as the detail, and listed in the summary', async () => {
    const csv = 'Email;Source\na@acme.fr;Pigeon voyageur\n';
    const run = await runAudit(['-', '--input', 'csv', '--format', 'jsonl', '--at', '2026-11-23'], { stdin: csv });
    expect(jsonlResults(run.stdout)[0]).toMatchObject({ source: { kind: 'unknown', risk: 'high' }, unrecognisedSource: 'Pigeon voyageur' });
    const table = await runAudit(['-', '--input', 'csv', '--at', '2026-11-23'], { stdin: csv });
    expect(table.stdout).toContain('Source values not recognised (judged as unknown, the strictest): "Pigeon voyageur" (1)');
  });
});

describe('fingerprint table', () => {
  it('remembers the first line of each key through growth', () => {
    const table = new FingerprintTable(16);
    for (let i = 1; i <= 50_000; i += 1) expect(table.firstLine(`k${i}@x.fr`, i)).toBe(0);
    expect(table.size).toBe(50_000);
    expect(table.firstLine('k1@x.fr', 60_000)).toBe(1);
    expect(table.firstLine('k49999@x.fr', 60_001)).toBe(49_999);
    expect(table.has('k777@x.fr')).toBe(777);
    expect(table.has('nobody@x.fr')).toBe(0);
  });
});
