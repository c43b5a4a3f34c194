// `--format jsonl`: one JSON object per input contact (verdict or `{id, line, error}`), in input order,
// and nothing else. Bytes are gathered into 256 KB blocks to keep the number of stream writes low.
import type { AuditRecord } from './audit-stream.ts';
import type { AuditSummariser } from './summary.ts';
import { BlockWriter, writeVerdictJson } from './verdict-json.ts';

export const BATCH_CHARS = 64 * 1024;
const NEWLINE = Buffer.from('\n');

export async function* formatJsonl(records: AsyncIterable<AuditRecord>, summariser?: AuditSummariser):
  AsyncGenerator<Buffer> {
  // Verdicts are written straight into 256 KB blocks (see BlockWriter), yielded as each one fills.
  const out = new BlockWriter();
  for await (const record of records) {
    summariser?.add(record);
    if (record.error) out.text(JSON.stringify(record.error));
    else writeVerdictJson(record.verdict, out);
    out.bytes(NEWLINE);
    while (out.ready.length > 0) yield out.ready.shift() as Buffer;
  }
  out.end();
  for (const block of out.ready) yield block;
}
