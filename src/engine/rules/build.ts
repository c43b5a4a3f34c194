// Tiny constructors that keep pack files readable. They return plain objects; packs stay data.
import type { Channel } from '../types.ts';
import type { ChannelRule, Condition, ProhibitionRule, RuleOutcome } from './types.ts';

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
