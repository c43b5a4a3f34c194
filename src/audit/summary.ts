// Counts that make an audit readable by a marketer: statuses, usable channels, what blocks them, sources,
// actions to take, and the records to delete now. Memory is bounded: lists keep a sample, counts are exact.
import { AUDIENCES, BLOCKERS, CHANNELS, STATUSES } from '../engine/types.ts';
import type { Audience, Channel, SourceKind, Status, VerdictError } from '../engine/types.ts';
import type { AuditRecord } from './audit-stream.ts';
import { AUDIT_BLOCKERS } from './cleaning.ts';

export interface SourceCounts {
  total: number;
  byStatus: Record<Status, number>;
  highRisk: number;
}

/** An exact count and the first lines where it happened (line numbers only: no personal value). */
export interface LineSample { count: number; lines: number[] }

export interface AuditSummary {
  /** Results produced (evaluated + rejected). */
  records: number;
  evaluated: number;
  rejected: number;
  /** Evaluated lines whose email or phone an earlier line already had: counted here, and not again below. */
  duplicates: { count: number; sample: { line: number; of: number; by: 'email' | 'phone' }[];
    /** Duplicates whose allowed channels differ from their first line's (merge by hand). */
    differing: LineSample };
  /** The breakdowns below count distinct contacts: evaluated minus duplicates. */
  contacts: number;
  byStatus: Record<Status, number>;
  byAudience: Record<Audience, number>;
  /** Per channel: contacts that may be reached on it, and contacts that may not. */
  byChannel: Record<Channel, { allowed: number; blocked: number }>;
  /**
   * Contacts with at least one channel blocked for this reason: the engine's blockers (whatever it returns) and
   * the audit's (invalid_email, invalid_phone, suppressed). `retention_expired` counts every contact whose
   * retention is over, even where an objection is named first, so it equals the `expired` status count.
   */
  byBlocker: Record<string, number>;
  bySource: Partial<Record<SourceKind, SourceCounts>>;
  /** Art. 14 first-contact notices still due (data not collected from the person). */
  noticesDue: number;
  expiringSoon: number;
  invalidPhones: number;
  /** Lines whose email / phone is not valid (the values are never listed). */
  invalidEmailLines: LineSample;
  invalidPhoneLines: LineSample;
  /** Contacts with no channel both allowed and with something on file to use on it. */
  noUsableChannel: LineSample;
  suppressed: LineSample;
  /** Source texts no synonym matched (judged as `unknown`), with their count. */
  unrecognisedSources: Record<string, number>;
  /** Contacts whose retention is over: delete or archive now. */
  toDelete: { count: number; sample: { id: string; line: number; expiresAt: string }[] };
  errors: { count: number; sample: VerdictError[] };
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

const MAX_SOURCE_TEXTS = 20;

export class AuditSummariser {
  readonly summary: AuditSummary;
  private readonly sampleSize: number;
  // Per record, the blockers seen (a Set would allocate; blockers are few, a generation stamp keeps it flat).
  private readonly seen = new Map<string, number>();
  private stamp = 0;

  constructor(options: { sampleSize?: number } = {}) {
    this.sampleSize = options.sampleSize ?? 50;
    const sample = (): LineSample => ({ count: 0, lines: [] });
    this.summary = {
      records: 0, evaluated: 0, rejected: 0, duplicates: { count: 0, sample: [], differing: sample() }, contacts: 0,
      byStatus: zeroes(STATUSES), byAudience: zeroes(AUDIENCES),
      byChannel: Object.fromEntries(CHANNELS.map((c) => [c, { allowed: 0, blocked: 0 }])) as AuditSummary['byChannel'],
      byBlocker: zeroes([...BLOCKERS, ...AUDIT_BLOCKERS]), bySource: {},
      noticesDue: 0, expiringSoon: 0, invalidPhones: 0,
      invalidEmailLines: sample(), invalidPhoneLines: sample(), noUsableChannel: sample(), suppressed: sample(),
      unrecognisedSources: {},
      toDelete: { count: 0, sample: [] }, errors: { count: 0, sample: [] },
    };
  }

  private note(sample: LineSample, line: number): void {
    sample.count += 1;
    if (sample.lines.length < this.sampleSize) sample.lines.push(line);
  }

  add(record: AuditRecord): void {
    const s = this.summary;
    s.records += 1;
    if (record.error) {
      s.rejected += 1;
      s.errors.count += 1;
      if (s.errors.sample.length < this.sampleSize) s.errors.sample.push(record.error);
      return;
    }
    const v = record.verdict;
    const c = record.cleaning;
    s.evaluated += 1;
    if (c?.duplicateOf) {
      s.duplicates.count += 1;
      if (s.duplicates.sample.length < this.sampleSize) s.duplicates.sample.push({ line: record.line, of: c.duplicateOf.line, by: c.duplicateOf.by });
      if (c.duplicateOf.differs) this.note(s.duplicates.differing, record.line);
      return;
    }
    s.contacts += 1;
    s.byStatus[v.status] += 1;
    s.byAudience[v.audience] += 1;
    this.stamp += 1;
    const channels = v.channels as Record<string, { allowed: boolean; blocker?: string }>;
    for (const channel of Object.keys(channels)) {
      const verdict = channels[channel] as { allowed: boolean; blocker?: string };
      const counts = (s.byChannel[channel as Channel] ??= { allowed: 0, blocked: 0 });
      if (verdict.allowed) counts.allowed += 1;
      else {
        counts.blocked += 1;
        if (verdict.blocker) this.countBlocker(verdict.blocker);
      }
    }
    if (v.status === 'expired') this.countBlocker('retention_expired');
    const source = (s.bySource[v.source.kind] ??= { total: 0, byStatus: zeroes(STATUSES), highRisk: 0 });
    source.total += 1;
    source.byStatus[v.status] += 1;
    if (v.source.risk === 'high') source.highRisk += 1;
    if (v.source.art14NoticeRequired) s.noticesDue += 1;
    if (v.retention.state === 'expiring_soon') s.expiringSoon += 1;
    if (v.phone && !v.phone.valid) {
      s.invalidPhones += 1;
      this.note(s.invalidPhoneLines, record.line);
    }
    if (c) {
      if (c.email === 'invalid') this.note(s.invalidEmailLines, record.line);
      if (c.usableChannels.length === 0 && v.status !== 'expired') this.note(s.noUsableChannel, record.line);
      if (c.suppressed) this.note(s.suppressed, record.line);
      if (c.unrecognisedSource) {
        const known = s.unrecognisedSources[c.unrecognisedSource];
        if (known !== undefined) s.unrecognisedSources[c.unrecognisedSource] = known + 1;
        else if (Object.keys(s.unrecognisedSources).length < MAX_SOURCE_TEXTS) s.unrecognisedSources[c.unrecognisedSource] = 1;
      }
    }
    if (v.status === 'expired') {
      s.toDelete.count += 1;
      if (s.toDelete.sample.length < this.sampleSize) {
        s.toDelete.sample.push({ id: v.id, line: record.line, expiresAt: v.retention.expiresAt });
      }
    }
  }

  /** Counts a contact once per blocker, whatever the number of channels it blocks. */
  private countBlocker(blocker: string): void {
    if (this.seen.get(blocker) === this.stamp) return;
    this.seen.set(blocker, this.stamp);
    this.summary.byBlocker[blocker] = (this.summary.byBlocker[blocker] ?? 0) + 1;
  }
}

/** Summarises a whole result stream (library use; the CLI feeds a summariser as it writes). */
export async function summarise(records: AsyncIterable<AuditRecord> | Iterable<AuditRecord>,
  options: { sampleSize?: number } = {}): Promise<AuditSummary> {
  const summariser = new AuditSummariser(options);
  for await (const record of records) summariser.add(record);
  return summariser.summary;
}
