// What the contact card shows, shaped small for hubspot.fetch (well under 1 MB): the latest verdict plus the
// evidence on file. Reasons carry both languages; the card picks one from the user's locale.
import type { LeverAvailability as CardLever } from '../enforcement/levers.ts';
import {
  CHANNELS,
  type Audience, type Basis, type Blocker, type Channel, type ConsentMethod, type ContactFacts,
  type ObjectionChannel, type RetentionAnchor, type RetentionState, type SourceKind, type SourceRisk, type Status,
  type Verdict,
} from '../engine/types.ts';

export interface CardReason { rule: string; text: string; textFr: string; citation: string }
/** `until`: with blocker `call_limit`, when the channel may be used again (ISO instant). */
export interface CardChannel {
  channel: Channel; allowed: boolean; basis: Basis | null; blocker: Blocker | null; until?: string; reasons: CardReason[];
}
export interface CardConsent {
  channel: Channel; method: ConsentMethod; givenAt: string; proofRef: string | null; withdrawnAt: string | null;
}
export interface CardObjection { channel: ObjectionChannel; at: string }

export interface CardView {
  contactId: string;
  judged: true;
  status: Status;
  audience: Audience;
  jurisdiction: string;
  channels: CardChannel[];
  reasons: CardReason[];
  source: { kind: SourceKind; risk: SourceRisk; detail: string | null; collectedAt: string | null };
  retention: { anchor: RetentionAnchor; expiresAt: string; state: RetentionState; daysLeft: number };
  consents: CardConsent[];
  objections: CardObjection[];
  notice: { due: boolean; sentAt: string | null };
  evaluatedAt: string;
  rulesVersion: string;
  /** live: judged now from HubSpot; stored: HubSpot unreachable, the pipeline's last verdict. */
  freshness: 'live' | 'stored';
  /** The enforcement levers this account gives the app, and why (src/enforcement/levers.ts). */
  levers?: CardLever[];
}

export type { CardLever };

/** A contact the app knows nothing about yet (not in HubSpot any more, or never judged). */
export interface CardNotJudged { contactId: string; judged: false; levers?: CardLever[] }
export type CardResponse = CardView | CardNotJudged;

const reason = (r: { rule: string; text: string; textFr: string; citation: string }): CardReason =>
  ({ rule: r.rule, text: r.text, textFr: r.textFr, citation: r.citation });

export function buildCardView(facts: ContactFacts, verdict: Verdict, freshness: CardView['freshness'] = 'live'): CardView {
  const noticeSentAt = facts.source?.noticeSentAt ?? null;
  return {
    contactId: facts.id,
    judged: true,
    status: verdict.status,
    audience: verdict.audience,
    jurisdiction: verdict.jurisdiction,
    channels: CHANNELS.map((channel) => {
      const v = verdict.channels[channel];
      return {
        channel,
        allowed: v.allowed,
        basis: v.basis ?? null,
        blocker: v.blocker ?? null,
        ...(v.until ? { until: v.until } : {}),
        reasons: v.reasons.map(reason),
      };
    }),
    reasons: verdict.reasons.map(reason),
    source: {
      kind: verdict.source.kind,
      risk: verdict.source.risk,
      detail: facts.source?.detail ?? null,
      collectedAt: facts.source?.collectedAt ?? null,
    },
    retention: { ...verdict.retention },
    consents: (facts.consents ?? []).map((c) => ({
      channel: c.channel,
      method: c.method,
      givenAt: c.givenAt,
      proofRef: c.proofRef ?? null,
      withdrawnAt: c.withdrawnAt ?? null,
    })),
    objections: (facts.objections ?? []).map((o) => ({ channel: o.channel, at: o.at })),
    notice: { due: verdict.source.art14NoticeRequired && noticeSentAt == null, sentAt: noticeSentAt },
    evaluatedAt: verdict.evaluatedAt,
    rulesVersion: verdict.rulesVersion,
    freshness,
  };
}
