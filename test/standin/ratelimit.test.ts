// HubSpot's per-account rate limits with real 429 bodies and headers.
import { afterEach, describe, expect, it } from 'vitest';
import type { StandIn } from '../../scripts/hubspot-standin/index.ts';
import { api, searchBody, standInWithPortal } from './helpers.ts';

describe('stand-in rate limits', () => {
  let standIn: StandIn | undefined;
  afterEach(async () => {
    await standIn?.close();
  });

  it('allows HubSpot\'s 110 calls per rolling 10 s per account, then answers 429 TEN_SECONDLY_ROLLING', async () => {
    const started = await standInWithPortal({ rateLimits: undefined });
    standIn = started.standIn;
    const { token, portalId } = started;
    const remaining: number[] = [];
    for (let i = 0; i < 110; i++) {
      const res = await api(standIn, token, 'GET', '/crm/v3/properties/contacts/email');
      expect(res.status).toBe(200);
      remaining.push(Number(res.headers.get('x-hubspot-ratelimit-remaining')));
    }
    expect(remaining[0]).toBe(109);
    expect(remaining[109]).toBe(0);
    const refused = await api(standIn, token, 'GET', '/crm/v3/properties/contacts/email');
    expect(refused.status).toBe(429);
    expect(refused.json).toMatchObject({ status: 'error', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' });
    expect((refused.json as { message: string }).message).toContain('ten_secondly_rolling');
    expect(refused.headers.get('x-hubspot-ratelimit-max')).toBe('110');
    expect(refused.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
    expect(refused.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
    // HubSpot documents no Retry-After on these, and an OAuth (marketplace) app has no daily cap or daily headers.
    expect(refused.headers.get('retry-after')).toBeNull();
    expect(refused.headers.get('x-hubspot-ratelimit-daily')).toBeNull();
    expect(refused.json).toEqual({ status: 'error', message: expect.any(String), errorType: 'RATE_LIMIT', correlationId: expect.any(String), policyName: 'TEN_SECONDLY_ROLLING', requestId: expect.any(String) });
    expect(standIn.stats(portalId).rateLimited).toBe(1);

    // Another account has its own budget.
    const { portalId: other } = standIn.createAccount();
    const { accessToken } = standIn.installDirectly(other);
    expect((await api(standIn, accessToken, 'GET', '/crm/v3/properties/contacts/email')).status).toBe(200);
  });

  it.each([
    ['free', '100', '250000'], ['starter', '100', '250000'], ['professional', '190', '625000'], ['enterprise', '190', '1000000'],
  ] as const)('advertises the %s tier: %s per 10 s and a daily cap of %s', async (tier, max, daily) => {
    const started = await standInWithPortal({ rateLimits: undefined, tier });
    standIn = started.standIn;
    const res = await api(standIn, started.token, 'GET', '/crm/v3/properties/contacts/email');
    expect(res.headers.get('x-hubspot-ratelimit-max')).toBe(max);
    expect(res.headers.get('x-hubspot-ratelimit-remaining')).toBe(String(Number(max) - 1));
    expect(res.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
    expect(res.headers.get('x-hubspot-ratelimit-daily')).toBe(daily);
    expect(res.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe(String(Number(daily) - 1));
    // Search answers carry none of these headers.
    const search = await api(standIn, started.token, 'POST', '/crm/v3/objects/contacts/search', searchBody({ limit: 1 }));
    expect([...search.headers.keys()].filter((h) => h.startsWith('x-hubspot-ratelimit'))).toEqual([]);
  });

  it('answers 429 DAILY once the day\'s calls are spent', async () => {
    const started = await standInWithPortal({ rateLimits: { perTenSeconds: 100, searchPerSecond: 5, daily: 3 } });
    standIn = started.standIn;
    for (let i = 0; i < 3; i++) expect((await api(standIn, started.token, 'GET', '/crm/v3/objects/contacts')).status).toBe(200);
    const refused = await api(standIn, started.token, 'GET', '/crm/v3/objects/contacts');
    expect(refused.status).toBe(429);
    expect(refused.json).toMatchObject({ errorType: 'RATE_LIMIT', policyName: 'DAILY', message: 'You have reached your daily limit.' });
    expect(refused.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('0');
    expect(refused.headers.get('retry-after')).toBeNull();
  });

  it('frees slots as the window rolls (small custom limit)', async () => {
    const started = await standInWithPortal({ rateLimits: { perTenSeconds: 3, searchPerSecond: 2 } });
    standIn = started.standIn;
    for (let i = 0; i < 3; i++) expect((await api(standIn, started.token, 'GET', '/crm/v3/objects/contacts')).status).toBe(200);
    expect((await api(standIn, started.token, 'GET', '/crm/v3/objects/contacts')).status).toBe(429);
    standIn.setRateLimits({ perTenSeconds: 3, searchPerSecond: 2 }); // reconfiguring starts fresh windows
    expect((await api(standIn, started.token, 'GET', '/crm/v3/objects/contacts')).status).toBe(200);
  });

  it('limits search to 5 per second (SECONDLY) without spending the 10-second budget', async () => {
    const started = await standInWithPortal({ rateLimits: { perTenSeconds: 2, searchPerSecond: 5 } });
    standIn = started.standIn;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await api(standIn, started.token, 'POST', '/crm/v3/objects/contacts/search', searchBody({ limit: 1 }))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const refused = await api(standIn, started.token, 'POST', '/crm/v3/objects/contacts/search', searchBody({ limit: 1 }));
    expect(refused.json).toMatchObject({ errorType: 'RATE_LIMIT', policyName: 'SECONDLY' });
    // The general window is untouched by searches.
    expect((await api(standIn, started.token, 'GET', '/crm/v3/objects/contacts')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1050));
    expect((await api(standIn, started.token, 'POST', '/crm/v3/objects/contacts/search', searchBody({ limit: 1 }))).status).toBe(200);
  });

  it('counts calls per portal and route', async () => {
    const started = await standInWithPortal();
    standIn = started.standIn;
    const ids = await standIn.seedContacts(started.portalId, 3);
    await api(standIn, started.token, 'GET', `/crm/v3/objects/contacts/${ids[0] as string}`);
    await api(standIn, started.token, 'GET', `/crm/v3/objects/contacts/${ids[1] as string}`);
    await api(standIn, started.token, 'POST', '/crm/v3/objects/contacts/batch/read', { inputs: ids.map((id) => ({ id })), properties: [], propertiesWithHistory: [] });
    const s = standIn.stats(started.portalId);
    expect(s.calls).toBe(3);
    expect(s.byRoute['GET /crm/v3/objects/contacts/:contactId']).toBe(2);
    expect(s.byRoute['POST /crm/v3/objects/contacts/batch/read']).toBe(1);
    standIn.resetStats();
    expect(standIn.stats(started.portalId).calls).toBe(0);
  });
});
