// `--format jsonl`: one JSON object per input contact (verdict or `{id, line, error}`), in input order,
// and nothing else. Output is written in batches to keep the number of stream writes low.
import type { AuditRecord } from './audit-stream.ts';
import type { AuditSummariser } from './summary.ts';
import { verdictToJson } from './verdict-json.ts';

export const BATCH_CHARS = 64 * 1024;

export async function* formatJsonl(records: AsyncIterable<AuditRecord>, summariser?: AuditSummariser):
  AsyncGenerator<string> {
  let batch = '';
  for await (const record of records) {
    summariser?.add(record);
    batch += `${record.error ? JSON.stringify(record.error) : verdictToJson(record.verdict)}\n`;
    if (batch.length >= BATCH_CHARS) {
      yield batch;
      batch = '';
    }
  }
  if (batch) yield batch;
}
