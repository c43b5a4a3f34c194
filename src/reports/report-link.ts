// Short-lived links to a report, for the card and the dashboard: the signed backend call returns a URL that a
// browser tab can open without HubSpot's signature. The token names the portal, the report and its options and
// expires after ten minutes; it is an HMAC under a key derived from the ledger's key (never stored), checked in
// constant time. Whoever holds a live link can read the report: it carries ids and hashes, never an email
// address or a phone number.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { LedgerKeyRing } from '../ledger/ledger.ts';

export const REPORT_LINK_TTL_MS = 10 * 60_000;

const TokenSchema = z.object({
  p: z.number().int().positive(),
  k: z.enum(['evidence', 'art30']),
  c: z.string().regex(/^\d{1,20}$/).optional(),
  l: z.enum(['en', 'fr']).optional(),
  f: z.enum(['pdf', 'html']),
  e: z.number().int(),
}).strict();
export type ReportLinkClaims = z.infer<typeof TokenSchema>;

/** The link key: derived from the ledger's current HMAC key, so no further secret needs configuring. */
export function reportLinkKey(ring: LedgerKeyRing): Buffer {
  const key = ring.keys.get(ring.currentKeyId);
  if (!key) throw new Error('ledger key ring has no current key');
  return createHmac('sha256', key).update('prospect-guard/report-link/v1').digest();
}

function mac(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(body).digest('base64url');
}

export function createReportLinkToken(key: Buffer, claims: Omit<ReportLinkClaims, 'e'>, now: Date): { token: string; expiresAt: Date } {
  const expiresAt = new Date(now.getTime() + REPORT_LINK_TTL_MS);
  const body = Buffer.from(JSON.stringify({ ...claims, e: expiresAt.getTime() }), 'utf8').toString('base64url');
  return { token: `${body}.${mac(key, body)}`, expiresAt };
}

/** The claims of a valid, unexpired token; null otherwise (malformed, forged or expired alike). */
export function readReportLinkToken(key: Buffer, token: string, now: Date): ReportLinkClaims | null {
  if (token.length > 1000) return null;
  const [body, sig, extra] = token.split('.');
  if (!body || !sig || extra !== undefined) return null;
  const expected = Buffer.from(mac(key, body));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const claims = TokenSchema.safeParse(parsed);
  if (!claims.success || claims.data.e <= now.getTime()) return null;
  return claims.data;
}
