// The audit pipeline as a library: a byte stream of contacts in, one result per contact out, in input order.
// Reads lazily (the consumer's pace drives the file reads), so memory stays flat whatever the file size.
// Formatting and summaries live elsewhere (format-*.ts, summary.ts).
import type { Readable } from 'node:stream';
import { DEFAULT_SETTINGS, evaluateContact, parseContactFacts } from '../engine/index.ts';
import type { PortalSettings, VerdictError } from '../engine/index.ts';
import { readCsvRecords } from './csv-records.ts';
import type { CsvRecord } from './csv-records.ts';
import { createCsvContactMapper, lineId } from './csv-contact.ts';
import type { ColumnUse, CsvContactMapper } from './csv-contact.ts';
import type { RowExtras, RowMapping } from './cells.ts';
import { asAuditVerdict, ContactCleaner } from './cleaning.ts';
import type { AuditVerdict, Cleaning, SuppressionMatcher } from './cleaning.ts';
import type { FieldSpec } from './column-names.ts';
import type { DateOrder } from './date-cells.ts';
import { readLines } from './line-reader.ts';

export type InputFormat = 'jsonl' | 'csv' | 'xlsx';

export interface AuditOptions {
  input: InputFormat;
  /** Evaluation instant: every rule and date is judged as of it. */
  at: Date;
  /** Country used when a contact has none (ISO 3166-1 alpha-2). */
  jurisdiction: string;
  /** Job keywords the offer targets (B2B relevance when a record has no explicit flag). */
  targetRoles: string[];
  /** The user's company names: third-party consents must name one (`--controller`). */
  controllerNames?: string[];
  /** What the offer sells, from the closed sector list (`--sector`). */
  sector?: string | null;
  maxLineChars?: number;
  /** How numeric dates in CSV/xlsx cells read (dd/mm/yyyy unless said). */
  dateOrder?: DateOrder;
  /** `--map`: folded header -> field. */
  columnMap?: Map<string, FieldSpec>;
  /** `--suppression` lists. */
  suppression?: SuppressionMatcher | null;
  /** Told once, before the first result, how a CSV file is being read. */
  onCsvLayout?: (info: { layout: CsvContactMapper['layout']; ignoredColumns: string[]; columns: ColumnUse[]; hasIdColumn: boolean }) => void;
  /** Rows of a spreadsheet (xlsx input): the caller opens the workbook. */
  rows?: AsyncIterable<CsvRecord>;
}

export type AuditRecord =
  | { line: number; verdict: AuditVerdict; cleaning?: Cleaning; /** As read (table and csv show it masked). */ email?: string | null; error?: undefined }
  | { line: number; verdict?: undefined; cleaning?: undefined; error: VerdictError };

export function auditSettings(options: Pick<AuditOptions, 'jurisdiction' | 'targetRoles' | 'controllerNames' | 'sector'>):
  PortalSettings {
  return {
    ...DEFAULT_SETTINGS, defaultJurisdiction: options.jurisdiction, targetRoles: options.targetRoles,
    controllerNames: options.controllerNames ?? [], sector: options.sector ?? null,
  };
}

export async function* auditStream(input: Readable | AsyncIterable<string | Buffer>, options: AuditOptions):
  AsyncGenerator<AuditRecord> {
  const settings = auditSettings(options);
  const lines = readLines(input, { maxLineChars: options.maxLineChars });
  const cleaner = new ContactCleaner({ suppression: options.suppression ?? null });
  const judge = (line: number, mapped: RowMapping): AuditRecord => {
    if (!mapped.ok) return { line, error: { id: mapped.id, line, error: mapped.error } };
    return evaluateRecord(line, mapped.value, options.at, settings, cleaner, mapped.extras);
  };

  if (options.input === 'jsonl') {
    for await (const item of lines) {
      if (item.tooLong) {
        yield { line: item.line, error: { id: null, line: item.line, error: 'line too long' } };
        continue;
      }
      if (item.text.trim() === '') continue;
      const mapped = parseJsonContact(item.text);
      // Looking for fields the engine does not read costs a property miss per line: only when the text has one.
      if (mapped.ok && mayHaveExtras(item.text)) mapped.extras = jsonExtras(mapped.value);
      yield judge(item.line, mapped);
    }
    return;
  }

  let mapper: CsvContactMapper | null = null;
  let header: string[] = [];
  const records = options.input === 'xlsx' && options.rows ? options.rows : readCsvRecords(lines);
  for await (const record of records) {
    if (!mapper) {
      if (record.error) {
        yield { line: record.line, error: { id: null, line: record.line, error: `CSV header: ${record.error}` } };
        continue;
      }
      header = record.fields;
      mapper = createCsvContactMapper(header, { dateOrder: options.dateOrder, columnMap: options.columnMap });
      options.onCsvLayout?.({ layout: mapper.layout, ignoredColumns: mapper.ignoredColumns, columns: mapper.columns,
        hasIdColumn: mapper.hasIdColumn });
      continue;
    }
    if (record.error) {
      const name = record.column ? header[record.column - 1] : undefined;
      const where = record.column ? ` in column ${record.column}${name ? ` (${name})` : ''}` : '';
      const id = mapper.hasIdColumn ? mapper.idOf(record.fields) : lineId(record.line);
      yield { line: record.line, error: { id, line: record.line, error: `CSV${where}: ${record.error}` } };
      continue;
    }
    yield judge(record.line, mapper.map(record.fields, { at: options.at, line: record.line }));
  }
}

/** Parses one JSON line; on failure names what is wrong and, when it can, the contact's id. */
export function parseJsonContact(text: string): RowMapping {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const match = /"id"\s*:\s*"([^"\\]{1,200})"/.exec(text);
    return { ok: false, id: match?.[1] ?? null, error: `invalid JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, id: null, error: 'expected a JSON object (one contact per line)' };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

function mayHaveExtras(text: string): boolean {
  return text.includes('ddress"') || text.includes('"social') || text.includes('"linkedin"');
}

/** A JSON line may say it has a postal address or a social profile (fields the engine does not read). */
function jsonExtras(value: Record<string, unknown>): RowExtras | undefined {
  const address = value.address ?? value.postalAddress;
  const social = value.social ?? value.linkedin ?? value.socialProfile;
  if (address == null && social == null) return undefined;
  return { hasPostalAddress: address != null && address !== '', hasSocialProfile: social != null && social !== '' };
}

function evaluateRecord(line: number, value: unknown, at: Date, settings: PortalSettings, cleaner: ContactCleaner,
  extras: RowExtras | undefined): AuditRecord {
  const parsed = parseContactFacts(value);
  if (!parsed.ok) return { line, error: { id: parsed.id, line, error: parsed.error } };
  try {
    const verdict = asAuditVerdict(evaluateContact(parsed.facts, { at, settings }));
    return { line, verdict, cleaning: cleaner.clean(line, parsed.facts, verdict, extras), email: parsed.facts.email ?? null };
  } catch (error) {
    // An engine defect on one record must not stop the run; the line is reported instead.
    return { line, error: { id: parsed.facts.id, line, error: `could not be evaluated: ${(error as Error).message}` } };
  }
}
