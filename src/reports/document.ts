// The frame shared by the reports a DPO hands over: an A4 page (screen and print), a heading block naming the
// controller, sections, and a signature block. Dates are written in words in the controller's time zone.
import { esc } from '../ledger/html.ts';
import type { ReportLang } from './vocabulary.ts';

export { esc };

export interface Controller {
  name: string;
  address: string | null;
  dpoContact: string | null;
  privacyPolicyUrl: string | null;
}

const LOCALE: Record<ReportLang, string> = { en: 'en-GB', fr: 'fr-FR' };

/** "20 November 2026, 10:00 (UTC+1)" / "20 novembre 2026 à 10:00 (UTC+1)". */
export function formatDateTime(iso: string, lang: ReportLang, timeZone: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const date = new Intl.DateTimeFormat(LOCALE[lang], { timeZone, day: 'numeric', month: 'long', year: 'numeric' }).format(d);
  const time = new Intl.DateTimeFormat(LOCALE[lang], { timeZone, hour: '2-digit', minute: '2-digit', hour12: false }).format(d);
  const offset = new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'shortOffset' }).formatToParts(d)
    .find((p) => p.type === 'timeZoneName')?.value.replace('GMT', 'UTC') ?? '';
  const zone = offset === 'UTC' || offset === 'UTC+0' ? 'UTC' : offset;
  return lang === 'fr' ? `${date} à ${time} (${zone})` : `${date}, ${time} (${zone})`;
}

/** A calendar date (a date-only value stays that day, whatever the zone). */
export function formatDate(value: string, lang: ReportLang, timeZone: string): string {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const d = new Date(dateOnly ? `${value}T12:00:00Z` : value);
  if (Number.isNaN(d.getTime())) return value;
  return new Intl.DateTimeFormat(LOCALE[lang], { timeZone: dateOnly ? 'UTC' : timeZone, day: 'numeric', month: 'long', year: 'numeric' }).format(d);
}

export function formatNumber(n: number, lang: ReportLang): string {
  return new Intl.NumberFormat(LOCALE[lang]).format(n);
}

export function controllerBlock(c: Controller | null, lang: ReportLang): string {
  const t = (en: string, fr: string) => (lang === 'fr' ? fr : en);
  if (!c || !c.name) {
    return `<div class="controller missing"><p><strong>${esc(t('Controller not configured', 'Responsable du traitement non renseigné'))}</strong></p><p>${esc(t('Enter the controller’s name, address and DPO contact on the app’s settings page before handing this document over.', 'Renseignez le nom, l’adresse et le contact du DPO du responsable du traitement dans la page de réglages de l’application avant de remettre ce document.'))}</p></div>`;
  }
  const rows: [string, string | null][] = [
    [t('Controller', 'Responsable du traitement'), c.name],
    [t('Address', 'Adresse'), c.address],
    [t('Data protection officer / contact', 'Délégué à la protection des données / contact'), c.dpoContact],
    [t('Privacy policy', 'Politique de confidentialité'), c.privacyPolicyUrl],
  ];
  return `<dl class="controller">${rows.filter(([, v]) => v).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
}

export function signatureBlock(lang: ReportLang): string {
  const t = (en: string, fr: string) => (lang === 'fr' ? fr : en);
  return `<section class="signature" aria-label="${esc(t('Signature', 'Signature'))}">
<div><span class="label">${esc(t('Prepared by (name, role)', 'Établi par (nom, fonction)'))}</span><span class="line"></span></div>
<div><span class="label">${esc(t('Date', 'Date'))}</span><span class="line"></span></div>
<div><span class="label">${esc(t('Signature', 'Signature'))}</span><span class="line tall"></span></div>
</section>`;
}

const STYLE = `
@page { size: A4; margin: 18mm 16mm 20mm 16mm; }
* { box-sizing: border-box; }
html { background: #eceae6; }
body { font: 10.5pt/1.45 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1d1d1b; margin: 0; }
main { max-width: 210mm; margin: 12px auto; background: #fff; padding: 16mm 16mm 18mm; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
@media print { html { background: #fff; } main { margin: 0; padding: 0; box-shadow: none; max-width: none; } }
header.doc { border-bottom: 2px solid #1d3557; padding-bottom: 10px; margin-bottom: 14px; display: flex; justify-content: space-between; gap: 16px; }
header.doc .kicker { font-size: 8.5pt; letter-spacing: .08em; text-transform: uppercase; color: #5b6770; margin: 0 0 4px; }
h1 { font-size: 17pt; margin: 0 0 4px; color: #1d3557; }
header.doc .scope { margin: 0; color: #3b4a54; }
header.doc .meta { text-align: right; font-size: 9pt; color: #5b6770; white-space: nowrap; }
h2 { font-size: 12pt; color: #1d3557; border-bottom: 1px solid #c9d1d8; padding-bottom: 3px; margin: 18px 0 8px; break-after: avoid; }
h3 { font-size: 10.5pt; margin: 12px 0 6px; }
dl.controller { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0 0 6px; }
dl.controller dt { color: #5b6770; }
dl.controller dd { margin: 0; font-weight: 600; }
.controller.missing { border: 1px solid #b3261e; background: #fdf1f0; padding: 6px 10px; color: #7d1a14; }
.verdict { border-left: 5px solid; padding: 8px 12px; margin: 8px 0 4px; break-inside: avoid; }
.verdict p { margin: 2px 0; }
.verdict.ok { border-color: #2e7d32; background: #eef6ee; }
.verdict.warn { border-color: #b26a00; background: #fff6e5; }
.verdict.bad { border-color: #b3261e; background: #fdf1f0; }
.verdict .head { font-weight: 700; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; }
th, td { text-align: left; vertical-align: top; padding: 5px 6px; border-bottom: 1px solid #dde3e8; }
thead th { background: #f1f4f7; color: #34424c; font-weight: 600; border-bottom: 1px solid #b9c3cc; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.when { width: 19%; }
ul.levers { margin: 2px 0 0; padding-left: 16px; }
ul.levers li { margin: 0; }
td.rule { color: #4a5862; font-size: 8.5pt; width: 16%; }
.totals { display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; margin: 6px 0 10px; }
.totals div { border: 1px solid #d5dde3; padding: 6px 8px; break-inside: avoid; }
.totals .n { display: block; font-size: 15pt; font-weight: 700; color: #1d3557; }
.totals .l { font-size: 8.5pt; color: #4a5862; }
.muted { color: #5b6770; }
.small { font-size: 8.5pt; }
ol.steps { padding-left: 18px; margin: 4px 0; }
ol.steps li { margin: 3px 0; }
code, .mono { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 8.5pt; word-break: break-all; }
.section-table td ul { margin: 0; padding-left: 16px; }
.section-table td li { margin: 0 0 2px; }
.section-table tr { break-inside: auto; }
.section-table th[scope=row] { width: 30%; color: #34424c; font-weight: 600; background: #f8fafb; }
.signature { margin-top: 24px; display: grid; grid-template-columns: 2fr 1fr 2fr; gap: 18px; break-inside: avoid; }
.signature .label { display: block; font-size: 8.5pt; color: #5b6770; }
.signature .line { display: block; border-bottom: 1px solid #1d1d1b; height: 22px; }
.signature .line.tall { height: 40px; }
footer.doc { margin-top: 16px; font-size: 8pt; color: #6b7780; border-top: 1px solid #dde3e8; padding-top: 6px; }
`;

export function renderDocument(input: { lang: ReportLang; title: string; kicker: string; scope: string; meta: string[]; body: string; footer: string }): string {
  return `<!doctype html>
<html lang="${input.lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(input.title)} — ${esc(input.scope)}</title>
<style>${STYLE}</style></head>
<body><main>
<header class="doc"><div><p class="kicker">${esc(input.kicker)}</p><h1>${esc(input.title)}</h1><p class="scope">${esc(input.scope)}</p></div>
<div class="meta">${input.meta.map((m) => `<div>${esc(m)}</div>`).join('')}</div></header>
${input.body}
<footer class="doc">${esc(input.footer)}</footer>
</main></body></html>
`;
}
