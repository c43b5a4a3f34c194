// Streaming CSV records (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes) with recovery
// line by line. A broken record becomes an error naming its first line and the parse resumes on the next
// line. Hand-written on purpose: csv-parse 7 with `skip_records_with_error` stays in quoting state after an
// invalid closing quote and silently drops the good records that follow, which loses data.
import type { TextLine } from './line-reader.ts';

export type CsvRecord =
  | { line: number; fields: string[]; error?: undefined }
  | { line: number; fields: string[]; error: string; /** 1-based column where the record broke. */ column?: number };

/** A quoted field may span at most this many lines; past it the opening quote is taken as a mistake. */
export const MAX_RECORD_LINES = 100;

type ParsedText =
  | { kind: 'fields'; fields: string[] }
  | { kind: 'open' }
  | { kind: 'error'; fields: string[]; column: number; message: string };

/** Parses one record's text (possibly several lines joined by "\n"). */
export function parseCsvText(text: string, delimiter: string): ParsedText {
  if (!text.includes('"')) return { kind: 'fields', fields: text.split(delimiter) };
  const fields: string[] = [];
  const n = text.length;
  let i = 0;
  for (;;) {
    if (text.charCodeAt(i) === 34 /* " */) {
      let value = '';
      let j = i + 1;
      for (;;) {
        const quote = text.indexOf('"', j);
        if (quote === -1) return { kind: 'open' };
        value += text.slice(j, quote);
        if (text.charCodeAt(quote + 1) === 34) {
          value += '"';
          j = quote + 2;
          continue;
        }
        i = quote + 1;
        break;
      }
      fields.push(value);
      if (i >= n) return { kind: 'fields', fields };
      if (text[i] !== delimiter) {
        return {
          kind: 'error', fields, column: fields.length,
          message: `a closing quote must be followed by "${delimiter}" or the end of the line`,
        };
      }
      i += 1;
      if (i >= n) {
        fields.push('');
        return { kind: 'fields', fields };
      }
      continue;
    }
    const next = text.indexOf(delimiter, i);
    const end = next === -1 ? n : next;
    const value = text.slice(i, end);
    if (value.includes('"')) {
      return {
        kind: 'error', fields, column: fields.length + 1,
        message: 'a quote inside an unquoted value (quote the whole value and double the inner quotes)',
      };
    }
    fields.push(value);
    if (next === -1) return { kind: 'fields', fields };
    i = next + 1;
    if (i >= n) {
      fields.push('');
      return { kind: 'fields', fields };
    }
  }
}

/** Picks the delimiter of a header line: the most frequent of comma, semicolon (French Excel) and tab. */
export function detectDelimiter(headerLine: string): string {
  let best = ',';
  let bestCount = 0;
  for (const candidate of [',', ';', '\t']) {
    let count = 0;
    let quoted = false;
    for (const ch of headerLine) {
      if (ch === '"') quoted = !quoted;
      else if (!quoted && ch === candidate) count += 1;
    }
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

/**
 * Turns numbered lines into CSV records. The first non-empty record is yielded like any other (the caller
 * takes it as the header); `delimiter` is detected from it unless given. Empty lines are skipped.
 */
export async function* readCsvRecords(
  lines: AsyncIterable<TextLine>,
  options: { delimiter?: string; maxRecordLines?: number } = {},
): AsyncGenerator<CsvRecord> {
  const maxRecordLines = options.maxRecordLines ?? MAX_RECORD_LINES;
  let delimiter = options.delimiter;
  // Lines of a record whose quote is still open; replayed one by one if that record turns out broken.
  let open: { line: number; text: string }[] = [];
  const replay: TextLine[] = [];

  function* consume(item: TextLine): Generator<CsvRecord> {
    if (item.tooLong) {
      if (open.length > 0) {
        yield* abandonOpen('the quoted value runs into a line that is too long');
        replay.push(item);
        return;
      }
      yield { line: item.line, fields: [], error: 'line too long' };
      return;
    }
    if (open.length === 0 && item.text.trim() === '') return;
    delimiter ??= detectDelimiter(item.text);
    open.push({ line: item.line, text: item.text });
    const first = open[0] as { line: number; text: string };
    const joined = open.length === 1 ? item.text : open.map((l) => l.text).join('\n');
    const parsed = parseCsvText(joined, delimiter);
    if (parsed.kind === 'open') {
      if (open.length >= maxRecordLines) yield* abandonOpen(`a quote opened here is not closed within ${maxRecordLines} lines`);
      return;
    }
    open = [];
    if (parsed.kind === 'fields') {
      yield { line: first.line, fields: parsed.fields };
      return;
    }
    yield { line: first.line, fields: parsed.fields, error: parsed.message, column: parsed.column };
  }

  function* abandonOpen(message: string): Generator<CsvRecord> {
    const [first, ...rest] = open;
    open = [];
    if (!first) return;
    yield { line: first.line, fields: [], error: message };
    replay.push(...rest.map((l) => ({ line: l.line, text: l.text })));
  }

  function* drainReplay(): Generator<CsvRecord> {
    while (replay.length > 0) {
      const next = replay.shift() as TextLine;
      yield* consume(next);
    }
  }

  for await (const item of lines) {
    yield* consume(item);
    yield* drainReplay();
  }
  while (open.length > 0) {
    yield* abandonOpen('a quote opened here is never closed');
    yield* drainReplay();
  }
}
