// Normalising and hashing the identifiers of a person. The ledger and the data subject requests keep only
// `subjectHash` = HMAC-SHA256(per-portal salt, "email:" + normalised email) (or "phone:" + E.164), so two portals'
// hashes cannot be joined and a stolen table does not yield a dictionary of addresses without the salt.
import { createHmac, randomBytes } from 'node:crypto';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { Db } from '../ledger/db.ts';

export function normaliseEmail(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return null;
  return email;
}

export function normalisePhoneE164(raw: string | null | undefined, defaultCountry = 'FR'): string | null {
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  const parsed = parsePhoneNumberFromString(raw.trim(), defaultCountry.toUpperCase() as CountryCode);
  return parsed && parsed.isPossible() ? parsed.number : null;
}

export interface SubjectHasher {
  hash(portalId: number, ids: { email?: string | null; phone?: string | null }): Promise<string | null>;
}

export function createSubjectHasher(db: Db): SubjectHasher {
  const cache = new Map<number, Buffer>();
  async function salt(portalId: number): Promise<Buffer> {
    const hit = cache.get(portalId);
    if (hit) return hit;
    await db.query('insert into enforcement_salts (portal_id, salt) values ($1, $2) on conflict (portal_id) do nothing',
      [portalId, randomBytes(32).toString('base64')]);
    const { rows } = await db.query<{ salt: string }>('select salt from enforcement_salts where portal_id = $1', [portalId]);
    const value = Buffer.from(rows[0]?.salt ?? '', 'base64');
    if (value.length < 16) throw new Error('enforcement salt missing');
    cache.set(portalId, value);
    return value;
  }
  return {
    async hash(portalId, ids) {
      const email = normaliseEmail(ids.email);
      const phone = email ? null : normalisePhoneE164(ids.phone);
      const value = email ? `email:${email}` : phone ? `phone:${phone}` : null;
      if (value === null) return null;
      return createHmac('sha256', await salt(portalId)).update(value).digest('hex');
    },
  };
}
