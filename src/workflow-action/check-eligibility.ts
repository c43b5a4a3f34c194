// The answer of the "Check prospecting eligibility" workflow action for one contact and channel. Fails closed:
// a contact the app cannot judge is not eligible. Workflows have no user locale, so reasons are in English.
import { z } from 'zod';
import { CHANNELS, type ChannelVerdict, type Reason } from '../engine/types.ts';
import { judgeContactNow } from '../card/get-card.ts';
import type { CrmBackendDeps } from '../card/ports.ts';
import type { ActionBlocker } from './definition.ts';

export const ActionRequestSchema = z.object({
  callbackId: z.string().min(1),
  origin: z.object({ portalId: z.number().int().positive() }).passthrough(),
  object: z.object({ objectId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]), objectType: z.string() }).passthrough(),
  inputFields: z.record(z.string(), z.unknown()).default({}),
}).passthrough();
export type ActionRequest = z.infer<typeof ActionRequestSchema>;

export interface ActionResponse {
  outputFields: {
    eligible: boolean;
    blocker: ActionBlocker;
    reason: string;
    expiry_date: string | null;
    hs_execution_state: 'SUCCESS' | 'FAIL_CONTINUE';
  };
}

export async function checkEligibility(deps: CrmBackendDeps, request: ActionRequest): Promise<ActionResponse> {
  const channel = request.inputFields.channel;
  if (typeof channel !== 'string' || !(CHANNELS as readonly string[]).includes(channel)) {
    return {
      outputFields: {
        eligible: false, blocker: 'none', expiry_date: null, hs_execution_state: 'FAIL_CONTINUE',
        reason: `Unknown channel ${JSON.stringify(channel ?? null)}: choose one of ${CHANNELS.join(', ')}`,
      },
    };
  }
  const portalId = request.origin.portalId;
  const contactId = String(request.object.objectId);
  let judged: Awaited<ReturnType<typeof judgeContactNow>>;
  try {
    judged = await judgeContactNow(deps, portalId, contactId);
  } catch (error) {
    // HubSpot unreachable: a stored "blocked" is safe to answer now; a stored "eligible" is not (it may have
    // changed since), so that case fails for HubSpot to retry.
    const stored = await deps.stored?.get(portalId, contactId).catch(() => null);
    const v = stored?.verdict.channels[channel as (typeof CHANNELS)[number]];
    if (!stored || !v || v.allowed) throw error;
    const first = v.reasons[0];
    return {
      outputFields: {
        eligible: false, blocker: v.blocker ?? 'forbidden', expiry_date: stored.verdict.retention.expiresAt.slice(0, 10), hs_execution_state: 'SUCCESS',
        reason: `${first ? `${first.text} (${first.citation})` : 'Not allowed'} [last stored verdict]`,
      },
    };
  }
  if (!judged) {
    return {
      outputFields: {
        eligible: false, blocker: 'unknown_contact', expiry_date: null, hs_execution_state: 'SUCCESS',
        reason: 'Prospect Guard cannot find this contact, so it is not cleared for prospecting.',
      },
    };
  }
  const { verdict } = judged;
  const v = verdict.channels[channel as (typeof CHANNELS)[number]];
  return {
    outputFields: {
      eligible: v.allowed,
      blocker: v.allowed ? 'none' : (v.blocker ?? 'forbidden'),
      reason: eligibilityReason(v, verdict.reasons),
      expiry_date: verdict.retention.expiresAt.slice(0, 10),
      hs_execution_state: 'SUCCESS',
    },
  };
}

/**
 * The reason the action reports: the channel's first reason, except for a call cap, whose own reason comes last
 * (after the basis it holds back) and which says until when.
 */
export function eligibilityReason(v: ChannelVerdict, recordReasons: readonly Reason[]): string {
  const why = v.blocker === 'call_limit' ? v.reasons[v.reasons.length - 1] : (v.reasons[0] ?? recordReasons[0]);
  if (!why) return v.allowed ? 'Allowed' : 'Not allowed';
  return `${why.text}${v.until ? ` Until ${v.until}.` : ''} (${why.citation})`;
}
