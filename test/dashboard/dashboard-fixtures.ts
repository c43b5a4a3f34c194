// Verdicts, contact rows and a mounted dashboard router over a real database, for the dashboard's tests and bench.
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Verdict } from '../../src/engine/types.ts';
import { ContactStateStore } from '../../src/contacts/contact-state-store.ts';
import { createDashboardQueries } from '../../src/dashboard/dashboard-queries.ts';
import { createDashboardRouter, type DashboardDeps } from '../../src/dashboard/dashboard-router.ts';
import { createEvidenceLedger } from '../../src/ledger/ledger.ts';
import { exportLedger, renderLedgerHtml } from '../../src/ledger/export.ts';
import type { Db } from '../../src/storage/db.ts';

export const CHANNEL_LIST = ['email', 'sms', 'social_dm', 'automated_call', 'fax', 'phone', 'postal'] as const;

export interface VerdictShape {
  status: Verdict['status'];
  allowed: ReadonlyArray<(typeof CHANNEL_LIST)[number]>;
  blocker?: 'needs_consent' | 'objected' | 'retention_expired' | 'invalid_consent';
  risk?: 'low' | 'medium' | 'high';
  audience?: Verdict['audience'];
  expiresAt: string;
}

export function makeVerdict(id: string, v: VerdictShape): Verdict {
  const channels = Object.fromEntries(CHANNEL_LIST.map((ch) => {
    const allowed = v.allowed.includes(ch);
    return [ch, allowed ? { allowed, basis: 'legitimate_interest', reasons: [] } : { allowed, blocker: v.blocker ?? 'needs_consent', reasons: [] }];
  })) as unknown as Verdict['channels'];
  return {
    id, audience: v.audience ?? 'b2b_nominative', audienceSignal: 'flag', jurisdiction: 'FR', rulePack: 'fr', rulesVersion: 'test',
    evaluatedAt: '2026-11-23T08:00:00.000Z', status: v.status, channels,
    source: { kind: 'trade_show', risk: v.risk ?? 'low', art14NoticeRequired: false },
    retention: { anchor: 'collected', expiresAt: v.expiresAt, state: 'active', daysLeft: 100 },
    reasons: [],
  } as unknown as Verdict;
}

/** Writes verdicts the way the judge step does (ContactStateStore.saveMany, one statement per batch). */
export async function saveVerdicts(db: Db, portalId: number, verdicts: Verdict[], at = new Date('2026-11-23T08:00:00Z')): Promise<void> {
  await new ContactStateStore(db).saveMany(portalId, verdicts.map((v) => ({
    contactId: v.id, verdict: v, written: {}, emailHash: null, phoneHash: null, sequenceEnrolled: false,
  })), at);
}

/** What the counters must say, recomputed from every row (the slow way). */
export async function recount(db: Db, portalId: number): Promise<Record<string, number>> {
  const { rows } = await db.query<{ metric: string; key: string; n: number }>(
    `select k.metric, k.key, count(*)::int as n from contact_state s cross join lateral dashboard_keys(s.status, s.blockers, s.verdict) k
     where s.portal_id = $1 group by 1, 2`, [portalId]);
  return Object.fromEntries(rows.map((r) => [`${r.metric}:${r.key}`, Number(r.n)]));
}
export async function counters(db: Db, portalId: number): Promise<Record<string, number>> {
  const { rows } = await db.query<{ metric: string; key: string; n: number }>(
    'select metric, key, n from dashboard_counts where portal_id = $1 and n <> 0', [portalId]);
  return Object.fromEntries(rows.map((r) => [`${r.metric}:${r.key}`, Number(r.n)]));
}

export function dashboardDeps(db: Db, options: { secret: string; publicBaseUrl: string; now: () => Date; installed: (p: number) => boolean }): DashboardDeps {
  const ledger = createEvidenceLedger(db);
  return {
    clientSecret: options.secret,
    publicBaseUrl: options.publicBaseUrl,
    now: options.now,
    installations: { isActive: async (p) => options.installed(p) },
    queries: createDashboardQueries(db),
    backfill: async () => ({ state: 'done', processed: 0, total: 0, updatedAt: null }),
    ledger,
    renderReport: async (p, lang) => renderLedgerHtml(await exportLedger(ledger, p), lang),
  };
}

export async function startDashboardServer(deps: DashboardDeps): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  app.use(createDashboardRouter(deps));
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
