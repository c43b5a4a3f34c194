import { describe, expect, it } from 'vitest';
import { parseContactFacts } from '../../src/engine/index.ts';

function error(input: unknown): string {
  const r = parseContactFacts(input);
  if (r.ok) throw new Error('expected a parse error');
  return r.error;
}

describe('parseContactFacts', () => {
  it('needs only an id and strips unknown fields', () => {
    const r = parseContactFacts({ id: 'c-1', favouriteColour: 'blue' });
    expect(r).toEqual({ ok: true, facts: { id: 'c-1' } });
  });

  it('accepts a numeric id (CRM exports) as a string', () => {
    const r = parseContactFacts({ id: 12345 });
    expect(r.ok && r.facts.id).toBe('12345');
  });

  it('names the field when the id is missing or empty', () => {
    expect(error({ email: 'a@b.fr' })).toMatch(/^id: /);
    expect(error({ id: '   ' })).toBe('id: must not be empty');
  });

  it('names nested date fields and rejects impossible dates', () => {
    expect(parseContactFacts({ id: 'x', source: { kind: 'web_form', collectedAt: '2025-02-30' } }))
      .toEqual({ ok: false, id: 'x', error: 'source.collectedAt: invalid date' });
    expect(error({ id: 'x', lastProspectContactAt: '01/02/2025' })).toBe('lastProspectContactAt: invalid date');
    expect(error({ id: 'x', consents: [{ channel: 'email', givenAt: '2025-13-01', method: 'double_opt_in' }] }))
      .toBe('consents.0.givenAt: invalid date');
    expect(error({ id: 'x', objections: [{ channel: 'all' }] })).toBe('objections.0.at: invalid date');
  });

  it('accepts dates, date-times with zones and zone-less date-times', () => {
    const r = parseContactFacts({ id: 'x', lastProspectContactAt: '2025-09-01T10:00:00+02:00', lastEmailOpenAt: '2025-09-01 10:00',
      source: { kind: 'web_form', collectedAt: '2025-03-10' } });
    expect(r.ok).toBe(true);
  });

  it('checks enums and names the path', () => {
    expect(error({ id: 'x', consents: [{ channel: 'pigeon', givenAt: '2025-01-01', method: 'double_opt_in' }] }))
      .toMatch(/^consents\.0\.channel: expected one of email, sms/);
    expect(error({ id: 'x', source: { kind: 'telepathy' } })).toMatch(/^source\.kind: expected one of web_form/);
    expect(error({ id: 'x', purpose: 'lobbying' })).toMatch(/^purpose: /);
    expect(error({ id: 'x', consents: [{ channel: 'all', givenAt: '2025-01-01', method: 'double_opt_in' }] })).toMatch(/^consents\.0\.channel/);
  });

  it('reads CSV-style values: empty strings as absent, yes/no and true/false booleans, numeric strings', () => {
    const r = parseContactFacts({ id: 'x', email: '', isProfessional: 'false', offerRelatedToProfession: 'yes', callsLast30Days: '3',
      purpose: 'Charity', source: { kind: '', collectedAt: '' } });
    expect(r).toEqual({ ok: true, facts: { id: 'x', email: null, isProfessional: false, offerRelatedToProfession: true,
      callsLast30Days: 3, purpose: 'charity', source: { kind: 'unknown', collectedAt: null } } });
  });

  it('never reads a non-boolean word as true', () => {
    expect(error({ id: 'x', isProfessional: 'maybe' })).toBe('isProfessional: expected true or false');
  });

  it('rejects negative or fractional call counts', () => {
    expect(error({ id: 'x', callsLast30Days: -1 })).toMatch(/^callsLast30Days: /);
    expect(error({ id: 'x', callsLast30Days: 1.5 })).toMatch(/^callsLast30Days: /);
  });

  it('rejects input that is not an object', () => {
    expect(parseContactFacts('hello')).toEqual({ ok: false, id: null, error: 'contact: expected an object' });
    expect(parseContactFacts(null)).toEqual({ ok: false, id: null, error: 'contact: expected an object' });
    expect(parseContactFacts([1])).toEqual({ ok: false, id: null, error: 'contact: expected an object' });
  });
});

describe('parseContactFacts output shape', () => {
  it('gives every contact the same keys in the same order, whatever the input carried', () => {
    const a = parseContactFacts({ id: 'a' });
    const b = parseContactFacts({ lastEmailOpenAt: '2026-01-01', email: 'x@y.fr', id: 'b', source: { kind: 'web_form' } });
    const c = parseContactFacts({ id: 'c', isProfessional: 'yes', source: { collectedAt: '2026-01-01', kind: 'scraped' } });
    if (!a.ok || !b.ok || !c.ok) throw new Error('parse failed');
    expect(Object.keys(b.facts)).toEqual(Object.keys(a.facts));
    expect(Object.keys(c.facts)).toEqual(Object.keys(a.facts));
    expect(Object.keys(b.facts.source!)).toEqual(Object.keys(c.facts.source!));
    expect(JSON.parse(JSON.stringify(a.facts))).toEqual({ id: 'a' });
  });
});
