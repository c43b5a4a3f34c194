// `--format jsonl`: one JSON object per input contact (verdict or `{id, line, error}`), in input order,
// and nothing else. Each verdict carries its input `line` and what the cleaning step found (usable channels,
// contact points, duplicate, suppression). Bytes are gathered into 256 KB blocks to keep the number of stream
// writes low; `--fields` writes only the fields asked for.
import type { AuditRecord } from './audit-stream.ts';
import type { Cleaning } from './cleaning.ts';
import type { AuditSummariser } from './summary.ts';
import { BlockWriter, writeVerdictJson } from './verdict-json.ts';

export const BATCH_CHARS = 64 * 1024;
const NEWLINE = Buffer.from('\n');

const fragments = new Map<number, string>();
const POINT_CODE = { valid: 0, invalid: 1, missing: 2 } as const;
const channelBit = new Map<string, number>();

/** A number naming the common part of a cleaning (contact points and usable channels), for the cache. */
function fragmentKey(cleaning: Cleaning): number {
  let key = POINT_CODE[cleaning.email] * 3 + POINT_CODE[cleaning.phone];
  for (const channel of cleaning.usableChannels) {
    let bit = channelBit.get(channel);
    if (bit === undefined) {
      bit = channelBit.size;
      channelBit.set(channel, bit);
    }
    key += 9 * 2 ** bit;
  }
  return key;
}

/** The cleaning members as JSON text; the common part (usable channels + contact points) is cached. */
export function cleaningJson(cleaning: Cleaning | undefined): string {
  if (cleaning === undefined) return '';
  const key = fragmentKey(cleaning);
  let base = fragments.get(key);
  if (base === undefined) {
    base = `"usableChannels":${JSON.stringify(cleaning.usableChannels)},"contactPoints":${JSON.stringify({ email: cleaning.email, phone: cleaning.phone })}`;
    if (fragments.size < 4096) fragments.set(key, base);
  }
  if (cleaning.duplicateOf === undefined && cleaning.suppressed === undefined && cleaning.unrecognisedSource === undefined) return base;
  let out = base;
  if (cleaning.duplicateOf) out += `,"duplicateOf":${JSON.stringify(cleaning.duplicateOf)}`;
  if (cleaning.suppressed) out += `,"suppressed":${JSON.stringify(cleaning.suppressed)}`;
  if (cleaning.unrecognisedSource) out += `,"unrecognisedSource":${JSON.stringify(cleaning.unrecognisedSource)}`;
  return out;
}

/** The whole result of one record as a plain object (the slow path: --fields, tests). */
export function resultObject(record: AuditRecord): Record<string, unknown> {
  if (record.error) return { ...record.error };
  const { id, ...rest } = record.verdict;
  const c = record.cleaning;
  return {
    id, line: record.line, ...rest,
    ...(c ? { usableChannels: c.usableChannels, contactPoints: { email: c.email, phone: c.phone } } : {}),
    ...(c?.duplicateOf ? { duplicateOf: c.duplicateOf } : {}),
    ...(c?.suppressed ? { suppressed: c.suppressed } : {}),
    ...(c?.unrecognisedSource ? { unrecognisedSource: c.unrecognisedSource } : {}),
  };
}

/** Keeps `fields` (top-level names or one dotted level: `channels.email`, `retention.state`) of a result. */
export function projectResult(result: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const dot = field.indexOf('.');
    if (dot === -1) {
      if (result[field] !== undefined) out[field] = result[field];
      continue;
    }
    const head = field.slice(0, dot);
    const parent = result[head];
    if (parent === null || typeof parent !== 'object') continue;
    const value = (parent as Record<string, unknown>)[field.slice(dot + 1)];
    if (value === undefined) continue;
    ((out[head] ??= {}) as Record<string, unknown>)[field.slice(dot + 1)] = value;
  }
  return out;
}

export interface JsonlOptions {
  /** Only these fields (error results always keep id, line and error). */
  fields?: readonly string[] | null;
}

export async function* formatJsonl(records: AsyncIterable<AuditRecord>, summariser?: AuditSummariser,
  options: JsonlOptions = {}): AsyncGenerator<Buffer> {
  // Verdicts are written straight into 256 KB blocks (see BlockWriter), yielded as each one fills.
  const out = new BlockWriter();
  const fields = options.fields && options.fields.length > 0 ? options.fields : null;
  for await (const record of records) {
    summariser?.add(record);
    if (record.error) out.text(JSON.stringify(record.error));
    else if (fields) out.text(JSON.stringify(projectResult(resultObject(record), fields)));
    else writeVerdictJson(record.verdict, out, record.line, cleaningJson(record.cleaning));
    out.bytes(NEWLINE);
    while (out.ready.length > 0) yield out.ready.shift() as Buffer;
  }
  out.end();
  for (const block of out.ready) yield block;
}
