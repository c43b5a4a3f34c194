// The shape of a rule pack. A pack is plain data: the generic evaluator (../evaluate.ts) reads it and
// never names a country. Adding a country or a law = adding a pack file + tests.
import type { Basis, Channel, Reason } from '../types.ts';

/**
 * Named facts about a contact, computed once per evaluation. Conditions combine them.
 * - `b2c` holds for `b2c` AND `unknown` audiences (unknown is judged as B2C).
 * - `relevant`: the offer relates to the person's profession (explicit flag, else a target-role match).
 * - `customer_soft_opt_in`: a past purchase and an offer similar to it (soft opt-in conditions).
 * - `sector_energy`: the offer's sector (settings or contact) is energy renovation or renewable-energy installation.
 * - `sector_home_adaptation`: the sector is home adaptation for age or disability (French ban from 2025-07-02).
 * - `sector_possible_ban`: a free-text sector that might be a banned one (keywords too vague to decide).
 * - `source_scraped`: the data was scraped from the web, by hand or by a tool that reads profiles.
 * - `source_unproven_third_party`: bought/rented/broker/partner data without provider proof of consent.
 * - `source_first_party`: the contact point was collected by the user from the person (or is the user's own CRM
 *   data, `import`): the provenance soft opt-in requires.
 * - `sole_trader`: flagged as a sole trader or a partnership without legal personality.
 * - `individual_subscriber`: a professional who is an individual subscriber (UK PECR): a sole trader, or a
 *   professional reached at a free-mail or disposable address.
 */
export const PREDICATES = [
  'always', 'b2c', 'b2b_nominative', 'b2b_generic', 'audience_unknown', 'relevant', 'relevance_unknown',
  'customer_soft_opt_in', 'contract_active', 'purpose_commercial', 'purpose_charity', 'purpose_political',
  'sector_energy', 'sector_home_adaptation', 'sector_possible_ban', 'source_scraped', 'source_unproven_third_party',
  'source_first_party', 'sole_trader', 'individual_subscriber',
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

/**
 * A condition that does not decide a channel but makes the record `at_risk` with its reason (e.g. a free-text
 * sector that might be banned). Carries its own validity like a prohibition.
 */
export interface WarningRule extends Reason {
  when: Condition;
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
  /** Inclusive `YYYY-MM-DD` from which the text applies (pack zone); null = open. */
  validFrom: string | null;
  /** Whom the caps protect (consumers) and which channels they block in the verdict (blocker `call_limit`). */
  limitWhen: Condition;
  limitChannels: readonly Channel[];
  /** Reasons of a `call_limit` verdict: too many attempts in 30 days, or a refusal less than the pause ago. */
  attemptsReason: Reason;
  refusalReason: Reason;
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
  /**
   * Territories judged by this pack with their own local time (jurisdiction code -> IANA zone), e.g. French
   * overseas regions. Each is also listed in `jurisdictions`; a record without a country whose phone number
   * belongs to one is judged there.
   */
  territories?: Readonly<Record<string, string>>;
  /** Consents for these channels are valid at most this many days (e.g. French phone consent: 1 year). */
  consentMaxAgeDays: Partial<Record<Channel, { days: number; reason: Reason }>>;
  prohibitions: readonly ProhibitionRule[];
  /** Record-level warnings (status `at_risk`, reason in `reasons` and `warnings`). */
  warnings?: readonly WarningRule[];
  channels: Record<Channel, readonly ChannelRule[]>;
  calling: CallingRules | null;
  /** Readings encoded conservatively because the source is uncertain (listed in docs/RULES.md). */
  uncertain: readonly string[];
}
