// Date arithmetic for the engine. Every instant is an input (never the clock), and ISO strings without a
// zone are read as UTC so a verdict never depends on the machine's time zone.

export const DAY_MS = 86_400_000;

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeap(y) ? 29 : (MONTH_DAYS[m - 1] ?? 0);
}

function validDay(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil): no Date object. */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Inverse of daysFromCivil. */
function civilFromDays(z: number): [number, number, number] {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d];
}

function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** Epoch milliseconds of an ISO 8601 date or date-time; NaN when it is not one. Zone-less values are UTC. */
export function toEpochMs(iso: string): number {
  if (iso.length === 10) {
    // Fast path for the common YYYY-MM-DD: no regex, no Date.
    const y = digits(iso, 0, 4), m = digits(iso, 5, 2), d = digits(iso, 8, 2);
    if (y < 0 || m < 0 || d < 0 || iso.charCodeAt(4) !== 45 || iso.charCodeAt(7) !== 45 || !validDay(y, m, d)) return Number.NaN;
    return daysFromCivil(y, m, d) * DAY_MS;
  }
  if (iso.length === 20 && iso.charCodeAt(10) === 84 && iso.charCodeAt(19) === 90) {
    // Fast path for YYYY-MM-DDTHH:MM:SSZ, the usual machine form.
    const y = digits(iso, 0, 4), mo = digits(iso, 5, 2), d = digits(iso, 8, 2);
    const h = digits(iso, 11, 2), mi = digits(iso, 14, 2), se = digits(iso, 17, 2);
    if (y >= 0 && mo >= 0 && d >= 0 && h >= 0 && mi >= 0 && se >= 0 && iso.charCodeAt(4) === 45 && iso.charCodeAt(7) === 45
      && iso.charCodeAt(13) === 58 && iso.charCodeAt(16) === 58) {
      if (!validDay(y, mo, d) || h > 23 || mi > 59 || se > 59) return Number.NaN;
      return daysFromCivil(y, mo, d) * DAY_MS + ((h * 60 + mi) * 60 + se) * 1000;
    }
  }
  if (iso.length === 24 && iso.charCodeAt(10) === 84 && iso.charCodeAt(19) === 46 && iso.charCodeAt(23) === 90) {
    // Fast path for YYYY-MM-DDTHH:MM:SS.mmmZ, what Date#toISOString writes.
    const y = digits(iso, 0, 4), mo = digits(iso, 5, 2), d = digits(iso, 8, 2);
    const h = digits(iso, 11, 2), mi = digits(iso, 14, 2), se = digits(iso, 17, 2), ms = digits(iso, 20, 3);
    if (y >= 0 && mo >= 0 && d >= 0 && h >= 0 && mi >= 0 && se >= 0 && ms >= 0 && iso.charCodeAt(4) === 45
      && iso.charCodeAt(7) === 45 && iso.charCodeAt(13) === 58 && iso.charCodeAt(16) === 58) {
      if (!validDay(y, mo, d) || h > 23 || mi > 59 || se > 59) return Number.NaN;
      return daysFromCivil(y, mo, d) * DAY_MS + ((h * 60 + mi) * 60 + se) * 1000 + ms;
    }
  }
  const m = DATE_TIME.exec(iso);
  if (m === null) return Number.NaN;
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]), h = Number(m[4]), mi = Number(m[5]);
  const s = m[6] === undefined ? 0 : Number(m[6]);
  if (!validDay(y, mo, d) || h > 23 || mi > 59 || s > 59) return Number.NaN;
  const ms = m[7] === undefined ? 0 : Math.floor(Number(m[7]) * 1000);
  let t = daysFromCivil(y, mo, d) * DAY_MS + ((h * 60 + mi) * 60 + s) * 1000 + ms;
  const zone = m[8];
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const z = zone.slice(1).replace(':', '');
    const offH = Number(z.slice(0, 2)), offM = Number(z.slice(2, 4));
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

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `YYYY-MM-DD` (UTC) of an instant. */
export function isoDay(ms: number): string {
  const [y, m, d] = civilFromDays(Math.floor(ms / DAY_MS));
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

/**
 * UTC midnight of the same calendar day `years` later. 29 February falls back to 28 February
 * (the earlier day: a retention period never grows by a day because of a leap year).
 */
export function addYearsUtc(ms: number, years: number): number {
  const [y0, m, d0] = civilFromDays(Math.floor(ms / DAY_MS));
  const y = y0 + years;
  return daysFromCivil(y, m, Math.min(d0, daysInMonth(y, m))) * DAY_MS;
}

/** Same instant one calendar month later (day clamped to the month's end). */
export function addMonthUtc(ms: number): number {
  const days = Math.floor(ms / DAY_MS);
  const [y0, m0, d0] = civilFromDays(days);
  const y = m0 === 12 ? y0 + 1 : y0, m = m0 === 12 ? 1 : m0 + 1;
  return daysFromCivil(y, m, Math.min(d0, daysInMonth(y, m))) * DAY_MS + (ms - days * DAY_MS);
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
