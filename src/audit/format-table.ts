// `--format table` (default): a bounded table of contacts for a person to read, then the summary.
// Large files print the first `limit` rows and say how many were left out; the summary always covers all.
import { BLOCKERS, CHANNELS, STATUSES } from '../engine/types.ts';
import type { Basis, Blocker, Channel, SourceKind } from '../engine/types.ts';
import type { AuditRecord } from './audit-stream.ts';
import { AuditSummariser } from './summary.ts';
import type { AuditSummary } from './summary.ts';

const BASIS_CODE: Record<Basis, string> = {
  consent: 'CONS', legitimate_interest: 'LI', soft_opt_in: 'SOFT', contract: 'CTR', not_personal_data: 'GEN',
};
const BLOCKER_CODE: Record<Blocker, string> = {
  needs_consent: '-need', invalid_consent: '-inv', objected: '-obj', retention_expired: '-exp', forbidden: '-ban',
  call_limit: '-cap',
};
const CHANNEL_HEAD: Record<Channel, string> = {
  email: 'email', sms: 'sms', social_dm: 'dm', automated_call: 'robot', fax: 'fax', phone: 'phone', postal: 'post',
};
const STATUS_MEANING = {
  compliant: 'usable as is on the allowed channels',
  at_risk: 'usable on some channels once an action is done',
  blocked: 'no channel may be used',
  expired: 'retention over: delete or archive now',
} as const;
const BLOCKER_MEANING: Record<Blocker, string> = {
  needs_consent: 'consent needed and none on record',
  invalid_consent: 'consent on record is not valid (pre-ticked, T&C, withdrawn, expired)',
  objected: 'the person objected',
  retention_expired: 'retention period over',
  forbidden: 'no lawful path (sector ban or rule)',
  call_limit: 'lawful, but the call caps hold until a date (France: 4 calls per 30 days, 60 days after a refusal)',
};

export interface TableOptions {
  /** Rows printed before the summary (the summary still counts every line). */
  limit: number;
  at: Date;
  jurisdiction: string;
  fileName?: string;
}

const num = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, word: string): string => `${num(n)} ${word}${n === 1 ? '' : 's'}`;
const pct = (n: number, total: number): string => (total === 0 ? '' : `${((100 * n) / total).toFixed(1)}%`);

function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

const COLUMNS: [string, number][] = [
  ['line', 7], ['id', 16], ['status', 10], ['audience', 15],
  ...CHANNELS.map((c): [string, number] => [CHANNEL_HEAD[c], 6]),
  ['source', 17], ['expires', 10],
];

function tableRow(cells: string[]): string {
  return cells.map((cell, i) => fit(cell, COLUMNS[i]?.[1] ?? cell.length)).join(' ').trimEnd();
}

export function tableLine(record: AuditRecord): string {
  if (record.error) {
    return `${fit(String(record.line), 7)} ${fit(record.error.id ?? '-', 16)} ${fit('REJECTED', 10)} ${record.error.error}`;
  }
  const v = record.verdict;
  return tableRow([
    String(record.line), v.id, v.warnings.length > 0 ? `${v.status}*` : v.status, v.audience,
    ...CHANNELS.map((c) => {
      const verdict = v.channels[c];
      return verdict.allowed ? BASIS_CODE[verdict.basis ?? 'consent'] : BLOCKER_CODE[verdict.blocker ?? 'forbidden'];
    }),
    `${v.source.kind}${v.source.risk === 'high' ? '!' : ''}`, v.retention.expiresAt,
  ]);
}

export async function* formatTable(records: AsyncIterable<AuditRecord>, options: TableOptions,
  summariser: AuditSummariser = new AuditSummariser()): AsyncGenerator<string> {
  const header = tableRow(COLUMNS.map(([name]) => name));
  let batch = `${header}\n${'-'.repeat(header.length)}\n`;
  let printed = 0;
  for await (const record of records) {
    summariser.add(record);
    if (printed < options.limit) {
      batch += `${tableLine(record)}\n`;
      printed += 1;
      if (batch.length > 16_384) {
        yield batch;
        batch = '';
      }
    }
  }
  const total = summariser.summary.records;
  if (total > printed) batch += `… ${num(total - printed)} more rows not shown (raise --limit, or use --format csv)\n`;
  batch += `\n${legend()}\n\n${renderSummary(summariser.summary, options)}`;
  yield batch;
}

export function legend(): string {
  return [
    'Channels: dm = social network direct message, robot = automated call, post = postal mail.',
    'Allowed on: CONS consent, LI legitimate interest (the person may object), SOFT soft opt-in (customer),',
    '            CTR contract in progress, GEN generic address (not personal data).',
    'Blocked by: -need consent needed, -inv consent not valid, -obj objection, -exp retention over, -ban forbidden,',
    '            -cap call limit reached (until a date: see phone_until in --format csv).',
    'A "*" after the status marks a warning (a sector that may be banned, scraped data): see `warnings` in csv/jsonl.',
    'A "!" after the source marks a high-risk source (no verifiable proof from the person).',
  ].join('\n');
}

/** The marketer's summary. Plain text, ends with a newline. */
export function renderSummary(s: AuditSummary,
  context: { at: Date; jurisdiction: string; fileName?: string; deleteListLimit?: number }): string {
  const out: string[] = [];
  const day = context.at.toISOString().slice(0, 10);
  out.push(`SUMMARY${context.fileName ? ` of ${context.fileName}` : ''}, judged as of ${day} (default country ${context.jurisdiction})`);
  out.push(`  ${num(s.records)} contacts read: ${num(s.evaluated)} evaluated, ${num(s.rejected)} rejected`);
  out.push('', 'By status');
  for (const status of STATUSES) {
    out.push(`  ${status.padEnd(10)} ${num(s.byStatus[status]).padStart(9)} ${pct(s.byStatus[status], s.evaluated).padStart(6)}  ${STATUS_MEANING[status]}`);
  }
  out.push('', 'Who may be reached, by channel');
  for (const channel of CHANNELS) {
    const c = s.byChannel[channel];
    out.push(`  ${channel.padEnd(15)} ${num(c.allowed).padStart(9)} allowed ${pct(c.allowed, s.evaluated).padStart(6)}   ${num(c.blocked).padStart(9)} blocked`);
  }
  out.push('', 'What blocks channels (contacts with at least one channel blocked for this reason)');
  for (const blocker of BLOCKERS) {
    out.push(`  ${blocker.padEnd(18)} ${num(s.byBlocker[blocker]).padStart(9)}  ${BLOCKER_MEANING[blocker]}`);
  }
  out.push('', 'By source', `  ${'source'.padEnd(18)} ${'contacts'.padStart(9)} ${'compliant'.padStart(10)} ${'at_risk'.padStart(8)} ${'blocked'.padStart(8)} ${'expired'.padStart(8)} ${'high risk'.padStart(10)}`);
  const sources = Object.entries(s.bySource).sort((a, b) => b[1].total - a[1].total) as [SourceKind, AuditSummary['bySource'][SourceKind]][];
  for (const [kind, c] of sources) {
    if (!c) continue;
    out.push(`  ${kind.padEnd(18)} ${num(c.total).padStart(9)} ${num(c.byStatus.compliant).padStart(10)} ${num(c.byStatus.at_risk).padStart(8)} ${num(c.byStatus.blocked).padStart(8)} ${num(c.byStatus.expired).padStart(8)} ${num(c.highRisk).padStart(10)}`);
  }
  out.push('', 'To do');
  out.push(`  ${num(s.noticesDue)} contacts need the Art. 14 notice (where their data came from) in the first message`);
  out.push(`  ${num(s.expiringSoon)} contacts reach the end of their retention period within 90 days: ask them before it ends`);
  out.push(`  ${num(s.invalidPhones)} phone numbers are not valid numbers`);
  out.push('', `Delete now (retention over): ${plural(s.toDelete.count, 'contact')}`);
  out.push(...wrap(s.toDelete.sample.slice(0, context.deleteListLimit ?? 30).map((item) => `${item.id} (line ${item.line})`)));
  const listed = Math.min(s.toDelete.sample.length, context.deleteListLimit ?? 30);
  if (s.toDelete.count > listed) {
    out.push(`  … and ${num(s.toDelete.count - listed)} more (--format csv lists them all: status = expired)`);
  }
  if (s.rejected > 0) {
    out.push('', `Rejected lines: ${num(s.rejected)} (fix them and run again)`);
    for (const e of s.errors.sample) out.push(`  line ${e.line}${e.id ? ` (${e.id})` : ''}: ${e.error}`);
    if (s.errors.count > s.errors.sample.length) out.push(`  … and ${num(s.errors.count - s.errors.sample.length)} more`);
  }
  return `${out.join('\n')}\n`;
}

/** Joins items into indented lines of at most `width` characters. */
function wrap(items: string[], width = 100): string[] {
  const lines: string[] = [];
  let current = '';
  for (const item of items) {
    if (current && current.length + item.length + 2 > width) {
      lines.push(`  ${current},`);
      current = '';
    }
    current = current ? `${current}, ${item}` : item;
  }
  if (current) lines.push(`  ${current}`);
  return lines;
}

/** The short version written to stderr after `--format jsonl|csv`. */
export function renderBriefSummary(s: AuditSummary): string {
  const statuses = STATUSES.map((st) => `${st} ${num(s.byStatus[st])}`).join(', ');
  return `prospect-guard audit: ${num(s.records)} contacts, ${num(s.evaluated)} evaluated (${statuses}), ` +
    `${num(s.rejected)} rejected, ${num(s.toDelete.count)} to delete now\n`;
}
