// Splits a byte stream into numbered text lines without ever holding more than one line (plus one chunk) in
// memory. A line longer than `maxLineChars` is reported instead of buffered, so one runaway line cannot exhaust
// memory; the reader then resumes at the next newline.
// Excel's "CSV (semicolon separated)" on a French Windows writes Windows-1252, not UTF-8: when the first chunk is
// not valid UTF-8 (and has no BOM), the whole input is read as Windows-1252, so "Société" stays readable.
import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';

export type TextLine =
  | { line: number; text: string; tooLong?: undefined }
  | { line: number; text?: undefined; tooLong: true };

export const DEFAULT_MAX_LINE_CHARS = 1_000_000;

export async function* readLines(
  input: Readable | AsyncIterable<string | Buffer>,
  options: { maxLineChars?: number } = {},
): AsyncGenerator<TextLine> {
  const maxLineChars = options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  let decoder = new TextDecoder('utf-8');
  let pending = '';
  let overflowing = false;
  let line = 0;
  let first = true;

  const finish = (text: string): TextLine => {
    line += 1;
    if (overflowing) {
      overflowing = false;
      return { line, tooLong: true };
    }
    return { line, text: text.endsWith('\r') ? text.slice(0, -1) : text };
  };

  for await (const chunk of input) {
    if (first && typeof chunk !== 'string' && !looksUtf8(chunk)) decoder = new TextDecoder('windows-1252');
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    let start = 0;
    let newline = text.indexOf('\n', start);
    while (newline !== -1) {
      const piece = overflowing ? '' : pending + text.slice(start, newline);
      pending = '';
      if (piece.length > maxLineChars) overflowing = true;
      yield finish(piece);
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    if (!overflowing) {
      pending += text.slice(start);
      if (pending.length > maxLineChars) {
        overflowing = true;
        pending = '';
      }
    }
  }
  const rest = decoder.decode();
  if (!overflowing) pending += rest;
  if (pending.length > 0 || overflowing) yield finish(pending);
}

/** Valid UTF-8, allowing the chunk to end inside a character (the next chunk completes it). */
function looksUtf8(chunk: Buffer): boolean {
  for (let cut = 0; cut <= 3 && cut < chunk.length; cut += 1) {
    if (isUtf8(chunk.subarray(0, chunk.length - cut))) return true;
  }
  return chunk.length === 0;
}
