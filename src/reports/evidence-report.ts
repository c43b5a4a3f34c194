// The evidence register as a document a DPO can sign and hand to an authority: per portal or per contact, in
// French or English, the controller named, totals first, then every entry in words (who, what, when in the
// controller's time zone, by which lever, under which rule), the verification result and how to re-check it.
// It reads an export (src/ledger/export.ts), so what it says is what the JSON export proves.
import type { LedgerExport } from '../ledger/export.ts';
import type { LedgerEntry } from '../ledger/ledger.ts';
import type { CheckpointProblem } from '../ledger/integrity.ts';
import {
  actorWords, BLOCKER_WORDS, CHANNEL_WORDS, DETECTED_BY_WORDS, KIND_WORDS, LEVER_STATUS_WORDS, LEVER_WORDS, METHOD_WORDS,
  ORIGIN_WORDS, OUTCOME_WORDS, REQUEST_WORDS, RETENTION_ACTION_WORDS, type ReportLang, type Words,
} from './vocabulary.ts';
import { controllerBlock, esc, formatDate, formatDateTime, formatNumber, renderDocument, signatureBlock, type Controller } from './document.ts';

export interface EvidenceReportInput {
  report: LedgerExport;
  controller: Controller | null;
  lang: ReportLang;
  /** IANA zone the times are written in (the controller's). */
  timeZone: string;
}

type P = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const pick = (table: Record<string, Words>, key: unknown, lang: ReportLang): string => (typeof key === 'string' ? table[key]?.[lang] ?? humanise(key) : '');
const list = (items: string[], lang: ReportLang): string => {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${lang === 'fr' ? 'et' : 'and'} ${items.at(-1) ?? ''}`;
};

/** A code that has no words yet: "sweep_report" -> "sweep report". */
function humanise(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_:-]+/g, ' ').toLowerCase();
}

/** A ledger failure detail ("HubSpotApiError status=500 category=X") in words. */
function failureWords(detail: unknown, lang: ReportLang): string {
  const text = str(detail);
  if (!text) return '';
  const status = /status=(\d{3})/.exec(text)?.[1];
  const code = /code=([A-Z0-9_]+)/.exec(text)?.[1];
  if (status) return lang === 'fr' ? `HubSpot a répondu par le statut HTTP ${status}` : `HubSpot answered with HTTP status ${status}`;
  if (code) return lang === 'fr' ? `erreur réseau (${code})` : `network error (${code})`;
  return lang === 'fr' ? 'erreur' : 'error';
}

function channelsOf(v: unknown, lang: ReportLang): string {
  const items = Array.isArray(v) ? v.filter((c): c is string => typeof c === 'string') : typeof v === 'string' ? [v] : [];
  return list(items.map((c) => pick(CHANNEL_WORDS, c, lang)), lang);
}

const SETTING_WORDS: Record<string, Words> = {
  defaultJurisdiction: { en: 'default jurisdiction', fr: 'juridiction par défaut' },
  targetRoles: { en: 'target roles', fr: 'fonctions ciblées' },
  retention: { en: 'retention periods', fr: 'durées de conservation' },
  'retention.prospectYears': { en: 'retention of prospects', fr: 'conservation des prospects' },
  'retention.customerYears': { en: 'retention of customers', fr: 'conservation des clients' },
  'retention.warningDays': { en: 'retention warning', fr: 'préavis de fin de conservation' },
  expiryAction: { en: 'action at the end of retention', fr: 'action en fin de conservation' },
  sequenceBlocking: { en: 'sequence blocking', fr: 'blocage des séquences' },
  controller: { en: 'controller identity', fr: 'identité du responsable' },
  privacyPolicyUrl: { en: 'privacy policy', fr: 'politique de confidentialité' },
  preferenceCentreEnabled: { en: 'preference centre', fr: 'centre de préférences' },
  notifyOwnerOnBlock: { en: 'owner notification', fr: 'notification du propriétaire' },
  offerDescription: { en: 'offer description', fr: 'description de l’offre' },
  activity: { en: 'activity', fr: 'activité' },
};

/** The levers of a block entry, one line each. */
function leverLines(e: LedgerEntry, lang: ReportLang): string[] {
  const levers = e.kind === 'block' && Array.isArray(e.payload?.levers) ? e.payload.levers as P[] : [];
  return levers.map((l) => {
    const failure = l.status === 'failed' ? failureWords(l.detail, lang) : '';
    return `${pick(LEVER_WORDS, l.lever, lang)}${lang === 'fr' ? ' : ' : ': '}${pick(LEVER_STATUS_WORDS, l.status, lang)}${failure ? ` (${failure})` : ''}`;
  });
}

function sentence(e: LedgerEntry, lang: ReportLang, tz: string): string {
  const t = (en: string, fr: string) => (lang === 'fr' ? fr : en);
  const p: P = e.payload ?? {};
  const date = (v: unknown) => (str(v) ? formatDate(str(v) as string, lang, tz) : '');
  if (e.payload === null) {
    return t(`Details erased at the person’s request or at the end of the retention period (entry No. ${e.erasedBySeq ?? '?'}); the entry’s fingerprint is kept.`,
      `Détails effacés à la demande de la personne ou à la fin de la durée de conservation (entrée n° ${e.erasedBySeq ?? '?'}) ; l’empreinte de l’entrée est conservée.`);
  }
  switch (e.kind) {
    case 'consent': {
      const parts = [t(`Consent to prospecting by ${pick(CHANNEL_WORDS, p.channel, lang)}`, `Consentement à la prospection par ${pick(CHANNEL_WORDS, p.channel, lang)}`)];
      if (str(p.method)) parts.push(t(`obtained through ${pick(METHOD_WORDS, p.method, lang)}`, `recueilli par ${pick(METHOD_WORDS, p.method, lang)}`));
      if (str(p.givenAt)) parts.push(t(`given on ${date(p.givenAt)}`, `donné le ${date(p.givenAt)}`));
      let s = `${parts.join(', ')}.`;
      if (str(p.origin)) s += ` ${t('Recorded', 'Enregistré')} ${pick(ORIGIN_WORDS, p.origin, lang)}.`;
      if (str(p.proofRef)) s += ` ${t(`Proof reference: ${str(p.proofRef)}.`, `Référence de la preuve : ${str(p.proofRef)}.`)}`;
      return s;
    }
    case 'withdrawal':
      return t(`Consent to prospecting by ${channelsOf(p.channel ?? p.channels, lang)} withdrawn.`, `Retrait du consentement à la prospection par ${channelsOf(p.channel ?? p.channels, lang)}.`);
    case 'objection': {
      if (str(p.propagatedTo)) {
        const status = pick(LEVER_STATUS_WORDS, p.status, lang);
        const failure = failureWords(p.detail, lang);
        return t(`Objection of entry No. ${num(p.ofSeq) ?? '?'} passed on to HubSpot: ${pick(LEVER_WORDS, p.lever, lang)} — ${status}${failure ? ` (${p.status === 'done' ? 'after a first attempt where ' : ''}${failure})` : ''}.`,
          `Opposition de l’entrée n° ${num(p.ofSeq) ?? '?'} transmise à HubSpot : ${pick(LEVER_WORDS, p.lever, lang)} — ${status}${failure ? ` (${p.status === 'done' ? 'après une première tentative où ' : ''}${failure})` : ''}.`);
      }
      const suppressed = (p.suppressed ?? {}) as { email?: boolean; phone?: boolean };
      const ids = [suppressed.email ? t('email address', 'adresse e-mail') : null, suppressed.phone ? t('phone number', 'numéro de téléphone') : null].filter((x): x is string => x !== null);
      let s = t(`Objection to prospecting by ${channelsOf(p.channels, lang)}, ${pick(ORIGIN_WORDS, p.origin, lang)}.`, `Opposition à la prospection par ${channelsOf(p.channels, lang)}, ${pick(ORIGIN_WORDS, p.origin, lang)}.`);
      if (ids.length > 0) s += ` ${t(`Added to the opposition list (hashed): ${list(ids, lang)}.`, `Ajouté à la liste d’opposition (sous forme hachée) : ${list(ids, lang)}.`)}`;
      return s;
    }
    case 'block': {
      const levers = leverLines(e, lang);
      const seqName = str(p.sequenceId) ?? '?';
      let s = t(`Sequence ${seqName} stopped for this contact because ${pick(BLOCKER_WORDS, p.blocker, lang)}; detected by ${pick(DETECTED_BY_WORDS, p.detectedBy, lang)}.`,
        `Séquence ${seqName} arrêtée pour ce contact car ${pick(BLOCKER_WORDS, p.blocker, lang)} ; détecté par ${pick(DETECTED_BY_WORDS, p.detectedBy, lang)}.`);
      if (p.mode === 'flag_only') s += ` ${t('Portal set to flag only.', 'Portail réglé sur « signaler seulement ».')}`;
      if (levers.length > 0) s += ` ${t('Levers used:', 'Leviers employés :')}`;
      return s;
    }
    case 'verdict_change': {
      const status: Record<string, Words> = {
        compliant: { en: 'compliant', fr: 'conforme' }, at_risk: { en: 'at risk', fr: 'à risque' }, blocked: { en: 'blocked', fr: 'bloqué' }, expired: { en: 'expired', fr: 'expiré' },
      };
      return t(`Contact judged again on request${p.origin === 'card' ? ' from the compliance card' : ''}; result: ${pick(status, p.status, lang)}.`,
        `Contact réévalué à la demande${p.origin === 'card' ? ' depuis la fiche de conformité' : ''} ; résultat : ${pick(status, p.status, lang)}.`);
    }
    case 'notice':
      if (p.dsrExtended) return t(`Answer deadline extended to ${date(p.newDueAt)} (GDPR art. 12(3)): ${str(p.reason) ?? ''}`, `Délai de réponse prolongé jusqu’au ${date(p.newDueAt)} (RGPD art. 12.3) : ${str(p.reason) ?? ''}`);
      if (p.dsrReminder) return t(`Reminder to answer the request by ${date(p.dueAt)}${p.overdue ? ' (overdue)' : ''}.`, `Rappel : répondre à la demande avant le ${date(p.dueAt)}${p.overdue ? ' (en retard)' : ''}.`);
      return t('Information recorded.', 'Information enregistrée.');
    case 'erasure': {
      const reason = p.reason === 'retention_expired' ? t('the retention period had ended', 'la durée de conservation était écoulée') : t('the person asked for it', 'la personne l’a demandé');
      const hubspot = p.hubspot === 'deleted' ? t(' The HubSpot record was permanently deleted.', ' La fiche HubSpot a été supprimée définitivement.') : p.hubspot === 'already_gone' ? t(' The HubSpot record no longer existed.', ' La fiche HubSpot n’existait plus.') : '';
      return t(`Personal data erased because ${reason}.${hubspot} Earlier entries keep only their fingerprints.`, `Données personnelles effacées car ${reason}.${hubspot} Les entrées antérieures ne gardent que leur empreinte.`);
    }
    case 'access_export':
      return t(`A copy of the person’s data was produced: ${num(p.hubspotProperties) ?? 0} HubSpot properties, ${num(p.consents) ?? 0} consent(s), ${num(p.objections) ?? 0} objection(s), ${num(p.ledgerEntries) ?? 0} register entries.`,
        `Une copie des données de la personne a été produite : ${num(p.hubspotProperties) ?? 0} propriétés HubSpot, ${num(p.consents) ?? 0} consentement(s), ${num(p.objections) ?? 0} opposition(s), ${num(p.ledgerEntries) ?? 0} entrées du registre.`);
    case 'dsr_opened':
      return t(`Request for ${pick(REQUEST_WORDS, p.requestKind, lang)} received${str(p.origin) ? ` ${pick(ORIGIN_WORDS, p.origin, lang)}` : ''}; answer due by ${date(p.dueAt)}.`,
        `Demande ${pick(REQUEST_WORDS, p.requestKind, lang)} reçue${str(p.origin) ? ` ${pick(ORIGIN_WORDS, p.origin, lang)}` : ''} ; réponse due au plus tard le ${date(p.dueAt)}.`);
    case 'dsr_closed':
      return t(`Request for ${pick(REQUEST_WORDS, p.requestKind, lang)} ${pick(OUTCOME_WORDS, p.outcome, lang)}, ${p.onTime === false ? 'late' : 'on time'} (due ${date(p.dueAt)}).`,
        `Demande ${pick(REQUEST_WORDS, p.requestKind, lang)} ${pick(OUTCOME_WORDS, p.outcome, lang)}, ${p.onTime === false ? 'en retard' : 'dans le délai'} (échéance le ${date(p.dueAt)}).`);
    case 'suppression_import':
      return t(`Opposition list “${str(p.sourceLabel) ?? humanise(str(p.source) ?? '')}” imported for ${channelsOf(p.channels, lang)}: ${num(p.linesRead) ?? 0} lines read, ${num(p.added) ?? 0} entries added (${num(p.emails) ?? 0} email addresses, ${num(p.phones) ?? 0} phone numbers, all hashed), ${num(p.skipped) ?? 0} lines skipped.`,
        `Liste d’opposition « ${str(p.sourceLabel) ?? humanise(str(p.source) ?? '')} » importée pour ${channelsOf(p.channels, lang)} : ${num(p.linesRead) ?? 0} lignes lues, ${num(p.added) ?? 0} entrées ajoutées (${num(p.emails) ?? 0} adresses e-mail, ${num(p.phones) ?? 0} numéros, tous hachés), ${num(p.skipped) ?? 0} lignes écartées.`);
    case 'retention_action': {
      const what = pick(RETENTION_ACTION_WORDS, p.action, lang);
      if (p.action === 'sweep_report') {
        return t(`${what}: ${num(p.warned) ?? 0} warned, ${num(p.archived) ?? 0} archived, ${num(p.deleted) ?? 0} deleted, ${num(p.failed) ?? 0} failed.`,
          `${what} : ${num(p.warned) ?? 0} avertis, ${num(p.archived) ?? 0} archivés, ${num(p.deleted) ?? 0} supprimés, ${num(p.failed) ?? 0} en échec.`);
      }
      return str(p.expiresAt) ? t(`${what} (end of retention: ${date(p.expiresAt)}).`, `${what} (fin de conservation : ${date(p.expiresAt)}).`) : `${what}.`;
    }
    case 'settings_change': {
      const changed = Array.isArray(p.changed) ? p.changed.filter((c): c is string => typeof c === 'string').map((c) => pick(SETTING_WORDS, c, lang)) : [];
      return changed.length > 0 ? t(`Settings changed: ${changed.join(', ')}.`, `Réglages modifiés : ${changed.join(', ')}.`) : t('Settings saved without change.', 'Réglages enregistrés sans changement.');
    }
    case 'chain_rekeyed':
      return t(`The register’s fingerprints were recomputed with a secret key; the register had ${num(p.legacyHeadSeq) ?? '?'} entries before.`,
        `Les empreintes du registre ont été recalculées avec une clé secrète ; le registre comptait ${num(p.legacyHeadSeq) ?? '?'} entrées auparavant.`);
    default:
      return t('Entry recorded.', 'Entrée enregistrée.');
  }
}

function leverList(e: LedgerEntry, lang: ReportLang): string {
  const lines = leverLines(e, lang);
  return lines.length > 0 ? `<ul class="levers">${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>` : '';
}

function contactCell(e: LedgerEntry, lang: ReportLang): string {
  if (e.contactId) return `${lang === 'fr' ? 'Contact' : 'Contact'} ${e.contactId}`;
  if (e.contactRef) return lang === 'fr' ? 'Contact effacé' : 'Erased contact';
  return lang === 'fr' ? 'Portail' : 'Portal';
}

interface Totals { label: string; n: number }

function totals(entries: LedgerEntry[], lang: ReportLang): Totals[] {
  const t = (en: string, fr: string) => (lang === 'fr' ? fr : en);
  const count = (pred: (e: LedgerEntry) => boolean) => entries.filter(pred).length;
  const contacts = new Set(entries.map((e) => e.contactRef).filter((r): r is string => r !== null)).size;
  const dsrClosed = entries.filter((e) => e.kind === 'dsr_closed');
  return [
    { label: t('register entries', 'entrées du registre'), n: entries.length },
    { label: t('contacts concerned', 'contacts concernés'), n: contacts },
    { label: t('consents recorded', 'consentements enregistrés'), n: count((e) => e.kind === 'consent') },
    { label: t('objections', 'oppositions'), n: count((e) => e.kind === 'objection' && !(e.payload && 'propagatedTo' in e.payload)) },
    { label: t('sequences stopped', 'séquences arrêtées'), n: count((e) => e.kind === 'block') },
    { label: t('requests received', 'demandes reçues'), n: count((e) => e.kind === 'dsr_opened') },
    { label: t('requests answered late', 'demandes traitées en retard'), n: dsrClosed.filter((e) => e.payload?.onTime === false).length },
    { label: t('erasures', 'effacements'), n: count((e) => e.kind === 'erasure') },
  ];
}

/** The chain's own reasons (src/ledger/ledger.ts) in the reader's words. */
function chainReasonWords(reason: string, lang: ReportLang): string {
  const t = (en: string, fr: string) => (lang === 'fr' ? fr : en);
  if (/not keyed/.test(reason)) return t('the entry was written before the register was sealed with a key and has not been sealed since', 'l’entrée date d’avant le scellement du registre par clé et n’a pas été scellée depuis');
  if (/not configured/.test(reason)) return t('the entry is sealed with a key this installation does not hold', 'l’entrée est scellée avec une clé que cette installation ne détient pas');
  if (/payload does not match|hash does not match|contact id does not match/.test(reason)) return t('its content was changed after it was written', 'son contenu a été modifié après son écriture');
  if (/previous-hash/.test(reason)) return t('its link to the preceding entry is broken', 'son lien avec l’entrée précédente est rompu');
  if (/is missing/.test(reason)) return t('the entry is missing', 'l’entrée manque');
  if (/erasure/.test(reason)) return t('its content was removed without an erasure being recorded', 'son contenu a été retiré sans qu’un effacement soit enregistré');
  if (/removed at the end|head/.test(reason)) return t('entries were removed at the end of the register', 'des entrées ont été supprimées à la fin du registre');
  return t('the entry does not verify', 'l’entrée ne se vérifie pas');
}

function problemWords(p: CheckpointProblem, lang: ReportLang, tz: string): string {
  const t = (en: string, fr: string) => (lang === 'fr' ? fr : en);
  const when = p.at ? formatDateTime(p.at, lang, tz) : '';
  switch (p.kind) {
    case 'unreadable_lines': return t('the checkpoint file contains lines that are not checkpoints: it was written to by something else', 'le fichier des points de contrôle contient des lignes qui n’en sont pas : il a été modifié par un tiers');
    case 'bad_signature': return t(`the checkpoint of ${when} (entry No. ${p.seq ?? '?'}) does not carry a valid signature of this installation`, `le point de contrôle du ${when} (entrée n° ${p.seq ?? '?'}) ne porte pas une signature valide de cette installation`);
    case 'entry_missing': return t(`entry No. ${p.seq ?? '?'}, covered by the checkpoint of ${when}, is no longer in the database: entries were removed`, `l’entrée n° ${p.seq ?? '?'}, couverte par le point de contrôle du ${when}, n’est plus dans la base : des entrées ont été supprimées`);
    case 'entry_differs': return t(`entry No. ${p.seq ?? '?'} no longer matches the checkpoint of ${when}: the register was rewritten after it`, `l’entrée n° ${p.seq ?? '?'} ne correspond plus au point de contrôle du ${when} : le registre a été réécrit après lui`);
    default: return p.reason;
  }
}

export function verificationWords(report: LedgerExport, lang: ReportLang, tz: string): { tone: 'ok' | 'warn' | 'bad'; head: string; lines: string[] } {
  const t = (en: string, fr: string) => (lang === 'fr' ? fr : en);
  const i = report.integrity;
  const c = i.checkpoints;
  const lines: string[] = [];
  if (i.chain.ok) {
    lines.push(t(`All ${formatNumber(i.chain.entries, lang)} entries of the portal’s register were checked: each is sealed with a secret key and linked to the previous one; none was changed, removed or inserted.`,
      `Les ${formatNumber(i.chain.entries, lang)} entrées du registre du portail ont été vérifiées : chacune est scellée par une clé secrète et liée à la précédente ; aucune n’a été modifiée, supprimée ou insérée.`));
  } else {
    lines.push(t(`The register is broken at entry No. ${i.chain.brokenAtSeq}: ${chainReasonWords(i.chain.reason, lang)}.`, `Le registre est rompu à l’entrée n° ${i.chain.brokenAtSeq} : ${chainReasonWords(i.chain.reason, lang)}.`));
  }
  if (c.last) {
    const agree = c.problems.length === 0;
    lines.push(t(`${formatNumber(c.valid, lang)} signed checkpoint(s) kept outside the database ${agree ? 'agree with it' : 'were found'}; the last one, on ${formatDateTime(c.last.at, lang, tz)}, covers entries 1 to ${c.last.seq}.`,
      `${formatNumber(c.valid, lang)} point(s) de contrôle signé(s) conservé(s) hors de la base de données ${agree ? 'concorde(nt) avec lui' : 'ont été trouvés'} ; le dernier, du ${formatDateTime(c.last.at, lang, tz)}, couvre les entrées 1 à ${c.last.seq}.`));
    if (c.entriesAfterLast) lines.push(t(`${c.entriesAfterLast} more recent entr${c.entriesAfterLast === 1 ? 'y awaits' : 'ies await'} the next checkpoint (written every minute).`, `${c.entriesAfterLast} entrée(s) plus récente(s) attend(ent) le prochain point de contrôle (écrit chaque minute).`));
  } else if (i.chain.ok && i.chain.entries > 0) {
    lines.push(t('No signed checkpoint covers the register yet: removing its most recent entries could not be detected.', 'Aucun point de contrôle signé ne couvre encore le registre : la suppression de ses entrées les plus récentes ne pourrait pas être détectée.'));
  }
  for (const p of c.problems) lines.push(t(`Checkpoint disagreement: ${problemWords(p, lang, tz)}.`, `Désaccord avec un point de contrôle : ${problemWords(p, lang, tz)}.`));
  const head = i.state === 'broken' ? t('Integrity NOT established', 'Intégrité NON établie')
    : i.state === 'unanchored' ? t('Register intact, not yet anchored', 'Registre intègre, pas encore ancré')
      : t('Register intact', 'Registre intègre');
  return { tone: i.state === 'broken' ? 'bad' : i.state === 'unanchored' ? 'warn' : 'ok', head, lines };
}

export function renderEvidenceReportHtml(input: EvidenceReportInput): string {
  const { report, lang, timeZone: tz } = input;
  const t = (en: string, fr: string) => (lang === 'fr' ? fr : en);
  const entries = report.entries;
  const scope = report.scope.kind === 'contact'
    ? t(`Contact ${report.scope.contactId} — HubSpot account ${report.portalId}`, `Contact ${report.scope.contactId} — compte HubSpot ${report.portalId}`)
    : t(`HubSpot account ${report.portalId} — all contacts`, `Compte HubSpot ${report.portalId} — tous les contacts`);
  const first = entries[0];
  const last = entries.at(-1);
  const period = first && last
    ? t(`Period covered: ${formatDateTime(first.at, lang, tz)} to ${formatDateTime(last.at, lang, tz)}.`, `Période couverte : du ${formatDateTime(first.at, lang, tz)} au ${formatDateTime(last.at, lang, tz)}.`)
    : t('The register holds no entry for this scope.', 'Le registre ne contient aucune entrée pour ce périmètre.');
  const v = verificationWords(report, lang, tz);
  const totalCells = totals(entries, lang).map((x) => `<div><span class="n">${esc(formatNumber(x.n, lang))}</span><span class="l">${esc(x.label)}</span></div>`).join('');
  const rows = entries.map((e) => {
    const kind = KIND_WORDS[e.kind];
    return `<tr><td class="num">${e.seq}</td><td class="when">${esc(formatDateTime(e.at, lang, tz))}</td>
<td><strong>${esc(kind?.title[lang] ?? humanise(e.kind))}</strong><br><span class="muted small">${esc(contactCell(e, lang))} · ${esc(t('by', 'par'))} ${esc(actorWords(e.actor, lang))}</span><br>${esc(sentence(e, lang, tz))}${leverList(e, lang)}</td>
<td class="rule">${esc(kind?.rule[lang] ?? '')}</td></tr>`;
  }).join('\n');
  const keys = Object.entries(report.checkpointKeys);
  const contactArg = report.scope.kind === 'contact' ? ` --contact ${report.scope.contactId}` : '';
  const body = `
<section aria-labelledby="s-controller"><h2 id="s-controller">${esc(t('1. Controller', '1. Responsable du traitement'))}</h2>
${controllerBlock(input.controller, lang)}
<p class="muted small">${esc(t(`Times are given in the controller’s time zone (${tz}).`, `Les heures sont données dans le fuseau horaire du responsable du traitement (${tz}).`))}</p></section>

<section aria-labelledby="s-summary"><h2 id="s-summary">${esc(t('2. Summary', '2. Synthèse'))}</h2>
<div class="verdict ${v.tone}" role="status"><p class="head">${esc(v.head)}</p><p>${esc(v.lines[0] ?? '')}</p></div>
<div class="totals">${totalCells}</div>
<p>${esc(period)}</p></section>

<section aria-labelledby="s-entries"><h2 id="s-entries">${esc(t('3. Register entries', '3. Entrées du registre'))}</h2>
${entries.length === 0 ? `<p>${esc(t('No entry.', 'Aucune entrée.'))}</p>` : `<table><thead><tr><th class="num" scope="col">${esc(t('No.', 'N°'))}</th><th scope="col">${esc(t('When', 'Quand'))}</th><th scope="col">${esc(t('What, who and how', 'Quoi, qui et comment'))}</th><th scope="col">${esc(t('Rule', 'Règle'))}</th></tr></thead>
<tbody>
${rows}
</tbody></table>`}</section>

<section aria-labelledby="s-verify"><h2 id="s-verify">${esc(t('4. Integrity of the register and how to re-check it', '4. Intégrité du registre et comment la revérifier'))}</h2>
<div class="verdict ${v.tone}"><p class="head">${esc(v.head)}</p>${v.lines.map((l) => `<p>${esc(l)}</p>`).join('')}</div>
<ol class="steps">
<li>${esc(t('Each entry is sealed with HMAC-SHA256 under a secret key held outside the database, together with the seal of the entry before it: changing, inserting or removing an entry breaks every later seal.', 'Chaque entrée est scellée par HMAC-SHA256 avec une clé secrète conservée hors de la base de données, avec le sceau de l’entrée précédente : modifier, insérer ou supprimer une entrée casse tous les sceaux suivants.'))}</li>
<li>${esc(t('Every minute the seal of the last entry is signed (Ed25519) and appended to a file kept outside the database; the signatures can be checked by anyone with the public key below.', 'Chaque minute, le sceau de la dernière entrée est signé (Ed25519) et ajouté à un fichier conservé hors de la base de données ; chacun peut vérifier les signatures avec la clé publique ci-dessous.'))}</li>
<li>${esc(t('To re-check, the operator runs on the server:', 'Pour revérifier, l’exploitant exécute sur le serveur :'))} <code>prospect-guard ledger verify --portal ${report.portalId}</code>${esc(t(', and can provide the complete machine-readable export (every seal, the signed checkpoints and the method):', ', et peut fournir l’export complet lisible par machine (tous les sceaux, les points de contrôle signés et la méthode) :'))} <code>prospect-guard ledger export --portal ${report.portalId}${contactArg} --format json</code>.</li>
<li>${esc(t('Personal data of erased persons is removed from the register; their entries keep a fingerprint, so the register still verifies.', 'Les données des personnes effacées sont retirées du registre ; leurs entrées gardent une empreinte, de sorte que le registre se vérifie toujours.'))}</li>
</ol>
<table class="section-table"><tbody>
<tr><th scope="row">${esc(t('Seal of the last entry', 'Sceau de la dernière entrée'))}</th><td><span class="mono">${esc(report.head.hash)}</span> (${esc(t('entry', 'entrée'))} ${report.head.seq})</td></tr>
${keys.map(([kid, key]) => `<tr><th scope="row">${esc(t(`Checkpoint public key “${kid}”`, `Clé publique des points de contrôle « ${kid} »`))}</th><td><span class="mono">${esc(key)}</span></td></tr>`).join('')}
${report.integrity.checkpoints.location ? `<tr><th scope="row">${esc(t('Checkpoint file', 'Fichier des points de contrôle'))}</th><td><span class="mono">${esc(report.integrity.checkpoints.location)}</span></td></tr>` : ''}
</tbody></table></section>
${signatureBlock(lang)}`;
  return renderDocument({
    lang,
    kicker: t('Prospecting compliance — evidence register', 'Conformité de la prospection — registre de preuves'),
    title: report.scope.kind === 'contact' ? t('Evidence report for one contact', 'Rapport de preuves pour un contact') : t('Evidence report', 'Rapport de preuves'),
    scope,
    meta: [
      input.controller?.name || t('Controller not configured', 'Responsable non renseigné'),
      t(`Issued ${formatDateTime(report.generatedAt, lang, tz)}`, `Émis le ${formatDateTime(report.generatedAt, lang, tz)}`),
    ],
    body,
    footer: t(`Generated by Prospect Guard from the evidence register of HubSpot account ${report.portalId}. This report says what the register proves; the register itself is the evidence.`,
      `Établi par Prospect Guard à partir du registre de preuves du compte HubSpot ${report.portalId}. Ce rapport dit ce que prouve le registre ; la preuve est le registre lui-même.`),
  });
}
