// Issue 12.3: the evidence register and the art. 30 record as documents a DPO can sign, in HTML and in PDF.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/db.ts';
import { exportLedger } from '../../src/ledger/export.ts';
import { ledgerWithAnchor, runLedgerCommand } from '../../src/ledger/verify-command.ts';
import { renderEvidenceReportHtml } from '../../src/reports/evidence-report.ts';
import { renderArt30RecordHtml } from '../../src/reports/art30-record.ts';
import { loadPortalReportSettings } from '../../src/reports/portal-settings.ts';
import { runReportCommand } from '../../src/reports/report-command.ts';
import { formatDateTime } from '../../src/reports/document.ts';
import type { LedgerSecrets } from '../../src/ledger/secrets.ts';
import { at, CONTROLLER, seedPortal, testSecrets } from './support.ts';

const P = 7001;
// Codes that must never reach a reader: ledger kinds, levers, origins, blockers, error classes, JSON.
const RAW = /needs_consent|invalid_consent|one_to_one_unsubscribe|block_properties|unsubscribe_v3|preference_centre|data-subject:|double_opt_in|dsr_opened|suppression_import|HubSpotApiError|status=|hubspot_communication_preferences|[{}"]\s*:|"\w+":/;

function visibleText(html: string): string {
  return html.replace(/<style>[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/&#39;|&quot;|&amp;|&lt;|&gt;/g, ' ');
}

describe('DPO reports', () => {
  let db: TestDb;
  let dir: string;
  let secrets: LedgerSecrets;
  const io = () => {
    const out: string[] = [];
    return { out, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), openDb: async () => ({ ...db, close: async () => undefined }), secrets, now: () => at(28, 15) } };
  };
  beforeAll(async () => {
    db = await createTestDb('pglite');
    dir = mkdtempSync(path.join(os.tmpdir(), 'pg-reports-'));
    secrets = testSecrets(dir);
    await seedPortal(db, secrets, P);
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes times in words in the controller’s time zone', () => {
    expect(formatDateTime('2026-11-20T09:00:00Z', 'fr', 'Europe/Paris')).toBe('20 novembre 2026 à 10:00 (UTC+1)');
    expect(formatDateTime('2026-07-01T09:00:00Z', 'en', 'Europe/Paris')).toBe('1 July 2026, 11:00 (UTC+2)');
    expect(formatDateTime('2026-11-20T09:00:00Z', 'en', 'Europe/London')).toBe('20 November 2026, 09:00 (UTC)');
  });

  it('the portal report: controller, totals first, every entry in words, the verification, no codes', async () => {
    const { ledger, anchor } = ledgerWithAnchor(db, secrets);
    const settings = await loadPortalReportSettings(db, P);
    const report = await exportLedger(ledger, P, { anchor, now: at(28, 15) });
    const fr = renderEvidenceReportHtml({ report, controller: settings.controller, lang: 'fr', timeZone: 'Europe/Paris' });
    const text = visibleText(fr);
    expect(fr).toContain('<html lang="fr">');
    expect(fr).toContain('Atelier Durand &amp; Fils &lt;SAS&gt;'); // escaped
    expect(text).toContain('12 rue des Tanneurs');
    expect(text.indexOf('Synthèse')).toBeLessThan(text.indexOf('Entrées du registre'));
    expect(text).toMatch(/10\s+entrées du registre/);
    expect(text).toContain('Registre intègre');
    expect(text).toContain('20 novembre 2026 à 10:00 (UTC+1)');
    expect(text).toContain('Consentement à la prospection par e-mail, recueilli par double opt-in (confirmé par e-mail), donné le 19 novembre 2026');
    expect(text).toContain('l’utilisateur HubSpot 42');
    expect(text).toContain('Opposition à la prospection par tous les canaux, sur le centre de préférences.');
    expect(text).toContain('HubSpot a répondu par le statut HTTP 503');
    expect(text).toContain('RGPD art. 21.2 et 21.3');
    expect(text).toContain('Séquence 900 arrêtée pour ce contact car la personne s’est opposée');
    expect(text).toContain('Détails effacés'); // the erased contact's request entry
    expect(text).toContain(`prospect-guard ledger verify --portal ${P}`);
    expect(text).not.toMatch(RAW);
    const en = visibleText(renderEvidenceReportHtml({ report, controller: settings.controller, lang: 'en', timeZone: 'Europe/Paris' }));
    expect(en).toContain('Register intact');
    expect(en).toContain('Objection to prospecting by every channel, on the preference centre.');
    expect(en).not.toMatch(RAW);
  });

  it('the contact report covers that contact only; a broken register says so', async () => {
    const { ledger, anchor } = ledgerWithAnchor(db, secrets);
    const report = await exportLedger(ledger, P, { anchor, contactId: '102', now: at(28, 15) });
    const text = visibleText(renderEvidenceReportHtml({ report, controller: null, lang: 'en', timeZone: 'Europe/Paris' }));
    expect(text).toContain('Contact 102 — HubSpot account 7001');
    expect(text).toContain('Controller not configured');
    expect(text).toMatch(/3\s+register entries/);
    expect(text).not.toContain('Consent recorded');
    const Q = 7002;
    await seedPortal(db, secrets, Q);
    await db.query(`update evidence_ledger set kind = 'consent' where portal_id = $1 and seq = 2`, [Q]);
    const broken = await exportLedger(ledger, Q, { anchor });
    const bad = visibleText(renderEvidenceReportHtml({ report: broken, controller: null, lang: 'fr', timeZone: 'Europe/Paris' }));
    expect(bad).toContain('Intégrité NON établie');
    expect(bad).toContain('rompu à l’entrée n° 2');
  });

  it('the art. 30 record is drawn from the settings', async () => {
    const settings = await loadPortalReportSettings(db, P);
    const html = renderArt30RecordHtml({ portalId: P, settings, lang: 'fr', generatedAt: at(28, 15), timeZone: 'Europe/Paris', registerState: 'intact' });
    const text = visibleText(html);
    for (const expected of [
      'Fiche de registre : prospection commerciale', 'Emballages industriels en carton recyclé', 'Directeur achats, Responsable RSE',
      'Prospects : 3 an(s)', 'le contact est supprimé définitivement', 'prévenu 30 jours avant', 'Transferts hors de l’UE', 'À confirmer par le responsable',
      'Mesures de sécurité', '(dernier contrôle : intègre)', 'dpo@atelier-durand.example',
    ]) expect(text).toContain(expected);
    expect(text).not.toMatch(RAW);
    const en = visibleText(renderArt30RecordHtml({ portalId: P, settings: { ...settings, controller: null, expiryAction: 'archive' }, lang: 'en', generatedAt: at(28, 15), timeZone: 'Europe/Paris' }));
    expect(en).toContain('Controller not configured');
    expect(en).toContain('the contact is archived in HubSpot');
  });

  it('ledger export --format html prints the readable document, not a dump', async () => {
    const { io: x, out } = io();
    expect(await runLedgerCommand(['export', '--portal', String(P), '--format', 'html', '--lang', 'fr'], x)).toBe(0);
    const text = visibleText(out.join(''));
    expect(text).toContain('Rapport de preuves');
    expect(text).toContain('Opposition à la prospection par tous les canaux');
    expect(text).not.toMatch(RAW);
  });

  it('the command checks its arguments', async () => {
    const { io: x, out } = io();
    expect(await runReportCommand('evidence', ['--portal', 'x', '--out', 'f'], x)).toBe(2);
    expect(await runReportCommand('evidence', ['--portal', '1', '--format', 'docx', '--out', 'f'], x)).toBe(2);
    expect(await runReportCommand('evidence', ['--portal', '1', '--tz', 'Mars/Olympus', '--out', 'f'], x)).toBe(2);
    expect(await runReportCommand('art30', ['--portal', '1', '--contact', '3', '--out', 'f'], x)).toBe(2);
    expect(await runReportCommand('art30', ['--portal', '1'], x)).toBe(2);
    expect(out.join('')).toMatch(/--out FILE is required/);
  });

  const chromium = existsSync('/usr/bin/chromium');
  const poppler = existsSync('/usr/bin/pdftoppm') && existsSync('/usr/bin/pdftotext');
  if (process.env.CI === 'true' && (!chromium || !poppler)) {
    it('needs Chromium and poppler-utils', () => { throw new Error('install chromium and poppler-utils (pdftoppm, pdftotext): CI must not skip the PDF test'); });
  }
  (chromium && poppler ? it : it.skip)('renders real PDFs whose pages rasterise and whose text reads back', async () => {
    const { io: x, out } = io();
    const evidencePdf = path.join(dir, 'evidence.pdf');
    const art30Pdf = path.join(dir, 'art30.pdf');
    expect(await runReportCommand('evidence', ['--portal', String(P), '--out', evidencePdf], x)).toBe(0); // FR controller: French, PDF
    expect(await runReportCommand('art30', ['--portal', String(P), '--lang', 'en', '--out', art30Pdf], x)).toBe(0);
    expect(out.join('')).toContain('(pdf, fr, Europe/Paris)');
    expect(readFileSync(evidencePdf).subarray(0, 5).toString()).toBe('%PDF-');
    const text = execFileSync('/usr/bin/pdftotext', ['-layout', evidencePdf, '-'], { encoding: 'utf8' });
    for (const expected of ['Rapport de preuves', CONTROLLER.name, 'Registre intègre', '20 novembre 2026 à 10:00', 'RGPD art. 17', 'Page 1 /']) {
      expect(text).toContain(expected);
    }
    expect(text).not.toMatch(RAW);
    const art30 = execFileSync('/usr/bin/pdftotext', ['-layout', art30Pdf, '-'], { encoding: 'utf8' });
    expect(art30).toMatch(/Record of processing:\s+commercial prospecting/);
    expect(art30).toMatch(/Retention periods/);
    execFileSync('/usr/bin/pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', evidencePdf, path.join(dir, 'page')]);
    const png = readdirPng(dir);
    expect(png).not.toBeNull();
    const bytes = readFileSync(png as string);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(png as string).size).toBeGreaterThan(10_000); // a page with text, not a blank one
    // A4 at 60 dpi: 496 x 702 pixels (IHDR width and height).
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([496, 702]);
  }, 60_000);
});

function readdirPng(dir: string): string | null {
  const file = ['page-1.png', 'page-01.png'].map((f) => path.join(dir, f)).find((f) => existsSync(f));
  return file ?? null;
}
