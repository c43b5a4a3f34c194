// The compliance engine's public API. Pure: nothing here reaches HTTP, HubSpot, queues, storage or the clock.
export * from './types.ts';
export { evaluateContact, normaliseCountry, isBannedSector, mightBeBannedSector, controllerKey, type EvaluateOptions } from './evaluate.ts';
export { SECTORS, SECTOR_IDS, type Sector } from './rules/sectors.ts';
export { ContactFactsSchema, parseContactFacts, type ParseResult } from './facts.ts';
export { normalisePhone, type NormalisedPhone } from './phone.ts';
export { mayCallNow, type MayCallNowInput, type MayCallNowResult } from './calling.ts';
export { classifyAudience, type AudienceSignal, type AudienceResult } from './audience.ts';
export { RULES_VERSION, RULE_PACKS, PREDICATES } from './rules/index.ts';
export type { RulePack, ChannelRule, ProhibitionRule, CallingRules, Condition, Predicate, RuleOutcome } from './rules/index.ts';
export { SUPPORTED_JURISDICTIONS, TERRITORY_ZONES } from './packs.ts';
