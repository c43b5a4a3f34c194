// Signed links to the public preference centre: `base64url(claims).base64url(HMAC-SHA256)`. The claims carry the
// portal, the contact, an expiry and a keyed tag of the email address the link was sent to: if the contact's
// address changes, old links stop working instead of showing the new address's preferences. The key is derived
// (HKDF) from the app's secret with its own label, so it is never the same key as any other use of that secret.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { normaliseEmail } from '../enforcement/subjects.ts';

export interface PreferenceClaims {
  portalId: number;
  contactId: string;
  /** Keyed tag of the normalised email (null when the link is not bound to an address). */
  emailTag: string | null;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export type TokenCheck = { ok: true; claims: PreferenceClaims } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export const DEFAULT_LINK_TTL_SECONDS = 400 * 24 * 3600; // links in a message must outlive a slow reader

export function derivePreferenceKey(secret: string | Buffer): Buffer {
  if ((typeof secret === 'string' ? Buffer.byteLength(secret) : secret.length) < 8) throw new Error('preference key secret too short');
  return Buffer.from(hkdfSync('sha256', secret, 'prospect-guard', 'preference-centre-link/v1', 32));
}

/** The app's preference-link key: from PREFERENCE_LINK_SECRET when set, else derived from the client secret. */
export function preferenceKeyFromConfig(config: { hubspotClientSecret: string }, env: Record<string, string | undefined> = process.env): Buffer {
  return derivePreferenceKey(env.PREFERENCE_LINK_SECRET || config.hubspotClientSecret);
}

export function emailTag(key: Buffer, email: string): string {
  return createHmac('sha256', key).update(`email:${normaliseEmail(email) ?? email.trim().toLowerCase()}`).digest('base64url').slice(0, 22);
}

function sign(key: Buffer, body: string): Buffer {
  return createHmac('sha256', key).update(`pg-pref:${body}`).digest();
}

export function createPreferenceToken(key: Buffer, input: { portalId: number; contactId: string; email?: string | null; ttlSeconds?: number; now?: Date }): string {
  const now = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const claims = { p: input.portalId, c: input.contactId, e: input.email ? emailTag(key, input.email) : null, x: now + (input.ttlSeconds ?? DEFAULT_LINK_TTL_SECONDS) };
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${sign(key, body).toString('base64url')}`;
}

export function verifyPreferenceToken(key: Buffer, token: string, now: Date = new Date()): TokenCheck {
  if (typeof token !== 'string' || token.length > 600 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) return { ok: false, reason: 'malformed' };
  const [body = '', sig = ''] = token.split('.');
  const expected = sign(key, body);
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  let raw: unknown;
  try { raw = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')); } catch { return { ok: false, reason: 'malformed' }; }
  const c = raw as { p?: unknown; c?: unknown; e?: unknown; x?: unknown };
  if (typeof c.p !== 'number' || !Number.isSafeInteger(c.p) || c.p <= 0 || typeof c.c !== 'string' || !/^\d{1,30}$/.test(c.c)
    || (c.e !== null && typeof c.e !== 'string') || typeof c.x !== 'number') return { ok: false, reason: 'malformed' };
  if (c.x * 1000 < now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { portalId: c.p, contactId: c.c, emailTag: c.e, exp: c.x } };
}

export function tagMatches(key: Buffer, claims: PreferenceClaims, currentEmail: string | null): boolean {
  if (claims.emailTag === null) return true;
  if (!currentEmail) return false;
  const a = Buffer.from(emailTag(key, currentEmail));
  const b = Buffer.from(claims.emailTag);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `List-Unsubscribe` / `List-Unsubscribe-Post` headers (RFC 2369 + RFC 8058) for a message to this contact. */
export function listUnsubscribeHeaders(input: { publicBaseUrl: string; token: string; mailto?: string | null }): Record<'List-Unsubscribe' | 'List-Unsubscribe-Post', string> {
  const url = `${input.publicBaseUrl.replace(/\/+$/, '')}/p/${input.token}/unsubscribe`;
  if (!url.startsWith('https://') && !url.startsWith('http://localhost') && !url.startsWith('http://127.0.0.1')) {
    throw new Error('one-click unsubscribe needs an https:// public base URL');
  }
  const parts = [`<${url}>`];
  if (input.mailto) parts.push(`<mailto:${input.mailto}?subject=unsubscribe>`);
  return { 'List-Unsubscribe': parts.join(', '), 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

export function preferenceUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/p/${token}`;
}
