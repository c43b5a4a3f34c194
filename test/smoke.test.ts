import { describe, expect, it } from 'vitest';
import { scrubPersonalData } from '../src/log.ts';

describe('log scrubbing', () => {
  it('masks emails and phone numbers in free text', () => {
    expect(scrubPersonalData('mail jane.doe@acme.fr or call +33 6 12 34 56 78')).toBe('mail [email] or call [phone]');
  });
});
