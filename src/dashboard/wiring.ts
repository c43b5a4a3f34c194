// The dashboard's collaborators inside the running app: the database for the aggregate reads, the enforcement's
// ledger for verification and the evidence report, the pipeline for the backfill progress.
import type { Enforcement } from '../enforcement/wiring.ts';
import { buildReport } from '../reports/build-report.ts';
import type { RunningApp } from '../main.ts';
import type { CrmBackendDeps } from '../card/ports.ts';
import { createDashboardQueries } from './dashboard-queries.ts';
import type { DashboardDeps } from './dashboard-router.ts';

export function dashboardDepsFromApp(running: Pick<RunningApp, 'db'>, enforcement: Enforcement, crm: CrmBackendDeps): DashboardDeps {
  return {
    clientSecret: crm.clientSecret,
    publicBaseUrl: crm.publicBaseUrl,
    ...(crm.now ? { now: crm.now } : {}),
    installations: crm.installations,
    queries: createDashboardQueries(running.db),
    backfill: (p) => crm.stats.backfill(p),
    ledger: enforcement.ledger,
    // The same document the CLI prints and the report links serve (src/reports), not the raw ledger export.
    renderReport: async (p, lang) => (await buildReport({ db: running.db, ledger: enforcement.ledger, anchor: enforcement.anchor },
      { kind: 'evidence', portalId: p, lang, now: crm.now ? crm.now() : new Date() })).html,
  };
}
