// Compliance dashboard backend (the app pages in ui-extensions/src/app/pages call it with hubspot.fetch):
//   GET  /api/portals/:portalId/dashboard                  -> home figures (+ backfill progress)
//   GET  /api/portals/:portalId/dashboard/requests?kind=&status=&late=1 -> data subject requests, late first
//   GET  /api/portals/:portalId/dashboard/evidence         -> ledger size, last verification, report links
//   POST /api/portals/:portalId/dashboard/evidence/verify  -> verifies the chain now and records the result
//   GET  /evidence-report/:token                            -> the portal's evidence report (HTML), short-lived link
// The /api routes pass the card's gate (src/card/signed-request.ts: v3 signature, portal in path = signed
// portalId, active install); the report link is an HMAC token naming the portal and an expiry.
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { log } from '../log.ts';
import type { BackfillProgress, Installations } from '../card/ports.ts';
import { rawBody, requireSignedPortalRequest, sendError } from '../card/signed-request.ts';
import type { LedgerVerification } from '../ledger/ledger.ts';
import {
  REQUEST_KINDS, REQUEST_STATUSES, type DashboardHome, type DashboardQueries, type LedgerVerificationRecord, type RequestFilter,
} from './dashboard-queries.ts';
import { createReportLinks, type ReportLinks } from './report-link.ts';

export interface DashboardDeps {
  clientSecret: string;
  publicBaseUrl: string;
  now?: () => Date;
  installations: Installations;
  queries: DashboardQueries;
  backfill(portalId: number): Promise<BackfillProgress>;
  ledger: { verify(portalId: number): Promise<LedgerVerification>; head(portalId: number): Promise<{ seq: number; hash: string }> };
  /** The readable evidence report of a portal (HTML), for the short-lived link. */
  renderReport(portalId: number, lang: 'en' | 'fr'): Promise<string>;
}

export type DashboardHomeResponse = DashboardHome & { backfill: BackfillProgress };
export interface DashboardEvidenceResponse {
  generatedAt: string;
  entries: number;
  byKind: Record<string, number>;
  firstAt: string | null;
  lastAt: string | null;
  head: { seq: number; hash: string };
  lastVerification: LedgerVerificationRecord | null;
  reports: { html: { en: string; fr: string }; expiresAt: string };
  commands: { verify: string; export: string };
}

const RequestQuery = z.object({
  kind: z.enum(REQUEST_KINDS).optional(),
  status: z.enum(['pending', ...REQUEST_STATUSES]).optional(),
  late: z.enum(['1', 'true', '0', 'false']).optional(),
});

export async function verifyLedgerNow(deps: DashboardDeps, portalId: number, actor: string): Promise<LedgerVerificationRecord> {
  const verifiedAt = (deps.now?.() ?? new Date()).toISOString();
  const result = await deps.ledger.verify(portalId);
  const record: LedgerVerificationRecord = result.ok
    ? { verifiedAt, ok: true, entries: result.entries, headHash: result.headHash, brokenAtSeq: null, reason: null, actor }
    : { verifiedAt, ok: false, entries: 0, headHash: null, brokenAtSeq: result.brokenAtSeq, reason: result.reason, actor };
  await deps.queries.recordVerification(portalId, record);
  return record;
}

export function createDashboardRouter(deps: DashboardDeps): express.Router {
  const router = express.Router();
  const signed = requireSignedPortalRequest(deps);
  const links: ReportLinks = createReportLinks({ secret: deps.clientSecret, publicBaseUrl: deps.publicBaseUrl });
  const now = () => deps.now?.() ?? new Date();
  const base = '/api/portals/:portalId/dashboard';
  router.use(base, rawBody);
  const guard = (fn: (req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response) => {
    try {
      await fn(req, res);
    } catch (error) {
      log.error({ portalId: req.signedCaller?.portalId, err: (error as Error).message }, 'dashboard request failed');
      sendError(res, 503, 'temporarily_unavailable', 'Prospect Guard could not answer; try again in a moment');
    }
  };

  router.get(base, signed, guard(async (req, res) => {
    const portalId = req.signedCaller!.portalId;
    const [home, backfill] = await Promise.all([deps.queries.home(portalId, now()), deps.backfill(portalId)]);
    const body: DashboardHomeResponse = { ...home, backfill };
    res.json(body);
  }));

  router.get(`${base}/requests`, signed, guard(async (req, res) => {
    const parsed = RequestQuery.safeParse({ kind: req.query.kind, status: req.query.status, late: req.query.late });
    if (!parsed.success) {
      sendError(res, 400, 'bad_filter', `Unknown filter: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
      return;
    }
    const q = parsed.data;
    const filter: RequestFilter = {
      ...(q.kind ? { kind: q.kind } : {}), ...(q.status ? { status: q.status } : {}),
      ...(q.late === '1' || q.late === 'true' ? { lateOnly: true } : {}),
    };
    res.json(await deps.queries.requests(req.signedCaller!.portalId, filter, now()));
  }));

  router.get(`${base}/evidence`, signed, guard(async (req, res) => {
    const portalId = req.signedCaller!.portalId;
    const at = now();
    const [summary, head, lastVerification] = await Promise.all([
      deps.queries.ledgerSummary(portalId), deps.ledger.head(portalId), deps.queries.lastVerification(portalId),
    ]);
    const link = links.issue(portalId, at);
    const body: DashboardEvidenceResponse = {
      generatedAt: at.toISOString(), ...summary, head, lastVerification,
      reports: { html: { en: `${link.url}?lang=en`, fr: `${link.url}?lang=fr` }, expiresAt: link.expiresAt },
      commands: { verify: `prospect-guard ledger verify --portal ${portalId}`, export: `prospect-guard ledger export --portal ${portalId} --format html` },
    };
    res.json(body);
  }));

  router.post(`${base}/evidence/verify`, signed, guard(async (req, res) => {
    const caller = req.signedCaller!;
    res.json({ verification: await verifyLedgerNow(deps, caller.portalId, caller.actor) });
  }));

  router.get('/evidence-report/:token', async (req, res) => {
    const portalId = links.check(String(req.params.token), now());
    if (portalId === null) {
      res.status(410).type('text/plain').send('This report link has expired or is not valid. Open the evidence page in HubSpot again for a new link.');
      return;
    }
    try {
      if (!(await deps.installations.isActive(portalId))) {
        res.status(403).type('text/plain').send('Prospect Guard is not installed in this portal.');
        return;
      }
      const lang = req.query.lang === 'fr' ? 'fr' : 'en';
      res.set('Cache-Control', 'no-store').set('Referrer-Policy', 'no-referrer').type('html').send(await deps.renderReport(portalId, lang));
    } catch (error) {
      log.error({ portalId, err: (error as Error).message }, 'evidence report failed');
      res.status(503).type('text/plain').send('The report could not be produced; try again in a moment.');
    }
  });
  return router;
}
