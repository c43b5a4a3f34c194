// The embedded mode's webhook inbox (issue 14 item 3): a stored delivery keeps ids, types, times and property
// names, never a value (a digest for the properties the app writes, so its own echoes are still recognised);
// an ingested row is deleted; an erasure removes the contact's events from rows still waiting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/db.ts';
import { buildPipeline, event, FakeHubSpot, waitFor } from './helpers.ts';
import { ownValueDigest } from '../../src/hubspot/contact-mapping.ts';

let db: TestDb;
beforeAll(async () => { db = await createTestDb('pglite'); });
afterAll(async () => { await db.drop(); });

const PORTAL = 7101;
const rows = async () => (await db.query<{ id: number; events: unknown }>('select id, events from webhook_inbox order by id')).rows
  .map((r) => ({ id: r.id, events: (typeof r.events === 'string' ? JSON.parse(r.events) : r.events) as Record<string, unknown>[] }));

describe('webhook inbox (embedded mode)', () => {
  it('stores no value, keeps a digest for our own properties, forgets erased contacts, and drops ingested rows', async () => {
    const hs = new FakeHubSpot();
    hs.add('501', { email: 'nouvelle.adresse@gmail.com', country: 'France' });
    hs.add('502', { email: 'autre@acme-industrie.fr', country: 'France' });
    const pipeline = buildPipeline(db, hs);
    // Not started: the rows stay in the inbox for the test to read.
    await pipeline.intake.accept([
      event(PORTAL, '501', 'contact.propertyChange', { propertyName: 'email', propertyValue: 'nouvelle.adresse@gmail.com' }),
      event(PORTAL, '501', 'contact.propertyChange', { propertyName: 'phone', propertyValue: '+33 6 98 76 54 32' }),
      event(PORTAL, '502', 'contact.propertyChange', { propertyName: 'hs_legal_basis', propertyValue: 'Legitimate interest – prospect/lead' }),
    ]);
    const [row] = await rows();
    const text = JSON.stringify(row?.events);
    expect(text).not.toContain('nouvelle.adresse');
    expect(text).not.toContain('98 76 54 32');
    expect(text).not.toMatch(/"propertyValue"/);
    expect(row?.events.map((e) => e.propertyName)).toEqual(['email', 'phone', 'hs_legal_basis']);
    expect(row?.events[2]?.propertyValueDigest).toBe(ownValueDigest('hs_legal_basis', 'Legitimate interest – prospect/lead'));
    expect(row?.events[0]?.propertyValueDigest).toBeUndefined(); // not a property we write: nothing of the value

    await pipeline.forgetQueuedContacts(PORTAL, ['501']);
    const [after] = await rows();
    expect(after?.events.map((e) => e.objectId)).toEqual(['502']);

    await pipeline.start();
    try {
      await waitFor(async () => (await rows()).length === 0, 10_000);
    } finally {
      await pipeline.close();
    }
  });
});
