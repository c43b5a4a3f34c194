// Record an objection from the card (GDPR Art. 21(2)-(3): absolute for direct marketing). It applies at once:
// stored as evidence, added to the hashed suppression list (so a re-created duplicate is blocked too), ledgered,
// and the contact is re-judged.
import { z } from 'zod';
import { CHANNELS, type ObjectionChannel } from '../engine/types.ts';
import type { CardResponse } from './card-view.ts';
import { getCard } from './get-card.ts';
import type { CrmBackendDeps } from './ports.ts';

export const RecordObjectionBody = z.object({
  channel: z.enum([...CHANNELS, 'all'] as [ObjectionChannel, ...ObjectionChannel[]]),
}).strict();

export type RecordObjectionResult =
  | { status: 200; body: CardResponse }
  | { status: 404 | 422; body: { error: { code: string; message: string } } };

export async function recordObjection(
  deps: CrmBackendDeps, portalId: number, contactId: string, actor: string, input: unknown,
): Promise<RecordObjectionResult> {
  const parsed = RecordObjectionBody.safeParse(input);
  if (!parsed.success) {
    return { status: 422, body: { error: { code: 'invalid_objection_input', message: `channel: expected one of ${[...CHANNELS, 'all'].join(', ')}` } } };
  }
  const { channel } = parsed.data;
  const facts = await deps.contacts.readFacts(portalId, contactId);
  if (!facts) return { status: 404, body: { error: { code: 'contact_not_found', message: 'HubSpot does not know this contact' } } };
  const now = deps.now?.() ?? new Date();
  await deps.evidence.addObjection(portalId, contactId, { channel, at: now.toISOString() });
  if (facts.email || facts.phone) {
    await deps.suppression.add(portalId, { email: facts.email ?? null, phone: facts.phone ?? null }, [channel]);
  }
  await deps.ledger.append(portalId, { kind: 'objection_recorded', contactId, actor, at: now, payload: { channel, via: 'card' } });
  await deps.judge.contact(portalId, contactId);
  return { status: 200, body: await getCard(deps, portalId, contactId) };
}
