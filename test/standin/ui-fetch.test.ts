// hubspot.fetch delivery by the stand-in: the card's URL gets the caller's identity appended, the request is
// v3-signed over the https URL the card asked for (forwarded to a local backend like the CLI's local.json), and
// the app's own gate accepts exactly that; permittedUrls, concurrency and the one retry behave as documented.
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StandIn } from '../../scripts/hubspot-standin/index.ts';
import { rawBody, verifySignedPortalRequest } from '../../src/card/signed-request.ts';
import { CLIENT_SECRET, standInWithPortal } from './helpers.ts';

const PUBLIC = 'https://api.prospect-guard.app';
let standIn: StandIn;
let portalId: number;
let backend: { url: string; close(): Promise<void> };
const seen: Array<{ query: Record<string, unknown>; headers: Record<string, unknown>; verdict: unknown }> = [];
let failNext = 0;
let slowMs = 0;

beforeAll(async () => {
  const app = express();
  app.all('/api/portals/:portalId/echo', rawBody, async (req, res) => {
    if (slowMs) await new Promise((r) => setTimeout(r, slowMs));
    if (failNext > 0) { failNext -= 1; res.status(503).json({ error: 'busy' }); return; }
    const check = await verifySignedPortalRequest(req, {
      clientSecret: CLIENT_SECRET, publicBaseUrl: PUBLIC, installations: { isActive: async () => true }, appId: standIn.appId,
    });
    seen.push({ query: { ...req.query }, headers: { ...req.headers }, verdict: check.ok ? { ...check.caller, requestKey: 'k' } : check });
    res.status(check.ok ? 200 : check.status).json(check.ok ? { portalId: check.caller.portalId, body: check.caller.body } : { error: check.code });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  backend = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
  ({ standIn, portalId } = await standInWithPortal({ uiFetch: { proxy: { [PUBLIC]: backend.url } } }));
});
afterAll(async () => { await standIn.close(); await backend.close(); });

describe('hubspot.fetch through the stand-in', () => {
  it('appends userId, portalId, userEmail and appId, signs v3 over the https URL, and the app gate accepts it', async () => {
    const res = await standIn.uiFetch({ portalId, userId: 77, userEmail: 'rep@acme.example', url: `${PUBLIC}/api/portals/${portalId}/echo?view=full`, options: { method: 'POST', body: { channel: 'email' } } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ portalId, body: { channel: 'email' } });
    const last = seen.at(-1)!;
    expect(last.query).toEqual({ view: 'full', userId: '77', portalId: String(portalId), userEmail: 'rep@acme.example', appId: String(standIn.appId) });
    expect(last.headers['x-hubspot-signature-v3']).toEqual(expect.any(String));
    expect(last.headers['x-hubspot-request-timestamp']).toMatch(/^\d{13}$/);
    expect(last.headers['content-type']).toBe('application/json');
    expect(last.verdict).toMatchObject({ portalId, userId: '77', appId: standIn.appId, actor: 'user:77', portalSource: 'query' });
    expect(res.sent.url.startsWith(`${PUBLIC}/api/portals/${portalId}/echo?view=full&userId=77&portalId=`)).toBe(true);
  });

  it('is also served over HTTP, the way a card preview would call it', async () => {
    const res = await fetch(`${standIn.url}/__standin/ui-extensions/fetch`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ portalId, userId: 78, userEmail: 'x@acme.example', url: `${PUBLIC}/api/portals/${portalId}/echo` }),
    });
    expect(res.status).toBe(200);
    expect((await res.json() as { status: number; body: unknown }).body).toEqual({ portalId, body: {} });
  });

  it("lets the gate catch a card asking for another portal's path: HubSpot's appended portalId is the caller's", async () => {
    const res = await standIn.uiFetch({ portalId, userId: 77, userEmail: 'rep@acme.example', url: `${PUBLIC}/api/portals/999/echo` });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: 'portal_mismatch' });
  });

  it('refuses URLs outside permittedUrls.fetch and http URLs', async () => {
    await expect(standIn.uiFetch({ portalId, userId: 1, userEmail: 'a@b.example', url: 'https://evil.example/api' })).rejects.toMatchObject({ code: 'not_permitted' });
    await expect(standIn.uiFetch({ portalId, userId: 1, userEmail: 'a@b.example', url: `${backend.url}/api/portals/${portalId}/echo` })).rejects.toMatchObject({ code: 'not_permitted' });
  });

  it('retries once on a 5xx, with the same signed request', async () => {
    const before = seen.length;
    failNext = 1;
    const res = await standIn.uiFetch({ portalId, userId: 77, userEmail: 'rep@acme.example', url: `${PUBLIC}/api/portals/${portalId}/echo` });
    expect(res.status).toBe(200);
    expect(res.attempts).toBe(2);
    expect(seen.length).toBe(before + 1);
    failNext = 2;
    const twice = await standIn.uiFetch({ portalId, userId: 77, userEmail: 'rep@acme.example', url: `${PUBLIC}/api/portals/${portalId}/echo` });
    expect(twice.status).toBe(503);
    failNext = 0;
  });

  it('answers 429 past 20 requests in flight for one account', async () => {
    slowMs = 200;
    try {
      const calls = Array.from({ length: 22 }, () => standIn.uiFetch({ portalId, userId: 77, userEmail: 'rep@acme.example', url: `${PUBLIC}/api/portals/${portalId}/echo` }));
      const statuses = (await Promise.all(calls)).map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(20);
      expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    } finally {
      slowMs = 0;
    }
  });
});
