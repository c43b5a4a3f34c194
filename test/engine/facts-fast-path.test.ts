// parseContactFacts reads canonical input with a hand-written fast path (readCanonicalFacts) and falls back to the
// lenient ContactFactsSchema for anything else. Whatever the input, the answer must be the lenient schema's answer.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ContactFactsSchema, parseContactFacts } from '../../src/engine/index.ts';
import { readCanonicalFacts } from '../../src/engine/facts.ts';
import { contactFacts } from './arbitraries.ts';

const messyValue = fc.oneof(
  fc.constantFrom('', '  ', 'true', 'FALSE', 'yes', 'no', '1', '0', 'maybe', 'Email', 'EMAIL', ' web_form ', 'Charity',
    '2025-03-10', ' 2025-03-10 ', '2025-02-30', '2025-03-10T10:00:00Z', '2025-03-10T10:00:00.123Z', '\t2025-03-10T10:00:00.123Z',
    '2025-03-10T10:00:00.123z', '10/03/2025', '42', '-1', ' x ', 'é', 'email', 'all', 'web_form', 'double_opt_in', 'charity'),
  fc.constantFrom(null, undefined, true, false, 0, 3, -2, 1.5, 2 ** 53, Number.NaN, Infinity, [], {}, ['a'], [1], [null], [{}]),
);

const messyKeys = ['id', 'email', 'phone', 'country', 'company', 'jobTitle', 'isProfessional', 'soleTrader', 'offerRelatedToProfession', 'purpose',
  'sector', 'lastProspectContactAt', 'lastEmailOpenAt', 'callsLast30Days', 'lastCallRefusalAt', 'timeZone', 'unknownField',
  'source', 'consents', 'objections', 'customer'] as const;

const messyRecord = <K extends string>(keys: readonly K[]) => fc.dictionary(fc.constantFrom(...keys), messyValue, { maxKeys: 4 });
const messySource = messyRecord(['kind', 'collectedAt', 'detail', 'proofOfConsentFromProvider', 'noticeSentAt', 'other']);
const messyConsent = messyRecord(['channel', 'givenAt', 'method', 'withdrawnAt', 'expiresAt', 'controllers', 'partners', 'proofRef', 'other']);
const messyObjection = messyRecord(['channel', 'at', 'other']);
const messyCustomer = messyRecord(['lastPurchaseAt', 'contractActive', 'relationshipEndedAt', 'offerSimilarToPurchase', 'other']);

/** Applies messy overrides at any depth of an otherwise canonical contact. */
const messyFacts = fc.tuple(contactFacts, messyRecord(messyKeys),
  fc.option(messySource, { nil: undefined }), fc.option(messyConsent, { nil: undefined }),
  fc.option(messyObjection, { nil: undefined }), fc.option(messyCustomer, { nil: undefined }),
).map(([facts, overrides, source, consent, objection, customer]) => {
  const out: Record<string, unknown> = { ...JSON.parse(JSON.stringify(facts)) as Record<string, unknown>, ...overrides };
  if (source !== undefined) out.source = { ...(typeof out.source === 'object' ? out.source : {}), ...source };
  if (consent !== undefined) {
    const first = Array.isArray(out.consents) && typeof out.consents[0] === 'object' ? out.consents[0] as object : {};
    out.consents = [{ ...first, ...consent }, ...(Array.isArray(out.consents) ? out.consents.slice(1) : [])];
  }
  if (objection !== undefined) {
    const first = Array.isArray(out.objections) && typeof out.objections[0] === 'object' ? out.objections[0] as object : {};
    out.objections = [{ ...first, ...objection }];
  }
  if (customer !== undefined) out.customer = { ...(typeof out.customer === 'object' ? out.customer : {}), ...customer };
  return out;
});

/** Canonical values the contract allows beyond the arbitraries' own: the shapes the fast path reads itself. */
const canonicalExtras = fc.tuple(contactFacts, fc.record({
  timeZone: fc.constantFrom('Europe/Paris', null, ''),
  phone: fc.constantFrom('+33 6 12 34 56 78', ' 06 12 34 56 78', null, '   '),
  id: fc.constantFrom('c-1', 'é-2', 1234, 0),
  callsLast30Days: fc.constantFrom(0, 4, null),
  lastCallRefusalAt: fc.constantFrom('2026-10-01T08:00:00.000Z', '2026-10-01', null, ''),
  sector: fc.constantFrom('Logiciel', ' Conseil', null),
  purpose: fc.constantFrom('commercial', 'charity', null),
}, { requiredKeys: [] }), fc.record({
  kind: fc.constantFrom('web_form', null, undefined),
  detail: fc.constantFrom('VivaTech', '', null, 42),
  noticeSentAt: fc.constantFrom('2026-01-01T10:00:00.000Z', null),
}, { requiredKeys: [] }), fc.record({
  controllers: fc.constantFrom(['Acme SAS'], [], null, undefined),
  partners: fc.constantFrom(['Assur Plus'], [], null, undefined),
  proofRef: fc.constantFrom('form:v3', null, ''),
}, { requiredKeys: [] }), fc.constantFrom(null, undefined), fc.constantFrom(null, undefined))
  .map(([facts, top, source, consentExtra, consents, objections]) => {
    const out: Record<string, unknown> = { ...JSON.parse(JSON.stringify(facts)) as Record<string, unknown>, ...top };
    if (out.source !== undefined) out.source = { ...(out.source as object), ...source };
    if (Array.isArray(out.consents) && out.consents.length > 0) out.consents[0] = { ...(out.consents[0] as object), ...consentExtra };
    else if (consents !== undefined) out.consents = consents;
    if (!Array.isArray(out.objections) || out.objections.length === 0) out.objections = objections;
    return out;
  });

const CANONICAL_KEYS = ['id', 'email', 'phone', 'country', 'timeZone', 'company', 'jobTitle', 'isProfessional', 'soleTrader',
  'offerRelatedToProfession', 'purpose', 'sector', 'source', 'consents', 'objections', 'customer', 'lastProspectContactAt',
  'lastEmailOpenAt', 'callsLast30Days', 'lastCallRefusalAt'];

function sameAsLenient(input: unknown): void {
  const lenient = ContactFactsSchema.safeParse(input);
  const got = parseContactFacts(input);
  if (lenient.success) {
    expect(got).toEqual({ ok: true, facts: lenient.data });
    if (got.ok) expect(Object.keys(got.facts)).toEqual(CANONICAL_KEYS);
  } else {
    expect(got.ok).toBe(false);
  }
  // Whenever the fast path answers, it answers like the lenient schema.
  const fast = readCanonicalFacts(input);
  if (fast !== null) {
    expect(lenient.success).toBe(true);
    expect(fast).toEqual(lenient.data);
  }
}

describe('parseContactFacts fast path', () => {
  it('answers exactly like the lenient schema, success or error', () => {
    fc.assert(fc.property(fc.oneof(contactFacts.map((f) => JSON.parse(JSON.stringify(f)) as unknown), messyFacts, canonicalExtras),
      sameAsLenient), { numRuns: 2500 });
  });

  it('answers like the lenient schema for every tricky value in every field, one field at a time', () => {
    const base = {
      id: 'c-1', email: 'jane@acme.fr', phone: '06 12 34 56 78', country: 'FR', timeZone: 'Europe/Paris', company: 'Acme',
      jobTitle: 'CTO', isProfessional: true, soleTrader: false, offerRelatedToProfession: false, purpose: 'commercial', sector: 'Logiciel',
      source: { kind: 'partner_transfer', collectedAt: '2025-03-10', detail: 'salon', proofOfConsentFromProvider: true, noticeSentAt: null },
      consents: [{ channel: 'email', givenAt: '2025-03-10T10:00:00.000Z', method: 'double_opt_in', withdrawnAt: null, expiresAt: null,
        controllers: ['Acme SAS'], partners: ['Acme'], proofRef: 'form:v3' }],
      objections: [{ channel: 'phone', at: '2025-06-01' }],
      customer: { lastPurchaseAt: '2025-01-01', contractActive: false, relationshipEndedAt: null, offerSimilarToPurchase: true },
      lastProspectContactAt: '2025-09-01', lastEmailOpenAt: '2026-10-01', callsLast30Days: 1, lastCallRefusalAt: null,
    };
    const paths = [...Object.keys(base).map((k) => [k]),
      ...Object.keys(base.source).map((k) => ['source', k]), ...Object.keys(base.consents[0]!).map((k) => ['consents', '0', k]),
      ['consents', '0', 'partners', '0'], ['consents', '0', 'controllers', '0'], ['consents', '0'], ['objections', '0'],
      ...Object.keys(base.objections[0]!).map((k) => ['objections', '0', k]), ...Object.keys(base.customer).map((k) => ['customer', k])];
    const tricky = ['', '  ', 'true', 'FALSE', 'yes', 'no', '1', '0', 'maybe', 'Email',
      'EMAIL', ' email', 'email', 'all', 'ALL', ' web_form ', 'web_form', 'Charity', 'charity', 'Double_Opt_In', 'double_opt_in',
      '2025-03-10', ' 2025-03-10 ', '2025-02-30', '2025-03-10T10:00:00Z', '2025-03-10T10:00:00.123Z', ' 2025-03-10T10:00:00.123Z',
      '2025-03-10t10:00:00.123z', '2025-03-10T10:00:00.123+01:00', '10/03/2025', '42', ' 42 ', '-1', ' x ', 'é', '\u00a0',
      null, undefined, true, false, 0, -0, 3, -2, 1.5, 2 ** 53, Number.NaN, Infinity, [], {}, ['a'], [1], [null], [{}], new Date(0)];
    for (const path of paths) {
      for (const value of tricky) {
        const input = structuredClone(base) as Record<string, unknown>;
        let target: Record<string, unknown> = input;
        for (const step of path.slice(0, -1)) target = target[step] as Record<string, unknown>;
        target[path.at(-1)!] = value;
        sameAsLenient(input);
      }
    }
  });

  it('reads every canonical contact itself (no detour through zod)', () => {
    fc.assert(fc.property(fc.oneof(contactFacts.map((f) => JSON.parse(JSON.stringify(f)) as unknown), canonicalExtras), (input) => {
      expect(readCanonicalFacts(input)).not.toBeNull();
    }), { numRuns: 1000 });
  });

  it('reads every line of the committed generated sample itself', () => {
    const lines = readFileSync(new URL('../../samples/contacts-sample.jsonl', import.meta.url), 'utf8').split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(100);
    for (const line of lines) {
      const input: unknown = JSON.parse(line);
      expect(readCanonicalFacts(input), line).not.toBeNull();
      sameAsLenient(input);
    }
  });

  it('leaves objects it cannot read with for...in to the lenient schema', () => {
    class Contact { id = 'c-1'; email = 'a@b.fr'; }
    const hidden = Object.defineProperty({ id: 'c-2' }, 'email', { value: 'hidden@b.fr', enumerable: false });
    for (const input of [new Contact(), hidden, Object.assign(Object.create({ phone: '0612345678' }) as object, { id: 'c-3' })]) {
      expect(readCanonicalFacts(input)).toBeNull();
      sameAsLenient(input);
    }
    // A null-prototype object is still a plain record.
    expect(readCanonicalFacts(Object.assign(Object.create(null) as object, { id: 'c-4', email: 'x@y.fr' })))
      .toMatchObject({ id: 'c-4', email: 'x@y.fr' });
  });
});
