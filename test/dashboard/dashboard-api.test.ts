// The dashboard's counters (kept by migration 240's triggers) against a full recount after random writes, on
// both engines; the home, requests and evidence endpoints behind the card's signature gate; portal isolation;
// the short-lived report link.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/db.ts';
import { describeWithServices } from '../support/services.ts';
import { ContactStateStore } from '../../src/contacts/contact-state-store.ts';
import { createEvidenceLedger } from '../../src/ledger/ledger.ts';
import { createReportLinks } from '../../src/dashboard/report-link.ts';
import { hubspotFetch, NOW, PORTAL_A, PORTAL_B, PUBLIC_BASE, SECRET, UNINSTALLED } from '../crm/backend-fakes.ts';
import {
  counters, dashboardDeps, makeVerdict, recount, saveVerdicts, startDashboardServer, CHANNEL_LIST, type VerdictShape,
} from './dashboard-fixtures.ts';

/** A small deterministic PRNG: the sequence of writes is random but the same on every run. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}
const STATUS = ['compliant', 'at_risk', 'blocked', 'expired'] as const;
function randomShape(rand: () => number): VerdictShape {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
  return {
    status: pick(STATUS),
    allowed: CHANNEL_LIST.filter(() => rand() < 0.4),
    blocker: pick(['needs_consent', 'objected', 'retention_expired', 'invalid_consent'] as const),
    risk: pick(['low', 'medium', 'high'] as const),
    audience: pick(['b2c', 'b2b_nominative', 'b2b_generic'] as const),
    expiresAt: `202${pick(['5', '6', '7'])}-${pick(['01', '06', '11', '12'])}-${pick(['01', '15', '28'])}`,
  };
}

function countersSuite(kind: 'postgres' | 'pglite') {
  let db: TestDb;
  beforeAll(async () => { db = await createTestDb(kind); });
  afterAll(async () => { await db?.drop(); });

  it('stay equal to a full recount through inserts, re-judgements, event touches and deletions, per portal', async () => {
    const rand = prng(kind === 'postgres' ? 7 : 11);
    for (let round = 0; round < 12; round++) {
      const portal = round % 3 === 2 ? PORTAL_B : PORTAL_A;
      const ids = Array.from({ length: 40 }, () => String(1 + Math.floor(rand() * 120)));
      const unique = [...new Set(ids)];
      await saveVerdicts(db, portal, unique.map((id) => makeVerdict(id, randomShape(rand))));
      if (round % 4 === 3) {
        await db.query(`delete from contact_state where portal_id = $1 and contact_id = any($2::text[])`, [portal, unique.slice(0, 5)]);
        await db.query(`update contact_state set last_event_at = now() where portal_id = $1`, [portal]);
      }
    }
    for (const portal of [PORTAL_A, PORTAL_B]) {
      const expected = await recount(db, portal);
      expect(Object.keys(expected).length).toBeGreaterThan(10);
      expect(await counters(db, portal)).toEqual(expected);
    }
    // The store's counts (settings page, demo) read the counters and agree with the slow queries they replace.
    const store = new ContactStateStore(db);
    for (const portal of [PORTAL_A, PORTAL_B]) {
      const { rows: st } = await db.query<{ status: string; n: number }>('select status, count(*)::int as n from contact_state where portal_id = $1 group by status', [portal]);
      expect(await store.statusCounts(portal)).toEqual(Object.fromEntries(st.map((r) => [r.status, Number(r.n)])));
      const { rows: bl } = await db.query<{ b: string; n: number }>(
        `select b, count(*)::int as n from contact_state, unnest(string_to_array(blockers, ',')) b where portal_id = $1 and b <> '' group by b`, [portal]);
      expect(await store.blockerCounts(portal)).toEqual(Object.fromEntries(bl.map((r) => [r.b, Number(r.n)])));
    }
    // The two portals were written independently: their totals differ and each matches its own rows.
    const { rows } = await db.query<{ portal_id: number; n: number }>('select portal_id, count(*)::int as n from contact_state group by 1');
    for (const r of rows) expect((await counters(db, Number(r.portal_id)))['total:all']).toBe(Number(r.n));
  });
}
describe('dashboard counters (PGlite)', () => countersSuite('pglite'));
describeWithServices('dashboard counters (PostgreSQL)', { postgres: true }, () => countersSuite('postgres'));

describe('dashboard endpoints', () => {
  let db: TestDb;
  let server: { url: string; close: () => Promise<void> };
  const q = (portal: number) => `?portalId=${portal}&userId=77`;
  beforeAll(async () => {
    db = await createTestDb('pglite');
    server = await startDashboardServer(dashboardDeps(db, {
      secret: SECRET, publicBaseUrl: PUBLIC_BASE, now: () => NOW, installed: (p) => p === PORTAL_A || p === PORTAL_B,
    }));
    await saveVerdicts(db, PORTAL_A, [
      makeVerdict('1', { status: 'compliant', allowed: ['email', 'postal', 'phone'], expiresAt: '2028-03-10' }),
      makeVerdict('2', { status: 'blocked', allowed: ['postal'], blocker: 'needs_consent', risk: 'high', expiresAt: '2026-11-30' }),
      makeVerdict('3', { status: 'expired', allowed: [], blocker: 'retention_expired', expiresAt: '2026-11-02' }),
      makeVerdict('4', { status: 'expired', allowed: [], blocker: 'retention_expired', expiresAt: '2025-06-01' }),
      makeVerdict('5', { status: 'at_risk', allowed: ['email'], expiresAt: '2026-12-15' }),
    ]);
    await saveVerdicts(db, PORTAL_B, Array.from({ length: 9 }, (_, i) =>
      makeVerdict(`b${i}`, { status: 'expired', allowed: [], blocker: 'retention_expired', expiresAt: '2024-01-01' })));
    await db.query(`insert into contact_objections (portal_id, contact_id, channel, objected_at) values
      ($1, '2', 'email', '2026-11-05T10:00:00Z'), ($1, '2', 'sms', '2026-09-01T10:00:00Z'), ($1, '9', 'all', '2024-01-01T10:00:00Z'),
      ($2, 'b1', 'all', '2026-11-06T10:00:00Z')`, [PORTAL_A, PORTAL_B]);
    await db.query(`insert into sequence_blocks (portal_id, contact_id, enrollment_key, detected_at, detected_by, levers) values
      ($1, '2', 'k1', $3, 'webhook', '[{"lever":"block_properties","status":"done","at":"x"},{"lever":"workflow_unenroll","status":"done","at":"x"}]'),
      ($1, '3', 'k2', $3, 'poll', '[{"lever":"block_properties","status":"done","at":"x"},{"lever":"workflow_unenroll","status":"unavailable","at":"x"}]'),
      ($2, 'b1', 'k3', $3, 'poll', '[]')`, [PORTAL_A, PORTAL_B, NOW.toISOString()]);
    const dsr = (id: string, portal: number, kind: string, status: string, received: string, due: string) =>
      db.query(`insert into dsr_requests (id, portal_id, contact_id, kind, origin, status, received_at, due_at) values ($1, $2, '2', $3, 'card', $4, $5, $6)`,
        [id, portal, kind, status, received, due]);
    await dsr('r-late', PORTAL_A, 'erasure', 'open', '2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z');
    await dsr('r-soon', PORTAL_A, 'access', 'open', '2026-11-20T00:00:00Z', '2026-12-20T00:00:00Z');
    await dsr('r-closed', PORTAL_A, 'objection', 'closed', '2026-09-01T00:00:00Z', '2026-10-01T00:00:00Z');
    await dsr('r-ext', PORTAL_A, 'rectification', 'extended', '2026-08-01T00:00:00Z', '2026-11-22T00:00:00Z');
    await dsr('r-b', PORTAL_B, 'erasure', 'open', '2026-10-01T00:00:00Z', '2026-10-02T00:00:00Z');
    const ledger = createEvidenceLedger(db);
    for (const kind of ['consent', 'objection', 'block'] as const) await ledger.append(PORTAL_A, { kind, contactId: '2', actor: 'user:77', payload: { channel: 'email' }, at: NOW });
  });
  afterAll(async () => { await server?.close(); await db?.drop(); });

  it('home: channel reach, statuses, blockers, source risk, expiries, delete-now, sequences, objections, requests of this portal only', async () => {
    const res = await hubspotFetch(server, 'GET', `/api/portals/${PORTAL_A}/dashboard${q(PORTAL_A)}`);
    expect(res.status).toBe(200);
    const b = res.body;
    expect(b.total).toBe(5);
    expect(b.byStatus).toEqual({ compliant: 1, at_risk: 1, blocked: 1, expired: 2 });
    expect(b.reachable).toEqual({ email: 2, sms: 0, social_dm: 0, automated_call: 0, fax: 0, phone: 1, postal: 2 });
    expect(b.byBlocker).toEqual({ needs_consent: 3, retention_expired: 2 }); // 1 and 5 lack consent for the channels they cannot use
    expect(b.bySourceRisk).toEqual({ low: 4, high: 1 });
    expect(b.expiringThisMonth).toEqual({ month: '2026-11', count: 2 }); // 2026-11-02 (past) and 2026-11-30
    expect(b.deleteNow.count).toBe(2); // 2026-11-02 and 2025-06-01; 2026-11-30 is still ahead
    expect(b.deleteNow.contacts).toEqual([{ contactId: '4', expiredOn: '2025-06-01' }, { contactId: '3', expiredOn: '2026-11-02' }]);
    expect(b.sequences.blocked).toBe(2);
    expect(b.sequences.levers).toEqual([
      { lever: 'block_properties', status: 'done', count: 2 },
      { lever: 'workflow_unenroll', status: 'done', count: 1 },
      { lever: 'workflow_unenroll', status: 'unavailable', count: 1 },
    ]);
    expect(b.objections).toHaveLength(12);
    expect(b.objections[0]).toEqual({ month: '2025-12', count: 0 });
    expect(b.objections.at(-1)).toEqual({ month: '2026-11', count: 1 });
    expect(b.objections.find((m: { month: string }) => m.month === '2026-09').count).toBe(1);
    expect(b.requests).toEqual({ open: 3, late: 2 });
    expect(b.backfill.state).toBe('done');
  });

  it('requests: late ones first, then open by deadline, then closed; filters by kind, status and lateness', async () => {
    const all = await hubspotFetch(server, 'GET', `/api/portals/${PORTAL_A}/dashboard/requests${q(PORTAL_A)}`);
    expect(all.status).toBe(200);
    expect(all.body.requests.map((r: { id: string }) => r.id)).toEqual(['r-late', 'r-ext', 'r-soon', 'r-closed']);
    expect(all.body.requests[0]).toMatchObject({ kind: 'erasure', late: true, daysLeft: -22 });
    expect(all.body.counts).toEqual({ total: 4, pending: 3, late: 2, byKind: { access: 1, erasure: 1, objection: 1, rectification: 1 } });
    const late = await hubspotFetch(server, 'GET', `/api/portals/${PORTAL_A}/dashboard/requests${q(PORTAL_A)}&late=1`);
    expect(late.body.requests.map((r: { id: string }) => r.id)).toEqual(['r-late', 'r-ext']);
    const access = await hubspotFetch(server, 'GET', `/api/portals/${PORTAL_A}/dashboard/requests${q(PORTAL_A)}&kind=access`);
    expect(access.body.requests.map((r: { id: string }) => r.id)).toEqual(['r-soon']);
    const closed = await hubspotFetch(server, 'GET', `/api/portals/${PORTAL_A}/dashboard/requests${q(PORTAL_A)}&status=closed`);
    expect(closed.body.requests.map((r: { id: string }) => r.id)).toEqual(['r-closed']);
    const bad = await hubspotFetch(server, 'GET', `/api/portals/${PORTAL_A}/dashboard/requests${q(PORTAL_A)}&kind=everything`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('bad_filter');
  });

  it('evidence: entries, verification on demand recorded, and a report link that expires', async () => {
    const before = await hubspotFetch(server, 'GET', `/api/portals/${PORTAL_A}/dashboard/evidence${q(PORTAL_A)}`);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ entries: 3, byKind: { consent: 1, objection: 1, block: 1 }, lastVerification: null, head: { seq: 3 } });
    const verify = await hubspotFetch(server, 'POST', `/api/portals/${PORTAL_A}/dashboard/evidence/verify${q(PORTAL_A)}`, {});
    expect(verify.status).toBe(200);
    expect(verify.body.verification).toMatchObject({ ok: true, entries: 3, actor: 'user:77' });
    const after = await hubspotFetch(server, 'GET', `/api/portals/${PORTAL_A}/dashboard/evidence${q(PORTAL_A)}`);
    expect(after.body.lastVerification).toMatchObject({ ok: true, entries: 3, headHash: before.body.head.hash });
    const link = new URL(after.body.reports.html.en as string);
    expect(link.origin).toBe(PUBLIC_BASE);
    const report = await fetch(`${server.url}${link.pathname}${link.search}`);
    expect(report.status).toBe(200);
    expect(report.headers.get('content-type')).toContain('text/html');
    expect(await report.text()).toContain(String(PORTAL_A));
    // Tampered, and expired (issued 11 minutes before the server's clock), links open nothing.
    const tampered = link.pathname.replace(/\.([^.]+)$/, (_m, mac: string) => `.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`);
    expect((await fetch(`${server.url}${tampered}`)).status).toBe(410);
    const old = createReportLinks({ secret: SECRET, publicBaseUrl: PUBLIC_BASE }).issue(PORTAL_A, new Date(NOW.getTime() - 11 * 60_000));
    expect((await fetch(`${server.url}${new URL(old.url).pathname}`)).status).toBe(410);
    const forUninstalled = createReportLinks({ secret: SECRET, publicBaseUrl: PUBLIC_BASE }).issue(UNINSTALLED, NOW);
    expect((await fetch(`${server.url}${new URL(forUninstalled.url).pathname}`)).status).toBe(403);
  });

  it('portal isolation: portal A cannot read B, and B sees only its own figures', async () => {
    for (const path of ['dashboard', 'dashboard/requests', 'dashboard/evidence']) {
      const cross = await hubspotFetch(server, 'GET', `/api/portals/${PORTAL_B}/${path}${q(PORTAL_A)}`);
      expect(cross.status).toBe(403);
      expect(cross.body.error.code).toBe('portal_mismatch');
    }
    expect((await hubspotFetch(server, 'POST', `/api/portals/${PORTAL_B}/dashboard/evidence/verify${q(PORTAL_A)}`, {})).status).toBe(403);
    const b = await hubspotFetch(server, 'GET', `/api/portals/${PORTAL_B}/dashboard${q(PORTAL_B)}`);
    expect(b.body).toMatchObject({ total: 9, deleteNow: { count: 9 }, requests: { open: 1, late: 1 }, sequences: { blocked: 1, levers: [] } });
    expect(b.body.objections.at(-1)).toEqual({ month: '2026-11', count: 1 });
    const reqB = await hubspotFetch(server, 'GET', `/api/portals/${PORTAL_B}/dashboard/requests${q(PORTAL_B)}`);
    expect(reqB.body.requests.map((r: { id: string }) => r.id)).toEqual(['r-b']);
  });

  it('signature gate: forged, stale, unsigned and uninstalled requests are refused', async () => {
    const path = `/api/portals/${PORTAL_A}/dashboard${q(PORTAL_A)}`;
    expect((await hubspotFetch(server, 'GET', path, undefined, { secret: 'wrong' })).status).toBe(401);
    expect((await hubspotFetch(server, 'GET', path, undefined, { timestamp: NOW.getTime() - 6 * 60_000 })).status).toBe(401);
    expect((await hubspotFetch(server, 'GET', path, undefined, { omitSignature: true })).status).toBe(401);
    // The portal comes from the signed path; HubSpot's appended portalId, when present, must name the same one.
    expect((await hubspotFetch(server, 'GET', `/api/portals/${PORTAL_A}/dashboard?userId=77`)).status).toBe(200);
    expect((await hubspotFetch(server, 'GET', `/api/portals/${PORTAL_A}/dashboard?userId=77&portalId=${PORTAL_B}`)).status).toBe(403);
    expect((await hubspotFetch(server, 'GET', `/api/portals/${UNINSTALLED}/dashboard${q(UNINSTALLED)}`)).status).toBe(403);
    const before = await db.query<{ n: number }>('select count(*)::int as n from ledger_verifications');
    expect((await hubspotFetch(server, 'POST', `/api/portals/${PORTAL_A}/dashboard/evidence/verify${q(PORTAL_A)}`, {}, { secret: 'wrong' })).status).toBe(401);
    expect((await db.query<{ n: number }>('select count(*)::int as n from ledger_verifications')).rows[0]?.n).toBe(before.rows[0]?.n);
  });
});
