// Exports of the evidence ledger for an authority's audit: a JSON document (machine-checkable: it carries every
// hash so the chain can be recomputed outside the app) and a readable, self-contained HTML report. Per portal or
// per contact. Every value printed in the HTML is escaped.
import type { EvidenceLedger, LedgerEntry, LedgerVerification } from './ledger.ts';
import type { LedgerCheckpoint } from './checkpoints.ts';
import { verifyPortalEvidence, type LedgerAnchor, type LedgerIntegrity } from './integrity.ts';
import { esc } from './html.ts';

export interface LedgerExport {
  format: 'prospect-guard/evidence-ledger-export';
  version: 1;
  generatedAt: string;
  portalId: number;
  scope: { kind: 'portal' } | { kind: 'contact'; contactId: string };
  verification: LedgerVerification;
  /** The chain checked against the signed checkpoints kept outside the database. */
  integrity: LedgerIntegrity;
  head: { seq: number; hash: string };
  hashAlgorithm: string;
  /** The portal's checkpoints as stored, and the Ed25519 public keys (raw, base64url) that sign them. */
  checkpoints: LedgerCheckpoint[];
  checkpointKeys: Record<string, string>;
  entries: LedgerEntry[];
}

export const HASH_ALGORITHM = 'hash = HMAC-SHA256(key[keyId], prevHash + "\\n" + canonicalJSON({v:2, keyId, portalId, seq, kind, contactRef, subjectHash, actor, at, payloadDigest, idempotencyKey})); payloadDigest = sha256(canonicalJSON(payload)); canonical JSON sorts object keys; entries with hashVersion 1 (before keyed hashing) used sha256(prevHash + "\\n" + canonicalJSON({v:1, ...})). Checkpoints: Ed25519 over canonicalJSON({format, v, portalId, seq, hash, at, keyId}).';

export async function exportLedger(
  ledger: EvidenceLedger, portalId: number, options: { contactId?: string; now?: Date; anchor?: LedgerAnchor | null } = {},
): Promise<LedgerExport> {
  const anchor = options.anchor ?? null;
  const integrity = await verifyPortalEvidence({ ledger, anchor }, portalId);
  const verification = integrity.chain;
  const head = await ledger.head(portalId);
  const entries = await ledger.list(portalId, options.contactId !== undefined ? { contactId: options.contactId } : {});
  return {
    format: 'prospect-guard/evidence-ledger-export',
    version: 1,
    generatedAt: (options.now ?? new Date()).toISOString(),
    portalId,
    scope: options.contactId !== undefined ? { kind: 'contact', contactId: options.contactId } : { kind: 'portal' },
    verification,
    integrity,
    head,
    hashAlgorithm: HASH_ALGORITHM,
    checkpoints: anchor ? (await anchor.read(portalId)).checkpoints : [],
    checkpointKeys: anchor ? anchor.signer.publicKeys() : {},
    entries,
  };
}

const KIND_LABELS: Record<string, { en: string; fr: string }> = {
  consent: { en: 'Consent', fr: 'Consentement' },
  withdrawal: { en: 'Consent withdrawn', fr: 'Retrait du consentement' },
  objection: { en: 'Objection', fr: 'Opposition' },
  verdict_change: { en: 'Verdict change', fr: 'Changement de verdict' },
  block: { en: 'Sequence block', fr: 'Blocage de séquence' },
  notice: { en: 'Notice', fr: 'Information' },
  erasure: { en: 'Erasure', fr: 'Effacement' },
  access_export: { en: 'Access export', fr: 'Export d\'accès' },
  dsr_opened: { en: 'Request opened', fr: 'Demande ouverte' },
  dsr_closed: { en: 'Request closed', fr: 'Demande clôturée' },
  suppression_import: { en: 'Suppression import', fr: 'Import de liste d\'opposition' },
  retention_action: { en: 'Retention action', fr: 'Action de conservation' },
  settings_change: { en: 'Settings change', fr: 'Modification des réglages' },
  chain_rekeyed: { en: 'Chain keyed', fr: 'Chaîne scellée par clé' },
};

function payloadHtml(payload: Record<string, unknown> | null, lang: 'en' | 'fr'): string {
  if (payload === null) return `<em>${lang === 'fr' ? 'effacé (empreinte conservée)' : 'erased (digest kept)'}</em>`;
  const rows = Object.entries(payload).map(([k, v]) =>
    `<div><span class="k">${esc(k)}</span>: <span>${esc(typeof v === 'string' ? v : JSON.stringify(v))}</span></div>`);
  return rows.join('');
}

/** A technical listing of an export (every payload field, every hash); the document for a reader is src/reports. */
export function renderLedgerHtml(report: LedgerExport, lang: 'en' | 'fr' = 'en'): string {
  const t = (en: string, fr: string) => (lang === 'fr' ? fr : en);
  const v = report.verification;
  const status = v.ok
    ? t(`Chain intact: ${v.entries} entries verified.`, `Chaîne intègre : ${v.entries} entrées vérifiées.`)
    : t(`Chain BROKEN at entry ${v.brokenAtSeq}: ${v.reason}`, `Chaîne ROMPUE à l'entrée ${v.brokenAtSeq} : ${v.reason}`);
  const scope = report.scope.kind === 'portal'
    ? t(`Portal ${report.portalId}`, `Portail ${report.portalId}`)
    : t(`Contact ${report.scope.contactId} in portal ${report.portalId}`, `Contact ${report.scope.contactId} du portail ${report.portalId}`);
  const rows = report.entries.map((e) => `<tr>
<td>${esc(e.seq)}</td><td><time datetime="${esc(e.at)}">${esc(e.at)}</time></td>
<td>${esc(KIND_LABELS[e.kind]?.[lang] ?? e.kind)}</td><td>${esc(e.contactId ?? (e.contactRef ? `#${e.contactRef.slice(0, 12)}` : '-'))}</td>
<td>${esc(e.actor)}</td><td>${payloadHtml(e.payload, lang)}</td><td class="h">${esc(e.hash)}</td></tr>`).join('\n');
  return `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><title>${esc(t('Evidence ledger', 'Registre de preuves'))} - ${esc(scope)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2rem}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #999;padding:4px;vertical-align:top;text-align:left}.h{font:11px monospace;word-break:break-all}
.k{font-weight:600}.ok{color:#075e07}.bad{color:#a00000;font-weight:700}</style></head>
<body>
<h1>${esc(t('Evidence ledger', 'Registre de preuves'))}</h1>
<p>${esc(scope)}. ${esc(t('Generated', 'Généré le'))} ${esc(report.generatedAt)}.</p>
<p class="${v.ok ? 'ok' : 'bad'}" role="status">${esc(status)}</p>
<p>${esc(t('Chain head', 'Tête de chaîne'))}: ${esc(report.head.seq)} / <code>${esc(report.head.hash)}</code></p>
<p>${esc(report.hashAlgorithm)}</p>
<table><caption>${esc(t('Entries', 'Entrées'))}</caption>
<thead><tr><th scope="col">#</th><th scope="col">${esc(t('When (UTC)', 'Quand (UTC)'))}</th><th scope="col">${esc(t('What', 'Quoi'))}</th>
<th scope="col">${esc(t('Contact', 'Contact'))}</th><th scope="col">${esc(t('By', 'Par'))}</th><th scope="col">${esc(t('Details', 'Détails'))}</th><th scope="col">${esc(t('Hash', 'Empreinte'))}</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>
`;
}
