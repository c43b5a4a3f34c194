// Short-lived links to a portal's evidence report. hubspot.fetch cannot download a file into the user's
// browser, so the evidence page shows a link; the link names the portal and an expiry, signed with a key
// derived from the app's client secret (HMAC, compared in constant time). Anyone holding the link can open it
// until it expires (10 minutes), like a signed download URL.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const REPORT_LINK_TTL_MS = 10 * 60_000;

export interface ReportLinks {
  issue(portalId: number, now: Date): { url: string; expiresAt: string };
  /** The portal the token names, or null when it is malformed, forged or expired. */
  check(token: string, now: Date): number | null;
}

export function createReportLinks(options: { secret: string; publicBaseUrl: string; ttlMs?: number }): ReportLinks {
  // A longer ttlMs is for the demo's printed link only; the evidence page uses the default.
  const key = createHmac('sha256', options.secret).update('prospect-guard/dashboard-report-link/v1').digest();
  const ttl = options.ttlMs ?? REPORT_LINK_TTL_MS;
  const sign = (body: string) => createHmac('sha256', key).update(body).digest('base64url');
  const base = options.publicBaseUrl.replace(/\/+$/, '');
  return {
    issue(portalId, now) {
      const expires = now.getTime() + ttl;
      const body = `${portalId}.${expires}`;
      return { url: `${base}/evidence-report/${body}.${sign(body)}`, expiresAt: new Date(expires).toISOString() };
    },
    check(token, now) {
      const m = /^(\d{1,15})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(token);
      if (!m) return null;
      const [, portal, expires, mac] = m as unknown as [string, string, string, string];
      const expected = Buffer.from(sign(`${portal}.${expires}`));
      const given = Buffer.from(mac);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      if (Number(expires) <= now.getTime()) return null;
      return Number(portal);
    },
  };
}
