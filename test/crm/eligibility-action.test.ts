// POST /actions/eligibility as HubSpot calls it from a workflow: signatures (v3 expected, v2 checked when sent), eligible,
// blocked and unknown contacts, bad input, and temporary failures that HubSpot must retry.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { evaluateContact } from '../../src/engine/index.ts';
import { NOW, PORTAL_A, b2bContact, b2cContact, PORTAL_B, UNINSTALLED, actionCall, createWorld, startServer, type World } from './backend-fakes.ts';

let world: World;
let server: { url: string; close: () => Promise<void> };
beforeAll(async () => { world = createWorld(); server = await startServer(world.deps); });
afterAll(async () => { await server.close(); });
beforeEach(() => { world.failures = {}; world.stored.clear(); });

const payload = (portalId: number, objectId: number | string, channel: unknown = 'email') => ({
  callbackId: 'ap-123-456', origin: { portalId, actionDefinitionId: 77, actionDefinitionVersion: 1 },
  context: { source: 'WORKFLOWS', workflowId: 9 }, object: { objectId, objectType: 'CONTACT' }, inputFields: { channel },
});

describe('eligibility workflow action', () => {
  it('answers eligible for a B2B contact on email, with the reason, citation and retention expiry', async () => {
    const res = await actionCall(server, payload(PORTAL_A, 1001, 'email'));
    expect(res.status).toBe(200);
    expect(res.body.outputFields).toMatchObject({ eligible: true, blocker: 'none', expiry_date: '2029-03-10', hs_execution_state: 'SUCCESS' });
    expect(res.body.outputFields.reason).toContain('legitimate interest');
    expect(res.body.outputFields.reason).toContain('L.34-5');
  });

  it('answers blocked for a consumer on SMS without consent', async () => {
    const res = await actionCall(server, payload(PORTAL_A, '1002', 'sms'));
    expect(res.status).toBe(200);
    expect(res.body.outputFields).toMatchObject({ eligible: false, blocker: 'needs_consent', hs_execution_state: 'SUCCESS' });
    expect(res.body.outputFields.reason).toMatch(/consent/i);
  });

  it('answers not eligible for a contact it cannot find (fails closed)', async () => {
    const res = await actionCall(server, payload(PORTAL_A, 424242, 'email'));
    expect(res.status).toBe(200);
    expect(res.body.outputFields).toEqual({ eligible: false, blocker: 'unknown_contact', expiry_date: null, hs_execution_state: 'SUCCESS', reason: expect.any(String) });
  });

  it("keeps portals apart: portal B's workflow gets nothing about portal A's contact", async () => {
    const res = await actionCall(server, payload(PORTAL_B, 1001, 'email'));
    expect(res.body.outputFields.blocker).toBe('unknown_contact');
    expect(res.body.outputFields.eligible).toBe(false);
  });

  it('lets the workflow continue with a clear reason when the channel is unknown', async () => {
    const res = await actionCall(server, payload(PORTAL_A, 1001, 'pigeon'));
    expect(res.status).toBe(200);
    expect(res.body.outputFields).toMatchObject({ eligible: false, hs_execution_state: 'FAIL_CONTINUE' });
    expect(res.body.outputFields.reason).toContain('Unknown channel');
  });

  it('refuses a forged v2 signature beside a valid v3, and a call with no signature', async () => {
    expect((await actionCall(server, payload(PORTAL_A, 1001), { secret: 'wrong' })).status).toBe(401);
    expect((await actionCall(server, payload(PORTAL_A, 1001), { v2: false, v3: false })).status).toBe(401);
  });

  it('checks v3 as well when HubSpot sends it: valid passes, stale or forged fails even with a valid v2', async () => {
    expect((await actionCall(server, payload(PORTAL_A, 1001), { v3: { timestamp: NOW.getTime() } })).status).toBe(200);
    expect((await actionCall(server, payload(PORTAL_A, 1001), { v3: { timestamp: NOW.getTime() - 10 * 60_000 } })).status).toBe(401);
    expect((await actionCall(server, payload(PORTAL_A, 1001), { v3: { timestamp: NOW.getTime(), secret: 'wrong' } })).status).toBe(401);
    expect((await actionCall(server, payload(PORTAL_A, 1001), { v2: false, v3: { timestamp: NOW.getTime() } })).status).toBe(200);
  });

  it('refuses a portal where the app is not installed', async () => {
    const res = await actionCall(server, payload(UNINSTALLED, 1001));
    expect(res.status).toBe(403);
  });

  it('refuses a malformed payload with 400', async () => {
    const res = await actionCall(server, { origin: { portalId: PORTAL_A }, object: { objectId: 1 } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
  });

  it('answers blocked from the stored verdict when HubSpot cannot be read, but never eligible', async () => {
    world.stored.set(`${PORTAL_A}:1002`, evaluateContact(b2cContact('1002'), { at: NOW }));
    world.stored.set(`${PORTAL_A}:1001`, evaluateContact(b2bContact('1001'), { at: NOW }));
    world.failures.contacts = new Error('HubSpot 502');
    const blocked = await actionCall(server, payload(PORTAL_A, 1002, 'sms'));
    expect(blocked.status).toBe(200);
    expect(blocked.body.outputFields).toMatchObject({ eligible: false, blocker: 'needs_consent', hs_execution_state: 'SUCCESS' });
    expect(blocked.body.outputFields.reason).toContain('[last stored verdict]');
    const eligible = await actionCall(server, payload(PORTAL_A, 1001, 'email'));
    expect(eligible.status).toBe(503);
  });

  it('answers 503 with Retry-After on a temporary failure, so HubSpot retries', async () => {
    world.failures.contacts = new Error('database unavailable');
    const res = await actionCall(server, payload(PORTAL_A, 1001));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('60');
  });
});
