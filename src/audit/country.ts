// CRM exports carry countries as names ("France", "Allemagne", "United Kingdom"); the engine wants ISO 3166-1
// alpha-2 codes. The name table is built from the runtime's ICU data (every region, in the languages of the
// markets we serve), so nothing is hand-typed.

import { getCountries } from 'libphonenumber-js';

const LANGUAGES = ['en', 'fr', 'de', 'es', 'it', 'nl'];
const EXTRA_NAMES: Record<string, string> = { uk: 'GB', 'great britain': 'GB', england: 'GB', usa: 'US' };

let table: Map<string, string> | null = null;

function fold(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z]+/g, ' ').trim();
}

function nameTable(): Map<string, string> {
  if (table) return table;
  table = new Map(Object.entries(EXTRA_NAMES));
  // Current countries only: libphonenumber's list leaves out retired codes (DD, FX, SU...) whose names collide.
  const codes: string[] = getCountries();
  for (const language of LANGUAGES) {
    const names = new Intl.DisplayNames([language], { type: 'region', fallback: 'none' });
    for (const code of codes) {
      const name = names.of(code);
      if (name && !table.has(fold(name))) table.set(fold(name), code);
    }
  }
  return table;
}

/** "fr", "France", "Allemagne" -> "FR", "DE"; null when the text names no known country. */
export function toCountryCode(raw: string): string | null {
  const text = raw.trim();
  if (/^[A-Za-z]{2}$/.test(text)) return text.toUpperCase();
  return nameTable().get(fold(text)) ?? null;
}
