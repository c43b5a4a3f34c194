import { describe, expect, it } from 'vitest';
import { classifyAudience, normalisePhone } from '../../src/engine/index.ts';

describe('classifyAudience', () => {
  const cases: [string, Parameters<typeof classifyAudience>[0], string, string][] = [
    ['free mail', { id: '1', email: 'Paul.Martin@GMAIL.com' }, 'b2c', 'free_mail'],
    ['French ISP mail', { id: '2', email: 'x@laposte.net', company: 'Acme' }, 'b2c', 'free_mail'],
    ['free-mail subdomain', { id: '3', email: 'x@mail.orange.fr' }, 'b2c', 'free_mail'],
    ['disposable', { id: '4', email: 'x@yopmail.com' }, 'b2c', 'disposable_domain'],
    ['role address', { id: '5', email: 'contact@acme.fr' }, 'b2b_generic', 'generic_local_part'],
    ['role address with a tag', { id: '6', email: 'sales+fr@acme.fr' }, 'b2b_generic', 'generic_local_part'],
    ['role local part on free mail is a person', { id: '7', email: 'contact@gmail.com' }, 'b2c', 'free_mail'],
    ['company domain and title', { id: '8', email: 'jane@acme.fr', jobTitle: 'CTO' }, 'b2b_nominative', 'company_domain'],
    ['company domain alone', { id: '9', email: 'jane@acme.fr' }, 'unknown', 'insufficient_signal'],
    ['no email', { id: '10', company: 'Acme' }, 'unknown', 'no_email'],
    ['malformed email', { id: '10b', email: 'jane.acme.fr', company: 'Acme' }, 'unknown', 'invalid_email'],
    ['email without a dotted domain', { id: '10c', email: 'jane@localhost', jobTitle: 'CTO' }, 'unknown', 'invalid_email'],
    ['flag true', { id: '11', email: 'x@gmail.com', isProfessional: true }, 'b2b_nominative', 'flag'],
    ['flag false', { id: '12', email: 'jane@acme.fr', company: 'Acme', isProfessional: false }, 'b2c', 'flag'],
  ];
  for (const [name, facts, audience, signal] of cases) {
    it(name, () => expect(classifyAudience(facts)).toEqual({ audience, signal }));
  }
});

describe('normalisePhone', () => {
  it('reads a French national number as E.164 with its type', () => {
    expect(normalisePhone('06 12 34 56 78', 'FR')).toEqual({ input: '06 12 34 56 78', e164: '+33612345678', valid: true, country: 'FR', type: 'MOBILE' });
    expect(normalisePhone('+33 (0)1 23 45 67 89', 'FR')).toMatchObject({ e164: '+33123456789', valid: true, type: 'FIXED_LINE' });
  });

  it('keeps a foreign international number', () => {
    expect(normalisePhone('+44 20 7946 0018', 'FR')).toMatchObject({ e164: '+442079460018', valid: true, country: 'GB' });
  });

  it('reports invalid numbers without guessing', () => {
    for (const raw of ['06 12', '12345678901234567', 'call me', '', '+33 0 00 00 00 00']) {
      expect(normalisePhone(raw, 'FR')).toEqual({ input: raw, e164: null, valid: false, country: null, type: null });
    }
  });

  it('does not guess a national number without a usable default country', () => {
    expect(normalisePhone('06 12 34 56 78', 'XX')).toMatchObject({ e164: null, valid: false });
    expect(normalisePhone('+33 6 12 34 56 78', 'XX')).toMatchObject({ e164: '+33612345678', valid: true });
  });

  it('reads national formats per default country', () => {
    expect(normalisePhone('030 901820', 'DE')).toMatchObject({ e164: '+4930901820', valid: true });
  });
});
