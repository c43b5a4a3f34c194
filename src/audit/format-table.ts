// `--format table` (default): a bounded table of contacts for a person to read, then the summary.
// Large files print the first `limit` rows and say how many were left out; the summary always covers all.
import { CHANNELS, STATUSES } from '../engine/types.ts';
import type { Basis, Channel, SourceKind } from '../engine/types.ts';
import type { AuditRecord } from './audit-stream.ts';
import { showEmail } from './contact-display.ts';
import { AuditSummariser } from './summary.ts';
import type { AuditSummary, LineSample } from './summary.ts';

const BASIS_CODE: Record<Basis, string> = {
  consent: 'CONS', legitimate_interest: 'LI', soft_opt_in: 'SOFT', contract: 'CTR', not_personal_data: 'GEN',
};
// Blockers the engine adds later get a code made from their name (see blockerCode).
const BLOCKER_CODE: Record<string, string> = {
  needs_consent: '-need', invalid_consent: '-inv', objected: '-obj', retention_expired: '-exp', forbidden: '-ban',
  call_limit: '-cap', invalid_email: '-bad', invalid_phone: '-bad', suppressed: '-list',
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
const BLOCKER_MEANING: Record<string, string> = {
  needs_consent: 'consent needed and none on record',
  invalid_consent: 'consent on record is not valid (pre-ticked, T&C, withdrawn, expired)',
  objected: 'the person objected',
  retention_expired: 'retention period over (every expired contact)',
  forbidden: 'no lawful path (sector ban or rule)',
  call_limit: 'lawful, but the call caps hold until a date (France: 4 calls per 30 days, 60 days after a refusal)',
  invalid_email: 'the email address is not well-formed (email cannot be used)',
  invalid_phone: 'the phone number is not valid (calls, SMS, fax cannot be used)',
  suppressed: 'on a suppression list given with --suppression',
};

export function blockerCode(blocker: string): string {
  return BLOCKER_CODE[blocker] ?? `-${blocker.replace(/_/g, '').slice(0, 4)}`;
}

function blockerMeaning(blocker: string): string {
  return BLOCKER_MEANING[blocker] ?? blocker.replace(/_/g, ' ');
}

export interface TableOptions {
  /** Rows printed before the summary (the summary still counts every line). */
  limit: number;
  at: Date;
  jurisdiction: string;
  fileName?: string;
  /** Emails in clear instead of masked. */
  showContacts?: boolean;
}

const num = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, word: string): string => `${num(n)} ${word}${n === 1 ? '' : 's'}`;
const pct = (n: number, total: number): string => (total === 0 ? '' : `${((100 * n) / total).toFixed(1)}%`);

function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

const COLUMNS: [string, number][] = [
  ['line', 6], ['id', 14], ['email', 24], ['status', 9], ['usable on', 16], ['audience', 14],
  ...CHANNELS.map((c): [string, number] => [CHANNEL_HEAD[c], 6]),
  ['source', 17], ['expires', 10], ['note', 0],
];

function tableRow(cells: string[]): string {
  return cells.map((cell, i) => {
    const width = COLUMNS[i]?.[1] ?? 0;
    return width === 0 ? cell : fit(cell, width);
  }).join(' ').trimEnd();
}

/** The channels a contact can really be reached on, in the table's short names ("none" when there is none). */
function usableCell(record: AuditRecord): string {
  const usable = record.cleaning?.usableChannels;
  if (!usable) return '';
  return usable.length === 0 ? 'none' : usable.map((c) => CHANNEL_HEAD[c] ?? c).join(',');
}

function noteCell(record: AuditRecord): string {
  const notes: string[] = [];
  const channels = record.verdict?.channels;
  const until = channels?.phone.until ?? channels?.automated_call.until;
  if (until !== undefined) notes.push(`calls capped until ${until.slice(0, 10)} ${until.slice(11, 16)} UTC`);
  const c = record.cleaning;
  if (!c) return notes.join('; ');
  if (c.duplicateOf) notes.push(`duplicate of line ${c.duplicateOf.line} (same ${c.duplicateOf.by})${c.duplicateOf.differs ? ', channels differ: merge by hand' : ''}`);
  if (c.suppressed) notes.push(`on ${c.suppressed.list} (${c.suppressed.by})`);
  if (c.email === 'invalid') notes.push('invalid email');
  if (c.phone === 'invalid') notes.push('invalid phone');
  if (c.usableChannels.length === 0 && record.verdict?.status !== 'expired') notes.push('no usable channel');
  if (c.unrecognisedSource) notes.push(`source "${c.unrecognisedSource}" not recognised`);
  return notes.join('; ');
}

export function tableLine(record: AuditRecord, options: { showContacts?: boolean } = {}): string {
  if (record.error) {
    return `${fit(String(record.line), 6)} ${fit(record.error.id ?? '-', 14)} ${fit('REJECTED', 24)} ${record.error.error}`;
  }
  const v = record.verdict;
  return tableRow([
    String(record.line), v.id, showEmail(record.email, options.showContacts === true),
    v.warnings.length > 0 ? `${v.status}*` : v.status, usableCell(record), v.audience,
    ...CHANNELS.map((c) => {
      const verdict = v.channels[c];
      return verdict.allowed ? BASIS_CODE[verdict.basis ?? 'consent'] : blockerCode(verdict.blocker ?? 'forbidden');
    }),
    `${v.source.kind}${v.source.risk === 'high' ? '!' : ''}`, v.retention.expiresAt, noteCell(record),
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
      batch += `${tableLine(record, { showContacts: options.showContacts })}\n`;
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
    '"usable on": allowed AND something on file to use (a valid email, a valid number, an address column, a profile column).',
    'Allowed on: CONS consent, LI legitimate interest (the person may object), SOFT soft opt-in (customer),',
    '            CTR contract in progress, GEN generic address (not personal data).',
    'Blocked by: -need consent needed, -inv consent not valid, -obj objection, -exp retention over, -ban forbidden,',
    '            -cap call limit reached (until a date: in the note, and phone_until in --format csv),',
    '            -bad invalid email or phone, -list on a suppression list.',
    'A "*" after the status marks a warning (a sector that may be banned, scraped data): see `warnings` in csv/jsonl.',
    'A "!" after the source marks a high-risk source (no verifiable proof from the person). Emails are masked (--show-contacts).',
  ].join('\n');
}

/** Line numbers as "3, 7-9, 12" (ranges folded), then "… and N more". */
export function lineList(sample: LineSample): string {
  const parts: string[] = [];
  const lines = sample.lines;
  for (let i = 0; i < lines.length; i += 1) {
    const start = lines[i] as number;
    let end = start;
    while (i + 1 < lines.length && lines[i + 1] === end + 1) { end += 1; i += 1; }
    parts.push(end === start ? String(start) : `${start}-${end}`);
  }
  const shown = lines.length;
  return `${parts.join(', ')}${sample.count > shown ? ` … and ${num(sample.count - shown)} more` : ''}`;
}

/** The marketer's summary. Plain text, ends with a newline. */
export function renderSummary(s: AuditSummary,
  context: { at: Date; jurisdiction: string; fileName?: string; deleteListLimit?: number }): string {
  const out: string[] = [];
  const day = context.at.toISOString().slice(0, 10);
  const base = s.contacts;
  out.push(`SUMMARY${context.fileName ? ` of ${context.fileName}` : ''}, judged as of ${day} (default country ${context.jurisdiction})`);
  out.push(`  ${num(s.records)} lines read: ${num(s.evaluated)} evaluated, ${num(s.rejected)} rejected`);
  if (s.duplicates.count > 0) {
    out.push(`  ${plural(s.duplicates.count, 'duplicate')} of an earlier line (same email or phone): kept once, so ${num(base)} distinct contacts below`);
  }
  out.push('', 'By status');
  for (const status of STATUSES) {
    out.push(`  ${status.padEnd(10)} ${num(s.byStatus[status]).padStart(9)} ${pct(s.byStatus[status], base).padStart(6)}  ${STATUS_MEANING[status]}`);
  }
  out.push(`  ${num(s.noUsableChannel.count)} of them have no usable channel (nothing allowed with a valid address or number on file)`);
  out.push('', 'Who may be reached, by channel (allowed by the law; an invalid email or number blocks its channels)');
  for (const channel of Object.keys(s.byChannel) as Channel[]) {
    const c = s.byChannel[channel];
    out.push(`  ${channel.padEnd(15)} ${num(c.allowed).padStart(9)} allowed ${pct(c.allowed, base).padStart(6)}   ${num(c.blocked).padStart(9)} blocked`);
  }
  out.push('', 'What blocks channels (contacts with at least one channel blocked for this reason)');
  for (const [blocker, count] of Object.entries(s.byBlocker)) {
    out.push(`  ${blocker.padEnd(18)} ${num(count).padStart(9)}  ${blockerMeaning(blocker)}`);
  }
  out.push('', 'By source', `  ${'source'.padEnd(18)} ${'contacts'.padStart(9)} ${'compliant'.padStart(10)} ${'at_risk'.padStart(8)} ${'blocked'.padStart(8)} ${'expired'.padStart(8)} ${'high risk'.padStart(10)}`);
  const sources = Object.entries(s.bySource).sort((a, b) => b[1].total - a[1].total) as [SourceKind, AuditSummary['bySource'][SourceKind]][];
  for (const [kind, c] of sources) {
    if (!c) continue;
    out.push(`  ${kind.padEnd(18)} ${num(c.total).padStart(9)} ${num(c.byStatus.compliant).padStart(10)} ${num(c.byStatus.at_risk).padStart(8)} ${num(c.byStatus.blocked).padStart(8)} ${num(c.byStatus.expired).padStart(8)} ${num(c.highRisk).padStart(10)}`);
  }
  const unrecognised = Object.entries(s.unrecognisedSources);
  if (unrecognised.length > 0) {
    out.push(`  Source values not recognised (judged as unknown, the strictest): ${unrecognised.map(([t, n]) => `"${t}" (${num(n)})`).join(', ')}`);
  }
  out.push('', 'To do');
  out.push(`  ${num(s.noticesDue)} contacts need the Art. 14 notice (where their data came from) in the first message`);
  out.push(`  ${num(s.expiringSoon)} contacts reach the end of their retention period within 90 days: ask them before it ends`);
  out.push(`  ${num(s.invalidEmailLines.count)} email addresses are not well-formed${s.invalidEmailLines.count > 0 ? `: lines ${lineList(s.invalidEmailLines)}` : ''}`);
  out.push(`  ${num(s.invalidPhones)} phone numbers are not valid numbers${s.invalidPhoneLines.count > 0 ? `: lines ${lineList(s.invalidPhoneLines)}` : ''}`);
  if (s.suppressed.count > 0) out.push(`  ${num(s.suppressed.count)} contacts are on a suppression list: lines ${lineList(s.suppressed)}`);
  if (s.duplicates.count > 0) {
    const pairs = s.duplicates.sample.slice(0, 10).map((d) => `${d.line} -> ${d.of}`).join(', ');
    out.push(`  ${num(s.duplicates.count)} duplicate lines to drop (line -> first line): ${pairs}${s.duplicates.count > 10 ? ' …' : ''}`);
    if (s.duplicates.differing.count > 0) {
      out.push(`  ${num(s.duplicates.differing.count)} of them allow other channels than their first line (an objection or a consent on one record only): merge by hand, lines ${lineList(s.duplicates.differing)}`);
    }
  }
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
  const dups = s.duplicates.count > 0 ? `, ${num(s.duplicates.count)} duplicates` : '';
  return `prospect-guard audit: ${num(s.records)} contacts, ${num(s.evaluated)} evaluated (${statuses}${dups}), ` +
    `${num(s.rejected)} rejected, ${num(s.noUsableChannel.count)} with no usable channel, ${num(s.toDelete.count)} to delete now\n`;
}
