import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnforcementTestDb, type TestDb } from './support/db.ts';
import { createFakeHubSpot, type FakeHubSpot } from './support/fake-hubspot.ts';
import { createEnforcement, type Enforcement } from '../../src/enforcement/wiring.ts';
import { addMonths, reminderStage } from '../../src/dsr/deadlines.ts';
import { runDsrReminders } from '../../src/dsr/service.ts';

describe('GDPR deadlines', () => {
  it('ends a month on the same date, or the last day of a shorter month', () => {
    expect(addMonths(new Date('2026-01-31T10:00:00Z'), 1).toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(addMonths(new Date('2028-01-31T10:00:00Z'), 1).toISOString()).toBe('2028-02-29T10:00:00.000Z');
    expect(addMonths(new Date('2026-11-23T08:00:00Z'), 3).toISOString()).toBe('2027-02-23T08:00:00.000Z');
    expect(reminderStage(new Date('2026-12-10T00:00:00Z'), new Date('2026-12-23T00:00:00Z'))).toBeNull();
    expect(reminderStage(new Date('2026-12-17T00:00:00Z'), new Date('2026-12-23T00:00:00Z'))).toBe(1);
    expect(reminderStage(new Date('2026-12-22T00:00:00Z'), new Date('2026-12-23T00:00:00Z'))).toBe(2);
    expect(reminderStage(new Date('2026-12-24T00:00:00Z'), new Date('2026-12-23T00:00:00Z'))).toBe(3);
  });
});

describe('data subject requests', () => {
  let db: TestDb;
  let enf: Enforcement;
  let hub: FakeHubSpot;
  let now = new Date('2026-11-23T08:00:00Z');
  const P = 77;
  beforeAll(async () => {
    db = await createEnforcementTestDb('pglite');
    hub = createFakeHubSpot();
    hub.contacts.set('1', { email: 'lea@example.fr', firstname: 'Léa', pg_status: 'compliant', hubspot_owner_id: '31' });
    hub.contacts.set('2', { email: 'tom@example.fr', phone: '+33612345678', firstname: 'Tom' });
    enf = createEnforcement({ db, requester: hub.requester, clock: { now: () => now } });
  });
  afterAll(async () => { await db?.drop(); });

  it('opens once per person and kind, extends only within the first month, closes with evidence', async () => {
    const a = await enf.dsr.open({ portalId: P, contactId: '1', kind: 'access', origin: 'card', email: 'lea@example.fr' });
    expect(a.dueAt).toBe('2026-12-23T08:00:00.000Z');
    const again = await enf.dsr.open({ portalId: P, contactId: '1', kind: 'access', origin: 'preference_centre', email: 'LEA@example.fr' });
    expect(again.id).toBe(a.id);
    await expect(enf.dsr.extend(P, a.id, '', 'user:1')).rejects.toThrow(/reason/);
    const ext = await enf.dsr.extend(P, a.id, 'Many systems to search', 'user:1');
    expect(ext).toMatchObject({ status: 'extended', dueAt: '2027-02-23T08:00:00.000Z' });
    await expect(enf.dsr.extend(P, a.id, 'again', 'user:1')).rejects.toThrow(/only an open request/);
    const late = await enf.dsr.open({ portalId: P, contactId: '1', kind: 'rectification', origin: 'card', email: 'lea@example.fr' });
    now = new Date('2026-12-24T08:00:00Z');
    await expect(enf.dsr.extend(P, late.id, 'too late', 'user:1')).rejects.toThrow(/first month/);
    const closed = await enf.dsr.close(P, late.id, { outcome: 'fulfilled', actor: 'user:1', evidence: { changed: ['jobtitle'] } });
    expect(closed.status).toBe('closed');
    const ledger = await enf.ledger.list(P, { kinds: ['dsr_closed'] });
    expect(ledger[0]?.payload).toMatchObject({ requestId: late.id, outcome: 'fulfilled', onTime: false, changed: ['jobtitle'] });
    now = new Date('2026-11-23T08:00:00Z');
  });

  it('reminds the owner by task at each stage, once', async () => {
    now = new Date('2027-02-17T09:00:00Z'); // 6 days before the extended access deadline
    const first = await runDsrReminders({ dsr: enf.dsr, hubspot: enf.hubspot, ledger: enf.ledger, clock: { now: () => now }, ownerOf: async () => '31' });
    expect(first.reminded).toBe(1);
    expect(hub.tasks.at(-1)).toMatchObject({ contactId: '1', properties: { hubspot_owner_id: '31', hs_task_priority: 'HIGH' } });
    const again = await runDsrReminders({ dsr: enf.dsr, hubspot: enf.hubspot, ledger: enf.ledger, clock: { now: () => now } });
    expect(again.reminded).toBe(0);
    now = new Date('2026-11-23T08:00:00Z');
  });

  it('exports what HubSpot and the app hold', async () => {
    await enf.evidence.addObjection(P, '1', { channel: 'sms', at: '2026-11-01T00:00:00Z', origin: 'card' });
    const doc = await enf.dsr.accessExport(P, '1', { actor: 'user:1' });
    expect(doc).toMatchObject({ contactId: '1', hubspot: { contact: { email: 'lea@example.fr', firstname: 'Léa', pg_status: 'compliant' } } });
    expect((doc.app as { objections: unknown[] }).objections).toHaveLength(1);
    expect((await enf.ledger.list(P, { kinds: ['access_export'] }))).toHaveLength(1);
  });

  it('erases in HubSpot and here, keeping only the hashed suppression entry and ledger trace', async () => {
    await enf.ledger.append(P, { kind: 'consent', contactId: '2', actor: 'user:1', payload: { channel: 'email', text: 'Oui, écrivez-moi' } });
    await enf.evidence.addObjection(P, '2', { channel: 'phone', at: '2026-11-01T00:00:00Z', origin: 'card' });
    const req = await enf.dsr.open({ portalId: P, contactId: '2', kind: 'erasure', origin: 'card', email: 'tom@example.fr' });
    const out = await enf.dsr.erase(P, '2', { actor: 'user:1', requestId: req.id });
    expect(out.hubspot).toBe('deleted');
    expect(hub.contacts.has('2')).toBe(false);
    expect(await enf.evidence.listObjections(P, '2')).toEqual([]);
    expect(await enf.suppression.match(P, { email: 'tom@example.fr' })).toEqual(['all']);
    expect(await enf.suppression.match(P, { phone: '06 12 34 56 78' })).toEqual(['all']);
    const trace = await enf.ledger.list(P, { contactId: '2' });
    expect(trace.every((e) => e.contactId === null)).toBe(true);
    expect(trace.find((e) => e.kind === 'consent')?.payload).toBeNull();
    expect(trace.find((e) => e.kind === 'erasure')?.subjectHash).toBe(out.subjectHash);
    expect(JSON.stringify(trace)).not.toMatch(/tom@|Oui, écrivez/);
    expect(await enf.ledger.verify(P)).toMatchObject({ ok: true });
    const closed = await enf.dsr.get(P, req.id);
    expect(closed).toMatchObject({ status: 'closed', contactId: null, outcome: 'fulfilled' });
  });
});
