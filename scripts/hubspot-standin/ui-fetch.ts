// hubspot.fetch as HubSpot delivers it: the card's request goes to HubSpot, which checks the URL against the
// app's permittedUrls.fetch, appends the caller's identity to the query (userId, portalId, userEmail, appId),
// signs the result with the app's client secret (X-HubSpot-Signature-v3 over method + URI + body + timestamp,
// X-HubSpot-Request-Timestamp) and calls the app's backend. Limits as documented: JSON bodies only, 1 MB each
// way, 20 requests in flight per app and account (more answer 429), a 15 s timeout, one retry on a connection
// failure or a 5xx inside that window. `proxy` maps a permitted https origin to a local one, like the HubSpot
// CLI's local.json does in development: the signature still covers the https URL the card asked for.
// Sources and what stays assumed: docs/HUBSPOT-PROJECT.md, "What hubspot.fetch sends".
import { signV3 } from './webhooks.ts';

export type UiFetchMethod = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH';

export interface UiFetchInput {
  portalId: number;
  /** The HubSpot user viewing the card (context.user). */
  userId: number;
  userEmail: string;
  /** What the card passed to hubspot.fetch. */
  url: string;
  options?: { method?: UiFetchMethod; body?: Record<string, unknown>; timeout?: number };
}

export interface UiFetchResult {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  /** The request as sent to the backend (what a test may assert on). */
  sent: { url: string; method: string; headers: Record<string, string>; body: string };
  attempts: number;
}

export class UiFetchError extends Error {
  override readonly name = 'UiFetchError';
  readonly code: 'not_permitted' | 'not_installed' | 'payload_too_large' | 'timeout' | 'network' | 'bad_request';
  constructor(code: UiFetchError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

export interface UiFetchOptions {
  clientSecret: string;
  appId: number;
  permittedUrls: string[];
  /** Permitted https origin -> local origin, as in the CLI's local.json (`{"proxy": {...}}`). */
  proxy?: Record<string, string>;
  /** HubSpot refuses http URLs; tests that run the backend on http://127.0.0.1 list it and set this. */
  allowHttp?: boolean;
  isInstalled: (portalId: number) => boolean;
  now?: () => number;
}

export const UI_FETCH_MAX_BYTES = 1024 * 1024;
export const UI_FETCH_MAX_IN_FLIGHT = 20;
export const UI_FETCH_TIMEOUT_MS = 15_000;
const METHODS = new Set<UiFetchMethod>(['GET', 'PUT', 'POST', 'DELETE', 'PATCH']);

// HubSpot signs the v3 URI with these escapes decoded (its request-validation page lists them), so an appended
// userEmail's %40 is signed as '@'.
const SIGNED_AS_DECODED: Record<string, string> = {
  '%3A': ':', '%2F': '/', '%3F': '?', '%40': '@', '%21': '!', '%24': '$', '%27': "'", '%28': '(', '%29': ')', '%2A': '*', '%2C': ',', '%3B': ';',
};
const uriAsSigned = (uri: string) => uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => SIGNED_AS_DECODED[m.toUpperCase()] ?? m);

/** The URL HubSpot calls: the card's URL with the caller's identity appended to its query. */
export function appendCallerIdentity(url: string, input: { userId: number; portalId: number; userEmail: string; appId: number }): string {
  const u = new URL(url);
  u.searchParams.append('userId', String(input.userId));
  u.searchParams.append('portalId', String(input.portalId));
  u.searchParams.append('userEmail', input.userEmail);
  u.searchParams.append('appId', String(input.appId));
  return u.toString();
}

export function createUiFetchProxy(options: UiFetchOptions) {
  const inFlight = new Map<number, number>();

  function permitted(url: URL): boolean {
    if (url.protocol !== 'https:' && !(options.allowHttp && url.protocol === 'http:')) return false;
    return options.permittedUrls.some((p) => {
      const base = new URL(p);
      return url.origin === base.origin && url.pathname.startsWith(base.pathname.replace(/\/+$/, '') || '/');
    });
  }

  function target(signedUrl: string): string {
    const u = new URL(signedUrl);
    const local = options.proxy?.[u.origin];
    return local ? local.replace(/\/+$/, '') + u.pathname + u.search : signedUrl;
  }

  async function send(url: string, method: string, headers: Record<string, string>, body: string, deadline: number) {
    const res = await fetch(url, {
      method, headers, ...(body ? { body } : {}), redirect: 'manual', signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    if (bytes.length > UI_FETCH_MAX_BYTES) throw new UiFetchError('payload_too_large', 'the response is over 1 MB');
    const text = bytes.toString('utf8');
    let parsed: unknown = null;
    try { parsed = text ? JSON.parse(text) as unknown : null; } catch { parsed = text; }
    const out: Record<string, string> = {};
    res.headers.forEach((v, k) => { out[k] = v; });
    return { status: res.status, body: parsed, headers: out };
  }

  return async function uiFetch(input: UiFetchInput): Promise<UiFetchResult> {
    let url: URL;
    try { url = new URL(input.url); } catch { throw new UiFetchError('bad_request', 'hubspot.fetch needs an absolute URL'); }
    if (!permitted(url)) throw new UiFetchError('not_permitted', `${url.origin} is not in the app's permittedUrls.fetch`);
    if (!options.isInstalled(input.portalId)) throw new UiFetchError('not_installed', 'the app is not installed in this account');
    const method = (input.options?.method ?? 'GET').toUpperCase() as UiFetchMethod;
    if (!METHODS.has(method)) throw new UiFetchError('bad_request', `hubspot.fetch does not send ${method}`);
    const body = method === 'GET' || method === 'DELETE' || input.options?.body === undefined ? '' : JSON.stringify(input.options.body);
    if (Buffer.byteLength(body) > UI_FETCH_MAX_BYTES) throw new UiFetchError('payload_too_large', 'the request body is over 1 MB');
    const timeout = Math.min(input.options?.timeout ?? UI_FETCH_TIMEOUT_MS, UI_FETCH_TIMEOUT_MS);

    const busy = inFlight.get(input.portalId) ?? 0;
    if (busy >= UI_FETCH_MAX_IN_FLIGHT) {
      return { status: 429, body: { status: 'error', message: 'Too many concurrent requests' }, headers: {}, sent: { url: '', method, headers: {}, body }, attempts: 0 };
    }
    inFlight.set(input.portalId, busy + 1);
    try {
      const signedUrl = appendCallerIdentity(url.toString(), { ...input, appId: options.appId });
      const deadline = Date.now() + timeout;
      // The retry is the same signed request sent again [uncertain: HubSpot may sign it afresh].
      const timestamp = options.now?.() ?? Date.now();
      const headers: Record<string, string> = {
        'X-HubSpot-Signature-v3': signV3(options.clientSecret, method, uriAsSigned(signedUrl), body, timestamp),
        'X-HubSpot-Request-Timestamp': String(timestamp),
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      };
      const sent = { url: signedUrl, method, headers, body };
      let attempts = 0;
      for (;;) {
        attempts += 1;
        try {
          const res = await send(target(signedUrl), method, headers, body, deadline);
          if (res.status >= 500 && attempts === 1 && Date.now() < deadline) continue;
          return { ...res, sent, attempts };
        } catch (error) {
          if (error instanceof UiFetchError) throw error;
          if ((error as Error).name === 'TimeoutError' || Date.now() >= deadline) throw new UiFetchError('timeout', `no answer within ${timeout} ms`);
          if (attempts === 1) continue;
          throw new UiFetchError('network', (error as Error).message);
        }
      }
    } finally {
      inFlight.set(input.portalId, (inFlight.get(input.portalId) ?? 1) - 1);
    }
  };
}
