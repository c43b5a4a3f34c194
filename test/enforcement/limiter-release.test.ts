// Enforcement's HubSpot calls take a slot of the shared per-portal limiter and must give it back: a slot never
// released stays counted for ever, and once the window is full of them every call of the portal waits for ever
// (seen in a long-running demo: the card hung after a few enforcement ticks).
import { describe, expect, it } from 'vitest';
import { createFetchRequester } from '../../src/enforcement/hubspot-api.ts';
import { createMemoryRateLimiter } from '../../src/ratelimit/portal-rate-limiter.ts';

describe('enforcement requester and the shared limiter', () => {
  it('releases every slot: more calls than the window holds all complete, answered, failed or refused', async () => {
    // A window of 3 calls per 50 ms: twelve calls need four windows, about 200 ms, when every slot comes back.
    const limiter = createMemoryRateLimiter({ limits: { api: { limit: 3, windowMs: 50 }, search: { limit: 1, windowMs: 50 } } });
    let calls = 0;
    const fetchImpl = (async () => {
      calls += 1;
      if (calls % 4 === 0) throw new TypeError('network down');
      return new Response(JSON.stringify({ ok: true }), { status: calls % 3 === 0 ? 404 : 200 });
    }) as unknown as typeof fetch;
    const request = createFetchRequester({ baseUrl: 'https://api.hubapi.test', accessToken: async () => 't', fetchImpl, limiter, retries: 0 });
    const outcomes: string[] = [];
    for (let i = 0; i < 12; i++) {
      const done = request(1, { method: 'GET', path: '/crm/v3/objects/contacts/1' }).then((r) => String(r.status), (e: Error) => e.name);
      const winner = await Promise.race([done, new Promise<string>((r) => setTimeout(() => r('stuck'), 1_000))]);
      outcomes.push(winner);
      if (winner === 'stuck') break;
    }
    expect(outcomes).not.toContain('stuck');
    expect(outcomes).toHaveLength(12);
    expect(outcomes).toContain('TypeError');
  });
});
