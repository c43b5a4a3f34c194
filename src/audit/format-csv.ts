// `--format csv`: one row per input contact, flat columns a spreadsheet can filter (status, per-channel
// allowed + basis or blocker, source, retention). Rejected lines carry `line` and `error`.
import { CHANNELS } from '../engine/types.ts';
import type { AuditRecord } from './audit-stream.ts';
import { BATCH_CHARS } from './format-jsonl.ts';
import type { AuditSummariser } from './summary.ts';
import { showEmail, showPhone } from './contact-display.ts';

export const CSV_COLUMNS = [
  'line', 'id', 'status', 'audience', 'jurisdiction', 'rule_pack',
  ...CHANNELS.flatMap((c) => [`${c}_allowed`, `${c}_basis`, `${c}_blocker`]),
  'blockers', 'source_kind', 'source_risk', 'art14_notice_required', 'retention_anchor', 'retention_expires_at',
  'retention_state', 'retention_days_left', 'phone_e164', 'phone_valid', 'rules_version', 'error',
  // Added with rules 2026.12 (after `error`, so earlier columns keep their positions): when a `call_limit` lifts,
  // and the record-level warnings (rule ids, space-separated).
  'phone_until', 'automated_call_until', 'warnings',
  // Added by the cleaning step (after the columns above, so positional readers keep working).
  'email', 'email_valid', 'usable_channels', 'no_usable_channel', 'duplicate_of_line', 'duplicate_by',
  'suppressed_by', 'suppression_list', 'duplicate_differs',
] as const;
const ERROR_COLUMN = CSV_COLUMNS.indexOf('error');

export interface CsvOptions {
  /** Email and phone in clear instead of masked. */
  showContacts?: boolean;
}

/** Quotes when needed; text a spreadsheet would run as a formula (=, +, -, @) is defused with a leading quote. */
export function csvCell(value: string | number | boolean | null | undefined, options: { freeText?: boolean } = {}):
  string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (options.freeText && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(record: AuditRecord, options: CsvOptions = {}): string {
  if (record.error) {
    const cells = CSV_COLUMNS.map(() => '');
    cells[0] = String(record.line);
    cells[1] = csvCell(record.error.id, { freeText: true });
    cells[ERROR_COLUMN] = csvCell(record.error.error, { freeText: true });
    return cells.join(',');
  }
  const v = record.verdict;
  const show = options.showContacts === true;
  const cells: string[] = [String(record.line), csvCell(v.id, { freeText: true }), v.status, v.audience,
    v.jurisdiction, csvCell(v.rulePack)];
  const blockers = new Set<string>();
  for (const channel of CHANNELS) {
    const c = v.channels[channel];
    cells.push(String(c.allowed), c.basis ?? '', c.blocker ?? '');
    if (c.blocker) blockers.add(c.blocker);
  }
  cells.push(csvCell([...blockers].join(' ')), v.source.kind, v.source.risk, String(v.source.art14NoticeRequired),
    v.retention.anchor, v.retention.expiresAt, v.retention.state, String(v.retention.daysLeft),
    csvCell(showPhone(v.phone?.e164 ?? '', show)), v.phone ? String(v.phone.valid) : '', csvCell(v.rulesVersion), '',
    v.channels.phone.until ?? '', v.channels.automated_call.until ?? '', (v.warnings ?? []).join(' '));
  const c = record.cleaning;
  cells.push(csvCell(showEmail(record.email, show), { freeText: true }),
    c ? (c.email === 'missing' ? '' : String(c.email === 'valid')) : '',
    c ? c.usableChannels.join(' ') : '', c ? String(c.usableChannels.length === 0) : '',
    c?.duplicateOf ? String(c.duplicateOf.line) : '', c?.duplicateOf?.by ?? '',
    c?.suppressed?.by ?? '', csvCell(c?.suppressed?.list ?? '', { freeText: true }),
    c?.duplicateOf ? String(c.duplicateOf.differs === true) : '');
  return cells.join(',');
}

export async function* formatCsv(records: AsyncIterable<AuditRecord>, summariser?: AuditSummariser,
  options: CsvOptions = {}): AsyncGenerator<string> {
  let batch = `${CSV_COLUMNS.join(',')}\n`;
  for await (const record of records) {
    summariser?.add(record);
    batch += `${csvRow(record, options)}\n`;
    if (batch.length >= BATCH_CHARS) {
      yield batch;
      batch = '';
    }
  }
  if (batch) yield batch;
}
