import { describe, expect, it } from 'vitest';
import { scrubPersonalData } from '../src/log.ts';

describe('log scrubbing', () => {
  it('masks emails and phone numbers in free text', () => {
    expect(scrubPersonalData('mail jane.doe@acme.fr or call +33 6 12 34 56 78')).toBe('mail [email] or call [phone]');
  });

  it.each([
    '+33 6 12 34 56 78', '+33612345678', '0612345678', '06 12 34 56 78', '06.12.34.56.78', '06-12-34-56-78',
    '+44 20 7946 0958', '0044 20 7946 0958', '07700 900123', '020 7946 0958', '+1 (415) 555-2671', '030 1234567',
    '612 345 678', '345 678 9012', '%2B33612345678',
  ])('masks the phone number %s, wherever it stands', (phone) => {
    expect(scrubPersonalData(`x ${phone} y`)).toBe('x [phone] y');
    expect(scrubPersonalData(`GET /crm/v3/objects/contacts/${phone}?idProperty=phone`)).not.toMatch(/\d{6}/);
  });

  it('masks percent-encoded addresses in URLs', () => {
    expect(scrubPersonalData('GET /contacts/v1/contact/email/jane.doe%40acme.fr/profile failed'))
      .toBe('GET /contacts/v1/contact/email/[email]/profile failed');
  });

  it.each([
    ['portal 146000001 installed', 'a portal id'],
    ['connect ECONNREFUSED 127.0.0.1:6379', 'an IPv4 address and port'],
    ['client 10.20.30.40 refused', 'a private IPv4 address'],
    ['job backfill-604605933-1827762326025 done', 'a job id with a portal id and a timestamp'],
    ['at 2026-11-23T07:00:00Z (2026-11-23 07:00:00)', 'dates and times'],
    ['took 1827762326025 ms for 100000 contacts', 'timestamps and counts'],
    ['version 1.13.16 of 24.21.0', 'version numbers'],
  ])('keeps operational detail: %s (%s)', (text) => {
    expect(scrubPersonalData(text)).toBe(text);
  });
});
