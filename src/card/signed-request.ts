// Gate for the endpoints hubspot.fetch calls from the card, the settings page and the app's pages. One function
// (`verifySignedPortalRequest`) and two middlewares (`requireSignedPortalRequest`, `replayGuard`) that every
// signed backend endpoint reuses. Order, failing closed:
//   raw body present -> v3 signature over the public URI -> the portal, from what HubSpot signed -> that portal
//   has an active installation -> only then is the body parsed.
// What HubSpot signs is the whole URI (path and query), the body and the timestamp; headers other than the
// signature's own are not signed and are never trusted. HubSpot appends `userId`, `portalId`, `userEmail` and
// `appId` to a hubspot.fetch URL (docs/HUBSPOT-PROJECT.md, "What hubspot.fetch sends", for the evidence and what
// stays [uncertain]); the card also puts the portal in the path. Both are inside the signed URI, so:
//   - an appended `portalId` must agree with the path (else 403 portal_mismatch) and must not appear twice with
//     different values (a caller's own `?portalId=` before HubSpot's);
//   - without it, the signed path names the portal (the documented form of our own URLs).
// `userEmail` is personal data: read by nobody here, never logged.
import { createHash } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import {
  DEFAULT_MAX_SKEW_MS, SIGNATURE_V3_HEADER, TIMESTAMP_HEADER, headerValue, publicRequestUri, verifyHubSpotSignatureV3,
} from '../hubspot/signature.ts';
import { log } from '../log.ts';
import type { Installations } from './ports.ts';
import type { ReplayStore } from './replay-store.ts';

export interface SignedCaller {
  portalId: number;
  /** HubSpot user id appended by hubspot.fetch, when present. */
  userId: string | null;
  /** The app id HubSpot appended, when present (checked against ours when we know it). */
  appId: number | null;
  actor: string;
  /** The parsed JSON body ({} when empty). */
  body: unknown;
  /** This signed request's idempotency key: a hash of its signature and timestamp. */
  requestKey: string;
  /** Which signed part named the portal: HubSpot's appended `portalId`, the path alone, or the signed body. */
  portalSource: 'query' | 'path' | 'body';
}

declare module 'express-serve-static-core' {
  interface Request {
    signedCaller?: SignedCaller;
    rawBody?: Buffer;
  }
}

export interface SignedRequestDeps {
  clientSecret: string;
  publicBaseUrl: string;
  installations: Installations;
  now?: () => Date;
  /** Our HubSpot app id; when set, a signed request naming another app id is refused. */
  appId?: number | null;
}

export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the body as bytes, whatever its content type (HubSpot signs the exact bytes). */
export const rawBody = express.raw({ type: () => true, limit: MAX_BODY_BYTES });

export function bodyBytes(req: Request): Buffer | null {
  if (Buffer.isBuffer(req.body)) return req.body;
  if (Buffer.isBuffer(req.rawBody)) return req.rawBody;
  // An empty GET leaves no body at all: treat as zero bytes. A body already parsed by someone else is lost.
  if (req.body === undefined || (req.body && typeof req.body === 'object' && Object.keys(req.body as object).length === 0
    && Number(req.headers['content-length'] ?? 0) === 0)) return Buffer.alloc(0);
  return null;
}

export function sendError(res: Response, status: number, code: string, message: string, extra: Record<string, unknown> = {}): void {
  res.status(status).json({ error: { code, message, ...extra } });
}

export function parseJsonBody(raw: Buffer): { ok: true; value: unknown } | { ok: false } {
  if (raw.length === 0) return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}

/** The idempotency key of a signed request: the signature and timestamp HubSpot sent, hashed. */
export function signedRequestKey(version: 'v2' | 'v3', signature: string, timestamp: string | null): string {
  return createHash('sha256').update(`${version}\n${signature.trim()}\n${timestamp?.trim() ?? ''}`).digest('hex');
}

export type SignedRequestCheck =
  | { ok: true; caller: SignedCaller }
  | { ok: false; status: number; code: string; message: string };

const PORTAL = /^\d{1,15}$/;

/** Every value of a query parameter, as HubSpot signed it (the URI is signed, so these are too). */
function queryValues(req: Request, name: string): string[] {
  const q = new URL(req.originalUrl, 'http://signed.invalid').searchParams;
  return q.getAll(name);
}

function single(values: string[]): { ok: true; value: string | null } | { ok: false } {
  const distinct = [...new Set(values)];
  if (distinct.length > 1) return { ok: false };
  return { ok: true, value: distinct[0] ?? null };
}

/**
 * Checks a hubspot.fetch request and names its caller. Reusable by any signed endpoint (card, settings, pages):
 * the portal comes from the `:portalId` path parameter when the route has one, checked against HubSpot's
 * appended `portalId`; a route without it takes HubSpot's appended `portalId` alone.
 */
export async function verifySignedPortalRequest(req: Request, deps: SignedRequestDeps): Promise<SignedRequestCheck> {
  const raw = bodyBytes(req);
  if (raw == null) {
    log.error({ path: req.path }, 'request body parsed before signature check: raw bytes unavailable');
    return { ok: false, status: 500, code: 'raw_body_unavailable', message: 'Server misconfiguration: request body was not kept raw' };
  }
  const signature = headerValue(req.headers, SIGNATURE_V3_HEADER);
  const timestamp = headerValue(req.headers, TIMESTAMP_HEADER);
  const check = verifyHubSpotSignatureV3({
    method: req.method,
    uri: publicRequestUri(deps.publicBaseUrl, req.originalUrl),
    rawBody: raw,
    signature,
    timestamp,
    clientSecret: deps.clientSecret,
    now: (deps.now?.() ?? new Date()).getTime(),
  });
  if (!check.ok) {
    log.warn({ path: req.path, reason: check.reason }, 'signed request refused');
    return { ok: false, status: check.status, code: 'bad_signature', message: check.reason };
  }
  const appended = single(queryValues(req, 'portalId'));
  if (!appended.ok) {
    log.warn({ path: req.path }, 'signed request names several portals');
    return { ok: false, status: 403, code: 'portal_mismatch', message: 'This request names more than one portal' };
  }
  const pathParam = req.params.portalId === undefined ? null : String(req.params.portalId);
  const named = pathParam ?? appended.value;
  if (named === null) return { ok: false, status: 400, code: 'bad_portal', message: 'The request does not name a portal' };
  if (!PORTAL.test(named) || (appended.value !== null && !PORTAL.test(appended.value))) {
    return { ok: false, status: 400, code: 'bad_portal', message: 'portalId must be a number' };
  }
  const portalId = Number(named);
  if (appended.value !== null && Number(appended.value) !== portalId) {
    // HubSpot appends the calling account's portalId: a different one in the path is a request for another
    // account's data made from this one.
    log.warn({ portalId, appendedPortalId: Number(appended.value) }, 'signed request for another portal refused');
    return { ok: false, status: 403, code: 'portal_mismatch', message: 'This request was not made from the portal named in the URL' };
  }
  const appIdValue = single(queryValues(req, 'appId'));
  const appId = appIdValue.ok && appIdValue.value !== null && /^\d{1,15}$/.test(appIdValue.value) ? Number(appIdValue.value) : null;
  if (!appIdValue.ok || (deps.appId != null && appIdValue.value !== null && appId !== deps.appId)) {
    log.warn({ portalId }, 'signed request made for another app refused');
    return { ok: false, status: 403, code: 'wrong_app', message: 'This request was made for another app' };
  }
  if (!(await deps.installations.isActive(portalId))) {
    return { ok: false, status: 403, code: 'not_installed', message: 'Prospect Guard is not installed in this portal' };
  }
  const parsed = parseJsonBody(raw);
  if (!parsed.ok) return { ok: false, status: 400, code: 'bad_json', message: 'Request body is not valid JSON' };
  const users = single(queryValues(req, 'userId'));
  const userId = users.ok && users.value !== null && /^\d+$/.test(users.value) ? users.value : null;
  return {
    ok: true,
    caller: {
      portalId, userId, appId, actor: userId ? `user:${userId}` : 'user:unknown', body: parsed.value,
      requestKey: signedRequestKey('v3', signature ?? '', timestamp ?? ''),
      portalSource: appended.value !== null ? 'query' : 'path',
    },
  };
}

/** Express middleware around `verifySignedPortalRequest`: sets `req.signedCaller` or answers the refusal. */
export function requireSignedPortalRequest(deps: SignedRequestDeps) {
  return async function signedPortalRequest(req: Request, res: Response, next: NextFunction): Promise<void> {
    try {
      const result = await verifySignedPortalRequest(req, deps);
      if (!result.ok) { sendError(res, result.status, result.code, result.message); return; }
      req.signedCaller = result.caller;
      next();
    } catch (error) {
      next(error);
    }
  };
}

export const REPLAYED_HEADER = 'x-prospect-guard-replayed';

/**
 * Makes a state-changing signed endpoint idempotent: the first answer to a signed request (keyed by its
 * signature and timestamp, per portal) is kept for twice the signature window (a timestamp may be up to five
 * minutes ahead or behind), and the same signed request again gets that answer without the handler running.
 * Runs after `requireSignedPortalRequest` (or anything that sets `req.signedCaller`).
 */
export function replayGuard(deps: { replays: ReplayStore; now?: () => Date; windowMs?: number; waitForFirstMs?: number }) {
  const ttlMs = 2 * (deps.windowMs ?? DEFAULT_MAX_SKEW_MS);
  return async function replayGuarded(req: Request, res: Response, next: NextFunction): Promise<void> {
    const caller = req.signedCaller;
    if (!caller) { sendError(res, 401, 'unsigned', 'signed request required'); return; }
    const { portalId, requestKey } = caller;
    try {
      const deadline = Date.now() + (deps.waitForFirstMs ?? 10_000);
      for (;;) {
        const contactId = req.params.contactId === undefined ? null : String(req.params.contactId);
        const claim = await deps.replays.claim(portalId, requestKey, deps.now?.() ?? new Date(), ttlMs, contactId);
        if (claim.state === 'fresh') break;
        if (claim.state === 'done') {
          log.warn({ portalId, path: req.path }, 'replayed signed request answered with its first result');
          res.set(REPLAYED_HEADER, 'true').status(claim.status).json(claim.body);
          return;
        }
        // The first copy is still running: wait for its answer rather than act twice.
        if (Date.now() > deadline) { sendError(res, 409, 'request_in_progress', 'The same request is already being processed'); return; }
        await new Promise((r) => setTimeout(r, 25));
      }
    } catch (error) {
      next(error);
      return;
    }
    let captured: { status: number; body: unknown } | null = null;
    const json = res.json.bind(res);
    res.json = (body: unknown) => { captured = { status: res.statusCode, body }; return json(body); };
    res.once('finish', () => {
      const done = captured as { status: number; body: unknown } | null;
      const settle = done && done.status < 500
        ? deps.replays.complete(portalId, requestKey, done.status, done.body)
        : deps.replays.release(portalId, requestKey);
      settle.catch((err: unknown) => log.error({ portalId, err: (err as Error).message }, 'could not record a signed request answer'));
    });
    next();
  };
}
