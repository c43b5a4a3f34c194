import { describe, expect, it } from 'vitest';
import { createFetchRequester } from '../../src/enforcement/hubspot-api.ts';

describe('HubSpot requester', () => {
  it('waits for the shared limiter per call kind, pauses the portal on 429 and retries', async () => {
    const events: string[] = [];
    let calls = 0;
    const fetchImpl = (async (url: URL | string) => {
      calls += 1;
      events.push(`fetch ${new URL(String(url)).pathname}`);
      if (calls === 1) return new Response(JSON.stringify({ policyName: 'TEN_SECONDLY_ROLLING' }), { status: 429, headers: { 'retry-after': '1' } });
      return new Response(JSON.stringify({ ok: true }), { status: 200 });
    }) as typeof fetch;
    const requester = createFetchRequester({
      baseUrl: 'https://api.example/', accessToken: async () => 'tok', fetchImpl,
      limiter: {
        acquire: async (p, kind) => { events.push(`acquire ${p} ${kind}`); },
        pause: async (p, kind, ms) => { events.push(`pause ${p} ${kind} ${ms}`); },
      },
    });
    const res = await requester(7, { method: 'POST', path: '/crm/v3/objects/contacts/search', body: {} });
    expect(res).toEqual({ status: 200, body: { ok: true } });
    expect(events).toEqual([
      'acquire 7 search', 'fetch /crm/v3/objects/contacts/search', 'pause 7 search 1000',
      'acquire 7 search', 'fetch /crm/v3/objects/contacts/search',
    ]);
    await requester(7, { method: 'GET', path: '/crm/v3/objects/contacts/1' });
    expect(events.at(-2)).toBe('acquire 7 api');
  });

  it('gives up after its retries and returns the last answer without throwing', async () => {
    const requester = createFetchRequester({
      baseUrl: 'https://api.example', accessToken: async () => 'tok', retries: 2, sleep: async () => undefined,
      fetchImpl: (async () => new Response('{"message":"down"}', { status: 503 })) as typeof fetch,
    });
    expect(await requester(1, { method: 'GET', path: '/x' })).toEqual({ status: 503, body: { message: 'down' } });
  });
});
