// The preference link as a contact property (pg_preference_url, with its expiry in pg_preference_url_expires_at),
// so HubSpot emails, sequences and templates can carry it as {{ contact.pg_preference_url }}. The judge step
// writes it with the verdict: a contact's current link is kept while it is authentic, names this contact, is
// bound to the contact's current address and has more than REFRESH_DAYS to run; otherwise a new one is issued.
// Contacts nobody re-judges are found by refreshPreferenceLinks (the enforcement tick, daily) and re-judged.
import { DEFAULT_LINK_TTL_SECONDS, createPreferenceToken, preferenceUrl, tagMatches, verifyPreferenceToken } from './token.ts';

/** A link is re-issued when fewer days than this remain (links live 400 days: a year of sending, then margin). */
export const LINK_REFRESH_DAYS = 60;
const DAY_MS = 86_400_000;

export interface ContactLink {
  url: string;
  /** YYYY-MM-DD (UTC), the date property HubSpot filters on. */
  expiresAt: string;
}

/** The link for one contact, given what HubSpot holds now. Null when the contact has no email address. */
export type ContactLinker = (contactId: string, email: string | null, currentUrl: string | null) => ContactLink | null;

export interface PreferenceLinkIssuer {
  /** The portal's linker at `at`, or null when the portal has the preference centre turned off. */
  forPortal(portalId: number, at: Date): Promise<ContactLinker | null>;
}

export interface PreferenceLinkIssuerDeps {
  key: Buffer;
  publicBaseUrl: string;
  enabled(portalId: number): Promise<boolean>;
  ttlSeconds?: number;
  refreshDays?: number;
}

const dateOf = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString().slice(0, 10);

export function createPreferenceLinkIssuer(deps: PreferenceLinkIssuerDeps): PreferenceLinkIssuer {
  const prefix = preferenceUrl(deps.publicBaseUrl, '');
  const refreshMs = (deps.refreshDays ?? LINK_REFRESH_DAYS) * DAY_MS;
  return {
    async forPortal(portalId, at) {
      if (!(await deps.enabled(portalId))) return null;
      return (contactId, email, currentUrl) => {
        if (!email) return null;
        const current = currentUrl?.startsWith(prefix) ? currentUrl.slice(prefix.length) : null;
        if (current) {
          const check = verifyPreferenceToken(deps.key, current, at);
          if (check.ok && check.claims.portalId === portalId && check.claims.contactId === contactId
            && check.claims.emailTag !== null && tagMatches(deps.key, check.claims, email)
            && check.claims.exp * 1000 - at.getTime() > refreshMs) {
            return { url: currentUrl as string, expiresAt: dateOf(check.claims.exp) };
          }
        }
        const ttlSeconds = deps.ttlSeconds ?? DEFAULT_LINK_TTL_SECONDS;
        const token = createPreferenceToken(deps.key, { portalId, contactId, email, ttlSeconds, now: at });
        return { url: preferenceUrl(deps.publicBaseUrl, token), expiresAt: dateOf(Math.floor(at.getTime() / 1000) + ttlSeconds) };
      };
    },
  };
}
