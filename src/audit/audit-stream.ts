// The audit pipeline as a library: a byte stream of contacts in, one result per contact out, in input order.
// Reads lazily (the consumer's pace drives the file reads), so memory stays flat whatever the file size.
// Formatting and summaries live elsewhere (format-*.ts, summary.ts).
import type { Readable } from 'node:stream';
import { DEFAULT_SETTINGS, evaluateContact, parseContactFacts } from '../engine/index.ts';
import type { PortalSettings, Verdict, VerdictError } from '../engine/index.ts';
import { readCsvRecords } from './csv-records.ts';
import { createCsvContactMapper } from './csv-contact.ts';
import type { CsvContactMapper } from './csv-contact.ts';
import type { RowMapping } from './cells.ts';
import { readLines } from './line-reader.ts';

export type InputFormat = 'jsonl' | 'csv';

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
  /** Told once, before the first result, how a CSV file is being read. */
  onCsvLayout?: (info: { layout: CsvContactMapper['layout']; ignoredColumns: string[] }) => void;
}

export type AuditRecord =
  | { line: number; verdict: Verdict; error?: undefined }
  | { line: number; verdict?: undefined; error: VerdictError };

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
  const judge = (line: number, mapped: RowMapping): AuditRecord => {
    if (!mapped.ok) return { line, error: { id: mapped.id, line, error: mapped.error } };
    return evaluateRecord(line, mapped.value, options.at, settings);
  };

  if (options.input === 'jsonl') {
    for await (const item of lines) {
      if (item.tooLong) {
        yield { line: item.line, error: { id: null, line: item.line, error: 'line too long' } };
        continue;
      }
      if (item.text.trim() === '') continue;
      yield judge(item.line, parseJsonContact(item.text));
    }
    return;
  }

  let mapper: CsvContactMapper | null = null;
  let header: string[] = [];
  for await (const record of readCsvRecords(lines)) {
    if (!mapper) {
      if (record.error) {
        yield { line: record.line, error: { id: null, line: record.line, error: `CSV header: ${record.error}` } };
        continue;
      }
      header = record.fields;
      mapper = createCsvContactMapper(header);
      options.onCsvLayout?.({ layout: mapper.layout, ignoredColumns: mapper.ignoredColumns });
      continue;
    }
    if (record.error) {
      const name = record.column ? header[record.column - 1] : undefined;
      const where = record.column ? ` in column ${record.column}${name ? ` (${name})` : ''}` : '';
      yield { line: record.line, error: { id: mapper.idOf(record.fields), line: record.line, error: `CSV${where}: ${record.error}` } };
      continue;
    }
    yield judge(record.line, mapper.map(record.fields, { at: options.at }));
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

function evaluateRecord(line: number, value: unknown, at: Date, settings: PortalSettings): AuditRecord {
  const parsed = parseContactFacts(value);
  if (!parsed.ok) return { line, error: { id: parsed.id, line, error: parsed.error } };
  try {
    return { line, verdict: evaluateContact(parsed.facts, { at, settings }) };
  } catch (error) {
    // An engine defect on one record must not stop the run; the line is reported instead.
    return { line, error: { id: parsed.facts.id, line, error: `could not be evaluated: ${(error as Error).message}` } };
  }
}
