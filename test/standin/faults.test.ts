// Fault injection on demand: latency, 429, 5xx and never-answered requests, optionally per path prefix.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StandIn } from '../../scripts/hubspot-standin/index.ts';
import { api, standInWithPortal } from './helpers.ts';

describe('stand-in fault injection', () => {
  let standIn: StandIn;
  let token: string;
  let portalId: number;

  beforeEach(async () => {
    ({ standIn, token, portalId } = await standInWithPortal({ seed: 3 }));
  });
  afterEach(async () => {
    await standIn.close();
  });

  it('answers every call with a 5xx and HubSpot\'s error body at rate 1, and recovers when cleared', async () => {
    standIn.setFaults({ rate5xx: 1 });
    for (let i = 0; i < 5; i++) {
      const res = await api(standIn, token, 'GET', '/crm/v3/objects/contacts');
      expect([500, 502, 503]).toContain(res.status);
      expect(res.json).toMatchObject({ status: 'error' });
    }
    standIn.setFaults(null);
    expect((await api(standIn, token, 'GET', '/crm/v3/objects/contacts')).status).toBe(200);
  });

  it('injects 429s on a share of calls with the rate-limit body', async () => {
    standIn.setFaults({ rate429: 0.5 });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await api(standIn, token, 'GET', '/crm/v3/objects/contacts')).status);
    const refused = statuses.filter((s) => s === 429).length;
    expect(refused).toBeGreaterThan(8);
    expect(refused).toBeLessThan(32);
    expect(statuses.filter((s) => s !== 429).every((s) => s === 200)).toBe(true);
    expect(standIn.stats(portalId).rateLimited).toBe(refused);
  });

  it('applies faults only under the given path prefix', async () => {
    standIn.setFaults({ rate5xx: 1, pathPrefix: '/crm/v3/objects/contacts/batch' });
    expect((await api(standIn, token, 'GET', '/crm/v3/objects/contacts')).status).toBe(200);
    expect((await api(standIn, token, 'POST', '/crm/v3/objects/contacts/batch/read', { inputs: [], properties: [], propertiesWithHistory: [] })).status).toBeGreaterThanOrEqual(500);
  });

  it('adds latency', async () => {
    standIn.setFaults({ latencyMs: 150 });
    const t = Date.now();
    expect((await api(standIn, token, 'GET', '/crm/v3/objects/contacts')).status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(140);
  });

  it('never answers a timed-out call: the client has to give up', async () => {
    standIn.setFaults({ rateTimeout: 1 });
    const err = await fetch(`${standIn.url}/crm/v3/objects/contacts`, {
      headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(200),
    }).then(() => null, (e: unknown) => e as Error);
    expect(err?.name).toBe('TimeoutError');
  });

  it('can fail the token endpoint (HubSpot 5xx during an OAuth exchange)', async () => {
    standIn.setFaults({ rate5xx: 1, pathPrefix: '/oauth/' });
    const res = await fetch(`${standIn.url}/oauth/2026-03/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=refresh_token',
    });
    expect(res.status).toBeGreaterThanOrEqual(500);
  });
});
