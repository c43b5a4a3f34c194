// The reports over HTTP. POST /api/portals/:portalId/reports/links (hubspot.fetch, v3-signed, like the card's
// calls) answers { url, expiresAt }: a ten-minute link the card or the dashboard opens in a new tab.
// GET /reports/:token serves the document (PDF by default, or HTML), never cached, never indexed.
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '../storage/db.ts';
import type { EvidenceLedger } from '../ledger/ledger.ts';
import type { LedgerAnchor } from '../ledger/integrity.ts';
import { log } from '../log.ts';
import { rawBody, requireSignedPortalRequest, sendError } from '../card/signed-request.ts';
import type { Installations } from '../card/ports.ts';
import { buildReport } from './build-report.ts';
import { createReportLinkToken, readReportLinkToken } from './report-link.ts';
import type { ReportLang } from './vocabulary.ts';

export interface ReportRouterDeps {
  clientSecret: string;
  publicBaseUrl: string;
  installations: Installations;
  db: Db;
  ledger: EvidenceLedger;
  anchor: LedgerAnchor | null;
  linkKey: Buffer;
  now?: () => Date;
  renderPdf?: (html: string, options: { footerTitle: string; lang: ReportLang }) => Promise<Buffer>;
}

const LinkRequestSchema = z.object({
  kind: z.enum(['evidence', 'art30']),
  contactId: z.string().regex(/^\d{1,20}$/, 'must be a HubSpot record id').optional(),
  lang: z.enum(['en', 'fr']).optional(),
  format: z.enum(['pdf', 'html']).default('pdf'),
}).strict().refine((r) => r.kind === 'evidence' || r.contactId === undefined, { message: 'contactId applies to the evidence report only' });

export function createReportRouter(deps: ReportRouterDeps): express.Router {
  const router = express.Router();
  const now = () => deps.now?.() ?? new Date();
  const path = '/api/portals/:portalId/reports/links';
  router.use(path, rawBody);
  router.post(path, requireSignedPortalRequest(deps), (req: Request, res: Response) => {
    const caller = req.signedCaller;
    if (!caller) { sendError(res, 401, 'unsigned', 'signed request required'); return; }
    const parsed = LinkRequestSchema.safeParse(caller.body);
    if (!parsed.success) { sendError(res, 400, 'bad_request', parsed.error.issues[0]?.message ?? 'invalid request'); return; }
    const { kind, contactId, lang, format } = parsed.data;
    const { token, expiresAt } = createReportLinkToken(deps.linkKey, {
      p: caller.portalId, k: kind, f: format, ...(contactId ? { c: contactId } : {}), ...(lang ? { l: lang } : {}),
    }, now());
    res.status(200).json({ url: `${deps.publicBaseUrl}/reports/${token}`, expiresAt: expiresAt.toISOString() });
  });

  router.get('/reports/:token', async (req: Request, res: Response) => {
    res.set({ 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex', 'Referrer-Policy': 'no-referrer', 'X-Content-Type-Options': 'nosniff' });
    const claims = readReportLinkToken(deps.linkKey, String(req.params.token ?? ''), now());
    if (!claims || !(await deps.installations.isActive(claims.p))) {
      res.status(404).type('text/plain').send('This report link is not valid or has expired: open the report again from HubSpot.');
      return;
    }
    try {
      const built = await buildReport({ db: deps.db, ledger: deps.ledger, anchor: deps.anchor }, {
        kind: claims.k, portalId: claims.p, now: now(), ...(claims.c ? { contactId: claims.c } : {}), ...(claims.l ? { lang: claims.l } : {}),
      });
      const name = `${claims.k === 'art30' ? 'art30-record' : 'evidence-report'}-${claims.p}${claims.c ? `-contact-${claims.c}` : ''}`;
      if (claims.f === 'html') {
        res.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
        res.status(200).type('text/html; charset=utf-8').send(built.html);
        return;
      }
      const render = deps.renderPdf ?? (async (h: string, o: { footerTitle: string; lang: ReportLang }) => (await import('./pdf.ts')).renderPdf(h, o));
      const pdf = await render(built.html, { footerTitle: built.footerTitle, lang: built.lang });
      res.status(200).type('application/pdf').set('Content-Disposition', `inline; filename="${name}.pdf"`).send(pdf);
    } catch (err) {
      log.error({ portalId: claims.p, err: (err as Error).message }, 'report not rendered');
      res.status(503).set('Retry-After', '10').type('text/plain').send('The report could not be produced; try again in a moment.');
    }
  });
  return router;
}
