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
const cache = new Map<string, Readonly<NormalisedPhone>>();

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
  const key = `${defaultCountry}\u0000${raw}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const result = Object.freeze(compute(raw, defaultCountry));
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(key, result);
  return result;
}
