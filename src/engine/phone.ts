// Phone numbers to E.164 with libphonenumber-js (full metadata: validity by number pattern, and type).
// Invalid numbers are reported, never guessed. Results are memoised (bounded) because parsing costs
// about 10 µs and lists repeat numbers; cached results are frozen so sharing them is safe.
import { parsePhoneNumberFromString, isSupportedCountry, type CountryCode } from 'libphonenumber-js/max';

export interface NormalisedPhone {
  input: string;
  e164: string | null;
  valid: boolean;
  country: string | null;
  /** libphonenumber type (MOBILE, FIXED_LINE, ...) or null when unknown/invalid. */
  type: string | null;
}

const CACHE_LIMIT = 20_000;
// Keyed by default country, then by the raw text: no key string is built per lookup.
const cache = new Map<string, Map<string, Readonly<NormalisedPhone>>>();
let cached = 0;

function compute(raw: string, defaultCountry: string): NormalisedPhone {
  const input = raw;
  const text = raw.trim();
  if (text === '') return { input, e164: null, valid: false, country: null, type: null };
  const cc = defaultCountry.toUpperCase();
  const country = isSupportedCountry(cc) ? (cc as CountryCode) : undefined;
  let parsed;
  try {
    parsed = parsePhoneNumberFromString(text, country === undefined ? undefined : { defaultCountry: country });
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || !parsed.isValid()) {
    return { input, e164: null, valid: false, country: null, type: null };
  }
  return { input, e164: parsed.number, valid: true, country: parsed.country ?? null, type: parsed.getType() ?? null };
}

/** Normalises a raw number; `defaultCountry` (ISO alpha-2) reads national formats such as `06 12 34 56 78`. */
export function normalisePhone(raw: string, defaultCountry: string): NormalisedPhone {
  let byRaw = cache.get(defaultCountry);
  if (byRaw === undefined) {
    byRaw = new Map();
    cache.set(defaultCountry, byRaw);
  }
  const hit = byRaw.get(raw);
  if (hit !== undefined) return hit;
  const result = Object.freeze(compute(raw, defaultCountry));
  if (cached >= CACHE_LIMIT) {
    // Bounded memory: start again rather than track recency (a list rarely repeats a number far apart).
    cache.clear();
    cached = 0;
    byRaw = new Map();
    cache.set(defaultCountry, byRaw);
  }
  byRaw.set(raw, result);
  cached++;
  return result;
}
