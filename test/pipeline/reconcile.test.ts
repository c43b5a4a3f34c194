// Reconciliation sweep (src/reconcile): contacts changed in HubSpot after their last verdict are found by a search
// on lastmodifieddate and judged; the walk respects search's 10,000-result cap by moving its window (and walks an
// instant shared by more contacts than the cap by id), checkpoints after each page and resumes there. The clock is
// explicit; the fake HubSpot answers 400 for a page past the cap, as HubSpot does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/db.ts';
import { B2B_FR, B2C_FR, FakeHubSpot, silentLog } from './helpers.ts';
import { reconcilePortal, type ReconcileDeps } from '../../src/reconcile/reconcile-portal.ts';
import { ContactEvidenceStore } from '../../src/contacts/evidence-store.ts';
import { ContactStateStore } from '../../src/contacts/contact-state-store.ts';
import { SuppressionList } from '../../src/contacts/suppression-list.ts';
import { evaluateContact } from '../../src/engine/index.ts';
import { DEFAULT_SETTINGS } from '../../src/engine/types.ts';
import { createHubSpotCrm, type ContactRecord, type ContactSearch, type SearchPage } from '../../src/jobs/hubspot-crm.ts';
import { createMemoryRateLimiter, type PortalRateLimiter } from '../../src/ratelimit/portal-rate-limiter.ts';
import type { Client } from '@hubspot/api-client';

let db: TestDb;
beforeAll(async () => { db = await createTestDb('pglite'); });
afterAll(async () => { await db.drop(); });

const T0 = Date.parse('2026-11-20T08:00:00.000Z');

/** The fake HubSpot with a search on any property, one sort, `after` as an offset, and HubSpot's cap. */
class SearchableHubSpot extends FakeHubSpot {
  clock = T0;
  cap = 10_000;
  searches: ContactSearch[] = [];
  failSearchNumber = 0;

  setModified(id: string, at: number, changes: Record<string, string> = {}): void {
    const c = this.contacts.get(id);
    if (!c) throw new Error(`no contact ${id}`);
    Object.assign(c, changes, { lastmodifieddate: new Date(at).toISOString() });
  }

  override async batchUpdate(portalId: number, inputs: { id: string; properties: Record<string, string> }[]) {
    const r = await super.batchUpdate(portalId, inputs);
    for (const i of inputs) this.setModified(i.id, this.clock); // a write changes lastmodifieddate, as at HubSpot
    return r;
  }

  async searchContacts(_portalId: number, request: ContactSearch): Promise<SearchPage> {
    this.searches.push(request);
    if (this.failSearchNumber > 0 && this.searches.length === this.failSearchNumber) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const offset = request.after ?? 0;
    if (offset >= this.cap) throw Object.assign(new Error('paging past the cap'), { code: 400 });
    const value = (c: Record<string, string | null>, name: string) => (name === 'hs_object_id' ? Number(c.hs_object_id) : Date.parse(c[name] ?? '') || 0);
    const matches = [...this.contacts.values()].filter((c) => request.filters.every((f) => {
      const v = value(c, f.propertyName);
      const want = f.propertyName === 'hs_object_id' ? Number(f.value) : Number(f.value);
      switch (f.operator) {
        case 'EQ': return v === want;
        case 'GT': return v > want;
        case 'GTE': return v >= want;
        case 'LT': return v < want;
        case 'LTE': return v <= want;
      }
    }));
    matches.sort((a, b) => (value(a, request.sort.propertyName) - value(b, request.sort.propertyName)) || (Number(a.hs_object_id) - Number(b.hs_object_id)));
    const page = matches.slice(offset, Math.min(offset + request.limit, this.cap));
    const results: ContactRecord[] = page.map((c) => ({ id: String(c.hs_object_id), properties: Object.fromEntries(request.properties.map((p) => [p, c[p] ?? null])) }));
    return { total: matches.length, results };
  }
}

function deps(hs: SearchableHubSpot): ReconcileDeps {
  return {
    db, crm: hs, evidence: new ContactEvidenceStore(db), suppression: new SuppressionList(db), states: new ContactStateStore(db),
    evaluate: evaluateContact, settings: async () => DEFAULT_SETTINGS, now: () => new Date(hs.clock), log: silentLog,
  };
}

async function backfilledAt(portalId: number, at: number): Promise<void> {
  await db.query(`insert into backfill_runs (portal_id, state, started_at, finished_at) values ($1, 'done', $2, $2)`, [portalId, new Date(at).toISOString()]);
}

function seed(hs: SearchableHubSpot, n: number, from: number, modifiedAt: (i: number) => number): string[] {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = String(from + i);
    hs.add(id, i % 2 ? B2C_FR : B2B_FR);
    hs.setModified(id, modifiedAt(i));
    ids.push(id);
  }
  return ids;
}

const judgedIds = async (portalId: number) => new Set((await db.query<{ contact_id: string }>('select contact_id from contact_state where portal_id = $1', [portalId])).rows.map((r) => r.contact_id));

describe('reconciliation sweep', () => {
  it('waits for the backfill: a portal without a finished one is left to it', async () => {
    const hs = new SearchableHubSpot();
    seed(hs, 3, 100, () => T0);
    const r = await reconcilePortal(deps(hs), 801);
    expect(r.ran).toBe(false);
    expect(hs.searches).toEqual([]);
  });

  it('judges exactly the contacts changed after their last verdict, or never judged', async () => {
    const portalId = 802;
    const hs = new SearchableHubSpot();
    await backfilledAt(portalId, T0);
    const ids = seed(hs, 6, 200, (i) => T0 + 1000 + i);
    hs.clock = T0 + 10 * 60_000;
    const first = await reconcilePortal(deps(hs), portalId, { settleMs: 30_000 });
    expect(first).toMatchObject({ ran: true, judged: 6, healed: 6 });
    expect(await judgedIds(portalId)).toEqual(new Set(ids));

    // Later: two contacts change in HubSpot and their webhooks are lost; one contact is new; one changes too
    // recently to be looked at yet (inside the settle time).
    hs.clock = T0 + 20 * 60_000;
    hs.setModified(ids[1] ?? '', hs.clock - 5 * 60_000, { country: 'Germany' });
    hs.setModified(ids[4] ?? '', hs.clock - 4 * 60_000, { pg_is_professional: 'false', company: '' });
    hs.add('299', B2C_FR);
    hs.setModified('299', hs.clock - 3 * 60_000);
    hs.setModified(ids[5] ?? '', hs.clock - 5_000, { country: 'Spain' });
    hs.writes = [];
    const second = await reconcilePortal(deps(hs), portalId, { settleMs: 30_000 });
    // The first run's own write-backs are seen once (no HubSpot write follows), then the three real changes.
    expect(second.judged).toBe(3);
    const rejudged = (await db.query<{ contact_id: string }>('select contact_id from contact_state where portal_id = $1 and evaluated_at = $2', [portalId, new Date(hs.clock).toISOString()])).rows.map((r) => r.contact_id);
    expect(new Set(rejudged)).toEqual(new Set([ids[1], ids[4], '299']));
    expect(hs.writes.map((w) => w.id)).toContain('299'); // never judged before: its tags are written
    expect(hs.writes.map((w) => w.id)).toContain(ids[4]); // became B2C: its tags change
    expect(hs.contacts.get(ids[1] ?? '')?.pg_status).toBeTruthy();
    expect(hs.contacts.get(ids[5] ?? '')?.country).toBe('Spain');
    const state = await new ContactStateStore(db).get(portalId, ids[5] ?? '');
    expect(Date.parse(state?.evaluatedAt ?? '')).toBeLessThan(hs.clock - 5_000); // not yet: it changed 5 s ago

    hs.clock += 60_000;
    hs.writes = [];
    const third = await reconcilePortal(deps(hs), portalId, { settleMs: 30_000 });
    expect(third.judged).toBe(1);
    hs.clock += 60_000;
    const fourth = await reconcilePortal(deps(hs), portalId, { settleMs: 30_000 });
    expect(fourth).toMatchObject({ judged: 0, healed: 0 }); // steady state: searches only
  });

  it('walks more contacts than one search may page through by moving its window, never paging, and a crowded instant by id', async () => {
    const portalId = 803;
    const hs = new SearchableHubSpot();
    hs.cap = 50;
    await backfilledAt(portalId, T0);
    // 120 contacts with their own instants, then 70 sharing one instant (more than the cap), then 15 more.
    const spread = seed(hs, 120, 1000, (i) => T0 + 1000 + i * 10);
    const crowd = seed(hs, 70, 2000, () => T0 + 5000);
    const after = seed(hs, 15, 3000, (i) => T0 + 6000 + i);
    hs.clock = T0 + 3_600_000;
    const r = await reconcilePortal(deps(hs), portalId, { pageSize: 10, settleMs: 1000, overlapMs: 0 });
    expect(r.judged).toBe(205);
    expect(await judgedIds(portalId)).toEqual(new Set([...spread, ...crowd, ...after]));
    expect(hs.searches.every((s) => (s.after ?? 0) === 0)).toBe(true); // never past any cap: no offset at all
    expect(hs.searches.some((s) => s.filters.some((f) => f.propertyName === 'hs_object_id'))).toBe(true); // the crowded instant
  });

  it('resumes after a crash from its checkpoint, without walking the finished pages again', async () => {
    const portalId = 804;
    const hs = new SearchableHubSpot();
    await backfilledAt(portalId, T0);
    const ids = seed(hs, 95, 5000, (i) => T0 + 1000 + i * 100);
    hs.clock = T0 + 3_600_000;
    hs.failSearchNumber = 4;
    await expect(reconcilePortal(deps(hs), portalId, { pageSize: 20, overlapMs: 0 })).rejects.toThrow(/socket hang up/);
    expect((await judgedIds(portalId)).size).toBe(60); // three pages judged and checkpointed
    const { rows } = await db.query<{ cursor_ms: string }>('select cursor_ms from reconcile_checkpoints where portal_id = $1', [portalId]);
    expect(Number(rows[0]?.cursor_ms)).toBeGreaterThan(T0 + 1000);
    hs.failSearchNumber = 0;
    hs.searches = [];
    const r = await reconcilePortal(deps(hs), portalId, { pageSize: 20, overlapMs: 0 });
    expect(await judgedIds(portalId)).toEqual(new Set(ids));
    expect(r.judged).toBe(35);
    expect(hs.searches.length).toBe(2);
  });
});

describe('the sweep\'s HubSpot search', () => {
  it('goes through the portal\'s shared rate limiter as a search call, with HubSpot\'s request shape', async () => {
    const kinds: string[] = [];
    // The real limiter, watched (spread: whatever else its interface offers stays as it is).
    const real = createMemoryRateLimiter();
    const limiter: PortalRateLimiter = { ...real, acquire: (portalId, kind, signal) => { kinds.push(kind); return real.acquire(portalId, kind, signal); } };
    const requests: unknown[] = [];
    const client = { crm: { contacts: { searchApi: { doSearch: async (body: unknown) => { requests.push(body); return { total: 0, results: [] }; } } } } };
    const crm = createHubSpotCrm({ clients: { forPortal: async () => client as unknown as Client }, limiter, log: silentLog });
    await crm.searchContacts?.(901, {
      filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: '1795161600000' }],
      sort: { propertyName: 'lastmodifieddate', direction: 'ASCENDING' }, properties: ['email'], limit: 200,
    });
    expect(kinds).toEqual(['search']);
    expect(requests).toEqual([{
      filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: '1795161600000' }] }],
      sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }], properties: ['email'], limit: 200, after: '0',
    }]);
  });
});
