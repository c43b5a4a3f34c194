// Record a consent from the card. Consent must be free, specific, informed and unambiguous (GDPR Art. 4(11),
// 7; CJEU C-673/17 Planet49): a pre-ticked box, acceptance of general terms or silence is refused with the reason.
import { z } from 'zod';
import { CHANNELS, CONSENT_METHODS, type ConsentMethod } from '../engine/types.ts';
import type { CardResponse } from './card-view.ts';
import { getCard, notFound } from './get-card.ts';
import type { CrmBackendDeps } from './ports.ts';

export const INVALID_CONSENT_METHODS: Partial<Record<ConsentMethod, { en: string; fr: string; citation: string }>> = {
  pre_ticked_checkbox: {
    en: 'A pre-ticked box is not consent: the person must act to agree.',
    fr: 'Une case pré-cochée ne vaut pas consentement : la personne doit agir pour accepter.',
    citation: 'GDPR Recital 32; CJEU C-673/17 Planet49',
  },
  terms_acceptance: {
    en: 'Accepting general terms is not consent to prospecting: consent must be specific and separate.',
    fr: 'Accepter des CGV ne vaut pas consentement à la prospection : il doit être spécifique et distinct.',
    citation: 'GDPR Art. 7(2); CNIL, consentement',
  },
  implicit: {
    en: 'Silence or inactivity is not consent.',
    fr: 'Le silence ou l’inaction ne vaut pas consentement.',
    citation: 'GDPR Recital 32',
  },
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export const RecordConsentBody = z.object({
  channel: z.enum(CHANNELS),
  method: z.enum(CONSENT_METHODS),
  givenAt: z.string().regex(ISO_DATE, 'expected YYYY-MM-DD'),
  // The proof reference goes to the evidence ledger, which holds no email address in clear.
  proofRef: z.string().trim().min(1, 'a proof reference is required').max(200, 'at most 200 characters')
    .refine((v) => !/[^\s@]+@[^\s@]+\.[A-Za-z]{2,}/.test(v), 'must not contain an email address (use a form, recording or token id)'),
}).strict();

export type RecordConsentResult =
  | { status: 200; body: CardResponse }
  | { status: 404 | 422; body: { error: { code: string; message: string; messageFr?: string; citation?: string } } };

export async function recordConsent(
  deps: CrmBackendDeps, portalId: number, contactId: string, actor: string, input: unknown,
): Promise<RecordConsentResult> {
  const parsed = RecordConsentBody.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { status: 422, body: { error: { code: 'invalid_consent_input', message: issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid input' } } };
  }
  const { channel, method, givenAt, proofRef } = parsed.data;
  const refused = INVALID_CONSENT_METHODS[method];
  if (refused) {
    return { status: 422, body: { error: { code: 'consent_method_invalid', message: refused.en, messageFr: refused.fr, citation: refused.citation } } };
  }
  const now = deps.now?.() ?? new Date();
  const given = new Date(`${givenAt}T00:00:00Z`);
  if (Number.isNaN(given.getTime()) || given.toISOString().slice(0, 10) !== givenAt) {
    return { status: 422, body: { error: { code: 'invalid_consent_input', message: 'givenAt: not a calendar date' } } };
  }
  if (given.getTime() > now.getTime()) {
    return { status: 422, body: { error: { code: 'invalid_consent_input', message: 'givenAt: cannot be in the future' } } };
  }
  const facts = await deps.contacts.readFacts(portalId, contactId);
  if (!facts) return notFound;
  await deps.consents.addConsent(portalId, contactId, { channel, method, givenAt, proofRef, recordedBy: actor });
  await deps.ledger.append(portalId, {
    kind: 'consent', contactId, actor, at: now, payload: { channel, method, givenAt, proofRef, origin: 'card' },
  });
  await deps.judge.contact(portalId, contactId);
  return { status: 200, body: await getCard(deps, portalId, contactId) };
}
