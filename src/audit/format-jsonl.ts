// `--format jsonl`: one JSON object per input contact (verdict or `{id, line, error}`), in input order,
// and nothing else. Bytes are gathered into ~64 KB buffers to keep the number of stream writes low.
import type { AuditRecord } from './audit-stream.ts';
import type { AuditSummariser } from './summary.ts';
import { pushVerdictJson } from './verdict-json.ts';

export const BATCH_CHARS = 64 * 1024;
const NEWLINE = Buffer.from('\n');

export async function* formatJsonl(records: AsyncIterable<AuditRecord>, summariser?: AuditSummariser):
  AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  for await (const record of records) {
    summariser?.add(record);
    const start = parts.length;
    if (record.error) parts.push(Buffer.from(JSON.stringify(record.error)));
    else pushVerdictJson(record.verdict, parts);
    parts.push(NEWLINE);
    for (let i = start; i < parts.length; i += 1) size += (parts[i] as Buffer).length;
    if (size >= BATCH_CHARS) {
      yield Buffer.concat(parts, size);
      parts = [];
      size = 0;
    }
  }
  if (parts.length > 0) yield Buffer.concat(parts, size);
}
