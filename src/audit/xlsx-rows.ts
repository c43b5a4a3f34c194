// `.xlsx` input: the first worksheet's rows as CSV-like records (row number = line), read with exceljs's
// streaming WorkbookReader: one row at a time from the zip entry, shared strings cached (the workbook needs
// them), no whole-sheet model in memory. Cells become text the CSV mapper reads: dates as ISO (Excel stores
// days; exceljs hands Date objects for date-formatted cells), rich text and hyperlinks as their text,
// formulas as their cached result.
import type { Readable } from 'node:stream';
import type { CsvRecord } from './csv-records.ts';
import { isoFromDate } from './date-cells.ts';

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return isoFromDate(value);
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: string; hyperlink?: string };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if (v.text !== undefined) return cellText(v.text);
    if ('result' in v) return cellText(v.result);
    if (v.error !== undefined) return '';
    if (v.hyperlink !== undefined) return v.hyperlink;
  }
  return String(value);
}

export class XlsxError extends Error {
  override name = 'XlsxError';
}

/** Rows of the workbook's first worksheet; empty rows are skipped (spreadsheets have many). */
export async function* readXlsxRows(input: string | Readable): AsyncGenerator<CsvRecord> {
  // Loaded here: exceljs is large and only xlsx input needs it.
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', entries: 'ignore',
  });
  let width = -1;
  try {
    for await (const worksheet of reader) {
      for await (const row of worksheet) {
        // row.values is 1-based (index 0 unused) and sparse; trailing empty cells are absent.
        const values = row.values as unknown[];
        const fields: string[] = [];
        for (let i = 1; i < values.length; i += 1) fields.push(cellText(values[i]).trim());
        if (fields.every((f) => f === '')) continue;
        if (width < 0) width = fields.length; // the header row
        while (fields.length < width) fields.push('');
        yield { line: row.number, fields };
      }
      return; // the first worksheet only: the others are usually notes or pivot tables
    }
  } catch (error) {
    const message = (error as Error).message;
    if (/signature|central directory|zip/i.test(message)) {
      throw new XlsxError('the file is not an .xlsx workbook (an old .xls, or a CSV renamed?): save it as .xlsx or as CSV');
    }
    throw new XlsxError(`cannot read the workbook: ${message}`);
  }
}
