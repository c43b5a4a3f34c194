// Erasure (GDPR Art. 17) from the card, in an order that never loses the objection: first the hashed
// suppression entry (so the person stays unreachable even if re-imported), then HubSpot's GDPR delete, then our
// own evidence, then the ledger entry (which keeps only a hashed trace of the contact).
import { z } from 'zod';
import { log } from '../log.ts';
import type { CrmBackendDeps } from './ports.ts';

export const EraseBody = z.object({ confirmContactId: z.string() }).strict();

export type EraseResult =
  | { status: 200; body: { erased: true; contactId: string } }
  | { status: 404 | 422 | 502; body: { error: { code: string; message: string } } };

export async function eraseContact(
  deps: CrmBackendDeps, portalId: number, contactId: string, actor: string, input: unknown,
): Promise<EraseResult> {
  const parsed = EraseBody.safeParse(input);
  if (!parsed.success || parsed.data.confirmContactId !== contactId) {
    return { status: 422, body: { error: { code: 'confirmation_required', message: 'confirmContactId must repeat the contact id' } } };
  }
  const facts = await deps.contacts.readFacts(portalId, contactId);
  if (!facts) return { status: 404, body: { error: { code: 'contact_not_found', message: 'HubSpot does not know this contact' } } };
  if (facts.email || facts.phone) {
    await deps.suppression.add(portalId, { email: facts.email ?? null, phone: facts.phone ?? null }, ['all']);
  }
  try {
    await deps.hubspot.gdprDelete(portalId, contactId);
  } catch (error) {
    log.warn({ portalId, err: (error as Error).name }, 'GDPR delete failed');
    return { status: 502, body: { error: { code: 'hubspot_delete_failed', message: "HubSpot GDPR delete failed; nothing else was erased, try again" } } };
  }
  await deps.evidence.forgetContact(portalId, contactId);
  await deps.ledger.append(portalId, {
    kind: 'erasure', contactId, actor, at: deps.now?.() ?? new Date(),
    payload: { hubspot: 'gdpr_delete', suppression: facts.email || facts.phone ? 'hashed_entry_kept' : 'no_identifier', via: 'card' },
  });
  return { status: 200, body: { erased: true, contactId } };
}
