// Consent given, renewed or withdrawn by the person on the preference centre. Proof kept with each consent
// (GDPR Art. 7(1): the controller must be able to demonstrate it): the method (a box the person ticked, never
// pre-ticked), the exact text shown in the language shown, the time, and a keyed hash of the client address
// (never the address itself). The consent goes to the evidence store the engine reads, the proof to the ledger;
// withdrawal is as easy as giving (Art. 7(3)): unticking the box. Then the contact is judged again.
import { createHash } from 'node:crypto';
import type { Channel, ConsentRecord } from '../engine/types.ts';
import type { EvidenceLedger } from '../ledger/ledger.ts';
import type { Clock, RejudgeFn } from '../enforcement/ports.ts';
import { systemClock } from '../enforcement/ports.ts';

export interface ConsentStorePort {
  addConsent(portalId: number, contactId: string, consent: ConsentRecord & { recordedBy?: string | null }): Promise<unknown>;
  withdrawConsent(portalId: number, contactId: string, channel: Channel, at: string): Promise<number>;
}

export interface ConsentChoice {
  portalId: number;
  contactId: string;
  give: Channel[];
  withdraw: Channel[];
  /** The statement displayed next to the boxes, verbatim. */
  textShown: string;
  lang: string;
  ipHash: string;
}

export interface PreferenceConsentPort {
  apply(choice: ConsentChoice): Promise<{ given: Channel[]; withdrawn: Channel[] }>;
}

export function createPreferenceConsents(deps: {
  store: ConsentStorePort;
  ledger: Pick<EvidenceLedger, 'append'>;
  rejudge?: RejudgeFn | null;
  clock?: Clock;
}): PreferenceConsentPort {
  const clock = deps.clock ?? systemClock;
  return {
    async apply(choice) {
      const at = clock.now();
      const iso = at.toISOString();
      const textDigest = createHash('sha256').update(choice.textShown).digest('hex');
      const proofRef = `preference-centre:text-sha256:${textDigest.slice(0, 32)}`;
      const given: Channel[] = [];
      const withdrawn: Channel[] = [];
      for (const channel of choice.give) {
        await deps.store.addConsent(choice.portalId, choice.contactId, {
          channel, givenAt: iso, method: 'unticked_checkbox', proofRef, recordedBy: 'data-subject:preference-centre',
        });
        await deps.ledger.append(choice.portalId, {
          kind: 'consent', contactId: choice.contactId, actor: 'data-subject:preference-centre', at,
          payload: { channel, method: 'unticked_checkbox', givenAt: iso, proofRef, origin: 'preference_centre', textShown: choice.textShown, lang: choice.lang, ipHash: choice.ipHash },
        });
        given.push(channel);
      }
      for (const channel of choice.withdraw) {
        const n = await deps.store.withdrawConsent(choice.portalId, choice.contactId, channel, iso);
        if (n === 0) continue;
        await deps.ledger.append(choice.portalId, {
          kind: 'withdrawal', contactId: choice.contactId, actor: 'data-subject:preference-centre', at,
          payload: { channel, withdrawnAt: iso, consents: n, origin: 'preference_centre', ipHash: choice.ipHash },
        });
        withdrawn.push(channel);
      }
      if (given.length + withdrawn.length > 0) await deps.rejudge?.(choice.portalId, choice.contactId, 'preference_centre_consent');
      return { given, withdrawn };
    },
  };
}
