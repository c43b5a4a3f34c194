// "May I call now?": statutory calling slots for human calls (France: Code de la consommation D.223-9).
// The slots, attempt cap and refusal pause are pack data; public holidays come from `date-holidays` (each overseas
// territory has its own calendar there). The same caps block the phone verdict itself (evaluate.ts, `call_limit`).
import Holidays from 'date-holidays';
import { DAY_MS, toEpochMs, zonedParts, zonedToEpochMs } from './dates.ts';
import { normaliseCountry } from './evaluate.ts';
import { selectPack } from './packs.ts';
import type { CallingRules } from './rules/types.ts';

export interface MayCallNowInput {
  at: Date;
  country: string;
  timeZone?: string | null;
  callsLast30Days?: number | null;
  lastCallRefusalAt?: string | null;
}

export interface MayCallNowResult {
  allowed: boolean;
  /** English explanation. */
  reason: string;
  reasonFr: string;
  /** Rule id of the calling rules applied (or `calling.none`). */
  rule: string;
  /** The current instant when allowed, else the start of the next allowed slot (ISO), or null if none found. */
  nextSlotAt: string | null;
}

// One date-holidays instance per country, and one set of public-holiday dates per country and year.
const holidayCalendars = new Map<string, Holidays>();
const holidayDates = new Map<string, Set<string>>();

function publicHolidays(country: string, year: number): Set<string> {
  const key = `${country}:${year}`;
  let set = holidayDates.get(key);
  if (set === undefined) {
    let cal = holidayCalendars.get(country);
    if (cal === undefined) {
      cal = new Holidays(country);
      holidayCalendars.set(country, cal);
    }
    set = new Set((cal.getHolidays(year) ?? []).filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10)));
    holidayDates.set(key, set);
  }
  return set;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function dayAllowed(rules: CallingRules, country: string, y: number, m: number, d: number): boolean {
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay() || 7;
  if (!rules.weekdays.includes(weekday)) return false;
  return !(rules.noPublicHolidays && publicHolidays(country, y).has(`${y}-${pad(m)}-${pad(d)}`));
}

function inSlot(rules: CallingRules, country: string, ms: number, tz: string): boolean {
  const p = zonedParts(ms, tz);
  if (!dayAllowed(rules, country, p.year, p.month, p.day)) return false;
  return rules.windows.some(([s, e]) => p.minutes >= s && p.minutes < e);
}

function nextSlot(rules: CallingRules, country: string, fromMs: number, tz: string): number | null {
  if (inSlot(rules, country, fromMs, tz)) return fromMs;
  const p = zonedParts(fromMs, tz);
  for (let offset = 0; offset <= 31; offset++) {
    const day = new Date(Date.UTC(p.year, p.month - 1, p.day + offset));
    const y = day.getUTCFullYear(), m = day.getUTCMonth() + 1, d = day.getUTCDate();
    if (!dayAllowed(rules, country, y, m, d)) continue;
    for (const [start] of rules.windows) {
      const candidate = zonedToEpochMs(y, m, d, start, tz);
      if (candidate >= fromMs) return candidate;
    }
  }
  return null;
}

function validZone(tz: string | null | undefined): string | null {
  if (tz == null || tz.trim() === '') return null;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz;
  } catch {
    return null;
  }
}

export function mayCallNow(input: MayCallNowInput): MayCallNowResult {
  const atMs = input.at.getTime();
  if (Number.isNaN(atMs)) throw new RangeError('mayCallNow: at is not a valid date');
  const country = normaliseCountry(input.country) ?? '*';
  const { pack } = selectPack(country, atMs);
  // The caps and slots apply from the text's entry into force (D.223-9: 2023-03-01).
  const rules = pack.calling !== null && atMs >= pack.calling.fromMs ? pack.pack.calling : null;
  if (rules === null) {
    return {
      allowed: true, rule: 'calling.none', nextSlotAt: new Date(atMs).toISOString(),
      reason: `No statutory calling slots in rule pack ${pack.pack.id}; the phone channel verdict still applies.`,
      reasonFr: `Pas de créneaux d\u2019appel réglementaires dans le jeu ${pack.pack.id} ; le verdict du canal téléphone s\u2019applique toujours.`,
    };
  }
  // The consumer's local time: an overseas territory has its own zone (D.223-9, "fuseau horaire du consommateur").
  const tz = validZone(input.timeZone) ?? pack.pack.territories?.[country] ?? pack.pack.timeZone;
  const zoneNote = input.timeZone != null && input.timeZone !== '' && tz !== input.timeZone
    ? ` (unknown time zone, ${tz} used)` : '';
  let earliest = atMs;
  const why: string[] = [];
  const whyFr: string[] = [];
  const refusal = input.lastCallRefusalAt == null || input.lastCallRefusalAt === '' ? Number.NaN : toEpochMs(input.lastCallRefusalAt);
  if (refusal <= atMs && atMs < refusal + rules.pauseAfterRefusalDays * DAY_MS) {
    earliest = Math.max(earliest, refusal + rules.pauseAfterRefusalDays * DAY_MS);
    why.push(`the person refused a call less than ${rules.pauseAfterRefusalDays} days ago`);
    whyFr.push(`la personne a refusé un appel il y a moins de ${rules.pauseAfterRefusalDays} jours`);
  }
  if ((input.callsLast30Days ?? 0) >= rules.maxAttemptsPer30Days) {
    // Only a count is known, not when each call was made: wait a full 30 days (conservative).
    earliest = Math.max(earliest, atMs + 30 * DAY_MS);
    why.push(`${rules.maxAttemptsPer30Days} calls or attempts were already made in the last 30 days`);
    whyFr.push(`${rules.maxAttemptsPer30Days} appels ou tentatives ont déjà eu lieu sur 30 jours`);
  }
  if (why.length === 0 && inSlot(rules, country, atMs, tz)) {
    return {
      allowed: true, rule: rules.rule, nextSlotAt: new Date(atMs).toISOString(),
      reason: `Within the legal calling slots${zoneNote}.`, reasonFr: 'Dans les créneaux d\u2019appel autorisés.',
    };
  }
  if (why.length === 0) {
    why.push('outside the legal calling slots (Mon-Fri 10:00-13:00, 14:00-20:00, no public holidays)');
    whyFr.push('hors des créneaux autorisés (lun.-ven. 10 h-13 h, 14 h-20 h, hors jours fériés)');
  }
  const next = nextSlot(rules, country, earliest, tz);
  return {
    allowed: false, rule: rules.rule, nextSlotAt: next === null ? null : new Date(next).toISOString(),
    reason: `Do not call now: ${why.join('; ')}${zoneNote}.`, reasonFr: `Ne pas appeler maintenant : ${whyFr.join(' ; ')}.`,
  };
}
