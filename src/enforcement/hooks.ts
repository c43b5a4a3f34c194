// The calls the pipeline makes into enforcement while it processes webhooks and judges contacts.
import type { Verdict } from '../engine/types.ts';
import type { Enforcement } from './wiring.ts';
import type { EmailVerdict, SequenceEnforcer, BlockOutcome } from './sequences.ts';

export interface EnforcementHooks {
  /** A sequence property changed (hs_sequences_is_enrolled / hs_latest_sequence_enrolled): block if not allowed. */
  onSequenceEnrolmentDetected(portalId: number, contactId: string, verdict: Verdict | EmailVerdict | null): Promise<BlockOutcome | null>;
  /** HubSpot's own hs_email_optout became true: an objection to email, recorded and suppressed (no write-back). */
  onHubSpotEmailOptOut(portalId: number, contactId: string, email: string | null): Promise<void>;
}

export function createEnforcementHooks(enf: Enforcement, sequences: SequenceEnforcer | null): EnforcementHooks {
  return {
    async onSequenceEnrolmentDetected(portalId, contactId, verdict) {
      return sequences ? sequences.onSequenceEnrolmentDetected(portalId, contactId, verdict, 'webhook') : null;
    },
    async onHubSpotEmailOptOut(portalId, contactId, email) {
      const existing = await enf.evidence.listObjections(portalId, contactId);
      if (existing.some((o) => o.channel === 'email' || o.channel === 'all')) {
        if (email) await enf.suppression.add(portalId, { email }, ['email'], 'hubspot_email_optout');
        return;
      }
      await enf.objections.recordObjection({
        portalId, contactId, channels: ['email'], origin: 'hubspot_email_optout', actor: 'hubspot:hs_email_optout',
        email, skipWriteback: true, idempotencyKey: `hs-email-optout:${contactId}`,
      });
    },
  };
}
