// parseContactFacts tries a strict, fast zod schema first and falls back to the lenient ContactFactsSchema.
// Whatever the input, the answer must be the lenient schema's answer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ContactFactsSchema, parseContactFacts } from '../../src/engine/index.ts';
import { contactFacts } from './arbitraries.ts';

const messyValue = fc.oneof(
  fc.constantFrom('', '  ', 'true', 'FALSE', 'yes', 'no', '1', '0', 'maybe', 'Email', 'EMAIL', ' web_form ', 'Charity',
    '2025-03-10', ' 2025-03-10 ', '2025-02-30', '2025-03-10T10:00:00Z', '10/03/2025', '42', '-1'),
  fc.constantFrom(null, undefined, true, false, 0, 3, -2, 1.5, [], {}),
);

const messyKeys = ['id', 'email', 'phone', 'country', 'company', 'jobTitle', 'isProfessional', 'offerRelatedToProfession', 'purpose',
  'sector', 'lastProspectContactAt', 'lastEmailOpenAt', 'callsLast30Days', 'lastCallRefusalAt', 'timeZone', 'unknownField'] as const;

const messyFacts = fc.tuple(contactFacts, fc.dictionary(fc.constantFrom(...messyKeys), messyValue, { maxKeys: 3 }),
  fc.option(fc.record({ kind: messyValue, collectedAt: messyValue, proofOfConsentFromProvider: messyValue }), { nil: undefined }),
  fc.option(fc.record({ channel: messyValue, givenAt: messyValue, method: messyValue }), { nil: undefined }),
).map(([facts, overrides, source, consent]) => {
  const out: Record<string, unknown> = { ...JSON.parse(JSON.stringify(facts)) as Record<string, unknown>, ...overrides };
  if (source !== undefined) out.source = source;
  if (consent !== undefined) out.consents = [consent];
  return out;
});

describe('parseContactFacts fast path', () => {
  it('answers exactly like the lenient schema, success or error', () => {
    fc.assert(fc.property(fc.oneof(contactFacts.map((f) => JSON.parse(JSON.stringify(f)) as unknown), messyFacts), (input) => {
      const lenient = ContactFactsSchema.safeParse(input);
      const got = parseContactFacts(input);
      if (lenient.success) expect(got).toEqual({ ok: true, facts: lenient.data });
      else expect(got.ok).toBe(false);
    }), { numRuns: 1500 });
  });
});
