// Tiny constructors that keep pack files readable. They return plain objects; packs stay data.
import type { Channel } from '../types.ts';
import type { ChannelRule, Condition, ProhibitionRule, RuleOutcome, WarningRule } from './types.ts';

export function rule(
  id: string, when: Condition, then: RuleOutcome, citation: string, text: string, textFr: string,
): ChannelRule {
  return { rule: id, when, then, citation, text, textFr };
}

export function prohibition(
  id: string, when: Condition, channels: readonly Channel[] | 'all', validity: { from: string | null; to: string | null },
  citation: string, text: string, textFr: string,
): ProhibitionRule {
  return { rule: id, when, channels, validFrom: validity.from, validTo: validity.to, citation, text, textFr };
}

export function warning(
  id: string, when: Condition, validity: { from: string | null; to: string | null }, citation: string, text: string,
  textFr: string,
): WarningRule {
  return { rule: id, when, validFrom: validity.from, validTo: validity.to, citation, text, textFr };
}

/**
 * Soft opt-in (CPCE L.34-5 al. 4, PECR reg. 22(3), UWG §7(3), LSSI art. 21.2, AR 4 avril 2003, Codice art. 130(4)):
 * a purchase, an offer similar to it, and contact details obtained from the person themselves.
 */
export const SOFT_OPT_IN: Condition = { all: ['customer_soft_opt_in', 'source_first_party'] };
