// HubSpot's own email opt-out is an objection like any other: recorded in the ledger, kept as a hashed
// suppression entry, and applied to a contact created later with the same address (issue 6).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { installThroughRedirects, startDemoStack, waitForQuiet, waitUntil, type DemoStack } from '../../scripts/demo.ts';
import { describeWithServices } from '../support/services.ts';

describeWithServices('HubSpot opt-out through the whole product (embedded mode)', {}, () => {
  let stack: DemoStack;
  const contact = (id: string) => stack.standIn.getContact(stack.portalId, id)?.properties ?? {};

  beforeAll(async () => {
    stack = await startDemoStack({ contacts: 10, product: true, logLevel: 'error', webhooks: { flushIntervalMs: 50 } });
    expect((await installThroughRedirects(stack.app.url as string)).status).toBe(200);
    await waitUntil('backfill', async () => (await stack.app.pipeline!.pipeline.backfillProgress(stack.portalId)).state === 'done', 60_000);
  }, 120_000);

  afterAll(async () => { await stack?.stop(); }, 60_000);

  it('blocks email for the contact and for the same address created again after deletion, with one ledger entry', async () => {
    const original = stack.standIn.createContact(stack.portalId, {
      email: 'claire.fontaine@atelier-fontaine.fr', firstname: 'Claire', company: 'Atelier Fontaine', jobtitle: 'Gérante', country: 'France',
    });
    await waitForQuiet(stack, 30_000);
    expect(contact(original).pg_basis_email).not.toBe('objected');

    stack.standIn.updateContact(stack.portalId, original, { hs_email_optout: 'true' });
    await waitForQuiet(stack, 30_000);
    expect(contact(original).pg_basis_email).toBe('objected');

    // HubSpot keeps emails unique: the same person comes back once the first record is gone.
    stack.standIn.deleteContact(stack.portalId, original);
    await waitForQuiet(stack, 30_000);
    const duplicate = stack.standIn.createContact(stack.portalId, { email: 'Claire.Fontaine@atelier-fontaine.fr', country: 'France' });
    await waitForQuiet(stack, 30_000);
    expect(contact(duplicate).pg_basis_email).toBe('objected');

    const { rows } = await stack.app.db.query<{ n: number | string }>(
      `select count(*) as n from evidence_ledger where portal_id = $1 and kind = 'objection' and contact_id is not null`, [stack.portalId]);
    expect(Number(rows[0]?.n)).toBe(1);
  }, 90_000);
});
