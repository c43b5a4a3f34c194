// Rule packs compiled once at load: conditions to mask tests, validity dates to instants, and every
// static channel verdict built ahead so the evaluator mostly hands out shared, frozen objects.
import { compileCondition, conditionBits, type CompiledCondition } from './conditions.ts';
import { localDayStartMs, DAY_MS } from './dates.ts';
import { REASONS } from './rules/common.ts';
import { RULE_PACKS } from './rules/index.ts';
import type { RuleOutcome, RulePack } from './rules/types.ts';
import { CHANNELS, type Channel, type ChannelVerdict, type Reason } from './types.ts';

export const CHANNEL_INDEX: Readonly<Record<Channel, number>> = Object.freeze(
  Object.fromEntries(CHANNELS.map((c, i) => [c, i])) as Record<Channel, number>,
);

/** Variant of a static verdict: 0 plain, 1 no contact point for the channel, 2 invalid number / address. */
export const VARIANT_PLAIN = 0, VARIANT_MISSING = 1, VARIANT_INVALID = 2;
const PHONE_CHANNELS = new Set<Channel>(['sms', 'automated_call', 'fax', 'phone']);

function variantReason(channel: Channel, variant: number): Reason | null {
  if (variant === VARIANT_MISSING) {
    if (channel === 'email') return REASONS.noEmail;
    if (PHONE_CHANNELS.has(channel)) return REASONS.noPhone;
  }
  if (variant === VARIANT_INVALID) {
    if (channel === 'email') return REASONS.invalidEmail;
    if (PHONE_CHANNELS.has(channel)) return REASONS.invalidPhone;
  }
  return null;
}

function freezeVerdict(v: ChannelVerdict): ChannelVerdict {
  Object.freeze(v.reasons);
  return Object.freeze(v);
}

/** Builds [plain, missing, invalid-phone] variants of one outcome on one channel. */
function variants(channel: Channel, base: Omit<ChannelVerdict, 'reasons'>, reasons: readonly Reason[]): ChannelVerdict[] {
  return [VARIANT_PLAIN, VARIANT_MISSING, VARIANT_INVALID].map((variant) => {
    const extra = variantReason(channel, variant);
    return freezeVerdict({ ...base, reasons: extra === null ? [...reasons] : [...reasons, extra] });
  });
}

function outcomeVerdict(outcome: RuleOutcome): Omit<ChannelVerdict, 'reasons'> {
  if (outcome === 'consent') return { allowed: false, blocker: 'needs_consent' };
  if (outcome === 'forbid') return { allowed: false, blocker: 'forbidden' };
  return { allowed: true, basis: outcome };
}

function toReason(r: Reason): Reason {
  return Object.freeze({ rule: r.rule, text: r.text, textFr: r.textFr, citation: r.citation });
}

export interface CompiledRule {
  reason: Reason;
  test: CompiledCondition;
  then: RuleOutcome;
  verdicts: ChannelVerdict[];
}

export interface CompiledProhibition {
  test: CompiledCondition;
  channelMask: number;
  fromMs: number;
  toMs: number;
  verdict: ChannelVerdict;
}

export interface CompiledWarning {
  test: CompiledCondition;
  fromMs: number;
  toMs: number;
  reason: Reason;
}

/** Call caps of a pack, ready for the evaluator (D.223-9). */
export interface CompiledCalling {
  fromMs: number;
  test: CompiledCondition;
  channels: readonly Channel[];
  maxAttempts: number;
  pauseMs: number;
  attemptsReason: Reason;
  refusalReason: Reason;
}

export interface CompiledPack {
  pack: RulePack;
  /** Bits of every predicate the pack's conditions read: a costly fact no condition reads is not computed. */
  uses: number;
  fromMs: number;
  toMs: number;
  /** Indexed by CHANNEL_INDEX. */
  rules: CompiledRule[][];
  prohibitions: CompiledProhibition[];
  warnings: CompiledWarning[];
  calling: CompiledCalling | null;
  /** Max consent age per channel in ms (Infinity = no limit), and its reason. */
  consentMaxAgeMs: number[];
  consentMaxAgeReason: (Reason | null)[];
  /** Fallback when no rule of a channel matches (a pack gap): consent needed. */
  fallback: ChannelVerdict[][];
}

const NO_RULE: Reason = Object.freeze({
  rule: 'engine.no_rule', citation: 'Prospect Guard (fail safe)',
  text: 'No rule of the pack covers this case: consent is required (fail safe).',
  textFr: 'Aucune règle du jeu ne couvre ce cas : le consentement est requis (par sécurité).',
});

function bounds(pack: { validFrom: string | null; validTo: string | null }, timeZone: string): [number, number] {
  const from = pack.validFrom === null ? -Infinity : localDayStartMs(pack.validFrom, timeZone);
  const to = pack.validTo === null ? Infinity : localDayStartMs(pack.validTo, timeZone) + DAY_MS;
  // validTo is inclusive: the pack applies until the end of that local day. (+1 day is exact except across a
  // DST change on that very day, which none of the bounds are.)
  return [from, to];
}

export function compilePack(pack: RulePack): CompiledPack {
  const [fromMs, toMs] = bounds(pack, pack.timeZone);
  const rules = CHANNELS.map((channel) => pack.channels[channel].map((r): CompiledRule => {
    const reason = toReason(r);
    return { reason, test: compileCondition(r.when), then: r.then, verdicts: variants(channel, outcomeVerdict(r.then), [reason]) };
  }));
  const prohibitions = pack.prohibitions.map((p): CompiledProhibition => {
    const [pFrom, pTo] = bounds(p, pack.timeZone);
    const list = p.channels === 'all' ? CHANNELS : p.channels;
    const reason = toReason(p);
    return {
      test: compileCondition(p.when),
      channelMask: list.reduce((m, c) => m | (1 << CHANNEL_INDEX[c]), 0),
      fromMs: pFrom, toMs: pTo,
      verdict: freezeVerdict({ allowed: false, blocker: 'forbidden', reasons: [reason] }),
    };
  });
  const consentMaxAgeMs = CHANNELS.map((c) => {
    const limit = pack.consentMaxAgeDays[c];
    return limit === undefined ? Infinity : limit.days * DAY_MS;
  });
  const consentMaxAgeReason = CHANNELS.map((c) => {
    const limit = pack.consentMaxAgeDays[c];
    return limit === undefined ? null : toReason(limit.reason);
  });
  const fallback = CHANNELS.map((channel) => variants(channel, { allowed: false, blocker: 'needs_consent' }, [NO_RULE]));
  const warnings = (pack.warnings ?? []).map((w): CompiledWarning => {
    const [wFrom, wTo] = bounds(w, pack.timeZone);
    return { test: compileCondition(w.when), fromMs: wFrom, toMs: wTo, reason: toReason(w) };
  });
  const c = pack.calling;
  const calling: CompiledCalling | null = c === null ? null : {
    fromMs: bounds({ validFrom: c.validFrom, validTo: null }, pack.timeZone)[0],
    test: compileCondition(c.limitWhen),
    channels: c.limitChannels,
    maxAttempts: c.maxAttemptsPer30Days,
    pauseMs: c.pauseAfterRefusalDays * DAY_MS,
    attemptsReason: toReason(c.attemptsReason),
    refusalReason: toReason(c.refusalReason),
  };
  const conditions = [...CHANNELS.flatMap((ch) => pack.channels[ch].map((r) => r.when)), ...pack.prohibitions.map((p) => p.when),
    ...(pack.warnings ?? []).map((w) => w.when), ...(c === null ? [] : [c.limitWhen])];
  const uses = conditions.reduce((m, when) => m | conditionBits(when), 0);
  return { pack, uses, fromMs, toMs, rules, prohibitions, warnings, calling, consentMaxAgeMs, consentMaxAgeReason, fallback };
}

const COMPILED = RULE_PACKS.map(compilePack);
const BY_JURISDICTION = new Map<string, CompiledPack[]>();
for (const c of COMPILED) {
  for (const j of c.pack.jurisdictions) {
    const list = BY_JURISDICTION.get(j) ?? [];
    list.push(c);
    BY_JURISDICTION.set(j, list);
  }
}

/** Territories with their own local time (e.g. French overseas regions), from every pack. */
export const TERRITORY_ZONES: ReadonlyMap<string, string> = new Map(
  RULE_PACKS.flatMap((p) => Object.entries(p.territories ?? {})),
);

/** Every country that has its own pack (not the `*` default, not the territories judged with a country). */
export const SUPPORTED_JURISDICTIONS: readonly string[] = [...BY_JURISDICTION.keys()].filter((j) => j !== '*' && !TERRITORY_ZONES.has(j));

function pick(list: CompiledPack[] | undefined, atMs: number): CompiledPack | null {
  if (list === undefined) return null;
  for (const c of list) if (atMs >= c.fromMs && atMs < c.toMs) return c;
  return null;
}

/** The pack for a jurisdiction at an instant; `strictest` is true when the default pack was used. */
export function selectPack(jurisdiction: string, atMs: number): { pack: CompiledPack; strictest: boolean } {
  const own = pick(BY_JURISDICTION.get(jurisdiction), atMs);
  if (own !== null) return { pack: own, strictest: false };
  const fallback = pick(BY_JURISDICTION.get('*'), atMs);
  if (fallback === null) throw new Error('rule set has no default (*) pack valid at this instant');
  return { pack: fallback, strictest: true };
}

/** Shared verdicts that do not depend on the pack. */
function channelShared(reason: Reason, blocker: ChannelVerdict['blocker']): ChannelVerdict {
  return freezeVerdict({ allowed: false, blocker, reasons: [reason] });
}
export const OBJECTED_ALL = channelShared(REASONS.objectionAll, 'objected');
export const OBJECTED_CHANNEL = channelShared(REASONS.objectionChannel, 'objected');
export const CONSENT_WITHDRAWN = channelShared(REASONS.consentWithdrawn, 'objected');
export const RETENTION_EXPIRED = channelShared(REASONS.retentionExpired, 'retention_expired');
export const CONSENT_VALID: ChannelVerdict[][] = CHANNELS.map((channel) =>
  variants(channel, { allowed: true, basis: 'consent' }, [REASONS.consentValid]));
