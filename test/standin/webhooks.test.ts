// Webhooks like HubSpot: signed (v3 and v1), batches of at most 100, retried with attemptNumber incremented,
// duplicates and reordering on demand, app-made changes marked INTEGRATION with the app id.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStandIn, type StandIn } from '../../scripts/hubspot-standin/index.ts';
import { CLIENT_ID, CLIENT_SECRET, api, startReceiver, type Receiver, type Received } from './helpers.ts';

interface Event {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  occurredAt: number;
  subscriptionType: string;
  attemptNumber: number;
  objectId: number;
  objectTypeId?: string;
  propertyName?: string;
  propertyValue?: string;
  changeSource?: string;
  sourceId?: string;
  primaryObjectId?: number;
  mergedObjectIds?: number[];
  newObjectId?: number;
}

function verifyV3(r: Received, uri: string): boolean {
  const signature = String(r.headers['x-hubspot-signature-v3'] ?? '');
  const timestamp = String(r.headers['x-hubspot-request-timestamp'] ?? '');
  const expected = createHmac('sha256', CLIENT_SECRET).update(`POST${uri}${r.rawBody}${timestamp}`).digest();
  const got = Buffer.from(signature, 'base64');
  return got.length === expected.length && timingSafeEqual(got, expected) && Math.abs(Date.now() - Number(timestamp)) < 300_000;
}

const events = (receiver: Receiver): Event[] => receiver.received.flatMap((r) => r.body as Event[]);

describe('stand-in webhooks', () => {
  let standIn: StandIn;
  let receiver: Receiver;
  let portalId: number;

  beforeEach(async () => {
    receiver = await startReceiver();
    standIn = await startStandIn({
      clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, rateLimits: false, appId: 777,
      webhooks: { targetUrl: receiver.url, flushIntervalMs: 10_000, retryDelayMs: 10 },
    });
    ({ portalId } = standIn.createAccount());
    standIn.installDirectly(portalId);
  });
  afterEach(async () => {
    await standIn.close();
    await receiver.close();
  });

  it('delivers signed batches of HubSpot events for the subscriptions in app.json', async () => {
    const id = standIn.createContact(portalId, { email: 'jeanne.martin@exemple.fr', country: 'France', firstname: 'Jeanne' });
    standIn.updateContact(portalId, id, { jobtitle: 'Acheteuse', firstname: 'Jeanne-Marie' });
    await standIn.flushWebhooks();
    expect(receiver.received).toHaveLength(1);
    const r = receiver.received[0] as Received;
    expect(verifyV3(r, receiver.url)).toBe(true);
    expect(r.headers['x-hubspot-signature']).toBe(createHash('sha256').update(`${CLIENT_SECRET}${r.rawBody}`).digest('hex'));
    expect(r.headers['content-type']).toBe('application/json');
    const got = events(receiver);
    const creation = got.find((e) => e.subscriptionType === 'object.creation');
    expect(creation).toMatchObject({ portalId, appId: 777, objectId: Number(id), objectTypeId: '0-1', attemptNumber: 0, changeSource: 'CRM_UI' });
    expect(typeof creation?.eventId).toBe('number');
    expect(typeof creation?.occurredAt).toBe('number');
    const changes = got.filter((e) => e.subscriptionType === 'object.propertyChange').map((e) => [e.propertyName, e.propertyValue]);
    // email and country are subscribed (app.json); firstname is not.
    expect(changes).toEqual(expect.arrayContaining([['email', 'jeanne.martin@exemple.fr'], ['country', 'France'], ['jobtitle', 'Acheteuse']]));
    expect(changes.some(([name]) => name === 'firstname')).toBe(false);
    expect(new Set(got.map((e) => e.eventId)).size).toBe(got.length);
  });

  it('marks changes made by the app through the API with changeSource INTEGRATION and the app id', async () => {
    const id = standIn.createContact(portalId, { email: 'paul@exemple.fr' });
    await standIn.flushWebhooks();
    receiver.received.length = 0;
    const { accessToken } = standIn.installDirectly(portalId);
    const res = await api(standIn, accessToken, 'PATCH', `/crm/v3/objects/contacts/${id}`, { properties: { country: 'Belgique', lifecyclestage: 'lead' } });
    expect(res.status).toBe(200);
    // Writing the same value again is not a change and fires nothing.
    await api(standIn, accessToken, 'PATCH', `/crm/v3/objects/contacts/${id}`, { properties: { country: 'Belgique' } });
    await standIn.flushWebhooks();
    const got = events(receiver);
    expect(got.map((e) => e.propertyName).sort()).toEqual(['country', 'lifecyclestage']);
    for (const e of got) expect(e).toMatchObject({ changeSource: 'INTEGRATION', sourceId: '777' });
  });

  it('cuts batches of at most 100 events', async () => {
    for (let i = 0; i < 130; i++) standIn.createContact(portalId, { firstname: `P${i}` });
    await standIn.flushWebhooks();
    const sizes = receiver.received.map((r) => (r.body as Event[]).length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(130);
    expect(standIn.stats(portalId)).toMatchObject({ webhookEvents: 130, webhookBatches: receiver.received.length });
  });

  it('retries a batch answered 500 with attemptNumber incremented (HubSpot counts from 0)', async () => {
    receiver.respondWith.push(500, 503);
    const id = standIn.createContact(portalId, { firstname: 'Retry' });
    await standIn.flushWebhooks();
    expect(receiver.received).toHaveLength(3);
    const attempts = receiver.received.map((r) => (r.body as Event[])[0]?.attemptNumber);
    expect(attempts).toEqual([0, 1, 2]);
    for (const r of receiver.received) {
      expect(verifyV3(r, receiver.url)).toBe(true);
      expect((r.body as Event[])[0]?.objectId).toBe(Number(id));
    }
  });

  it('retries a batch the app did not answer in time', async () => {
    standIn.configureWebhooks({ timeoutMs: 150 });
    receiver.respondWith.push(0);
    standIn.createContact(portalId, { firstname: 'Slow' });
    await standIn.flushWebhooks();
    expect(receiver.received.map((r) => (r.body as Event[])[0]?.attemptNumber)).toEqual([0, 1]);
    expect(standIn.failedWebhooks()).toHaveLength(0);
  });

  it('gives up after maxAttempts and records the failure', async () => {
    standIn.configureWebhooks({ maxAttempts: 3 });
    receiver.respondWith.push(500, 500, 500, 500);
    standIn.createContact(portalId, { firstname: 'Lost' });
    await standIn.flushWebhooks();
    expect(receiver.received).toHaveLength(3);
    expect(standIn.failedWebhooks()).toHaveLength(1);
    expect(standIn.stats(portalId).webhookFailures).toBe(1);
  });

  it('duplicates events into later batches and reorders when asked', async () => {
    standIn.configureWebhooks({ duplicateRate: 1, reorder: true });
    const ids = Array.from({ length: 60 }, (_, i) => standIn.createContact(portalId, { firstname: `D${i}` }));
    await standIn.flushWebhooks();
    const got = events(receiver).filter((e) => e.subscriptionType === 'object.creation');
    expect(got).toHaveLength(120);
    const byId = new Map<number, number>();
    for (const e of got) byId.set(e.objectId, (byId.get(e.objectId) ?? 0) + 1);
    expect([...byId.values()].every((n) => n === 2)).toBe(true);
    expect(receiver.received.length).toBeGreaterThanOrEqual(2);
    const firstBatchIds = (receiver.received[0]?.body as Event[]).map((e) => e.objectId);
    expect(firstBatchIds).not.toEqual(ids.slice(0, firstBatchIds.length).map(Number));
  });

  it('fires privacyDeletion and deletion for a GDPR delete, merge fields for a merge', async () => {
    const a = standIn.createContact(portalId, { email: 'a@exemple.fr' });
    const b = standIn.createContact(portalId, { email: 'b@exemple.fr', phone: '+33 1 23 45 67 89' });
    await standIn.flushWebhooks();
    receiver.received.length = 0;
    standIn.mergeContacts(portalId, a, b);
    const c = standIn.createContact(portalId, { email: 'c@exemple.fr' });
    standIn.privacyDelete(portalId, c);
    await standIn.flushWebhooks();
    const got = events(receiver);
    expect(got.find((e) => e.subscriptionType === 'object.merge')).toMatchObject({
      objectId: Number(a), primaryObjectId: Number(a), mergedObjectIds: [Number(b)], newObjectId: Number(a),
    });
    expect(standIn.getContact(portalId, a)?.properties.phone).toBe('+33 1 23 45 67 89');
    expect(got.filter((e) => e.objectId === Number(c)).map((e) => e.subscriptionType)).toEqual(
      expect.arrayContaining(['contact.privacyDeletion', 'object.deletion']),
    );
  });

  it('fires sequence property changes on enrolment', async () => {
    const id = standIn.createContact(portalId, { email: 'seq@exemple.fr' });
    await standIn.flushWebhooks();
    receiver.received.length = 0;
    const seq = standIn.sequences(portalId)[0]?.id as string;
    standIn.enrollInSequence(portalId, id, seq);
    await standIn.flushWebhooks();
    const names = events(receiver).map((e) => e.propertyName);
    expect(names).toEqual(expect.arrayContaining(['hs_sequences_is_enrolled', 'hs_latest_sequence_enrolled', 'hs_latest_sequence_enrolled_date']));
  });

  it('sends nothing for an account where the app is not installed', async () => {
    const { portalId: other } = standIn.createAccount();
    standIn.createContact(other, { firstname: 'Nobody' });
    await standIn.flushWebhooks();
    expect(receiver.received).toHaveLength(0);
  });

  it('honours legacy subscriptions when given explicitly', async () => {
    await standIn.close();
    standIn = await startStandIn({
      clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, rateLimits: false,
      webhooks: { targetUrl: receiver.url, flushIntervalMs: 10_000 },
      subscriptions: { legacyCrmObjects: [{ subscriptionType: 'contact.creation' }, { subscriptionType: 'contact.propertyChange', propertyName: 'email' }] },
    });
    ({ portalId } = standIn.createAccount());
    standIn.installDirectly(portalId);
    standIn.createContact(portalId, { email: 'legacy@exemple.fr', country: 'France' });
    await standIn.flushWebhooks();
    const got = events(receiver);
    expect(got.map((e) => e.subscriptionType).sort()).toEqual(['contact.creation', 'contact.propertyChange']);
    expect(got.every((e) => e.objectTypeId === undefined)).toBe(true);
  });
});
