// The fixture set of real-looking files (issue 13): a French Excel CSV (BOM, semicolons, CRLF, human headers,
// dd/mm/yyyy and dd.mm.yyyy dates, French source words), a HubSpot export with property labels, a Salesforce
// leads report, a Pipedrive persons export and an xlsx workbook. Every line holds valid data: none is rejected.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, jsonlResults, runAudit } from './helpers.ts';

type Result = Record<string, unknown> & { id: string; line: number; status: string; channels: Record<string, { allowed: boolean; blocker?: string }> };

async function audit(file: string, extra: string[] = []): Promise<{ code: number; results: Result[]; stderr: string }> {
  const run = await runAudit([file, '--format', 'jsonl', '--at', '2026-11-23', ...extra]);
  return { code: run.code, results: jsonlResults(run.stdout) as Result[], stderr: run.stderr };
}

describe('a French Excel CSV (BOM, semicolons, CRLF, French headers and dates)', () => {
  it('maps every column it knows, says which, and rejects no line', async () => {
    const { code, results, stderr } = await audit(join(FIXTURES, 'excel-fr.csv'));
    expect(code).toBe(0);
    expect(results).toHaveLength(8);
    expect(results.filter((r) => r.error)).toEqual([]);
    expect(stderr).toContain('Email -> email, Téléphone -> phone, Pays -> country, Société -> company, Fonction -> jobTitle, Source -> source.kind, Date de collecte -> source.collectedAt');
    expect(stderr).toContain('not used: Civilité, Prénom, Nom, Ville');
    expect(stderr).toContain('no id column');
  });

  it('reads the French dates and source words, and names each result after its line', async () => {
    const { results } = await audit(join(FIXTURES, 'excel-fr.csv'));
    const byLine = new Map(results.map((r) => [r.line, r]));
    expect(byLine.get(2)).toMatchObject({ id: 'line-2', jurisdiction: 'FR', audience: 'b2b_nominative',
      source: { kind: 'trade_show' }, retention: { anchor: 'collected', expiresAt: '2028-11-23' } });
    expect(byLine.get(3)).toMatchObject({ source: { kind: 'business_card' }, retention: { expiresAt: '2028-03-02' } }); // 02.03.2025
    expect(byLine.get(4)).toMatchObject({ source: { kind: 'purchased_list', risk: 'high' } });
    expect(byLine.get(5)).toMatchObject({ source: { kind: 'web_form' } });
    expect(byLine.get(6)).toMatchObject({ source: { kind: 'scraped' } }); // "Pages Jaunes"
    expect(byLine.get(7)).toMatchObject({ jurisdiction: 'BE', source: { kind: 'rented_list' } });
    expect(byLine.get(8)).toMatchObject({ source: { kind: 'referral' } });
  });

  it('the same sheet saved as Excel\'s plain "CSV (separateur : point-virgule)" in Windows-1252 reads the same', async () => {
    const utf8 = await audit(join(FIXTURES, 'excel-fr.csv'));
    const ansi = await audit(join(FIXTURES, 'excel-fr-ansi.csv'));
    expect(ansi.code).toBe(0);
    expect(ansi.stderr).toContain('Téléphone -> phone');
    expect(ansi.results).toEqual(utf8.results);
  });

  it('postal mail counts as usable only where the file has an address', async () => {
    const { results } = await audit(join(FIXTURES, 'excel-fr.csv'));
    const byLine = new Map(results.map((r) => [r.line, r]));
    expect(byLine.get(2)?.usableChannels).toContain('postal'); // 12 rue des Lilas
    expect(byLine.get(3)?.usableChannels).not.toContain('postal'); // no address
    expect(byLine.get(3)?.channels.postal?.allowed).toBe(true); // the law allows it all the same
  });
});

describe('CRM exports', () => {
  it('HubSpot export with property labels: ids, dates, legal basis and opt-out are read', async () => {
    const { code, results, stderr } = await audit(join(FIXTURES, 'hubspot-export.csv'));
    expect(code).toBe(0);
    expect(stderr).toContain('Reading a HubSpot contacts export');
    expect(results.map((r) => r.id)).toEqual(['51234', '51235', '51236', '51237']);
    expect(results.filter((r) => r.error)).toEqual([]);
    const [marc, julie, hans, emma] = results;
    expect(marc).toMatchObject({ source: { kind: 'web_form' }, retention: { expiresAt: '2028-11-23' } });
    expect(julie?.channels.email).toMatchObject({ allowed: true, basis: 'consent' }); // "Freely given consent"
    expect(hans).toMatchObject({ jurisdiction: 'DE' });
    expect(emma?.channels.email).toMatchObject({ allowed: false, blocker: 'objected' }); // unsubscribed from all email
  });

  it('Salesforce leads report: Lead Source values, day-first dates, Email Opt Out and Do Not Call', async () => {
    const { code, results, stderr } = await audit(join(FIXTURES, 'salesforce-leads.csv'));
    expect(code).toBe(0);
    expect(stderr).toContain('Lead ID -> id');
    expect(stderr).toContain('Email Opt Out -> optout.email');
    expect(results.filter((r) => r.error)).toEqual([]);
    const byId = new Map(results.map((r) => [r.id, r]));
    expect(byId.get('00Q5g00000A1bCdEAF')).toMatchObject({ source: { kind: 'trade_show' }, retention: { expiresAt: '2028-11-23' } });
    expect(byId.get('00Q5g00000A1bCeEAF')).toMatchObject({ source: { kind: 'purchased_list' } });
    expect(byId.get('00Q5g00000A1bCeEAF')?.channels.phone).toMatchObject({ allowed: false, blocker: 'objected' }); // Do Not Call
    expect(byId.get('00Q5g00000A1bCfEAF')?.channels.email).toMatchObject({ allowed: false, blocker: 'objected' }); // Email Opt Out
    expect(byId.get('00Q5g00000A1bCgEAF')).toMatchObject({ source: { kind: 'referral' } });
    expect(byId.get('00Q5g00000A1bChEAF')).toMatchObject({ source: { kind: 'inbound_request' } });
  });

  it('Pipedrive persons export: "Person - Email - Work" and friends', async () => {
    const { code, results } = await audit(join(FIXTURES, 'pipedrive-persons.csv'));
    expect(code).toBe(0);
    expect(results.map((r) => [r.id, (r.source as { kind: string }).kind, r.contactPoints])).toEqual([
      ['101', 'trade_show', { email: 'valid', phone: 'valid' }],
      ['102', 'enrichment_tool', { email: 'valid', phone: 'valid' }],
    ]);
  });
});

describe('an xlsx workbook', () => {
  let dir = '';
  let file = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pg-audit-xlsx-'));
    file = join(dir, 'prospects.xlsx');
    const { default: ExcelJS } = await import('exceljs');
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Prospects');
    sheet.addRow(['Email', 'Téléphone', 'Société', 'Fonction', 'Source', 'Date de collecte', 'Pays']);
    // Excel keeps dates as dates, numbers as numbers (a phone typed without its leading 0), a trailing cell empty.
    sheet.addRow(['nina.roche@roche-bio.fr', '0612345678', 'Roche Bio', 'CTO', 'Salon', new Date(Date.UTC(2025, 10, 23)), 'France']);
    sheet.addRow(['y.mercier@mercier-btp.fr', 144556677, 'Mercier BTP', 'Gérant', 'Carte de visite', '02/03/2025']);
    sheet.addRow([]);
    sheet.addRow([{ text: 'x.lefevre@lefevre.fr', hyperlink: 'mailto:x.lefevre@lefevre.fr' }, '', 'Lefèvre', 'DAF', 'achat de fichier', new Date(Date.UTC(2026, 0, 15)), 'France']);
    await workbook.xlsx.writeFile(file);
  });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('reads the first sheet row by row: dates, numbers, links; empty rows skipped; nothing rejected', async () => {
    const { code, results, stderr } = await audit(file);
    expect(code).toBe(0);
    expect(stderr).toContain('Reading a spreadsheet');
    expect(results.map((r) => [r.line, r.id, (r.source as { kind: string }).kind, (r.retention as { expiresAt: string }).expiresAt])).toEqual([
      [2, 'line-2', 'trade_show', '2028-11-23'],
      [3, 'line-3', 'business_card', '2028-03-02'],
      [5, 'line-5', 'purchased_list', '2029-01-15'],
    ]);
    expect(results[1]?.contactPoints).toEqual({ email: 'valid', phone: 'valid' }); // 144556677 read as 01 44 55 66 77
  });

  it('a file that is not a workbook is said to be one, exit 1', async () => {
    const { writeFile } = await import('node:fs/promises');
    const fake = join(dir, 'old.xlsx');
    await writeFile(fake, 'Email;Source\na@b.fr;salon\n');
    const run = await runAudit([fake, '--format', 'jsonl']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the file is not an .xlsx workbook');
  });
});
