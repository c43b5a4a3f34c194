import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnforcementTestDb, type TestDb } from './support/db.ts';
import { createFakeHubSpot, type FakeHubSpot } from './support/fake-hubspot.ts';
import { createEnforcement, type Enforcement } from '../../src/enforcement/wiring.ts';
import { createRetentionSweeper, type RetentionSettings } from '../../src/retention/sweep.ts';

describe('retention sweep', () => {
  let db: TestDb;
  let enf: Enforcement;
  let hub: FakeHubSpot;
  let settings: RetentionSettings = { warningDays: 30, expiryAction: 'delete' };
  const now = new Date('2026-11-23T03:00:00Z');
  beforeAll(async () => {
    db = await createEnforcementTestDb('pglite');
    hub = createFakeHubSpot();
    enf = createEnforcement({ db, requester: hub.requester, clock: { now: () => now } });
  });
  afterAll(async () => { await db?.drop(); });
  const sweeper = () => createRetentionSweeper({
    db, ledger: enf.ledger, hubspot: enf.hubspot!, hasher: enf.hasher, evidence: enf.evidence, settings: async () => settings,
    clock: { now: () => now }, renewalLink: (_p, c) => `https://pg.example/p/token-for-${c}`,
  });

  it('warns owners of expiring contacts, deletes expired ones with a hashed trace, resumes, and reports', async () => {
    const P = 90;
    for (let i = 1; i <= 150; i += 1) hub.contacts.set(String(i), { email: `old${i}@example.fr`, pg_retention_expires_at: '2026-06-01', hubspot_owner_id: '7' });
    hub.contacts.set('200', { email: 'soon@example.fr', pg_retention_expires_at: '2026-12-10', hubspot_owner_id: '7' });
    hub.contacts.set('201', { email: 'fine@example.fr', pg_retention_expires_at: '2028-01-01' });
    await enf.ledger.append(P, { kind: 'consent', contactId: '5', actor: 'u', payload: { text: 'ancienne preuve' } });

    const first = await sweeper().run(P, { maxPages: 2 }); // warning page + first expired page, then stops
    expect(first).toMatchObject({ finished: false, warned: 1, deleted: 100, resumed: false });
    const second = await sweeper().run(P);
    expect(second).toMatchObject({ finished: true, resumed: true, runId: first.runId, warned: 1, deleted: 150, failed: 0 });
    expect([...hub.contacts.keys()].sort()).toEqual(['200', '201']);
    expect(hub.tasks.filter((t) => t.contactId === '200')).toHaveLength(1);
    expect(hub.tasks[0]?.properties.hs_task_body).toContain('https://pg.example/p/token-for-200');

    const trace = await enf.ledger.list(P, { contactId: '5' });
    expect(trace.map((e) => [e.kind, e.contactId, e.payload === null])).toEqual([['consent', null, true], ['erasure', null, false]]);
    expect(trace[1]?.subjectHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await enf.ledger.verify(P)).toMatchObject({ ok: true });
    const reports = (await enf.ledger.list(P, { kinds: ['retention_action'] })).filter((e) => e.payload?.action === 'sweep_report');
    expect(reports).toHaveLength(1);
    expect(reports[0]?.payload).toMatchObject({ deleted: 150, warned: 1 });

    // A new run warns nobody twice.
    const third = await sweeper().run(P);
    expect(third).toMatchObject({ warned: 0, deleted: 0, alreadyHandled: 1, resumed: false });
  });

  it('archives or only notifies when the portal says so', async () => {
    hub.contacts.clear();
    hub.contacts.set('300', { email: 'a@example.fr', pg_retention_expires_at: '2025-01-01' });
    settings = { warningDays: 30, expiryAction: 'notify' };
    expect(await sweeper().run(91)).toMatchObject({ expiredNotified: 1, deleted: 0 });
    expect(hub.contacts.has('300')).toBe(true);
    settings = { warningDays: 30, expiryAction: 'archive' };
    expect(await sweeper().run(92)).toMatchObject({ archived: 1 });
    expect(hub.contacts.has('300')).toBe(false);
    expect(hub.calls.some((c) => c.method === 'DELETE' && c.path === '/crm/v3/objects/contacts/300')).toBe(true);
  });
});
