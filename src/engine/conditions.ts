// Compiles rule-pack conditions into predicates over a bit mask of facts, once per pack at load time,
// so the hot path is integer tests only (no allocation, no lookup by name).
import { PREDICATES, type Condition, type Predicate } from './rules/types.ts';

export const PREDICATE_BIT: Readonly<Record<Predicate, number>> = Object.freeze(
  Object.fromEntries(PREDICATES.map((p, i) => [p, 2 ** i])) as Record<Predicate, number>,
);

export type CompiledCondition = (facts: number) => boolean;

export function compileCondition(c: Condition): CompiledCondition {
  if (typeof c === 'string') {
    const bit = PREDICATE_BIT[c];
    if (bit === undefined) throw new Error(`unknown predicate in rule pack: ${String(c)}`);
    return (f) => (f & bit) !== 0;
  }
  if ('all' in c) {
    // A conjunction of plain predicates collapses to one mask test.
    if (c.all.every((x) => typeof x === 'string')) {
      const mask = c.all.reduce((m, p) => m | PREDICATE_BIT[p as Predicate], 0);
      return (f) => (f & mask) === mask;
    }
    const parts = c.all.map(compileCondition);
    return (f) => parts.every((p) => p(f));
  }
  if ('any' in c) {
    if (c.any.every((x) => typeof x === 'string')) {
      const mask = c.any.reduce((m, p) => m | PREDICATE_BIT[p as Predicate], 0);
      return (f) => (f & mask) !== 0;
    }
    const parts = c.any.map(compileCondition);
    return (f) => parts.some((p) => p(f));
  }
  if ('not' in c) {
    const inner = compileCondition(c.not);
    return (f) => !inner(f);
  }
  throw new Error(`malformed condition in rule pack: ${JSON.stringify(c)}`);
}

/** Bits of every predicate a condition reads. */
export function conditionBits(c: Condition): number {
  if (typeof c === 'string') return PREDICATE_BIT[c] ?? 0;
  if ('all' in c) return c.all.reduce((m, x) => m | conditionBits(x), 0);
  if ('any' in c) return c.any.reduce((m, x) => m | conditionBits(x), 0);
  return conditionBits(c.not);
}
