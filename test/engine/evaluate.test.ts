import { describe, expect, it } from 'vitest';
import { compileCondition, PREDICATE_BIT } from '../../src/engine/conditions.ts';
import {
  DEFAULT_SETTINGS, evaluateContact, isBannedSector, RULES_VERSION, type ContactFacts, type PortalSettings,
} from '../../src/engine/index.ts';

const at = new Date('2026-11-23T10:00:00Z');
const facts: ContactFacts = { id: 'c-1', email: 'paul@gmail.com', country: 'FR', source: { kind: 'web_form', collectedAt: '2026-01-01' } };

describe('evaluateContact', () => {
  it('stamps the rules version, the pack and the instant', () => {
    const v = evaluateContact(facts, { at });
    expect(v).toMatchObject({ id: 'c-1', rulesVersion: RULES_VERSION, rulePack: 'fr-2026-08', evaluatedAt: '2026-11-23T10:00:00.000Z' });
  });

  it('rejects an invalid instant instead of guessing one', () => {
    expect(() => evaluateContact(facts, { at: new Date('not a date') })).toThrow(RangeError);
  });

  it('returns channel verdicts that cannot be altered by a caller (they are shared)', () => {
    const v = evaluateContact(facts, { at });
    expect(() => { (v.channels.email as { allowed: boolean }).allowed = true; }).toThrow(TypeError);
    expect(evaluateContact(facts, { at }).channels.email.allowed).toBe(false);
  });

  it('serialises to the audit contract shape', () => {
    const json = JSON.parse(JSON.stringify(evaluateContact({ ...facts, phone: '06 12 34 56 78' }, { at }))) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['id', 'audience', 'jurisdiction', 'rulePack', 'status', 'channels', 'source', 'retention', 'reasons', 'phone']));
  });

  it('judges an unreadable objection date as an objection (fail safe)', () => {
    const v = evaluateContact({ ...facts, objections: [{ channel: 'postal', at: 'garbage' }] }, { at });
    expect(v.channels.postal).toMatchObject({ allowed: false, blocker: 'objected' });
  });
});

describe('condition language', () => {
  const mask = (...names: (keyof typeof PREDICATE_BIT)[]) => names.reduce((m, n) => m | PREDICATE_BIT[n], 0);
  it('evaluates all / any / not over named predicates', () => {
    const c = compileCondition({ all: ['b2b_nominative', { any: ['relevant', 'customer_soft_opt_in'] }, { not: 'purpose_political' }] });
    expect(c(mask('b2b_nominative', 'relevant'))).toBe(true);
    expect(c(mask('b2b_nominative', 'customer_soft_opt_in'))).toBe(true);
    expect(c(mask('b2b_nominative'))).toBe(false);
    expect(c(mask('b2b_nominative', 'relevant', 'purpose_political'))).toBe(false);
    expect(compileCondition({ any: ['b2c', 'b2b_generic'] })(mask('b2b_generic'))).toBe(true);
    expect(compileCondition({ all: ['b2c', 'relevant'] })(mask('b2c'))).toBe(false);
  });

  it('refuses an unknown predicate when a pack is compiled', () => {
    expect(() => compileCondition('is_vip' as never)).toThrow(/unknown predicate/);
  });
});

describe('settings and sectors', () => {
  it('falls back to default retention when stored settings lack it', () => {
    const partial = { defaultJurisdiction: 'FR', targetRoles: ['cto'] } as unknown as PortalSettings;
    const v = evaluateContact({ ...facts, source: { kind: 'web_form', collectedAt: '2024-01-15' } }, { at, settings: partial });
    expect(v.retention).toMatchObject({ expiresAt: '2027-01-15', state: 'expiring_soon' });
  });

  it('honours a longer customer period from settings', () => {
    const settings: PortalSettings = { ...DEFAULT_SETTINGS, retention: { prospectYears: 3, customerYears: 5, warningDays: 90 } };
    const v = evaluateContact({ ...facts, source: { kind: 'existing_customer', collectedAt: '2019-05-01' }, customer: { relationshipEndedAt: '2022-01-01' } }, { at, settings });
    expect(v.retention).toMatchObject({ anchor: 'relationship_end', expiresAt: '2027-01-01' });
  });

  it('recognises the L.223-8 sectors in French and English, ignoring case and accents', () => {
    for (const s of ['Rénovation ÉNERGÉTIQUE', 'pose de pompes à chaleur', 'Installation photovoltaïque', 'home adaptation for seniors',
      'Monte-escalier', 'renewable energy', 'energy_renovation']) expect(isBannedSector(s), s).toBe(true);
    for (const s of ['Crème solaire', 'Logiciel de paie', 'Energy drinks', 'Renovation de cuisine']) expect(isBannedSector(s), s).toBe(false);
  });
});
