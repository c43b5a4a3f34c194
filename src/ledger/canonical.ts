// Canonical JSON for hashing: object keys sorted (by UTF-16 code units), no whitespace, `undefined` members
// dropped, Dates as ISO strings. Two structurally equal values always give the same text.
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalise(value, new Set()));
}

function normalise(value: unknown, seen: Set<unknown>): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
    return value;
  }
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('canonicalJson: invalid date');
    return value.toISOString();
  }
  if (typeof value !== 'object') throw new TypeError(`canonicalJson: unsupported ${typeof value}`);
  if (seen.has(value)) throw new TypeError('canonicalJson: circular structure');
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : normalise(v, seen)));
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = normalise(v, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
