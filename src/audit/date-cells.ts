// Dates as files hold them: ISO 8601 always; day-first (23/11/2025, 23.11.2025, 23-11-2025) or month-first
// (11/23/2025) as `--date-format` says, by default from the jurisdiction (month-first only for the US).
// A cell becomes ISO text the engine reads; a date that does not exist (31/02/2025) is an error, never a guess.

export const DATE_ORDERS = ['dmy', 'mdy', 'ymd'] as const;
export type DateOrder = (typeof DATE_ORDERS)[number];

/** Names people type for --date-format, to the order they mean. */
const ORDER_NAMES: Record<string, DateOrder> = {
  dmy: 'dmy', 'dd/mm/yyyy': 'dmy', 'dd.mm.yyyy': 'dmy', 'dd-mm-yyyy': 'dmy', 'jj/mm/aaaa': 'dmy',
  mdy: 'mdy', 'mm/dd/yyyy': 'mdy', 'mm-dd-yyyy': 'mdy',
  ymd: 'ymd', iso: 'ymd', 'yyyy-mm-dd': 'ymd', 'yyyy/mm/dd': 'ymd',
};

export function parseDateOrder(text: string): DateOrder | null {
  return ORDER_NAMES[text.trim().toLowerCase()] ?? null;
}

export function defaultDateOrder(jurisdiction: string): DateOrder {
  return jurisdiction.toUpperCase() === 'US' ? 'mdy' : 'dmy';
}

export function dateOrderLabel(order: DateOrder): string {
  return order === 'dmy' ? 'dd/mm/yyyy' : order === 'mdy' ? 'mm/dd/yyyy' : 'yyyy-mm-dd';
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:([T ])(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const NUMERIC = /^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})(?:[ T](\d{1,2})[:h](\d{2})(?::(\d{2}))?)?$/;

function isCalendarDay(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

export type DateCell = { ok: true; iso: string } | { ok: false; error: string };

/** A date cell to ISO text (`YYYY-MM-DD` or `YYYY-MM-DDTHH:mm:ssZ`). */
export function parseDateCell(raw: string, order: DateOrder): DateCell {
  const text = raw.trim();
  const iso = ISO.exec(text);
  if (iso) {
    const [, y, m, d, sep, hh, mm, ss, frac, zone] = iso;
    if (!isCalendarDay(Number(y), Number(m), Number(d))) return { ok: false, error: `"${text}" is not a calendar date` };
    if (sep === undefined) return { ok: true, iso: `${y}-${m}-${d}` };
    const z = zone === undefined ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
    return { ok: true, iso: `${y}-${m}-${d}T${hh}:${mm}:${ss ?? '00'}${frac ?? ''}${z}` };
  }
  const numeric = NUMERIC.exec(text);
  if (numeric) {
    const [, a, b, c, hh, mm, ss] = numeric;
    let y: number, m: number, d: number;
    if ((a as string).length === 4) { y = Number(a); m = Number(b); d = Number(c); } // 2025/11/23 whatever the order
    else if (order === 'mdy') { m = Number(a); d = Number(b); y = Number(c); }
    else { d = Number(a); m = Number(b); y = Number(c); }
    if ((c as string).length === 2 && (a as string).length !== 4) y += 2000;
    else if ((a as string).length !== 4 && (c as string).length !== 4) y = Number.NaN;
    if (!isCalendarDay(y, m, d)) {
      return { ok: false, error: `"${text}" is not a date in ${dateOrderLabel(order)} (see --date-format)` };
    }
    const day = `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
    if (hh === undefined) return { ok: true, iso: day };
    if (Number(hh) > 23 || Number(mm) > 59 || Number(ss ?? 0) > 59) return { ok: false, error: `"${text}" has an impossible time` };
    return { ok: true, iso: `${day}T${pad(Number(hh))}:${mm}:${ss ?? '00'}Z` };
  }
  // HubSpot and some exports write epoch (milli)seconds.
  if (/^\d{10}$|^\d{13}$/.test(text)) {
    return { ok: true, iso: new Date(text.length === 13 ? Number(text) : Number(text) * 1000).toISOString() };
  }
  return { ok: false, error: `"${text.length > 40 ? `${text.slice(0, 40)}…` : text}" is not a date (ISO or ${dateOrderLabel(order)})` };
}

/** Excel stores dates as days since 1899-12-30 (the 1900 leap-year bug included); xlsx readers hand Date objects. */
export function isoFromDate(date: Date): string {
  const ms = date.getTime();
  if (Number.isNaN(ms)) return '';
  const iso = date.toISOString();
  return ms % 86_400_000 === 0 ? iso.slice(0, 10) : iso;
}
