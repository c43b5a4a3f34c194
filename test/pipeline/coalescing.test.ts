// Dedupe, coalescing, no feedback loop, only-changed writes, deletion and merge: the processing path end to end
// on PGlite with the in-process queue and an in-memory HubSpot that counts calls.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/db.ts';
import { B2B_FR, B2C_FR, buildPipeline, event, FakeHubSpot, waitFor } from './helpers.ts';
import type { Pipeline } from '../../src/jobs/pipeline.ts';

const PORTAL = 777;
let db: TestDb;
let pipeline: Pipeline | null = null;

beforeAll(async () => { db = await createTestDb('pglite'); });
afterAll(async () => { await db.drop(); });
afterEach(async () => {
  await pipeline?.close({ timeoutMs: 2000 });
  pipeline = null;
  for (const t of ['contact_state', 'processed_events', 'pending_contacts', 'webhook_inbox', 'contact_objections', 'contact_consents', 'suppression_entries', 'sequence_detections']) {
    await db.query(`delete from ${t}`);
  }
});

async function settle(p: Pipeline): Promise<void> {
  await waitFor(async () => (await db.query(`select 1 from webhook_inbox where state = 'pending'`)).rows.length === 0
    && (await db.query(`select 1 from pending_contacts`)).rows.length === 0);
  await waitFor(async () => (await (p as unknown as { jobs: unknown } & Pipeline).stores.pending.size(PORTAL)) === 0);
  await new Promise((r) => setTimeout(r, 80));
}

describe('coalescing and dedupe', () => {
  it('judges 300 events about 100 contacts with one batch read and one batch update', async () => {
    const hs = new FakeHubSpot();
    for (let i = 1; i <= 100; i++) hs.add(String(1000 + i), i % 2 ? B2C_FR : B2B_FR);
    pipeline = buildPipeline(db, hs);
    await pipeline.start();
    const events = [];
    for (let i = 1; i <= 100; i++) {
      const id = String(1000 + i);
      events.push(event(PORTAL, id, 'contact.creation'), event(PORTAL, id, 'contact.propertyChange', { propertyName: 'email', propertyValue: 'x' }),
        event(PORTAL, id, 'object.propertyChange', { propertyName: 'country', propertyValue: 'France', objectTypeId: '0-1' }));
    }
    for (let i = 0; i < events.length; i += 100) await pipeline.intake.accept(events.slice(i, i + 100));
    await settle(pipeline);
    expect(hs.count('batchRead')).toBe(1);
    expect(hs.count('batchUpdate')).toBe(1);
    expect(hs.count() / events.length).toBeLessThanOrEqual(0.05);
    const written = hs.contacts.get('1001');
    expect(written?.pg_status).toBeTruthy();
    expect(written?.pg_audience).toBe('b2c');
    expect(hs.contacts.get('1002')?.pg_audience).toBe('b2b_nominative');
  });

  it('ignores a delivery seen before (same eventId, type, object and time), even across batches', async () => {
    const hs = new FakeHubSpot();
    hs.add('2001', B2C_FR);
    pipeline = buildPipeline(db, hs);
    await pipeline.start();
    const e = event(PORTAL, '2001', 'contact.creation');
    await pipeline.intake.accept([e, { ...e }]);
    await settle(pipeline);
    const reads = hs.count('batchRead');
    await pipeline.intake.accept([{ ...e, attemptNumber: 1 }]);
    await settle(pipeline);
    expect(hs.count('batchRead')).toBe(reads);
    expect(pipeline.stats.ingest.duplicates).toBe(2);
    // Same eventId but another object is a different event: eventId alone is not unique.
    await pipeline.intake.accept([{ ...e, objectId: '2002' }]);
    await settle(pipeline);
    expect(hs.count('batchRead')).toBe(reads + 1);
  });

  it('writes only what changed, and nothing when a re-judgement changes nothing', async () => {
    const hs = new FakeHubSpot();
    hs.add('3001', B2B_FR);
    pipeline = buildPipeline(db, hs);
    await pipeline.start();
    await pipeline.intake.accept([event(PORTAL, '3001', 'contact.creation')]);
    await settle(pipeline);
    expect(hs.count('batchUpdate')).toBe(1);
    await pipeline.intake.accept([event(PORTAL, '3001', 'contact.propertyChange', { propertyName: 'lifecyclestage', propertyValue: 'lead' })]);
    await settle(pipeline);
    expect(hs.count('batchRead')).toBe(2);
    expect(hs.count('batchUpdate')).toBe(1);
    // A real change (the person objects through HubSpot's opt-out) writes only the properties that move.
    hs.contacts.get('3001')!.hs_email_optout = 'true';
    await pipeline.intake.accept([event(PORTAL, '3001', 'contact.propertyChange', { propertyName: 'hs_email_optout', propertyValue: 'true' })]);
    await settle(pipeline);
    expect(hs.count('batchUpdate')).toBe(2);
    const last = hs.writes.at(-1)!;
    expect(last.properties.pg_basis_email).toBe('objected');
    expect(last.properties.pg_audience).toBeUndefined();
    expect(last.properties.pg_evaluated_at).toBeTruthy();
  });

  it('does not react to its own writes (no feedback loop)', async () => {
    const hs = new FakeHubSpot();
    hs.add('4001', B2B_FR);
    pipeline = buildPipeline(db, hs);
    await pipeline.start();
    await pipeline.intake.accept([event(PORTAL, '4001', 'contact.creation')]);
    await settle(pipeline);
    const legal = hs.contacts.get('4001')?.hs_legal_basis;
    expect(legal).toBeTruthy();
    const reads = hs.count('batchRead');
    // HubSpot echoes our hs_legal_basis write: by our app id, and (another form) by value only.
    await pipeline.intake.accept([
      event(PORTAL, '4001', 'contact.propertyChange', { propertyName: 'hs_legal_basis', propertyValue: legal!, changeSource: 'INTEGRATION', sourceId: '4242' }),
      event(PORTAL, '4001', 'contact.propertyChange', { propertyName: 'hs_legal_basis', propertyValue: legal!, changeSource: 'API', sourceId: null }),
    ]);
    await settle(pipeline);
    expect(hs.count('batchRead')).toBe(reads);
    expect(pipeline.stats.ingest.ownChanges).toBe(2);
    // Someone else changing the same property is judged.
    await pipeline.intake.accept([event(PORTAL, '4001', 'contact.propertyChange', { propertyName: 'hs_legal_basis', propertyValue: 'Performance of a contract', sourceId: 'userId:9' })]);
    await settle(pipeline);
    expect(hs.count('batchRead')).toBe(reads + 1);
  });

  it('ignores unknown subscription types and events about other objects', async () => {
    const hs = new FakeHubSpot();
    hs.add('5001', B2C_FR);
    pipeline = buildPipeline(db, hs);
    await pipeline.start();
    await pipeline.intake.accept([event(PORTAL, '5001', 'contact.somethingNew'), event(PORTAL, '5001', 'object.creation', { objectTypeId: '0-3' })]);
    await settle(pipeline);
    expect(hs.count()).toBe(0);
    expect(pipeline.stats.ingest.ignored).toBe(2);
  });

  it('deletion forgets our data but keeps an objection as a hashed suppression entry that blocks a new record', async () => {
    const hs = new FakeHubSpot();
    hs.add('6001', B2B_FR);
    pipeline = buildPipeline(db, hs);
    await pipeline.start();
    await pipeline.stores.evidence.addObjection(PORTAL, '6001', { channel: 'email', at: '2026-11-01T00:00:00Z', origin: 'card' });
    await pipeline.intake.accept([event(PORTAL, '6001', 'contact.creation')]);
    await settle(pipeline);
    expect(hs.contacts.get('6001')?.pg_basis_email).toBe('objected');
    hs.contacts.delete('6001');
    await pipeline.intake.accept([event(PORTAL, '6001', 'contact.privacyDeletion'), event(PORTAL, '6001', 'contact.deletion')]);
    await settle(pipeline);
    for (const t of ['contact_state', 'contact_objections', 'contact_consents']) {
      expect((await db.query(`select 1 from ${t} where portal_id = $1 and contact_id = '6001'`, [PORTAL])).rows).toHaveLength(0);
    }
    const entries = await db.query<{ hash: string }>(`select hash from suppression_entries where portal_id = $1`, [PORTAL]);
    expect(entries.rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(entries.rows)).not.toContain('acme-industrie');
    // The same person comes back as a new record: blocked at once.
    hs.add('6002', { ...B2B_FR, email: 'J.Dupont@Acme-Industrie.fr ' });
    await pipeline.intake.accept([event(PORTAL, '6002', 'contact.creation')]);
    await settle(pipeline);
    expect(hs.contacts.get('6002')?.pg_basis_email).toBe('objected');
  });

  it('merge moves evidence to the surviving record and re-judges it', async () => {
    const hs = new FakeHubSpot();
    hs.add('7001', B2C_FR);
    hs.add('7002', B2C_FR);
    pipeline = buildPipeline(db, hs);
    await pipeline.start();
    await pipeline.stores.evidence.addObjection(PORTAL, '7002', { channel: 'all', at: '2026-11-01T00:00:00Z', origin: 'card' });
    await pipeline.intake.accept([event(PORTAL, '7001', 'contact.creation'), event(PORTAL, '7002', 'contact.creation')]);
    await settle(pipeline);
    hs.contacts.delete('7002');
    await pipeline.intake.accept([event(PORTAL, '7001', 'contact.merge', { primaryObjectId: '7001', mergedObjectIds: ['7002'] })]);
    await settle(pipeline);
    expect((await pipeline.stores.evidence.listObjections(PORTAL, '7001')).map((o) => o.channel)).toEqual(['all']);
    expect(await pipeline.stores.states.get(PORTAL, '7002')).toBeNull();
    expect(hs.contacts.get('7001')?.pg_status).toBe('blocked');
  });

  it('a contact deleted before its judgement is skipped, not written', async () => {
    const hs = new FakeHubSpot();
    pipeline = buildPipeline(db, hs);
    await pipeline.start();
    await pipeline.intake.accept([event(PORTAL, '8001', 'contact.creation')]);
    await settle(pipeline);
    expect(hs.count('batchRead')).toBe(1);
    expect(hs.count('batchUpdate')).toBe(0);
  });
});
