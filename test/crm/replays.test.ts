// Replays inside the signature window (issue 14.5): a captured signed request sent again acts once and answers
// its first result; the workflow action refuses v2-only calls when the app expects v3; the database replay store
// keeps the same contract on PostgreSQL and PGlite.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDbReplayStore, createMemoryReplayStore } from '../../src/card/replay-store.ts';
import { REPLAYED_HEADER } from '../../src/card/signed-request.ts';
import { signHubSpotV2, signHubSpotV3 } from '../../src/hubspot/signature.ts';
import { actionSignatureFor, actionSignatureFromAppJson } from '../../src/workflow-action/signature-policy.ts';
import { createTestDb, DB_KINDS, type TestDb } from '../support/db.ts';
import { describeWithServices } from '../support/services.ts';
import {
  NOW, PORTAL_A, PORTAL_B, PUBLIC_BASE, SECRET, actionCall, createWorld, nextTimestamp, resetWorld, startServer, type World,
} from './backend-fakes.ts';

let world: World;
let server: { url: string; close: () => Promise<void> };
beforeAll(async () => { world = createWorld(); server = await startServer(world.deps); });
afterAll(async () => { await server.close(); });
beforeEach(() => resetWorld(world));

/** One captured signed request: the exact bytes, headers and URL HubSpot sent, ready to be sent again. */
function capture(method: string, pathAndQuery: string, body: unknown) {
  const raw = body === undefined ? '' : JSON.stringify(body);
  const timestamp = nextTimestamp();
  const headers = {
    'content-type': 'application/json',
    'x-hubspot-request-timestamp': String(timestamp),
    'x-hubspot-signature-v3': signHubSpotV3({ method, uri: PUBLIC_BASE + pathAndQuery, rawBody: raw, timestamp, clientSecret: SECRET }),
  };
  return async () => {
    const res = await fetch(server.url + pathAndQuery, { method, headers, ...(raw ? { body: raw } : {}) });
    const text = await res.text();
    return { status: res.status, replayed: res.headers.get(REPLAYED_HEADER) === 'true', body: text ? JSON.parse(text) as unknown : null };
  };
}

const q = `?userId=77&portalId=${PORTAL_A}&userEmail=rep%40acme.example&appId=4242`;
const SETTINGS = {
  offerDescription: 'Payroll software', activity: 'Software', targetRoles: ['DRH'], defaultJurisdiction: 'FR',
  retention: { prospectYears: 3, customerYears: 3, warningDays: 60 }, expiryAction: 'archive', sequenceBlocking: 'enforce',
  controller: { name: 'Acme SAS', address: '1 rue de la Paix', dpoContact: 'dpo@acme.example' },
  privacyPolicyUrl: 'https://acme.example/privacy', preferenceCentreEnabled: true, notifyOwnerOnBlock: false,
};
const sideEffects = () => world.ledger.length + world.objections.length + world.judged.length + world.erased.length + world.exports.length;

describe('a signed state-changing request replayed three times inside the window', () => {
  it('records one consent and one ledger entry, and answers the first result to every copy', async () => {
    const send = capture('POST', `/api/portals/${PORTAL_A}/contacts/1002/consents${q}`,
      { channel: 'sms', method: 'double_opt_in', givenAt: '2026-11-20', proofRef: 'DOI-1' });
    const first = await send();
    const replays = [await send(), await send(), await send()];
    expect(first.status).toBe(200);
    expect(first.replayed).toBe(false);
    for (const r of replays) {
      expect(r).toEqual({ status: 200, replayed: true, body: first.body });
    }
    expect(world.contacts.get(`${PORTAL_A}:1002`)?.consents).toHaveLength(1);
    expect(world.ledger.filter((e) => e.kind === 'consent')).toHaveLength(1);
    expect(world.judged).toHaveLength(1);
  });

  it.each([
    ['objections', { channel: 'email' }, () => world.objections.length],
    ['rejudge', {}, () => world.judged.length],
    ['export', {}, () => world.exports.length],
    ['erase', { confirmContactId: '1001' }, () => world.erased.length],
  ] as const)('POST %s acts once', async (action, body, count) => {
    const send = capture('POST', `/api/portals/${PORTAL_A}/contacts/1001/${action}${q}`, body);
    const answers = [await send(), await send(), await send()];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.map((a) => a.replayed)).toEqual([false, true, true]);
    expect(count()).toBe(1);
  });

  it('PUT settings saves and ledgers once', async () => {
    const send = capture('PUT', `/api/portals/${PORTAL_A}/settings${q}`, SETTINGS);
    const answers = [await send(), await send(), await send()];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(world.ledger.filter((e) => e.kind === 'settings_change')).toHaveLength(1);
  });

  it('copies sent at the same moment act once too (the later ones wait for the first answer)', async () => {
    const send = capture('POST', `/api/portals/${PORTAL_A}/contacts/1001/objections${q}`, { channel: 'all' });
    const answers = await Promise.all([send(), send(), send()]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.filter((a) => a.replayed)).toHaveLength(2);
    expect(world.objections).toHaveLength(1);
  });

  it('keeps a refusal as the answer too (a replayed 422 stays a 422 and saves nothing)', async () => {
    const send = capture('POST', `/api/portals/${PORTAL_A}/contacts/1002/consents${q}`, { channel: 'email', method: 'implicit', givenAt: '2026-11-20', proofRef: 'X' });
    expect((await send()).status).toBe(422);
    expect(await send()).toMatchObject({ status: 422, replayed: true });
    expect(sideEffects()).toBe(0);
  });

  it('lets the same request act again after a temporary failure (a 5xx is not remembered)', async () => {
    world.failures.erase = new Error('database gone');
    const send = capture('POST', `/api/portals/${PORTAL_A}/contacts/1001/erase${q}`, { confirmContactId: '1001' });
    expect((await send()).status).toBe(503);
    world.failures = {};
    const retry = await send();
    expect(retry).toMatchObject({ status: 200, replayed: false });
    expect(world.erased).toHaveLength(1);
  });

  it('treats two separately signed identical actions as two requests', async () => {
    const a = await capture('POST', `/api/portals/${PORTAL_A}/contacts/1001/rejudge${q}`, {})();
    const b = await capture('POST', `/api/portals/${PORTAL_A}/contacts/1001/rejudge${q}`, {})();
    expect([a.replayed, b.replayed]).toEqual([false, false]);
    expect(world.judged).toHaveLength(2);
  });

  it('drops the kept answers about a contact once it is erased (an access export holds its data)', async () => {
    const exportOnce = capture('POST', `/api/portals/${PORTAL_A}/contacts/1001/export${q}`, {});
    const exported = await exportOnce();
    expect(exported.status).toBe(200);
    expect(await exportOnce()).toMatchObject({ status: 200, replayed: true });
    expect((await capture('POST', `/api/portals/${PORTAL_A}/contacts/1001/erase${q}`, { confirmContactId: '1001' })()).status).toBe(200);
    // The replayed export is not served from the kept copy any more: it runs again, and the contact is gone.
    expect(await exportOnce()).toMatchObject({ status: 404, replayed: false });
    expect(world.exports).toHaveLength(1);
  });

  it('does not guard reads: the card GET is answered afresh each time', async () => {
    const send = capture('GET', `/api/portals/${PORTAL_A}/contacts/1001/card${q}`, undefined);
    const [a, b] = [await send(), await send()];
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.replayed).toBe(false);
  });
});

describe('workflow action: signatures and replays', () => {
  const payload = (portalId: number, objectId: number, channel = 'email') => ({
    callbackId: `ap-${objectId}-${channel}`, origin: { portalId, actionDefinitionId: 77, actionDefinitionVersion: 1 },
    object: { objectId, objectType: 'CONTACT' }, inputFields: { channel },
  });

  it('refuses a call carrying the v2 signature alone when the app expects v3', async () => {
    const res = await actionCall(server, payload(PORTAL_A, 1001), { v3: false });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('v3_signature_required');
  });

  it('accepts v2 alone only for an app whose configuration predates v3', async () => {
    const legacy = createWorld();
    legacy.deps.actionSignature = 'v2';
    const s = await startServer(legacy.deps);
    try {
      expect((await actionCall(s, payload(PORTAL_A, 1001), { v3: false })).status).toBe(200);
      expect((await actionCall(s, payload(PORTAL_A, 1001), { v3: false, secret: 'wrong' })).status).toBe(401);
    } finally {
      await s.close();
    }
  });

  it('answers a replayed signed call with its first answer', async () => {
    const raw = JSON.stringify(payload(PORTAL_B, 2001));
    const uri = `${PUBLIC_BASE}/actions/eligibility`;
    const timestamp = nextTimestamp();
    const headers = {
      'content-type': 'application/json',
      'x-hubspot-signature': signHubSpotV2({ method: 'POST', uri, rawBody: raw, clientSecret: SECRET }),
      'x-hubspot-signature-version': 'v2',
      'x-hubspot-signature-v3': signHubSpotV3({ method: 'POST', uri, rawBody: raw, timestamp, clientSecret: SECRET }),
      'x-hubspot-request-timestamp': String(timestamp),
    };
    const send = async () => {
      const res = await fetch(`${server.url}/actions/eligibility`, { method: 'POST', headers, body: raw });
      return { status: res.status, replayed: res.headers.get(REPLAYED_HEADER), body: await res.json() as unknown };
    };
    const first = await send();
    world.contacts.delete(`${PORTAL_B}:2001`);
    const again = await send();
    expect(first.status).toBe(200);
    expect(again).toEqual({ status: 200, replayed: 'true', body: first.body });
  });

  it('reads the expected signature from the platform version', () => {
    expect(actionSignatureFor('2026.03')).toBe('v3');
    expect(actionSignatureFor('2025.2')).toBe('v3');
    expect(actionSignatureFor('2025.1')).toBe('v2');
    expect(actionSignatureFor('2023.2')).toBe('v2');
    expect(actionSignatureFor(undefined)).toBe('v2');
    expect(actionSignatureFromAppJson()).toBe('v3');
  });
});

describe('memory replay store', () => {
  it('forgets a claim once its time is past', async () => {
    const store = createMemoryReplayStore();
    expect(await store.claim(1, 'k', NOW, 1000)).toEqual({ state: 'fresh' });
    await store.complete(1, 'k', 200, { a: 1 });
    expect(await store.claim(1, 'k', new Date(NOW.getTime() + 500), 1000)).toEqual({ state: 'done', status: 200, body: { a: 1 } });
    expect(await store.claim(1, 'k', new Date(NOW.getTime() + 1500), 1000)).toEqual({ state: 'fresh' });
  });
});

describeWithServices('database replay store', { postgres: true }, () => {
  describe.each(DB_KINDS)('%s', (kind) => {
    let db: TestDb;
    beforeAll(async () => { db = await createTestDb(kind); });
    afterAll(async () => { await db.drop(); });

    it('gives one claim to one of many identical requests, the stored answer to the rest, per portal', async () => {
      const store = createDbReplayStore(db);
      const claims = await Promise.all([1, 2, 3, 4].map(() => store.claim(PORTAL_A, 'key-1', NOW, 600_000)));
      expect(claims.filter((c) => c.state === 'fresh')).toHaveLength(1);
      expect(claims.filter((c) => c.state === 'pending')).toHaveLength(3);
      await store.complete(PORTAL_A, 'key-1', 201, { saved: true, ids: ['a'] });
      expect(await store.claim(PORTAL_A, 'key-1', NOW, 600_000)).toEqual({ state: 'done', status: 201, body: { saved: true, ids: ['a'] } });
      expect(await store.claim(PORTAL_B, 'key-1', NOW, 600_000)).toEqual({ state: 'fresh' });
    });

    it('forgets the finished answers about an erased contact, not running claims nor other contacts', async () => {
      const store = createDbReplayStore(db);
      for (const [key, contact] of [['e-1', '77'], ['e-2', '77'], ['e-3', '78']] as const) {
        await store.claim(PORTAL_A, key, NOW, 600_000, contact);
        await store.complete(PORTAL_A, key, 200, { contact });
      }
      await store.claim(PORTAL_A, 'e-running', NOW, 600_000, '77');
      await store.forgetContact(PORTAL_A, '77');
      expect((await store.claim(PORTAL_A, 'e-1', NOW, 600_000, '77')).state).toBe('fresh');
      expect((await store.claim(PORTAL_A, 'e-3', NOW, 600_000, '78')).state).toBe('done');
      expect((await store.claim(PORTAL_A, 'e-running', NOW, 600_000, '77')).state).toBe('pending');
    });

    it('releases a pending claim and sweeps expired ones', async () => {
      const store = createDbReplayStore(db);
      expect((await store.claim(PORTAL_A, 'key-2', NOW, 1000)).state).toBe('fresh');
      await store.release(PORTAL_A, 'key-2');
      expect((await store.claim(PORTAL_A, 'key-2', NOW, 1000)).state).toBe('fresh');
      await store.complete(PORTAL_A, 'key-2', 200, {});
      expect((await store.claim(PORTAL_A, 'key-2', new Date(NOW.getTime() + 2000), 1000)).state).toBe('fresh');
    });
  });
});
