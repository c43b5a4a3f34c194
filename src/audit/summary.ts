// Counts that make an audit readable by a marketer: statuses, usable channels, what blocks them, sources,
// actions to take, and the records to delete now. Memory is bounded: lists keep a sample, counts are exact.
import { AUDIENCES, BLOCKERS, CHANNELS, STATUSES } from '../engine/types.ts';
import type { Audience, Blocker, Channel, SourceKind, Status, VerdictError } from '../engine/types.ts';
import type { AuditRecord } from './audit-stream.ts';

export interface SourceCounts {
  total: number;
  byStatus: Record<Status, number>;
  highRisk: number;
}

export interface AuditSummary {
  /** Results produced (evaluated + rejected). */
  records: number;
  evaluated: number;
  rejected: number;
  byStatus: Record<Status, number>;
  byAudience: Record<Audience, number>;
  /** Per channel: contacts that may be reached on it, and contacts that may not. */
  byChannel: Record<Channel, { allowed: number; blocked: number }>;
  /** Contacts with at least one channel blocked for this reason. */
  byBlocker: Record<Blocker, number>;
  bySource: Partial<Record<SourceKind, SourceCounts>>;
  /** Art. 14 first-contact notices still due (data not collected from the person). */
  noticesDue: number;
  expiringSoon: number;
  invalidPhones: number;
  /** Contacts whose retention is over: delete or archive now. */
  toDelete: { count: number; sample: { id: string; line: number; expiresAt: string }[] };
  errors: { count: number; sample: VerdictError[] };
}

const BLOCKER_BIT = Object.fromEntries(BLOCKERS.map((b, i) => [b, 1 << i])) as Record<Blocker, number>;

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

export class AuditSummariser {
  readonly summary: AuditSummary;
  private readonly sampleSize: number;

  constructor(options: { sampleSize?: number } = {}) {
    this.sampleSize = options.sampleSize ?? 50;
    this.summary = {
      records: 0, evaluated: 0, rejected: 0,
      byStatus: zeroes(STATUSES), byAudience: zeroes(AUDIENCES),
      byChannel: Object.fromEntries(CHANNELS.map((c) => [c, { allowed: 0, blocked: 0 }])) as AuditSummary['byChannel'],
      byBlocker: zeroes(BLOCKERS), bySource: {},
      noticesDue: 0, expiringSoon: 0, invalidPhones: 0,
      toDelete: { count: 0, sample: [] }, errors: { count: 0, sample: [] },
    };
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
    s.evaluated += 1;
    s.byStatus[v.status] += 1;
    s.byAudience[v.audience] += 1;
    let blockers = 0; // bit i set: BLOCKERS[i] blocks at least one channel (no per-record allocation)
    for (const channel of CHANNELS) {
      const verdict = v.channels[channel];
      if (verdict.allowed) s.byChannel[channel].allowed += 1;
      else {
        s.byChannel[channel].blocked += 1;
        if (verdict.blocker) blockers |= BLOCKER_BIT[verdict.blocker];
      }
    }
    if (blockers !== 0) {
      for (let i = 0; i < BLOCKERS.length; i += 1) {
        if (blockers & (1 << i)) s.byBlocker[BLOCKERS[i] as Blocker] += 1;
      }
    }
    const source = (s.bySource[v.source.kind] ??= { total: 0, byStatus: zeroes(STATUSES), highRisk: 0 });
    source.total += 1;
    source.byStatus[v.status] += 1;
    if (v.source.risk === 'high') source.highRisk += 1;
    if (v.source.art14NoticeRequired) s.noticesDue += 1;
    if (v.retention.state === 'expiring_soon') s.expiringSoon += 1;
    if (v.phone && !v.phone.valid) s.invalidPhones += 1;
    if (v.status === 'expired') {
      s.toDelete.count += 1;
      if (s.toDelete.sample.length < this.sampleSize) {
        s.toDelete.sample.push({ id: v.id, line: record.line, expiresAt: v.retention.expiresAt });
      }
    }
  }
}

/** Summarises a whole result stream (library use; the CLI feeds a summariser as it writes). */
export async function summarise(records: AsyncIterable<AuditRecord> | Iterable<AuditRecord>,
  options: { sampleSize?: number } = {}): Promise<AuditSummary> {
  const summariser = new AuditSummariser(options);
  for await (const record of records) summariser.add(record);
  return summariser.summary;
}
