import { describe, expect, it } from 'vitest';
import { createFetchRequester } from '../../src/enforcement/hubspot-api.ts';

describe('HubSpot requester', () => {
  it('waits for the shared limiter per call kind, releases each slot, reads every answer and honours the 429 policy', async () => {
    const events: string[] = [];
    let calls = 0;
    const limitHeaders = { 'x-hubspot-ratelimit-max': '190', 'x-hubspot-ratelimit-remaining': '0', 'x-hubspot-ratelimit-interval-milliseconds': '10000' };
    const fetchImpl = (async (url: URL | string) => {
      calls += 1;
      events.push(`fetch ${new URL(String(url)).pathname}`);
      if (calls === 1) return new Response(JSON.stringify({ status: 'error', errorType: 'RATE_LIMIT', policyName: 'SECONDLY' }), { status: 429 });
      if (calls === 3) return new Response(JSON.stringify({ status: 'error', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' }), { status: 429, headers: limitHeaders });
      return new Response(JSON.stringify({ ok: true }), { status: 200, headers: calls === 4 ? { ...limitHeaders, 'x-hubspot-ratelimit-remaining': '180' } : {} });
    }) as typeof fetch;
    const requester = createFetchRequester({
      baseUrl: 'https://api.example/', accessToken: async () => 'tok', fetchImpl,
      limiter: {
        acquire: async (p, kind) => { events.push(`acquire ${p} ${kind}`); return async () => { events.push('release'); }; },
        pause: async (p, kind, ms) => { events.push(`pause ${p} ${kind} ${ms}`); },
        observe: async (p, kind, seen) => { events.push(`observe ${p} ${kind} max=${seen.max} remaining=${seen.remaining}`); },
      },
    });
    const res = await requester(7, { method: 'POST', path: '/crm/v3/objects/contacts/search', body: {} });
    expect(res).toEqual({ status: 200, body: { ok: true } });
    expect(events).toEqual([
      'acquire 7 search', 'fetch /crm/v3/objects/contacts/search', 'release', 'pause 7 search 1000',
      'acquire 7 search', 'fetch /crm/v3/objects/contacts/search', 'release',
    ]);
    events.length = 0;
    await requester(7, { method: 'GET', path: '/crm/v3/objects/contacts/1' });
    // A ten-second 429 with HubSpot's headers: the log is topped up from them, no blind pause on top.
    expect(events).toEqual([
      'acquire 7 api', 'fetch /crm/v3/objects/contacts/1', 'release', 'observe 7 api max=190 remaining=0',
      'acquire 7 api', 'fetch /crm/v3/objects/contacts/1', 'release', 'observe 7 api max=190 remaining=180',
    ]);
  });

  it('hands a DAILY 429 back at once instead of retrying for hours', async () => {
    let calls = 0;
    const requester = createFetchRequester({
      baseUrl: 'https://api.example', accessToken: async () => 'tok', sleep: async () => undefined,
      fetchImpl: (async () => { calls += 1; return new Response(JSON.stringify({ status: 'error', errorType: 'RATE_LIMIT', policyName: 'DAILY', message: 'You have reached your daily limit.' }), { status: 429 }); }) as typeof fetch,
    });
    expect((await requester(1, { method: 'GET', path: '/x' })).status).toBe(429);
    expect(calls).toBe(1);
  });

  it('gives up after its retries and returns the last answer without throwing', async () => {
    const requester = createFetchRequester({
      baseUrl: 'https://api.example', accessToken: async () => 'tok', retries: 2, sleep: async () => undefined,
      fetchImpl: (async () => new Response('{"message":"down"}', { status: 503 })) as typeof fetch,
    });
    expect(await requester(1, { method: 'GET', path: '/x' })).toEqual({ status: 503, body: { message: 'down' } });
  });
});
