import { describe, expect, it } from 'vitest';
import { mayCallNow } from '../../src/engine/index.ts';

const call = (at: string, extra: Partial<Parameters<typeof mayCallNow>[0]> = {}) => mayCallNow({ at: new Date(at), country: 'FR', ...extra });

describe('mayCallNow (France, D.223-9)', () => {
  it('allows a weekday morning call in Paris and returns now as the slot', () => {
    expect(call('2026-11-23T09:30:00Z')).toMatchObject({ allowed: true, nextSlotAt: '2026-11-23T09:30:00.000Z', rule: 'fr.phone.calling_slots' });
  });

  it('refuses the lunch break and points to 14:00 local', () => {
    expect(call('2026-11-23T12:30:00Z')).toMatchObject({ allowed: false, nextSlotAt: '2026-11-23T13:00:00.000Z' });
  });

  it('refuses before 10:00 and at 20:00 sharp', () => {
    expect(call('2026-11-23T08:59:00Z')).toMatchObject({ allowed: false, nextSlotAt: '2026-11-23T09:00:00.000Z' });
    expect(call('2026-11-23T19:00:00Z')).toMatchObject({ allowed: false, nextSlotAt: '2026-11-24T09:00:00.000Z' });
    expect(call('2026-11-23T18:59:00Z').allowed).toBe(true);
  });

  it('refuses weekends and moves to Monday', () => {
    expect(call('2026-11-28T10:00:00Z')).toMatchObject({ allowed: false, nextSlotAt: '2026-11-30T09:00:00.000Z' });
  });

  it('refuses public holidays (14 July, 11 November, Christmas)', () => {
    expect(call('2026-07-14T09:00:00Z')).toMatchObject({ allowed: false, nextSlotAt: '2026-07-15T08:00:00.000Z' });
    expect(call('2026-11-11T10:00:00Z')).toMatchObject({ allowed: false, nextSlotAt: '2026-11-12T09:00:00.000Z' });
    expect(call('2026-12-24T19:30:00Z')).toMatchObject({ allowed: false, nextSlotAt: '2026-12-28T09:00:00.000Z' });
  });

  it('follows summer time', () => {
    expect(call('2026-03-30T08:30:00Z').allowed).toBe(true); // 10:30 CEST
    expect(call('2026-03-27T08:30:00Z')).toMatchObject({ allowed: false, nextSlotAt: '2026-03-27T09:00:00.000Z' }); // 09:30 CET
  });

  it('caps attempts at 4 per 30 days and waits a full 30 days', () => {
    expect(call('2026-11-23T09:30:00Z', { callsLast30Days: 3 }).allowed).toBe(true);
    const r = call('2026-11-23T09:30:00Z', { callsLast30Days: 4 });
    expect(r).toMatchObject({ allowed: false, nextSlotAt: '2026-12-23T09:30:00.000Z' });
    expect(r.reason).toMatch(/4 calls/);
  });

  it('keeps 60 days of silence after a refusal', () => {
    const r = call('2026-11-23T09:30:00Z', { lastCallRefusalAt: '2026-10-01' });
    expect(r).toMatchObject({ allowed: false, nextSlotAt: '2026-11-30T09:00:00.000Z' });
    expect(r.reason).toMatch(/refused/);
    expect(call('2026-11-23T09:30:00Z', { lastCallRefusalAt: '2026-09-20' }).allowed).toBe(true);
  });

  it('uses the contact time zone when given', () => {
    // 09:30 in Martinique (UTC-4) although 14:30 in Paris.
    expect(call('2026-11-23T13:30:00Z', { timeZone: 'America/Martinique' })).toMatchObject({ allowed: false, nextSlotAt: '2026-11-23T14:00:00.000Z' });
  });

  it('falls back to the pack zone for an unknown time zone and says so', () => {
    const r = call('2026-11-23T09:30:00Z', { timeZone: 'Mars/Olympus' });
    expect(r.allowed).toBe(true);
    expect(r.reason).toMatch(/unknown time zone/);
  });

  it('has no statutory slots outside France', () => {
    expect(mayCallNow({ at: new Date('2026-11-28T22:00:00Z'), country: 'DE' })).toMatchObject({ allowed: true, rule: 'calling.none' });
  });

  it('uses the local time of an overseas territory (La Réunion UTC+4, Guadeloupe UTC-4)', () => {
    expect(call('2026-11-23T06:30:00Z', { country: 'RE' }).allowed).toBe(true);
    expect(call('2026-11-23T17:00:00Z', { country: 'RE' })).toMatchObject({ allowed: false, nextSlotAt: '2026-11-24T06:00:00.000Z' });
    expect(call('2026-11-23T17:00:00Z').allowed).toBe(true);
    expect(call('2026-11-23T13:30:00Z', { country: 'GP' })).toMatchObject({ allowed: false, nextSlotAt: '2026-11-23T14:00:00.000Z' });
  });

  it('uses the public holidays of the territory (20 December, abolition of slavery in La Réunion)', () => {
    expect(call('2027-12-20T08:00:00Z', { country: 'RE' }).allowed).toBe(false);
    expect(call('2027-12-20T10:00:00Z').allowed).toBe(true);
  });

  it('applies the slots only from 2023-03-01, when D.223-9 came into force', () => {
    expect(call('2022-06-04T10:00:00Z')).toMatchObject({ allowed: true, rule: 'calling.none' });
    expect(call('2023-03-04T10:00:00Z').allowed).toBe(false);
  });

  it('rejects an invalid instant', () => {
    expect(() => mayCallNow({ at: new Date('nope'), country: 'FR' })).toThrow(RangeError);
  });
});
