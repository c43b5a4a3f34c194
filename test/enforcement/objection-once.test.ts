// An objection is one fact in the ledger, however often it reaches us: a retry after a failure half-way (the row
// stored, the answer lost: the fault schedule's seed 742523561 found it) and a second click of the same link
// record it once. A new channel is a new objection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/db.ts';
import { createEnforcement } from '../../src/enforcement/wiring.ts';
import { createObjectionService } from '../../src/enforcement/objections.ts';

describe('an objection recorded again', () => {
  let db: TestDb;
  beforeAll(async () => { db = await createTestDb('pglite'); });
  afterAll(async () => { await db?.drop(); });

  it('after a failure half-way and on a second click: one objection row, one ledger entry', async () => {
    let failNextSuppression = true;
    const enf = createEnforcement({ db, requester: async () => ({ status: 200, body: {} }) });
    const suppression = enf.suppression;
    const flaky = { ...suppression, add: async (...args: Parameters<typeof suppression.add>) => {
      if (failNextSuppression) { failNextSuppression = false; throw new Error('Connection terminated unexpectedly'); }
      return suppression.add(...args);
    } };
    const withFlaky = { objections: createObjectionService({ ledger: enf.ledger, evidence: enf.evidence, suppression: flaky, hasher: enf.hasher, hubspot: enf.hubspot }) };
    const input = { portalId: 52, contactId: '9', channels: ['email' as const], origin: 'one_click_unsubscribe' as const, actor: 'preference-centre', email: 'paul@acme.fr' };
    await expect(withFlaky.objections.recordObjection(input)).rejects.toThrow(/Connection terminated/);
    await withFlaky.objections.recordObjection(input); // the sender's retry
    await enf.objections.recordObjection(input); // the same link clicked again later
    const people = (await enf.ledger.list(52, { contactId: '9', kinds: ['objection'] })).filter((e) => e.actor !== 'prospect-guard');
    expect(people).toHaveLength(1);
    const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from contact_objections where portal_id = 52 and contact_id = '9'`);
    expect(rows[0]?.n).toBe(1);

    await enf.objections.recordObjection({ ...input, channels: ['phone'] });
    expect((await enf.ledger.list(52, { contactId: '9', kinds: ['objection'] })).filter((e) => e.actor !== 'prospect-guard')).toHaveLength(2);
    expect(await enf.ledger.verify(52)).toMatchObject({ ok: true });
  });
});
