// Gate for the endpoints hubspot.fetch calls from the card and the settings page. Order, failing closed:
// raw body present -> v3 signature over the public URI -> portal in the path well-formed -> the portalId HubSpot
// appends to signed requests equals the one in the path -> that portal has an active installation. Only then
// is the body parsed. The signature covers the whole URI, so HubSpot's portalId query parameter can be trusted.
import express, { type NextFunction, type Request, type Response } from 'express';
import {
  SIGNATURE_V3_HEADER, TIMESTAMP_HEADER, headerValue, publicRequestUri, verifyHubSpotSignatureV3,
} from '../hubspot/signature.ts';
import { log } from '../log.ts';
import type { Installations } from './ports.ts';

export interface SignedCaller {
  portalId: number;
  /** HubSpot user id appended by hubspot.fetch, when present. */
  userId: string | null;
  actor: string;
  /** The parsed JSON body ({} when empty). */
  body: unknown;
}

declare module 'express-serve-static-core' {
  interface Request {
    signedCaller?: SignedCaller;
    rawBody?: Buffer;
  }
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

export function requireSignedPortalRequest(deps: {
  clientSecret: string;
  publicBaseUrl: string;
  installations: Installations;
  now?: () => Date;
}) {
  return async function signedPortalRequest(req: Request, res: Response, next: NextFunction): Promise<void> {
    const raw = bodyBytes(req);
    if (raw == null) {
      log.error({ path: req.path }, 'request body parsed before signature check: raw bytes unavailable');
      sendError(res, 500, 'raw_body_unavailable', 'Server misconfiguration: request body was not kept raw');
      return;
    }
    const check = verifyHubSpotSignatureV3({
      method: req.method,
      uri: publicRequestUri(deps.publicBaseUrl, req.originalUrl),
      rawBody: raw,
      signature: headerValue(req.headers, SIGNATURE_V3_HEADER),
      timestamp: headerValue(req.headers, TIMESTAMP_HEADER),
      clientSecret: deps.clientSecret,
      now: (deps.now?.() ?? new Date()).getTime(),
    });
    if (!check.ok) {
      log.warn({ path: req.path, reason: check.reason }, 'signed request refused');
      sendError(res, check.status, 'bad_signature', check.reason);
      return;
    }
    const portalParam = String(req.params.portalId ?? '');
    if (!/^\d{1,15}$/.test(portalParam)) {
      sendError(res, 400, 'bad_portal', 'portalId in the path must be a number');
      return;
    }
    const portalId = Number(portalParam);
    const queryPortal = typeof req.query.portalId === 'string' ? req.query.portalId : null;
    if (queryPortal !== portalParam) {
      // HubSpot appends the caller's portalId to every hubspot.fetch URL; a mismatch is a request for another
      // account's data made from this one.
      log.warn({ portalId, queryPortal }, 'signed request for another portal refused');
      sendError(res, 403, 'portal_mismatch', 'This request was not made from the portal named in the URL');
      return;
    }
    if (!(await deps.installations.isActive(portalId))) {
      sendError(res, 403, 'not_installed', 'Prospect Guard is not installed in this portal');
      return;
    }
    const parsed = parseJsonBody(raw);
    if (!parsed.ok) {
      sendError(res, 400, 'bad_json', 'Request body is not valid JSON');
      return;
    }
    const userId = typeof req.query.userId === 'string' && /^\d+$/.test(req.query.userId) ? req.query.userId : null;
    req.signedCaller = { portalId, userId, actor: userId ? `user:${userId}` : 'user:unknown', body: parsed.value };
    next();
  };
}
