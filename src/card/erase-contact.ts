// Erasure (GDPR Art. 17) from the card, through the enforcement's DSR service: hashed suppression entry first
// (the person stays unreachable even if re-imported), then HubSpot's GDPR delete, then our own data; the ledger
// keeps only a hashed trace. The body must repeat the contact id, so a stray request erases nothing.
import { z } from 'zod';
import { log } from '../log.ts';
import { notFound } from './get-card.ts';
import { ErasureRefusedError, type CrmBackendDeps } from './ports.ts';

export const EraseBody = z.object({ confirmContactId: z.string() }).strict();

export type EraseResult =
  | { status: 200; body: { erased: true; contactId: string } }
  | typeof notFound
  | { status: 422 | 502; body: { error: { code: string; message: string } } };

export async function eraseContact(
  deps: CrmBackendDeps, portalId: number, contactId: string, actor: string, input: unknown,
): Promise<EraseResult> {
  const parsed = EraseBody.safeParse(input);
  if (!parsed.success || parsed.data.confirmContactId !== contactId) {
    return { status: 422, body: { error: { code: 'confirmation_required', message: 'confirmContactId must repeat the contact id' } } };
  }
  const facts = await deps.contacts.readFacts(portalId, contactId);
  if (!facts) return notFound;
  try {
    await deps.requests.erase(portalId, contactId, actor);
  } catch (error) {
    if (!(error instanceof ErasureRefusedError)) throw error;
    log.warn({ portalId, contactId }, 'GDPR delete refused by HubSpot; nothing erased');
    return { status: 502, body: { error: { code: 'hubspot_delete_failed', message: 'HubSpot GDPR delete failed; nothing else was erased, try again' } } };
  }
  // Answers kept for replays (an access export holds the person's data) go with the rest.
  await deps.replays.forgetContact(portalId, contactId);
  return { status: 200, body: { erased: true, contactId } };
}
