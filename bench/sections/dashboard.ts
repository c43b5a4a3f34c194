// The compliance dashboard's endpoints on a portal of 1M contacts (10k with --quick), on PostgreSQL: the home
// page (target p95 < 300 ms, issue 12), the requests page and the evidence page, each called through the real
// router with a valid v3 signature, sequentially after a warm-up, timed end to end on the client. A second
// portal of 200k contacts shares the tables (what isolation costs). Contacts are written through contact_state
// in batches, so the counters are the ones the triggers of migration 240 keep. Figures are noisy on a shared
// machine: compare runs of the same machine only.
import { randomBytes } from 'node:crypto';
import type { BenchResult, BenchSection } from '../types.ts';

const SECRET = 'bench-dashboard-secret';
const PUBLIC_BASE = 'https://api.prospect-guard.bench';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** Inserts `n` contact_state rows for a portal in batches, verdicts varied by the row number. */
async function seed(db: { query: (sql: string, params?: unknown[]) => Promise<unknown> }, portalId: number, n: number, log: (m: string) => void): Promise<void> {
  const batch = 50_000;
  for (let from = 1; from <= n; from += batch) {
    const to = Math.min(n, from + batch - 1);
    await db.query(
      `insert into contact_state (portal_id, contact_id, status, blockers, verdict, evaluated_at)
       select $1, (1000000 + i)::text,
         (array['compliant','at_risk','blocked','expired'])[1 + i % 4],
         case i % 4 when 0 then '' when 3 then 'retention_expired' else 'needs_consent' end,
         jsonb_build_object(
           'audience', (array['b2c','b2b_nominative','b2b_generic'])[1 + i % 3],
           'status', (array['compliant','at_risk','blocked','expired'])[1 + i % 4],
           'channels', jsonb_build_object(
             'email', jsonb_build_object('allowed', i % 3 = 0, 'reasons', '[]'::jsonb),
             'sms', jsonb_build_object('allowed', i % 7 = 0, 'reasons', '[]'::jsonb),
             'social_dm', jsonb_build_object('allowed', i % 11 = 0, 'reasons', '[]'::jsonb),
             'automated_call', jsonb_build_object('allowed', i % 13 = 0, 'reasons', '[]'::jsonb),
             'fax', jsonb_build_object('allowed', i % 17 = 0, 'reasons', '[]'::jsonb),
             'phone', jsonb_build_object('allowed', i % 2 = 0, 'reasons', '[]'::jsonb),
             'postal', jsonb_build_object('allowed', i % 5 <> 0, 'reasons', '[]'::jsonb)),
           'source', jsonb_build_object('kind', 'web_form', 'risk', (array['low','medium','high'])[1 + i % 3]),
           'retention', jsonb_build_object('expiresAt', to_char(date '2024-01-01' + (i % 1800), 'YYYY-MM-DD'), 'state', 'active')),
         now()
       from generate_series($2::int, $3::int) as i`, [portalId, from, to]);
    if (to % 200_000 === 0 || to === n) log(`dashboard: portal ${portalId}: ${to} contacts`);
  }
}

const section: BenchSection = {
  name: 'dashboard',
  description: 'dashboard endpoints (home, requests, evidence) p50/p95 on a portal of 1M contacts, PostgreSQL',
  targets: [{ metric: 'homeP95Ms', max: 300, fullRunOnly: true }],
  async run({ quick, log }): Promise<BenchResult> {
    const { postgresUp, DATABASE_TEST_URL } = await import('../../test/support/services.ts');
    if (!postgresUp) return { skipped: 'needs PostgreSQL' };
    const { openDb, migrate } = await import('../../src/storage/db.ts');
    const { dashboardDeps, startDashboardServer } = await import('../../test/dashboard/dashboard-fixtures.ts');
    const { signHubSpotV3 } = await import('../../src/hubspot/signature.ts');
    const { createEvidenceLedger } = await import('../../src/ledger/ledger.ts');
    const { default: pg } = await import('pg');
    const schema = `bench_dash_${randomBytes(4).toString('hex')}`;
    const db = await openDb({ databaseUrl: DATABASE_TEST_URL, schema, poolSize: 8 });
    const contacts = quick ? 10_000 : 1_000_000;
    const other = quick ? 2_000 : 200_000;
    const A = 7001; const B = 7002;
    let server: { url: string; close: () => Promise<void> } | null = null;
    try {
      await migrate(db);
      const seedStart = Date.now();
      await seed(db, A, contacts, log);
      await seed(db, B, other, log);
      const seedMs = Date.now() - seedStart;
      // Around the contacts: objections, blocks, requests and ledger entries in proportion.
      await db.query(`insert into contact_objections (portal_id, contact_id, channel, objected_at)
        select $1, (1000000 + i)::text, 'email', timestamptz '2025-12-01' + (i % 365) * interval '1 day' from generate_series(1, $2::int) i`, [A, contacts / 20]);
      await db.query(`insert into sequence_blocks (portal_id, contact_id, enrollment_key, detected_at, detected_by, levers)
        select $1, (1000000 + i)::text, 'k' || i, now(), 'poll', '[{"lever":"block_properties","status":"done","at":"x"},{"lever":"owner_task","status":"done","at":"x"}]'
        from generate_series(1, $2::int) i`, [A, contacts / 100]);
      await db.query(`insert into dsr_requests (id, portal_id, contact_id, kind, origin, status, received_at, due_at)
        select 'r' || i, $1, (1000000 + i)::text, (array['access','erasure','objection','rectification'])[1 + i % 4], 'card',
          (array['open','closed','closed','extended'])[1 + i % 4], now() - (i % 90) * interval '1 day', now() - (i % 90) * interval '1 day' + interval '30 days'
        from generate_series(1, $2::int) i`, [A, contacts / 200]);
      const ledger = createEvidenceLedger(db);
      for (let i = 0; i < (quick ? 50 : 500); i++) await ledger.append(A, { kind: 'objection', contactId: String(1000000 + i), actor: 'bench', payload: { channel: 'email' } });
      await db.query('analyze');

      server = await startDashboardServer(dashboardDeps(db, { secret: SECRET, publicBaseUrl: PUBLIC_BASE, now: () => new Date(), installed: () => true }));
      const call = async (path: string): Promise<number> => {
        const pathAndQuery = `${path}${path.includes('?') ? '&' : '?'}portalId=${A}&userId=1`;
        const ts = Date.now();
        const signature = signHubSpotV3({ method: 'GET', uri: PUBLIC_BASE + pathAndQuery, rawBody: '', timestamp: ts, clientSecret: SECRET });
        const t0 = performance.now();
        const res = await fetch(server!.url + pathAndQuery, { headers: { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(ts) } });
        await res.arrayBuffer();
        const ms = performance.now() - t0;
        if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
        return ms;
      };
      const measure = async (path: string, n: number) => {
        for (let i = 0; i < 5; i++) await call(path);
        const times: number[] = [];
        for (let i = 0; i < n; i++) times.push(await call(path));
        times.sort((a, b) => a - b);
        return { p50: percentile(times, 50), p95: percentile(times, 95) };
      };
      const runs = quick ? 20 : 100;
      const home = await measure(`/api/portals/${A}/dashboard`, runs);
      const requests = await measure(`/api/portals/${A}/dashboard/requests`, runs);
      const late = await measure(`/api/portals/${A}/dashboard/requests?late=1&kind=erasure`, runs);
      const evidence = await measure(`/api/portals/${A}/dashboard/evidence`, runs);
      // The counters' answer equals a recount (the slow way the dashboard avoids), timed for comparison.
      const t0 = performance.now();
      await db.query(`select status, count(*) from contact_state where portal_id = $1 group by status`, [A]);
      const naiveStatusMs = performance.now() - t0;
      return {
        contacts, otherPortalContacts: other, seedSeconds: Math.round(seedMs / 100) / 10,
        homeP50Ms: Math.round(home.p50 * 10) / 10, homeP95Ms: Math.round(home.p95 * 10) / 10, homeTargetP95Ms: 300,
        requestsP95Ms: Math.round(requests.p95 * 10) / 10, requestsLateP95Ms: Math.round(late.p95 * 10) / 10,
        evidenceP95Ms: Math.round(evidence.p95 * 10) / 10,
        naiveStatusCountMs: Math.round(naiveStatusMs * 10) / 10,
      };
    } finally {
      await server?.close();
      await db.close();
      const client = new pg.Client({ connectionString: DATABASE_TEST_URL });
      await client.connect();
      try { await client.query(`drop schema if exists "${schema}" cascade`); } finally { await client.end(); }
    }
  },
};
export default section;
