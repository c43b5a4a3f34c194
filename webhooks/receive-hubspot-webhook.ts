// POST /webhooks/hubspot: HubSpot's deliveries. Order, failing closed: raw body (size-limited) -> v3 signature
// over the public URI -> JSON media type (415) -> UTF-8 + JSON -> zod (array of ≤ 100 events) -> durable enqueue
// -> 200. Nothing is enqueued for a refused request, no HubSpot call is made here, and when the queue cannot take
// the batch the answer is 503 so HubSpot delivers it again (never 200 for a batch not stored). Events of portals
// that never installed the app are dropped by the intake before anything is stored (counted, not retried).
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import {
  SIGNATURE_V3_HEADER, TIMESTAMP_HEADER, headerValue, publicRequestUri, verifyHubSpotSignatureV3,
} from '../src/hubspot/signature.ts';
import { eventKind, MAX_EVENTS_PER_DELIVERY, ZWebhookBatch } from '../src/jobs/webhook-events.ts';
import type { WebhookIntake } from '../src/jobs/pipeline.ts';

export const WEBHOOK_PATH = '/webhooks/hubspot';
export const DEFAULT_MAX_WEBHOOK_BYTES = 1024 * 1024;

export interface WebhookRouterDeps {
  clientSecret: string;
  /** The public base URL HubSpot calls (we sit behind a proxy): the signed URI is rebuilt from it. */
  publicBaseUrl: string;
  intake: WebhookIntake;
  log: Logger;
  maxBodyBytes?: number;
  now?: () => number;
}

function refuse(res: Response, status: number, code: string, message: string): void {
  res.status(status).set('cache-control', 'no-store').json({ error: { code, message } });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** application/json or a +json type, parameters aside (the body is read as UTF-8 whatever a charset says). */
export function isJsonMediaType(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

export function createWebhookRouter(deps: WebhookRouterDeps): Router {
  const router = express.Router();
  const raw = express.raw({ type: () => true, limit: deps.maxBodyBytes ?? DEFAULT_MAX_WEBHOOK_BYTES });

  router.post(WEBHOOK_PATH, raw, async (req: Request, res: Response) => {
    const started = performance.now();
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const check = verifyHubSpotSignatureV3({
      method: req.method,
      uri: publicRequestUri(deps.publicBaseUrl, req.originalUrl),
      rawBody: body,
      signature: headerValue(req.headers, SIGNATURE_V3_HEADER),
      timestamp: headerValue(req.headers, TIMESTAMP_HEADER),
      clientSecret: deps.clientSecret,
      now: deps.now?.(),
    });
    if (!check.ok) {
      deps.log.warn({ reason: check.reason, bytes: body.length }, 'webhook refused: signature');
      return refuse(res, check.status, 'bad_signature', check.reason);
    }
    if (!isJsonMediaType(req.headers['content-type'])) {
      // The type sent is not echoed back (a header is caller input, like the body).
      deps.log.warn({ bytes: body.length }, 'webhook refused: media type');
      return refuse(res, 415, 'unsupported_media_type', 'deliveries must be application/json');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(utf8.decode(body));
    } catch {
      return refuse(res, 400, 'invalid_json', 'body is not UTF-8 JSON');
    }
    if (Array.isArray(parsed) && parsed.length > MAX_EVENTS_PER_DELIVERY) {
      return refuse(res, 400, 'too_many_events', `at most ${MAX_EVENTS_PER_DELIVERY} events per delivery`);
    }
    const batch = ZWebhookBatch.safeParse(parsed);
    if (!batch.success) {
      // Paths and messages only: never echo values (they may carry personal data).
      const issue = batch.error.issues[0];
      const where = issue ? issue.path.join('.') || '(root)' : '(root)';
      deps.log.warn({ where }, 'webhook refused: schema');
      return refuse(res, 400, 'invalid_events', `${where}: ${issue?.message ?? 'invalid'}`);
    }
    const events = batch.data.filter((e) => eventKind(e) !== 'ignored');
    const ignored = batch.data.length - events.length;
    let unknownPortal = 0;
    try {
      unknownPortal = (await deps.intake.accept(events))?.unknownPortal ?? 0;
    } catch (err) {
      deps.log.error({ events: events.length, err: err instanceof Error ? err.message : String(err) }, 'webhook batch not stored: asking HubSpot to retry');
      res.set('retry-after', '30');
      return refuse(res, 503, 'queue_unavailable', 'batch not stored, retry later');
    }
    deps.log.debug({ events: events.length, ignored, unknownPortal, ms: Math.round(performance.now() - started) }, 'webhook batch stored');
    const answer: Record<string, number> = { accepted: events.length - unknownPortal, ignored };
    if (unknownPortal > 0) answer.unknownPortal = unknownPortal;
    res.status(200).set('cache-control', 'no-store').json(answer);
  });

  // Oversize and unreadable bodies from express.raw, answered here so they never reach the generic handler.
  router.use(WEBHOOK_PATH, (err: unknown, _req: Request, res: Response, next: (e?: unknown) => void) => {
    const e = err as { type?: string; status?: number };
    if (e?.type === 'entity.too.large') return refuse(res, 413, 'payload_too_large', 'delivery larger than the limit');
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return refuse(res, 400, 'bad_request', 'unreadable body');
    next(err);
  });
  return router;
}
