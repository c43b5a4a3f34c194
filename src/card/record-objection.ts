// Record an objection from the card (GDPR Art. 21(2)-(3): absolute for direct marketing). It goes through the
// enforcement's single objection path: evidence on the contact, hashed suppression entry (a re-created duplicate
// is blocked too), ledger, write-back to HubSpot's communication preferences for email, re-judgement.
import { z } from 'zod';
import { CHANNELS, type ObjectionChannel } from '../engine/types.ts';
import type { CardResponse } from './card-view.ts';
import { getCard, judgeContactNow, notFound } from './get-card.ts';
import type { CrmBackendDeps } from './ports.ts';

const OBJECTION_CHANNELS = [...CHANNELS, 'all'] as [ObjectionChannel, ...ObjectionChannel[]];
export const RecordObjectionBody = z.object({ channel: z.enum(OBJECTION_CHANNELS) }).strict();

export type RecordObjectionResult =
  | { status: 200; body: CardResponse }
  | { status: 404 | 422; body: { error: { code: string; message: string } } };

export async function recordObjection(
  deps: CrmBackendDeps, portalId: number, contactId: string, actor: string, input: unknown,
): Promise<RecordObjectionResult> {
  const parsed = RecordObjectionBody.safeParse(input);
  if (!parsed.success) {
    return { status: 422, body: { error: { code: 'invalid_objection_input', message: `channel: expected one of ${OBJECTION_CHANNELS.join(', ')}` } } };
  }
  const judged = await judgeContactNow(deps, portalId, contactId);
  if (!judged) return notFound;
  const { facts, settings } = judged;
  await deps.objections.record({
    portalId, contactId, channel: parsed.data.channel, actor,
    email: facts.email ?? null, phone: facts.phone ?? null, defaultCountry: facts.country ?? settings.defaultJurisdiction,
  });
  return { status: 200, body: await getCard(deps, portalId, contactId) };
}
