// Search as HubSpot constrains it: filter limits, operators, one sort, limit <= 200, and the 10,000-result ceiling.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StandIn } from '../../scripts/hubspot-standin/index.ts';
import { api, searchBody, standInWithPortal, takeExpectedViolations } from './helpers.ts';

interface SearchOut {
  total: number;
  results: Array<{ id: string; properties: Record<string, string | null> }>;
  paging?: { next?: { after: string } };
}

describe('stand-in search', () => {
  let standIn: StandIn;
  let portalId: number;
  let token: string;
  let ids: string[];
  const search = async (body: unknown): Promise<{ status: number; json: unknown }> =>
    api(standIn, token, 'POST', '/crm/v3/objects/contacts/search', searchBody(body as Record<string, unknown>));

  beforeAll(async () => {
    ({ standIn, portalId, token } = await standInWithPortal());
    ids = await standIn.seedContacts(portalId, 10_250, { seed: 5 });
  });
  afterAll(async () => {
    await standIn.close();
  });

  it('refuses more than 5 groups, 10 filters in a group or 25 in all, and limit over 200', async () => {
    const f = { propertyName: 'country', operator: 'EQ', value: 'France' };
    const cases = [
      { filterGroups: Array.from({ length: 6 }, () => ({ filters: [f] })) },
      { filterGroups: [{ filters: Array.from({ length: 11 }, () => f) }] },
      { filterGroups: Array.from({ length: 3 }, () => ({ filters: Array.from({ length: 9 }, () => f) })) },
      { limit: 201 },
      { filterGroups: [{ filters: [{ propertyName: 'country', operator: 'LIKE', value: 'x' }] }] },
    ];
    for (const body of cases) {
      const res = await search(body);
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    }
    // An operator outside HubSpot's enum is refused by the spec check itself, and recorded as the test's own doing.
    expect(takeExpectedViolations()).toEqual(['request POST /crm/v3/objects/contacts/search']);
    const ok = await search({ filterGroups: Array.from({ length: 5 }, () => ({ filters: Array.from({ length: 5 }, () => f) })), limit: 200 });
    expect(ok.status).toBe(200);
  });

  it('refuses to page past 10,000 results, and pages by hs_object_id ranges instead', async () => {
    const atCeiling = await search({ limit: 200, after: '9800', sorts: ['hs_object_id'] });
    expect(atCeiling.status).toBe(200);
    const out = atCeiling.json as SearchOut;
    expect(out.total).toBe(10_250);
    expect(out.paging?.next?.after).toBe('10000');
    const past = await search({ limit: 200, after: out.paging?.next?.after, sorts: ['hs_object_id'] });
    expect(past.status).toBe(400);
    expect(past.json).toMatchObject({ category: 'VALIDATION_ERROR' });

    // What the backfill does: hs_object_id > last seen id, sorted ascending.
    const seen: string[] = [];
    let last = '0';
    for (;;) {
      const page = (await search({
        filterGroups: [{ filters: [{ propertyName: 'hs_object_id', operator: 'GT', value: last }] }],
        sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }], properties: ['email'], limit: 200,
      })).json as SearchOut;
      if (page.results.length === 0) break;
      seen.push(...page.results.map((r) => r.id));
      last = page.results[page.results.length - 1]?.id ?? last;
    }
    expect(seen).toEqual(ids);
  });

  it('applies EQ, NEQ, IN, BETWEEN, GTE/LT on dates, HAS_PROPERTY and NOT_HAS_PROPERTY like the data says', async () => {
    const all = ids.map((id) => standIn.getContact(portalId, id)?.properties ?? {});
    const count = async (filters: unknown[]): Promise<number> => ((await search({ filterGroups: [{ filters }], limit: 1 })).json as SearchOut).total;
    expect(await count([{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'customer' }]))
      .toBe(all.filter((p) => p.lifecyclestage === 'customer').length);
    expect(await count([{ propertyName: 'lifecyclestage', operator: 'NEQ', value: 'customer' }]))
      .toBe(all.filter((p) => p.lifecyclestage !== 'customer').length);
    // String matching is case-insensitive, as in HubSpot (which asks for lowercase IN values).
    expect(await count([{ propertyName: 'country', operator: 'IN', values: ['france', 'fr'] }]))
      .toBe(all.filter((p) => ['france', 'fr'].includes((p.country ?? '').toLowerCase())).length);
    expect(await count([{ propertyName: 'mobilephone', operator: 'HAS_PROPERTY' }])).toBe(all.filter((p) => p.mobilephone).length);
    expect(await count([{ propertyName: 'mobilephone', operator: 'NOT_HAS_PROPERTY' }])).toBe(all.filter((p) => !p.mobilephone).length);
    const cut = Date.UTC(2024, 0, 1);
    expect(await count([{ propertyName: 'createdate', operator: 'LT', value: String(cut) }]))
      .toBe(all.filter((p) => Date.parse(p.createdate ?? '') < cut).length);
    expect(await count([{ propertyName: 'createdate', operator: 'GTE', value: new Date(cut).toISOString() }]))
      .toBe(all.filter((p) => Date.parse(p.createdate ?? '') >= cut).length);
    const lo = Number(ids[100]);
    const hi = Number(ids[199]);
    expect(await count([{ propertyName: 'hs_object_id', operator: 'BETWEEN', value: String(lo), highValue: String(hi) }])).toBe(100);
    // Two groups are ORed.
    const either = await search({ filterGroups: [
      { filters: [{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'customer' }] },
      { filters: [{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'opportunity' }] },
    ], limit: 1 });
    expect((either.json as SearchOut).total).toBe(all.filter((p) => p.lifecyclestage === 'customer' || p.lifecyclestage === 'opportunity').length);
  });

  it('shows a new contact in search only after the index lag, when one is set', async () => {
    standIn.setSearchLag(300);
    try {
      const id = standIn.createContact(portalId, { email: 'tardif@exemple.fr' });
      const find = async (): Promise<number> => ((await search({
        filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'tardif@exemple.fr' }] }],
      })).json as SearchOut).total;
      expect(await find()).toBe(0);
      expect((await api(standIn, token, 'GET', `/crm/v3/objects/contacts/${id}`)).status).toBe(200); // reads see it at once
      await new Promise((r) => setTimeout(r, 350));
      expect(await find()).toBe(1);
    } finally {
      standIn.setSearchLag(0);
    }
  });

  it('sorts by one property, descending when asked', async () => {
    const out = (await search({ sorts: [{ propertyName: 'createdate', direction: 'DESCENDING' }], properties: ['createdate'], limit: 50 })).json as SearchOut;
    const dates = out.results.map((r) => Date.parse(r.properties.createdate ?? ''));
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
    const newest = Math.max(...standIn.contactIds(portalId).map((id) => Date.parse(standIn.getContact(portalId, id)?.properties.createdate ?? '')));
    expect(dates[0]).toBe(newest);
  });
});
