// The app pages through @hubspot/ui-extensions/testing: routing, the home page's charts and figures, the
// requests page's filters (each one a new signed call), the evidence page's verification, and the error state.
import { Alert, BarChart, Button, Checkbox, ErrorState, LineChart, LoadingSpinner, Select, StatisticsItem, Table, Text } from '@hubspot/ui-extensions';
import { PageTitle } from '@hubspot/ui-extensions/pages';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DashboardRouter } from '../../ui-extensions/src/app/pages/components/DashboardPages.tsx';
import type { DashboardEvidence, DashboardHome, DashboardRequests } from '../../ui-extensions/src/app/shared/types.ts';
import type { DashboardEvidenceResponse, DashboardHomeResponse } from '../../src/dashboard/dashboard-router.ts';
import { fire } from '../crm/ui-fixtures.ts';
import type { DashboardRequests as BackendRequests } from '../../src/dashboard/dashboard-queries.ts';

const { hubspotFetch } = vi.hoisted(() => ({ hubspotFetch: vi.fn() }));
vi.mock('../../ui-extensions/src/app/shared/http.ts', () => ({ hubspotFetch }));

// The UI's types and the backend's agree (a compile error here means one side moved).
const sameHome = (h: DashboardHomeResponse): DashboardHome => h;
const sameRequests = (r: BackendRequests): DashboardRequests => r;
const sameEvidence = (e: DashboardEvidenceResponse): DashboardEvidence => e;
void sameHome; void sameRequests; void sameEvidence;

const HOME: DashboardHome = {
  generatedAt: '2026-11-23T08:00:00.000Z', total: 200,
  byStatus: { compliant: 120, at_risk: 30, blocked: 40, expired: 10 },
  reachable: { email: 150, sms: 20, social_dm: 0, automated_call: 0, fax: 0, phone: 100, postal: 190 },
  byBlocker: { needs_consent: 35, objected: 5, retention_expired: 10 }, bySourceRisk: { low: 150, medium: 30, high: 20 },
  byAudience: { b2b_nominative: 150, b2c: 50 }, expiringThisMonth: { month: '2026-11', count: 7 },
  deleteNow: { count: 12, contacts: [{ contactId: '901', expiredOn: '2025-01-02' }, { contactId: '902', expiredOn: '2026-11-01' }] },
  sequences: { blocked: 3, levers: [{ lever: 'block_properties', status: 'done', count: 3 }, { lever: 'workflow_unenroll', status: 'unavailable', count: 3 }] },
  objections: [{ month: '2026-10', count: 2 }, { month: '2026-11', count: 5 }],
  requests: { open: 4, late: 1 },
  backfill: { state: 'done', processed: 200, total: 200, updatedAt: null },
};
const REQUESTS: DashboardRequests = {
  generatedAt: HOME.generatedAt, filter: {}, truncated: false,
  counts: { total: 2, pending: 2, late: 1, byKind: { access: 1, erasure: 1, objection: 0, rectification: 0 } },
  requests: [
    { id: 'r1', kind: 'erasure', status: 'open', origin: 'preference_centre', contactId: '77', receivedAt: '2026-10-01T00:00:00Z', dueAt: '2026-11-01T00:00:00Z', closedAt: null, outcome: null, late: true, daysLeft: -22 },
    { id: 'r2', kind: 'access', status: 'open', origin: 'card', contactId: '78', receivedAt: '2026-11-20T00:00:00Z', dueAt: '2026-12-20T00:00:00Z', closedAt: null, outcome: null, late: false, daysLeft: 27 },
  ],
};
const EVIDENCE: DashboardEvidence = {
  generatedAt: HOME.generatedAt, entries: 42, byKind: { consent: 10, objection: 30, block: 2 }, firstAt: '2026-01-01T00:00:00Z', lastAt: '2026-11-22T00:00:00Z',
  head: { seq: 42, hash: 'ab'.repeat(32) }, lastVerification: null,
  reports: { html: { en: 'https://api.prospect-guard.app/evidence-report/t?lang=en', fr: 'https://api.prospect-guard.app/evidence-report/t?lang=fr' }, expiresAt: '2026-11-23T08:10:00.000Z' },
  commands: { verify: 'prospect-guard ledger verify --portal 123', export: 'prospect-guard ledger export --portal 123 --format html' },
};

type Call = [string, { method: string; body?: Record<string, unknown> }];
const calls = () => hubspotFetch.mock.calls as Call[];
const ok = (body: unknown) => Promise.resolve({ status: 200, body });
function backend(path: string) {
  if (path.endsWith('/dashboard')) return ok(HOME);
  if (path.includes('/dashboard/requests')) return ok(REQUESTS);
  if (path.endsWith('/dashboard/evidence')) return ok(EVIDENCE);
  if (path.endsWith('/evidence/verify')) return ok({ verification: { verifiedAt: '2026-11-23T08:01:00.000Z', ok: true, entries: 42, headHash: 'ab', brokenAtSeq: null, reason: null, actor: 'user:1' } });
  return Promise.resolve({ status: 404, body: null });
}

function open(path: string, locale = 'en', params: Record<string, string> = {}) {
  const r = createRenderer('pages');
  r.mocks.context.user.locale = locale;
  r.mocks.setPageLocation({ path, params });
  r.render(<DashboardRouter />);
  return r;
}
type R = ReturnType<typeof open>;
const ready = (r: R) => r.waitFor(() => expect(r.maybeFind(LoadingSpinner)).toBeNull());

describe('dashboard app pages', () => {
  beforeEach(() => { hubspotFetch.mockReset(); hubspotFetch.mockImplementation((path: string) => backend(path)); });

  it('home: reach per channel as a bar chart of shares, statuses, delete-now list, levers and objections over time', async () => {
    const r = open('/');
    await ready(r);
    expect(calls()[0]).toEqual(['/api/portals/123/dashboard', { method: 'GET' }]);
    expect(r.find(PageTitle).text).toBe('Prospecting compliance');
    const reach = r.findByTestId(BarChart, 'chart-reach').props.data as Array<{ channel: string; share: number }>;
    expect(reach).toHaveLength(7);
    expect(reach[0]).toEqual({ channel: 'Email', share: 75 });
    expect(reach.find((d) => d.channel === 'Postal mail')?.share).toBe(95);
    expect(r.findByTestId(StatisticsItem, 'home-status-blocked').props.number).toBe(40);
    expect(r.findByTestId(StatisticsItem, 'home-delete-now').props.number).toBe(12);
    expect(r.findByTestId(Text, 'home-delete-list').text).toBe('901 (2025-01-02) · 902 (2026-11-01) and 10 more');
    expect(r.findByTestId(StatisticsItem, 'home-expiring').props.number).toBe(7);
    expect(r.findByTestId(Table, 'home-levers')).toBeDefined();
    expect(r.findByTestId(LineChart, 'chart-objections').props.data).toEqual([{ month: '2026-10', objections: 2 }, { month: '2026-11', objections: 5 }]);
    expect(r.findByTestId(StatisticsItem, 'home-requests-late').props.number).toBe(1);
    expect(r.maybeFindByTestId(Text, 'home-backfill-text')).toBeNull(); // the first evaluation is over
  });

  it('home while the first evaluation runs: its progress', async () => {
    hubspotFetch.mockImplementation((path: string) => (path.endsWith('/dashboard')
      ? ok({ ...HOME, backfill: { state: 'running', processed: 50, total: 200, updatedAt: null } }) : backend(path)));
    const r = open('/');
    await ready(r);
    expect(r.findByTestId(Text, 'home-backfill-text').text).toBe('50 of 200 contacts judged');
  });

  it('home in French, and an error state that retries', async () => {
    hubspotFetch.mockImplementationOnce(() => Promise.resolve({ status: 503, body: { error: { code: 'temporarily_unavailable', message: 'try again' } } }));
    const r = open('/', 'fr-fr');
    await r.waitFor(() => expect(r.maybeFind(ErrorState)).not.toBeNull());
    r.findByTestId(Button, 'home-error-retry').trigger('onClick');
    await ready(r);
    await r.waitFor(() => expect(r.maybeFindByTestId(BarChart, 'chart-reach')).not.toBeNull());
    expect(r.find(PageTitle).text).toBe('Conformité de la prospection');
    expect(r.findByTestId(Text, 'home-delete-list').text).toContain('901 (02/01/2025)');
  });

  it('requests: late first as the backend sent them, each filter a new call, late=1 from the home link', async () => {
    const r = open('/requests', 'en', { late: '1' });
    await ready(r);
    expect(calls()[0]?.[0]).toBe('/api/portals/123/dashboard/requests?late=1');
    expect(r.findByTestId(Text, 'requests-counts').text).toBe('2 requests, 2 pending, 1 past deadline');
    expect(r.findByTestId(Checkbox, 'filter-late').props.checked).toBe(true);
    fire(r.findByTestId(Select, 'filter-kind'), 'onChange', 'erasure');
    await r.waitFor(() => expect(calls().at(-1)?.[0]).toBe('/api/portals/123/dashboard/requests?kind=erasure&late=1'));
    fire(r.findByTestId(Checkbox, 'filter-late'), 'onChange', false);
    fire(r.findByTestId(Select, 'filter-status'), 'onChange', 'pending');
    await r.waitFor(() => expect(calls().at(-1)?.[0]).toBe('/api/portals/123/dashboard/requests?kind=erasure&status=pending'));
  });

  it('evidence: never verified, then verified on demand; report links and commands shown', async () => {
    const r = open('/evidence');
    await ready(r);
    expect(r.findByTestId(Alert, 'evidence-never')).toBeDefined();
    expect(r.findByTestId(StatisticsItem, 'evidence-entries').props.number).toBe(42);
    expect(r.findByTestId(Text, 'evidence-cli').text).toContain('prospect-guard ledger verify --portal 123');
    r.findByTestId(Button, 'evidence-verify').trigger('onClick');
    await r.waitFor(() => expect(r.maybeFindByTestId(Alert, 'evidence-ok')).not.toBeNull());
    expect(r.findByTestId(Alert, 'evidence-ok').props.title).toBe('Chain intact: 42 entries checked on 2026-11-23 08:01');
    expect(calls().at(-1)).toEqual(['/api/portals/123/dashboard/evidence/verify', { method: 'POST', body: {} }]);
  });
});
