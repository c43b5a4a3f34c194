import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnforcementTestDb, type TestDb } from './support/db.ts';
import { createFakeHubSpot, type FakeHubSpot } from './support/fake-hubspot.ts';
import { createEnforcement, type Enforcement } from '../../src/enforcement/wiring.ts';
import { createSequenceEnforcer, type SequenceSettings } from '../../src/enforcement/sequences.ts';
import { createEnforcementHooks } from '../../src/enforcement/hooks.ts';

describe('sequence blocking levers', () => {
  let db: TestDb;
  let enf: Enforcement;
  let hub: FakeHubSpot;
  let settings: SequenceSettings = { sequenceBlocking: 'enforce', notifyOwnerOnBlock: true };
  const P = 31;
  beforeAll(async () => {
    db = await createEnforcementTestDb('pglite');
    hub = createFakeHubSpot();
    enf = createEnforcement({ db, requester: hub.requester });
  });
  afterAll(async () => { await db?.drop(); });
  // Every enforcer in this file runs on an explicit clock: the flow's "checked once a day" stamp must never come
  // from the machine's date (a real-clock stamp made the second test depend on today).
  const T0 = new Date('2026-11-23T07:45:00Z');
  const enforcer = () => createSequenceEnforcer({ db, ledger: enf.ledger, hubspot: enf.hubspot!, settings: async () => settings, clock: { now: () => T0 } });

  it('on an objected contact: flag, unenroll workflow, one-to-one unsubscribe, owner task, ledger; once per enrolment', async () => {
    hub.contacts.set('10', { email: 'x@example.fr', hubspot_owner_id: '55', hs_sequences_is_enrolled: 'true', hs_latest_sequence_enrolled: '900', hs_latest_sequence_enrolled_date: '2026-11-23T07:00:00Z', pg_basis_email: 'objected' });
    hub.enrollments.set('10', [{ id: 'e1', sequenceId: '900', enrolledAt: '2026-11-23T07:00:00Z' }]);
    const out = await enforcer().onSequenceEnrolmentDetected(P, '10', { allowed: false, blocker: 'objected', reason: null });
    expect(out?.levers.map((l) => [l.lever, l.status])).toEqual([
      ['block_properties', 'done'], ['workflow_unenroll', 'done'], ['one_to_one_unsubscribe', 'done'], ['owner_task', 'done'],
    ]);
    expect(hub.contacts.get('10')).toMatchObject({ pg_sequence_blocked: 'true', pg_sequence_block_reason: expect.stringMatching(/objected/) });
    const flow = hub.flows[0] as { actions: { actionTypeId: string }[]; type: string };
    expect(flow.type).toBe('CONTACT_FLOW');
    expect(flow.actions[0]?.actionTypeId).toBe('0-4702372');
    expect(hub.unsubscribedAll.has('v3:12')).toBe(true); // the "One to one" subscription type
    expect(hub.tasks.at(-1)).toMatchObject({ contactId: '10', properties: { hubspot_owner_id: '55' } });
    const entries = await enf.ledger.list(P, { contactId: '10', kinds: ['block'] });
    expect(entries).toHaveLength(1);
    expect(entries[0]?.payload).toMatchObject({ detectedBy: 'webhook', sequenceId: '900', enrollmentId: 'e1', blocker: 'objected' });
    // The same enrolment reported again (webhook retry, poll) is not acted on twice.
    expect(await enforcer().onSequenceEnrolmentDetected(P, '10', { allowed: false, blocker: 'objected', reason: null })).toBeNull();
    expect(hub.flows).toHaveLength(1);
  });

  it('the unenroll workflow enrols flagged AND enrolled contacts, and is recreated once a day if deleted', async () => {
    const flow = hub.flows[0] as { enrollmentCriteria: { listFilterBranch: { filterBranches: { filters: { property: string }[] }[] }; reEnrollmentTriggersFilterBranches: unknown[] } };
    expect(flow.enrollmentCriteria.listFilterBranch.filterBranches[0]?.filters.map((f) => f.property)).toEqual(['pg_sequence_blocked', 'hs_sequences_is_enrolled']);
    expect(flow.enrollmentCriteria.reEnrollmentTriggersFilterBranches).toHaveLength(2);
    let now = new Date('2026-11-23T08:00:00Z');
    const clocked = createSequenceEnforcer({ db, ledger: enf.ledger, hubspot: enf.hubspot!, settings: async () => settings, clock: { now: () => now } });
    hub.contacts.set('13', { email: 'y@example.fr', hs_sequences_is_enrolled: 'true', hs_latest_sequence_enrolled: '906', pg_basis_email: 'needs_consent' });
    await clocked.onSequenceEnrolmentDetected(P, '13', null);
    expect(hub.flows).toHaveLength(1); // checked less than a day ago: reused
    hub.deletedFlows.add('701');
    now = new Date('2026-11-25T08:00:00Z');
    hub.contacts.set('14', { email: 'z@example.fr', hs_sequences_is_enrolled: 'true', hs_latest_sequence_enrolled: '907', pg_basis_email: 'needs_consent' });
    const out = await clocked.onSequenceEnrolmentDetected(P, '14', null);
    expect(hub.flows).toHaveLength(2);
    expect(out?.levers.find((l) => l.lever === 'workflow_unenroll')).toMatchObject({ status: 'done', id: '702' });
  });

  it('ignores allowed contacts and contacts no longer enrolled', async () => {
    hub.contacts.set('11', { email: 'ok@example.fr', hs_sequences_is_enrolled: 'true', pg_basis_email: 'consent' });
    expect(await enforcer().onSequenceEnrolmentDetected(P, '11', null)).toBeNull();
    hub.contacts.set('12', { email: 'gone@example.fr', hs_sequences_is_enrolled: 'false', pg_basis_email: 'needs_consent' });
    expect(await enforcer().onSequenceEnrolmentDetected(P, '12', null)).toBeNull();
  });

  it('without the unenroll action: task and flag still happen; flag-only mode acts on nothing else', async () => {
    hub.actionTypes = null;
    const P2 = 32;
    hub.contacts.set('20', { email: 'n@example.fr', hs_sequences_is_enrolled: 'true', hs_latest_sequence_enrolled: '901', hs_latest_sequence_enrolled_date: '2026-11-23T07:30:00Z', pg_basis_email: 'needs_consent' });
    const out = await enforcer().onSequenceEnrolmentDetected(P2, '20', null);
    expect(out?.levers.map((l) => [l.lever, l.status])).toEqual([['block_properties', 'done'], ['workflow_unenroll', 'unavailable'], ['owner_task', 'done']]);
    settings = { sequenceBlocking: 'flag_only', notifyOwnerOnBlock: false };
    hub.contacts.set('21', { email: 'm@example.fr', hs_sequences_is_enrolled: 'true', hs_latest_sequence_enrolled: '902', pg_basis_email: 'objected' });
    const flagged = await enforcer().onSequenceEnrolmentDetected(33, '21', null);
    expect(flagged?.levers.map((l) => [l.lever, l.status])).toEqual([['block_properties', 'done'], ['workflow_unenroll', 'skipped'], ['one_to_one_unsubscribe', 'skipped'], ['owner_task', 'done']]);
    settings = { sequenceBlocking: 'off', notifyOwnerOnBlock: true };
    hub.contacts.set('22', { email: 'o@example.fr', hs_sequences_is_enrolled: 'true', hs_latest_sequence_enrolled: '903', pg_basis_email: 'objected' });
    expect(await enforcer().onSequenceEnrolmentDetected(34, '22', null)).toBeNull();
    settings = { sequenceBlocking: 'enforce', notifyOwnerOnBlock: true };
  });

  it('the polling pass finds enrolled blocked contacts', async () => {
    hub.contacts.clear();
    hub.contacts.set('30', { email: 'p@example.fr', hs_sequences_is_enrolled: 'true', hs_latest_sequence_enrolled: '904', hs_latest_sequence_enrolled_date: '2026-11-23T07:40:00Z', pg_basis_email: 'retention_expired' });
    const res = await enforcer().pollPortal(35);
    expect(res).toEqual({ searched: 1, blocked: 1 });
    expect((await enf.ledger.list(35, { kinds: ['block'] }))[0]?.payload).toMatchObject({ detectedBy: 'poll', blocker: 'retention_expired' });
    expect(await enforcer().pollPortal(35)).toEqual({ searched: 1, blocked: 0 });
  });

  it('a large portal is walked across passes from a stored cursor', async () => {
    hub.contacts.clear();
    for (let i = 1; i <= 5; i += 1) hub.contacts.set(String(1000 + i), { email: `c${i}@example.fr`, hs_sequences_is_enrolled: 'true', hs_latest_sequence_enrolled: '905', hs_latest_sequence_enrolled_date: '2026-11-23T07:50:00Z', pg_basis_email: 'needs_consent' });
    settings = { sequenceBlocking: 'flag_only', notifyOwnerOnBlock: false };
    expect(await enforcer().pollPortal(37, { maxPages: 1, pageSize: 3 })).toEqual({ searched: 3, blocked: 3 });
    expect(await enforcer().pollPortal(37, { maxPages: 1, pageSize: 3 })).toEqual({ searched: 2, blocked: 2 });
    expect(await enforcer().pollPortal(37, { maxPages: 1, pageSize: 3 })).toEqual({ searched: 3, blocked: 0 });
    settings = { sequenceBlocking: 'enforce', notifyOwnerOnBlock: true };
  });

  it('HubSpot\'s own opt-out becomes an objection and a suppression entry, without write-back', async () => {
    const hooks = createEnforcementHooks(enf, null);
    const before = hub.calls.length;
    await hooks.onHubSpotEmailOptOut(36, '40', 'Opted.Out@example.fr');
    await hooks.onHubSpotEmailOptOut(36, '40', 'Opted.Out@example.fr');
    expect((await enf.evidence.listObjections(36, '40')).map((o) => o.channel)).toEqual(['email']);
    expect(await enf.suppression.match(36, { email: 'opted.out@example.fr' })).toEqual(['email']);
    expect(hub.calls.slice(before).some((c) => c.path.includes('communication-preferences'))).toBe(false);
  });
});
