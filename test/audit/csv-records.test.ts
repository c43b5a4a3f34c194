import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { detectDelimiter, parseCsvText, readCsvRecords } from '../../src/audit/csv-records.ts';
import type { CsvRecord } from '../../src/audit/csv-records.ts';
import { readLines } from '../../src/audit/line-reader.ts';

async function records(text: string, maxRecordLines?: number): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const r of readCsvRecords(readLines(Readable.from([text])), { maxRecordLines })) out.push(r);
  return out;
}

describe('parseCsvText', () => {
  it('reads quoted fields, doubled quotes, empty trailing fields', () => {
    expect(parseCsvText('a,"b, c","say ""hi""",', ',')).toEqual({ kind: 'fields', fields: ['a', 'b, c', 'say "hi"', ''] });
  });
  it('says when a quote is still open at the end of the text', () => {
    expect(parseCsvText('a,"multi', ',')).toEqual({ kind: 'open' });
  });
  it('rejects text after a closing quote and a stray quote in an unquoted value', () => {
    expect(parseCsvText('a,"b"c,d', ',')).toMatchObject({ kind: 'error', column: 2 });
    expect(parseCsvText('a,b"c', ',')).toMatchObject({ kind: 'error', column: 2 });
  });
});

describe('readCsvRecords', () => {
  it('keeps a line break inside quotes and numbers each record by its first line', async () => {
    const result = await records('id,notes\n1,"two\nlines"\n2,plain\n');
    expect(result).toEqual([
      { line: 1, fields: ['id', 'notes'] },
      { line: 2, fields: ['1', 'two\nlines'] },
      { line: 4, fields: ['2', 'plain'] },
    ]);
  });

  it('reports a broken quote on its line and still reads every good record after it', async () => {
    const result = await records('id,email\n1,"a@b.fr"oops\n2,ok@b.fr\n3,"fine"\n');
    expect(result.map((r) => [r.line, r.error ? 'error' : r.fields[0]])).toEqual([[1, 'id'], [2, 'error'], [3, '2'], [4, '3']]);
  });

  it('gives up on a quote never closed, reports its line, and re-reads the lines it swallowed', async () => {
    const result = await records('id,email\n1,"unclosed\n2,ok@b.fr\n3,ok@c.fr\n');
    expect(result.map((r) => [r.line, r.error ?? r.fields.join('|')])).toEqual([
      [1, 'id|email'], [2, 'a quote opened here is never closed'], [3, '2|ok@b.fr'], [4, '3|ok@c.fr'],
    ]);
  });

  it('bounds how many lines one quoted value may span', async () => {
    const result = await records(`id,x\n1,"${'\n'.repeat(5)}\n2,b\n`, 3);
    expect(result[1]).toMatchObject({ line: 2, error: expect.stringContaining('not closed within 3 lines') });
    expect(result.at(-1)).toEqual({ line: 8, fields: ['2', 'b'] });
  });

  it('detects the semicolon of French spreadsheet exports', async () => {
    expect(detectDelimiter('id;email;"a,b"')).toBe(';');
    expect(detectDelimiter('id\temail')).toBe('\t');
    const result = await records('id;email\n1;"x;y"\n');
    expect(result[1]).toEqual({ line: 2, fields: ['1', 'x;y'] });
  });
});
