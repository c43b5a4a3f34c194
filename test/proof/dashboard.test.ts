// The dashboard's endpoints in the whole app (real PostgreSQL and Redis, the stand-in, two installed portals):
// portal isolation on every route and on the report link, figures from the pipeline's own writes, and fuzzing
// of query strings, bodies and report tokens (never a 5xx, never another portal's data, nothing written).
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices, REDIS_TEST_URL } from '../support/services.ts';
import { CLIENT_SECRET, createProofDb, startStack, waitFor, type ProofDb, type Stack } from './support/stack.ts';
import { createReportLinks } from '../../src/dashboard/report-link.ts';

const RUNS = Number(process.env.PROOF_FUZZ_RUNS ?? 100);

describeWithServices('dashboard: portal isolation and fuzzing', { postgres: true, redis: true }, () => {
  let db: ProofDb;
  let s: Stack;
  let a: number;
  let b: number;
  beforeAll(async () => {
    db = await createProofDb();
    s = await startStack({ db, redisUrl: REDIS_TEST_URL });
    a = await s.install();
    b = await s.install();
    const ids = [
      s.standIn.createContact(a, { email: 'claire@acme-industrie.fr', country: 'France', company: 'Acme', jobtitle: 'DRH', pg_is_professional: 'true' }),
      s.standIn.createContact(a, { email: 'jean.dupont@gmail.com', country: 'France' }),
      s.standIn.createContact(b, { email: 'bob@portail-b.fr', country: 'France', company: 'B', pg_is_professional: 'true' }),
      s.standIn.createContact(b, { email: 'eve@portail-b.fr', country: 'France', company: 'B', pg_is_professional: 'true' }),
      s.standIn.createContact(b, { email: 'zoe@portail-b.fr', country: 'France', company: 'B', pg_is_professional: 'true' }),
    ];
    await s.standIn.flushWebhooks();
    await waitFor('all judged', async () => {
      const { rows } = await db.query<{ n: number }>('select count(*)::int as n from contact_state where contact_id = any($1::text[]) and evaluated_at is not null', [ids]);
      return rows[0]?.n === ids.length;
    }, 30_000);
    await s.enf.enforcement.dsr.open({ portalId: b, contactId: ids[2] as string, kind: 'erasure', origin: 'email', receivedAt: new Date(Date.now() - 40 * 86_400_000) });
  });
  afterAll(async () => {
    await s?.stop();
    await db?.drop();
  });

  const written = async () => {
    const { rows } = await db.query<{ t: string }>(
      `select (select count(*) from ledger_verifications)::text || '/' || (select count(*) from evidence_ledger)::text || '/' || (select count(*) from dsr_requests)::text as t`);
    return rows[0]?.t ?? '';
  };

  it('each portal sees its own figures, computed from the pipeline\'s writes', async () => {
    for (const [portal, expected] of [[a, 2], [b, 3]] as const) {
      const { rows } = await db.query<{ n: number }>('select count(*)::int as n from contact_state where portal_id = $1', [portal]);
      const res = await s.signed('GET', `/api/portals/${portal}/dashboard`, { asPortal: portal });
      expect(res.status).toBe(200);
      const home = await res.json() as { total: number; byStatus: Record<string, number>; requests: { open: number; late: number } };
      expect(home.total).toBe(rows[0]?.n);
      expect(home.total).toBe(expected);
      expect(Object.values(home.byStatus).reduce((x, y) => x + y, 0)).toBe(expected);
      expect(home.requests).toEqual(portal === b ? { open: 1, late: 1 } : { open: 0, late: 0 });
    }
  });

  it('portal A cannot read B\'s dashboard, requests or evidence, nor verify B\'s ledger', async () => {
    const before = await written();
    for (const path of ['dashboard', 'dashboard/requests', 'dashboard/requests?late=1', 'dashboard/evidence']) {
      const res = await s.signed('GET', `/api/portals/${b}/${path}`, { asPortal: a });
      expect(res.status, path).toBe(403);
      expect(await res.text()).not.toMatch(/erasure|bob@/);
    }
    expect((await s.signed('POST', `/api/portals/${b}/dashboard/evidence/verify`, { asPortal: a, body: '{}' })).status).toBe(403);
    expect(await written()).toBe(before);
  });

  it('a report link opens only the portal it names; a link re-pointed at another portal is refused', async () => {
    const res = await s.signed('GET', `/api/portals/${a}/dashboard/evidence`, { asPortal: a });
    const evidence = await res.json() as { reports: { html: { en: string } } };
    const link = new URL(evidence.reports.html.en);
    const own = await fetch(`${s.baseUrl}${link.pathname}${link.search}`);
    expect(own.status).toBe(200);
    const html = await own.text();
    expect(html).toContain(String(a));
    expect(html).not.toContain(String(b));
    const repointed = link.pathname.replace(`/${a}.`, `/${b}.`);
    expect(repointed).not.toBe(link.pathname);
    expect((await fetch(`${s.baseUrl}${repointed}`)).status).toBe(410);
    // A link signed with another secret (another deployment) opens nothing here.
    const foreign = createReportLinks({ secret: `${CLIENT_SECRET}-other`, publicBaseUrl: s.baseUrl }).issue(b, new Date());
    expect((await fetch(foreign.url)).status).toBe(410);
  });

  it('fuzz: random query strings on the requests page: 200 or 400, never 5xx, only this portal\'s requests', async () => {
    const key = fc.constantFrom('kind', 'status', 'late', 'portalId', 'x', 'kind[]', '__proto__');
    const value = fc.oneof(fc.constantFrom('access', 'erasure', 'pending', 'open', '1', 'true', '', '%00', "' or 1=1 --"), fc.string({ maxLength: 12 }));
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(key, value), { maxLength: 4 }), async (pairs) => {
      const query = pairs.filter(([k]) => k !== 'portalId').map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
      const res = await s.signed('GET', `/api/portals/${a}/dashboard/requests${query ? `?${query}` : ''}`, { asPortal: a });
      expect([200, 400]).toContain(res.status);
      const text = await res.text();
      if (res.status === 200) expect((JSON.parse(text) as { requests: unknown[] }).requests).toEqual([]); // A has no request
    }), { numRuns: RUNS });
  }, 120_000);

  it('fuzz: random bodies on verify and random report tokens: < 500, and a refused call writes nothing', async () => {
    const before = await written();
    await fc.assert(fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), fc.string({ maxLength: 40 })), async (body) => {
      const res = await s.signed('POST', `/api/portals/${b}/dashboard/evidence/verify`, { asPortal: a, body });
      expect(res.status).toBeLessThan(500);
      expect(res.status).toBe(403);
    }), { numRuns: RUNS });
    expect(await written()).toBe(before);
    await fc.assert(fc.asyncProperty(fc.oneof(fc.string({ maxLength: 80 }), fc.stringMatching(/^\d{1,15}\.\d{1,15}\.[A-Za-z0-9_-]{43}$/)), async (token) => {
      const res = await fetch(`${s.baseUrl}/evidence-report/${encodeURIComponent(token)}`);
      expect(res.status).toBeLessThan(500);
      expect([404, 410]).toContain(res.status);
    }), { numRuns: RUNS });
  }, 120_000);
});
