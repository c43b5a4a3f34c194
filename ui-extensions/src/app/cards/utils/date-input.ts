// Between the YYYY-MM-DD strings the backend speaks and DateInput's {year, month (0-based), date}.
export interface DateParts { year: number; month: number; date: number }

const pad = (n: number) => String(n).padStart(2, '0');

export function isoToDateParts(iso: string): DateParts | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return undefined;
  return { year: Number(m[1]), month: Number(m[2]) - 1, date: Number(m[3]) };
}

export function datePartsToIso(parts: DateParts | null | undefined): string {
  return parts ? `${parts.year}-${pad(parts.month + 1)}-${pad(parts.date)}` : '';
}
