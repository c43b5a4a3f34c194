// HubSpot request signatures (webhooks, hubspot.fetch from cards and settings, workflow actions).
// Verification fails closed in a fixed order: required headers, timestamp window (both ways), HMAC over
// the exact bytes received, constant-time compare. Only after `ok: true` may a caller parse the body.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_V3_HEADER = 'x-hubspot-signature-v3';
export const TIMESTAMP_HEADER = 'x-hubspot-request-timestamp';
export const SIGNATURE_HEADER = 'x-hubspot-signature';
export const SIGNATURE_VERSION_HEADER = 'x-hubspot-signature-version';

/** HubSpot rejects nothing older than this itself; we refuse requests outside it, in either direction. */
export const DEFAULT_MAX_SKEW_MS = 5 * 60 * 1000;

export type SignatureCheck = { ok: true } | { ok: false; status: 400 | 401; reason: string };

// The only escapes HubSpot decodes before signing the v3 URI; every other escape stays as sent.
const DECODED_ESCAPES: Record<string, string> = {
  '%3A': ':', '%2F': '/', '%3F': '?', '%40': '@', '%21': '!', '%24': '$',
  '%27': "'", '%28': '(', '%29': ')', '%2A': '*', '%2C': ',', '%3B': ';',
};

/** The URI as HubSpot signs it for v3: the listed percent-escapes decoded, nothing else touched. */
export function canonicalV3Uri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => DECODED_ESCAPES[m.toUpperCase()] ?? m);
}

/**
 * The public URI HubSpot called, rebuilt from our public base URL (we usually sit behind a proxy, so the
 * Host header and protocol seen by express are not what HubSpot signed). `originalUrl` is path + query.
 */
export function publicRequestUri(publicBaseUrl: string, originalUrl: string): string {
  return publicBaseUrl.replace(/\/+$/, '') + (originalUrl.startsWith('/') ? originalUrl : `/${originalUrl}`);
}

function bodyBytes(rawBody: Buffer | string): Buffer {
  return typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
}

function v3Digest(method: string, uri: string, rawBody: Buffer | string, timestamp: string, clientSecret: string): Buffer {
  return createHmac('sha256', clientSecret)
    .update(Buffer.from(method.toUpperCase() + canonicalV3Uri(uri), 'utf8'))
    .update(bodyBytes(rawBody))
    .update(Buffer.from(timestamp, 'utf8'))
    .digest();
}

function v2Digest(method: string, uri: string, rawBody: Buffer | string, clientSecret: string): Buffer {
  return createHash('sha256')
    .update(Buffer.from(clientSecret + method.toUpperCase() + uri, 'utf8'))
    .update(bodyBytes(rawBody))
    .digest();
}

/** Equal-length constant-time compare; a length mismatch is rejected without comparing contents. */
function sameBytes(expected: Buffer, given: Buffer): boolean {
  if (given.length !== expected.length) return false;
  return timingSafeEqual(expected, given);
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const HEX = /^[0-9a-fA-F]+$/;

/** Verifies `X-HubSpot-Signature-v3` + `X-HubSpot-Request-Timestamp`. */
export function verifyHubSpotSignatureV3(input: {
  method: string;
  uri: string;
  rawBody: Buffer | string;
  signature: string | undefined;
  timestamp: string | undefined;
  clientSecret: string;
  now?: number;
  maxSkewMs?: number;
}): SignatureCheck {
  const { signature, timestamp } = input;
  // 1. Required headers.
  if (signature == null || signature.trim() === '') {
    return { ok: false, status: 401, reason: 'missing X-HubSpot-Signature-v3 header' };
  }
  if (timestamp == null || timestamp.trim() === '') {
    return { ok: false, status: 401, reason: 'missing X-HubSpot-Request-Timestamp header' };
  }
  if (!/^\d{1,16}$/.test(timestamp.trim())) {
    return { ok: false, status: 400, reason: 'X-HubSpot-Request-Timestamp is not epoch milliseconds' };
  }
  // 2. Timestamp window, both ways: a replay of an old request and a request "from the future" both fail.
  const now = input.now ?? Date.now();
  const maxSkew = input.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const ts = Number(timestamp.trim());
  if (now - ts > maxSkew) return { ok: false, status: 401, reason: 'request timestamp too old' };
  if (ts - now > maxSkew) return { ok: false, status: 401, reason: 'request timestamp in the future' };
  // 3. HMAC over method + URI + exact body bytes + timestamp (as sent).
  const expected = v3Digest(input.method, input.uri, input.rawBody, timestamp.trim(), input.clientSecret);
  // 4. Constant-time compare on equal-length buffers.
  const given = signature.trim();
  if (!BASE64.test(given) || !sameBytes(expected, Buffer.from(given, 'base64'))) {
    return { ok: false, status: 401, reason: 'signature mismatch' };
  }
  return { ok: true };
}

/** Computes a v3 signature (tests, the stand-in, and anything we sign ourselves). */
export function signHubSpotV3(input: {
  method: string;
  uri: string;
  rawBody: string;
  timestamp: number;
  clientSecret: string;
}): string {
  return v3Digest(input.method, input.uri, input.rawBody, String(input.timestamp), input.clientSecret).toString('base64');
}

/**
 * Verifies `X-HubSpot-Signature` with `X-HubSpot-Signature-Version: v2` (hex SHA-256 of secret + method + URI +
 * body). v2 carries no timestamp, so it cannot refuse replays: prefer v3 wherever HubSpot sends it.
 */
export function verifyHubSpotSignatureV2(input: {
  method: string;
  uri: string;
  rawBody: Buffer | string;
  signature: string | undefined;
  clientSecret: string;
}): SignatureCheck {
  const given = input.signature?.trim();
  if (given == null || given === '') return { ok: false, status: 401, reason: 'missing X-HubSpot-Signature header' };
  const expected = v2Digest(input.method, input.uri, input.rawBody, input.clientSecret);
  if (!HEX.test(given) || given.length % 2 !== 0 || !sameBytes(expected, Buffer.from(given, 'hex'))) {
    return { ok: false, status: 401, reason: 'signature mismatch' };
  }
  return { ok: true };
}

/** Computes a v2 signature (hex). */
export function signHubSpotV2(input: { method: string; uri: string; rawBody: string; clientSecret: string }): string {
  return v2Digest(input.method, input.uri, input.rawBody, input.clientSecret).toString('hex');
}

/** Header lookup helper for express-style header maps (lower-case keys, string or string[] values). */
export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
