// The dashboard's reads, one portal at a time. Contact figures come from dashboard_counts (kept exact by the
// triggers of migration 240), lists from indexed ranges with a limit: nothing here scans a portal's contacts, so
// the cost stays flat from a hundred to a million contacts (bench/sections/dashboard.ts measures it).
import type { Db } from '../storage/db.ts';

export const CHANNELS = ['email', 'sms', 'social_dm', 'automated_call', 'fax', 'phone', 'postal'] as const;
export const STATUSES = ['compliant', 'at_risk', 'blocked', 'expired'] as const;
export const REQUEST_KINDS = ['access', 'erasure', 'objection', 'rectification'] as const;
export const REQUEST_STATUSES = ['open', 'extended', 'closed', 'rejected'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Rows of the delete-now list shown on the home page (the count is exact, the list is the oldest first). */
export const DELETE_NOW_LIMIT = 50;
export const REQUESTS_LIMIT = 200;
const OBJECTION_MONTHS = 12;

export interface DashboardHome {
  generatedAt: string;
  total: number;
  byStatus: Record<string, number>;
  /** Contacts whose last verdict allows the channel. */
  reachable: Record<string, number>;
  byBlocker: Record<string, number>;
  bySourceRisk: Record<string, number>;
  byAudience: Record<string, number>;
  /** Contacts whose retention ends in the current calendar month (UTC), including the days already past. */
  expiringThisMonth: { month: string; count: number };
  /** Retention ended on or before today: to delete (or archive, per the settings) now. */
  deleteNow: { count: number; contacts: Array<{ contactId: string; expiredOn: string }> };
  sequences: { blocked: number; levers: Array<{ lever: string; status: string; count: number }> };
  /** Objections recorded per month, the last 12 months, oldest first, months without any included as 0. */
  objections: Array<{ month: string; count: number }>;
  requests: { open: number; late: number };
}

export interface DashboardRequest {
  id: string;
  kind: RequestKind;
  status: RequestStatus;
  origin: string;
  contactId: string | null;
  receivedAt: string;
  dueAt: string;
  closedAt: string | null;
  outcome: string | null;
  late: boolean;
  daysLeft: number;
}
export interface RequestFilter { kind?: RequestKind; status?: 'pending' | RequestStatus; lateOnly?: boolean }
export interface DashboardRequests {
  generatedAt: string;
  filter: RequestFilter;
  counts: { total: number; pending: number; late: number; byKind: Record<string, number> };
  requests: DashboardRequest[];
  truncated: boolean;
}

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());
const isoOrNull = (v: unknown): string | null => (v == null ? null : iso(v));
const DAY_MS = 86_400_000;

function monthKey(d: Date): string {
  return d.toISOString().slice(0, 7);
}
function lastMonths(now: Date, n: number): string[] {
  const out: string[] = [];
  for (let i = n - 1; i >= 0; i--) out.push(monthKey(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1))));
  return out;
}

export function createDashboardQueries(db: Db) {
  return {
    async home(portalId: number, now: Date): Promise<DashboardHome> {
      const today = now.toISOString().slice(0, 10);
      const month = monthKey(now);
      const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (OBJECTION_MONTHS - 1), 1));
      const [counts, expired, expiredList, blocks, levers, objections, requests] = await Promise.all([
        db.query<{ metric: string; key: string; n: number }>(
          'select metric, key, n from dashboard_counts where portal_id = $1 and n <> 0', [portalId]),
        // Earlier months come from the counters; only this month's days are counted on the index.
        db.query<{ n: number }>(
          `select count(*)::int as n from contact_state where portal_id = $1 and retention_expires_on >= $2 and retention_expires_on <= $3`,
          [portalId, `${month}-01`, today]),
        db.query<{ contact_id: string; retention_expires_on: string }>(
          `select contact_id, retention_expires_on from contact_state where portal_id = $1 and retention_expires_on <= $2
           order by retention_expires_on, contact_id limit ${DELETE_NOW_LIMIT}`, [portalId, today]),
        db.query<{ n: number }>('select count(*)::int as n from sequence_blocks where portal_id = $1', [portalId]),
        db.query<{ lever: string; status: string; n: number }>(
          `select l->>'lever' as lever, l->>'status' as status, count(*)::int as n
           from sequence_blocks b cross join lateral jsonb_array_elements(case when b.levers ~ '^\\s*\\[' then b.levers::jsonb else '[]'::jsonb end) l
           where b.portal_id = $1 group by 1, 2 order by 1, 2`, [portalId]),
        db.query<{ month: string; n: number }>(
          `select to_char(date_trunc('month', objected_at at time zone 'UTC'), 'YYYY-MM') as month, count(*)::int as n
           from contact_objections where portal_id = $1 and objected_at >= $2 group by 1`, [portalId, since.toISOString()]),
        db.query<{ open: number; late: number }>(
          `select count(*)::int as open, count(*) filter (where due_at < $2)::int as late
           from dsr_requests where portal_id = $1 and status in ('open', 'extended')`, [portalId, now.toISOString()]),
      ]);
      const bucket = (metric: string) => Object.fromEntries(
        counts.rows.filter((r) => r.metric === metric).map((r) => [r.key, Number(r.n)]));
      const byStatus = bucket('status');
      const reachable = bucket('reachable');
      const byMonth = new Map(objections.rows.map((r) => [r.month, Number(r.n)]));
      return {
        generatedAt: now.toISOString(),
        total: Number(bucket('total').all ?? 0),
        byStatus: Object.fromEntries([...STATUSES.map((s) => [s, byStatus[s] ?? 0]), ...Object.entries(byStatus).filter(([k]) => !(STATUSES as readonly string[]).includes(k))]),
        reachable: Object.fromEntries(CHANNELS.map((c) => [c, reachable[c] ?? 0])),
        byBlocker: bucket('blocker'),
        bySourceRisk: bucket('source_risk'),
        byAudience: bucket('audience'),
        expiringThisMonth: { month, count: bucket('expiry_month')[month] ?? 0 },
        deleteNow: {
          count: Number(expired.rows[0]?.n ?? 0)
            + Object.entries(bucket('expiry_month')).filter(([m]) => m < month).reduce((a, [, n]) => a + n, 0),
          contacts: expiredList.rows.map((r) => ({ contactId: r.contact_id, expiredOn: r.retention_expires_on })),
        },
        sequences: {
          blocked: Number(blocks.rows[0]?.n ?? 0),
          levers: levers.rows.map((r) => ({ lever: r.lever, status: r.status, count: Number(r.n) })),
        },
        objections: lastMonths(now, OBJECTION_MONTHS).map((m) => ({ month: m, count: byMonth.get(m) ?? 0 })),
        requests: { open: Number(requests.rows[0]?.open ?? 0), late: Number(requests.rows[0]?.late ?? 0) },
      };
    },

    /** Every request of the portal with its deadline, late ones first, then by deadline; filtered. */
    async requests(portalId: number, filter: RequestFilter, now: Date): Promise<DashboardRequests> {
      const params: unknown[] = [portalId, now.toISOString()];
      const where = ['portal_id = $1'];
      if (filter.kind) { params.push(filter.kind); where.push(`kind = $${params.length}`); }
      if (filter.status === 'pending') where.push(`status in ('open', 'extended')`);
      else if (filter.status) { params.push(filter.status); where.push(`status = $${params.length}`); }
      if (filter.lateOnly) where.push(`status in ('open', 'extended') and due_at < $2`);
      const [list, counts] = await Promise.all([
        db.query<Record<string, unknown>>(
          `select id, kind, status, origin, contact_id, received_at, due_at, closed_at, outcome,
                  (status in ('open', 'extended') and due_at < $2) as late
           from dsr_requests where ${where.join(' and ')}
           order by late desc, (status in ('open', 'extended')) desc, due_at asc, id limit ${REQUESTS_LIMIT + 1}`, params),
        db.query<{ kind: string; total: number; pending: number; late: number }>(
          `select kind, count(*)::int as total, count(*) filter (where status in ('open', 'extended'))::int as pending,
                  count(*) filter (where status in ('open', 'extended') and due_at < $2)::int as late
           from dsr_requests where portal_id = $1 group by kind`, [portalId, now.toISOString()]),
      ]);
      const rows = list.rows.slice(0, REQUESTS_LIMIT);
      return {
        generatedAt: now.toISOString(),
        filter,
        counts: {
          total: counts.rows.reduce((a, r) => a + Number(r.total), 0),
          pending: counts.rows.reduce((a, r) => a + Number(r.pending), 0),
          late: counts.rows.reduce((a, r) => a + Number(r.late), 0),
          byKind: Object.fromEntries(REQUEST_KINDS.map((k) => [k, Number(counts.rows.find((r) => r.kind === k)?.total ?? 0)])),
        },
        requests: rows.map((r) => {
          const dueAt = iso(r.due_at);
          return {
            id: String(r.id), kind: r.kind as RequestKind, status: r.status as RequestStatus, origin: String(r.origin),
            contactId: r.contact_id == null ? null : String(r.contact_id), receivedAt: iso(r.received_at), dueAt,
            closedAt: isoOrNull(r.closed_at), outcome: r.outcome == null ? null : String(r.outcome), late: r.late === true,
            daysLeft: Math.ceil((Date.parse(dueAt) - now.getTime()) / DAY_MS),
          };
        }),
        truncated: list.rows.length > REQUESTS_LIMIT,
      };
    },

    async ledgerSummary(portalId: number): Promise<{ entries: number; byKind: Record<string, number>; firstAt: string | null; lastAt: string | null }> {
      const { rows } = await db.query<{ kind: string; n: number; first_at: unknown; last_at: unknown }>(
        'select kind, count(*)::int as n, min(at) as first_at, max(at) as last_at from evidence_ledger where portal_id = $1 group by kind', [portalId]);
      const firsts = rows.map((r) => iso(r.first_at)).sort();
      const lasts = rows.map((r) => iso(r.last_at)).sort();
      return {
        entries: rows.reduce((a, r) => a + Number(r.n), 0),
        byKind: Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)])),
        firstAt: firsts[0] ?? null,
        lastAt: lasts.at(-1) ?? null,
      };
    },

    async lastVerification(portalId: number): Promise<LedgerVerificationRecord | null> {
      const { rows } = await db.query<Record<string, unknown>>(
        'select * from ledger_verifications where portal_id = $1 order by verified_at desc limit 1', [portalId]);
      const r = rows[0];
      if (!r) return null;
      return {
        verifiedAt: iso(r.verified_at), ok: r.ok === true, entries: Number(r.entries), headHash: r.head_hash == null ? null : String(r.head_hash),
        brokenAtSeq: r.broken_at_seq == null ? null : Number(r.broken_at_seq), reason: r.reason == null ? null : String(r.reason), actor: String(r.actor),
      };
    },

    async recordVerification(portalId: number, v: LedgerVerificationRecord): Promise<void> {
      await db.query(
        `insert into ledger_verifications (portal_id, verified_at, ok, entries, head_hash, broken_at_seq, reason, actor)
         values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (portal_id, verified_at) do nothing`,
        [portalId, v.verifiedAt, v.ok, v.entries, v.headHash, v.brokenAtSeq, v.reason, v.actor]);
    },
  };
}
export type DashboardQueries = ReturnType<typeof createDashboardQueries>;

export interface LedgerVerificationRecord {
  verifiedAt: string;
  ok: boolean;
  entries: number;
  headHash: string | null;
  brokenAtSeq: number | null;
  reason: string | null;
  actor: string;
}
