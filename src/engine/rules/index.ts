// The rule set: every pack the evaluator may pick. RULES_VERSION changes whenever a pack changes
// (test/engine/rules-version.test.ts fails on a pack edit without a version bump).
import { BELGIUM } from './belgium.ts';
import { FRANCE_2026_08, FRANCE_BLOCTEL } from './france.ts';
import { GERMANY } from './germany.ts';
import { ITALY } from './italy.ts';
import { SPAIN } from './spain.ts';
import { STRICTEST } from './strictest.ts';
import type { RulePack } from './types.ts';
import { UNITED_KINGDOM } from './united-kingdom.ts';

export const RULES_VERSION = '2026.12.1';

export const RULE_PACKS: readonly RulePack[] = [
  FRANCE_BLOCTEL, FRANCE_2026_08, GERMANY, UNITED_KINGDOM, BELGIUM, SPAIN, ITALY, STRICTEST,
];

export type { RulePack, ChannelRule, ProhibitionRule, CallingRules, Condition, Predicate, RuleOutcome } from './types.ts';
export { PREDICATES } from './types.ts';
