// Date arithmetic for the engine. Every instant is an input (never the clock), and ISO strings without a
// zone are read as UTC so a verdict never depends on the machine's time zone.

export const DAY_MS = 86_400_000;

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

function validDay(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= daysInMonth(y, m);
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Epoch milliseconds of an ISO 8601 date or date-time; NaN when it is not one. Zone-less values are UTC. */
export function toEpochMs(iso: string): number {
  if (iso.length === 10) {
    const m = DATE_ONLY.exec(iso);
    if (m === null) return Number.NaN;
    const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
    return validDay(y, mo, d) ? Date.UTC(y, mo - 1, d) : Number.NaN;
  }
  const m = DATE_TIME.exec(iso);
  if (m === null) return Number.NaN;
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]), h = Number(m[4]), mi = Number(m[5]);
  const s = m[6] === undefined ? 0 : Number(m[6]);
  if (!validDay(y, mo, d) || h > 23 || mi > 59 || s > 59) return Number.NaN;
  const ms = m[7] === undefined ? 0 : Math.floor(Number(m[7]) * 1000);
  let t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const zone = m[8];
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offH = Number(digits.slice(0, 2)), offM = Number(digits.slice(2, 4));
    if (offH > 23 || offM > 59) return Number.NaN;
    t -= sign * (offH * 60 + offM) * 60_000;
  }
  return t;
}

/** Epoch ms of an optional ISO value; NaN when absent or invalid. */
export function optionalEpochMs(iso: string | null | undefined): number {
  return iso == null || iso === '' ? Number.NaN : toEpochMs(iso);
}

/** UTC midnight of the day holding `ms`. */
export function utcDayStart(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** `YYYY-MM-DD` (UTC) of an instant. */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * UTC midnight of the same calendar day `years` later. 29 February falls back to 28 February
 * (the earlier day: a retention period never grows by a day because of a leap year).
 */
export function addYearsUtc(ms: number, years: number): number {
  const d = new Date(ms);
  const y = d.getUTCFullYear() + years, m = d.getUTCMonth() + 1;
  const day = Math.min(d.getUTCDate(), daysInMonth(y, m));
  return Date.UTC(y, m - 1, day);
}

/** Local wall-clock parts of an instant in an IANA time zone. Formatters are built once per zone. */
export interface ZonedParts { year: number; month: number; day: number; weekday: number; minutes: number }

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** Throws a RangeError for an unknown time zone (Intl's own check). */
export function zonedParts(ms: number, timeZone: string): ZonedParts & { second: number } {
  const parts = formatterFor(timeZone).formatToParts(new Date(ms));
  let year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, weekday = 0;
  for (const p of parts) {
    switch (p.type) {
      case 'year': year = Number(p.value); break;
      case 'month': month = Number(p.value); break;
      case 'day': day = Number(p.value); break;
      case 'hour': hour = Number(p.value); break;
      case 'minute': minute = Number(p.value); break;
      case 'second': second = Number(p.value); break;
      case 'weekday': weekday = WEEKDAYS[p.value] ?? 0; break;
      default: break;
    }
  }
  return { year, month, day, weekday, minutes: hour * 60 + minute, second };
}

/** Offset (ms) of a zone at an instant: local wall time minus UTC. */
function zoneOffsetMs(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, 0, p.minutes, p.second);
  return asUtc - (ms - (ms % 1000 + 1000) % 1000);
}

/** The instant at which the wall clock of `timeZone` shows the given local date and minute of day. */
export function zonedToEpochMs(year: number, month: number, day: number, minutes: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, 0, minutes);
  let guess = wall - zoneOffsetMs(wall, timeZone);
  guess = wall - zoneOffsetMs(guess, timeZone);
  return guess;
}

/** Validity bound of a rule pack (`YYYY-MM-DD`, inclusive) as an instant in the pack's zone. */
export function localDayStartMs(isoDate: string, timeZone: string): number {
  const m = DATE_ONLY.exec(isoDate);
  if (m === null) throw new Error(`not a YYYY-MM-DD date: ${isoDate}`);
  return zonedToEpochMs(Number(m[1]), Number(m[2]), Number(m[3]), 0, timeZone);
}
