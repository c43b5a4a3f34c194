// One document, ready to print: the evidence report or the art. 30 record of a portal, in the reader's language
// and the controller's time zone. The command line and the signed report links both come through here.
import type { Db } from '../storage/db.ts';
import type { EvidenceLedger } from '../ledger/ledger.ts';
import { exportLedger } from '../ledger/export.ts';
import { verifyPortalEvidence, type LedgerAnchor } from '../ledger/integrity.ts';
import { loadPortalReportSettings } from './portal-settings.ts';
import { renderEvidenceReportHtml } from './evidence-report.ts';
import { renderArt30RecordHtml } from './art30-record.ts';
import { JURISDICTION_TIME_ZONES, type ReportLang } from './vocabulary.ts';

export type ReportKind = 'evidence' | 'art30';

export interface BuiltReport {
  html: string;
  lang: ReportLang;
  timeZone: string;
  /** The register verified (always true for the art. 30 record, which only states the last check). */
  ok: boolean;
  /** Title for the PDF page footer. */
  footerTitle: string;
}

export async function buildReport(deps: { db: Db; ledger: EvidenceLedger; anchor: LedgerAnchor | null }, input: {
  kind: ReportKind; portalId: number; contactId?: string; lang?: ReportLang; timeZone?: string; now: Date;
}): Promise<BuiltReport> {
  const settings = await loadPortalReportSettings(deps.db, input.portalId);
  const lang: ReportLang = input.lang ?? (['FR', 'BE'].includes(settings.defaultJurisdiction) ? 'fr' : 'en');
  const timeZone = input.timeZone ?? JURISDICTION_TIME_ZONES[settings.defaultJurisdiction] ?? 'Europe/Paris';
  const who = settings.controller?.name ?? `HubSpot ${input.portalId}`;
  if (input.kind === 'evidence') {
    const report = await exportLedger(deps.ledger, input.portalId, { anchor: deps.anchor, now: input.now, ...(input.contactId !== undefined ? { contactId: input.contactId } : {}) });
    return {
      html: renderEvidenceReportHtml({ report, controller: settings.controller, lang, timeZone }), lang, timeZone, ok: report.integrity.ok,
      footerTitle: `${lang === 'fr' ? 'Rapport de preuves' : 'Evidence report'} — ${who}`,
    };
  }
  const integrity = await verifyPortalEvidence({ ledger: deps.ledger, anchor: deps.anchor }, input.portalId);
  return {
    html: renderArt30RecordHtml({ portalId: input.portalId, settings, lang, generatedAt: input.now, timeZone, registerState: integrity.state }), lang, timeZone, ok: true,
    footerTitle: `${lang === 'fr' ? 'Registre art. 30 — prospection' : 'Art. 30 record — prospecting'} — ${who}`,
  };
}
