// The card and settings words: both languages complete, with the same placeholders, and the locale choice.
import { describe, expect, it } from 'vitest';
import { datePartsToIso, isoToDateParts } from '../../ui-extensions/src/app/cards/utils/date-input.ts';
import { MESSAGES, formatDate, langFromLocale, translate, type MessageKey } from '../../ui-extensions/src/app/shared/i18n.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('i18n table', () => {
  it('has every key in French, non-empty, with the same placeholders as in English', () => {
    for (const key of Object.keys(MESSAGES.en) as MessageKey[]) {
      expect(MESSAGES.fr[key].trim(), key).not.toBe('');
      expect(placeholders(MESSAGES.fr[key]), key).toEqual(placeholders(MESSAGES.en[key]));
    }
  });

  it('picks French for any fr locale and English otherwise', () => {
    expect(langFromLocale('fr')).toBe('fr');
    expect(langFromLocale('fr-ca')).toBe('fr');
    expect(langFromLocale('FR-fr')).toBe('fr');
    expect(langFromLocale('en-us')).toBe('en');
    expect(langFromLocale('de')).toBe('en');
    expect(langFromLocale(undefined)).toBe('en');
  });

  it('fills placeholders and formats dates per language', () => {
    expect(translate('fr', 'card.daysLeft', { n: 12 })).toBe('encore 12 jours');
    expect(translate('en', 'card.daysLeft', { n: 12 })).toBe('12 days left');
    expect(formatDate('fr', '2026-11-23T08:00:00Z')).toBe('23/11/2026');
    expect(formatDate('en', '2026-11-23')).toBe('2026-11-23');
    expect(formatDate('en', null)).toBe('—');
  });
});

describe('consent date input', () => {
  it('converts between YYYY-MM-DD and DateInput parts (0-based month) both ways', () => {
    expect(isoToDateParts('2026-01-05')).toEqual({ year: 2026, month: 0, date: 5 });
    expect(datePartsToIso({ year: 2026, month: 11, date: 31 })).toBe('2026-12-31');
    expect(datePartsToIso(isoToDateParts('2025-06-13'))).toBe('2025-06-13');
    expect(isoToDateParts('13/06/2025')).toBeUndefined();
    expect(datePartsToIso(null)).toBe('');
  });
});
