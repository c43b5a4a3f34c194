import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addYearsUtc, isoDay, localDayStartMs, toEpochMs } from '../../src/engine/dates.ts';

describe('engine dates', () => {
  it('reads dates and date-times as UTC unless a zone is given', () => {
    expect(toEpochMs('2026-08-11')).toBe(Date.UTC(2026, 7, 11));
    expect(toEpochMs('2026-08-11T10:00')).toBe(Date.UTC(2026, 7, 11, 10));
    expect(toEpochMs('2026-08-11T10:00:05.250Z')).toBe(Date.UTC(2026, 7, 11, 10, 0, 5, 250));
    expect(toEpochMs('2026-08-11T10:00:00+02:00')).toBe(Date.UTC(2026, 7, 11, 8));
    expect(toEpochMs('2026-08-11T10:00:00-0530')).toBe(Date.UTC(2026, 7, 11, 15, 30));
  });

  it('rejects what is not a real ISO date', () => {
    for (const s of ['2026-02-29', '2026-13-01', '2026-1-01', '11/08/2026', '2026-08-11T25:00', 'tomorrow', '', '2026-08-11T10:00+25:00']) {
      expect(Number.isNaN(toEpochMs(s)), s).toBe(true);
    }
    expect(toEpochMs('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
  });

  it('reads Date#toISOString output (its own fast path) exactly like the general form', () => {
    fc.assert(fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) }), (ms) => {
      const iso = new Date(ms).toISOString();
      expect(toEpochMs(iso)).toBe(ms);
      expect(toEpochMs(`${iso.slice(0, -1)}+00:00`)).toBe(ms);
      expect(toEpochMs(iso.toLowerCase())).toBe(ms);
    }), { numRuns: 2000 });
    for (const s of ['2026-02-29T10:00:00.000Z', '2026-08-11T24:00:00.000Z', '2026-08-11T10:60:00.000Z', '2026-08-11T10:00:60.000Z',
      '2026-08-11T10:00:00.0a0Z', '2026-08-11T10:00:00,000Z', '2026-08-11X10:00:00.000Z']) {
      expect(Number.isNaN(toEpochMs(s)), s).toBe(true);
    }
  });

  it('adds calendar years, 29 February falling back to the 28th', () => {
    expect(isoDay(addYearsUtc(Date.UTC(2025, 2, 10, 15), 3))).toBe('2028-03-10');
    expect(isoDay(addYearsUtc(Date.UTC(2024, 1, 29), 3))).toBe('2027-02-28');
    expect(isoDay(addYearsUtc(Date.UTC(2024, 1, 29), 4))).toBe('2028-02-29');
    expect(isoDay(Date.UTC(1999, 11, 31, 23, 59))).toBe('1999-12-31');
  });

  it('places pack validity bounds at local midnight', () => {
    expect(new Date(localDayStartMs('2026-08-11', 'Europe/Paris')).toISOString()).toBe('2026-08-10T22:00:00.000Z');
    expect(new Date(localDayStartMs('2026-01-15', 'Europe/Paris')).toISOString()).toBe('2026-01-14T23:00:00.000Z');
    expect(new Date(localDayStartMs('2026-01-15', 'UTC')).toISOString()).toBe('2026-01-15T00:00:00.000Z');
  });
});
