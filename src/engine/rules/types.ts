// The shape of a rule pack. A pack is plain data: the generic evaluator (../evaluate.ts) reads it and
// never names a country. Adding a country or a law = adding a pack file + tests.
import type { Basis, Channel, Reason } from '../types.ts';

/**
 * Named facts about a contact, computed once per evaluation. Conditions combine them.
 * - `b2c` holds for `b2c` AND `unknown` audiences (unknown is judged as B2C).
 * - `relevant`: the offer relates to the person's profession (explicit flag, else a target-role match).
 * - `customer_soft_opt_in`: a past purchase and an offer similar to it (soft opt-in conditions).
 * - `sector_energy`: the contact's sector is energy renovation or renewable-energy installation (French bans).
 * - `sector_home_adaptation`: the sector is home adaptation for age or disability (French ban from 2026-08-11).
 * - `source_scraped`: the data was scraped from the web.
 * - `source_unproven_third_party`: bought/rented/broker/partner/import data without provider proof of consent.
 */
export const PREDICATES = [
  'always', 'b2c', 'b2b_nominative', 'b2b_generic', 'audience_unknown', 'relevant', 'relevance_unknown',
  'customer_soft_opt_in', 'contract_active', 'purpose_commercial', 'purpose_charity', 'purpose_political',
  'sector_energy', 'sector_home_adaptation', 'source_scraped', 'source_unproven_third_party',
] as const;
export type Predicate = (typeof PREDICATES)[number];

/** A small declarative condition language in the spirit of json-rules-engine: all / any / not of predicates. */
export type Condition = Predicate | { all: Condition[] } | { any: Condition[] } | { not: Condition };

/**
 * What a matching channel rule decides: a basis on which the channel is allowed, `consent` (allowed only with
 * a valid consent for this channel; otherwise needs_consent / invalid_consent), or `forbid`.
 */
export type RuleOutcome = Exclude<Basis, 'consent'> | 'consent' | 'forbid';

/** One line of a pack: the first rule of a channel whose `when` holds decides. Carries its own reason. */
export interface ChannelRule extends Reason {
  when: Condition;
  then: RuleOutcome;
}

/** A prohibition that beats consent (e.g. the French sector ban). May carry its own validity dates. */
export interface ProhibitionRule extends Reason {
  when: Condition;
  channels: readonly Channel[] | 'all';
  /** Inclusive `YYYY-MM-DD` in the pack's time zone; null = open. */
  validFrom: string | null;
  validTo: string | null;
}

/** Statutory calling windows for human phone calls to consumers. */
export interface CallingRules extends Reason {
  /** 1 = Monday ... 7 = Sunday (ISO). */
  weekdays: readonly number[];
  /** Local minute-of-day windows, [start, end). */
  windows: readonly (readonly [number, number])[];
  noPublicHolidays: boolean;
  maxAttemptsPer30Days: number;
  pauseAfterRefusalDays: number;
}

export interface RulePack {
  /** Stable id written on verdicts, e.g. `fr-2026-08`. */
  id: string;
  title: string;
  /** ISO 3166-1 alpha-2 codes this pack judges; `*` marks the default (strictest) pack. */
  jurisdictions: readonly string[];
  /** Inclusive `YYYY-MM-DD` bounds in `timeZone`; null = open. */
  validFrom: string | null;
  validTo: string | null;
  /** Zone of the validity bounds, the calling slots and the default contact time zone. */
  timeZone: string;
  /** Consents for these channels are valid at most this many days (e.g. French phone consent: 1 year). */
  consentMaxAgeDays: Partial<Record<Channel, { days: number; reason: Reason }>>;
  prohibitions: readonly ProhibitionRule[];
  channels: Record<Channel, readonly ChannelRule[]>;
  calling: CallingRules | null;
  /** Readings encoded conservatively because the source is uncertain (listed in docs/RULES.md). */
  uncertain: readonly string[];
}
