// Server-rendered preference centre page, French and English. No script; forms post back to the same URL.
// Every dynamic value is escaped. The single inline style block is allowed by its CSP hash (see headers.ts).
import { createHash } from 'node:crypto';
import { esc } from '../ledger/html.ts';
import { CHANNELS, type Channel } from '../engine/types.ts';

export type Lang = 'fr' | 'en';

export const PAGE_STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fff}
main{max-width:42rem;margin:0 auto;padding:1.5rem}h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}
fieldset{border:1px solid #767676;padding:1rem;margin:0 0 1rem}legend{font-weight:600}
button{font:inherit;padding:.5rem 1rem;border:2px solid #1b1b1b;background:#1b1b1b;color:#fff;border-radius:4px;cursor:pointer}
button.secondary{background:#fff;color:#1b1b1b}
a:focus-visible,button:focus-visible,input:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}
.status{border-left:4px solid #0a6b0a;background:#eef7ee;padding:.75rem 1rem}.error{border-left-color:#a00000;background:#fbeeee}
.lang{text-align:right}.muted{color:#4a4a4a;font-size:.9rem}label{display:block;margin:.25rem 0}`;

export const PAGE_STYLE_HASH = `sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}`;

const T = {
  title: { en: 'Your prospecting preferences', fr: 'Vos préférences de prospection' },
  intro: { en: 'This page shows what {controller} records about you for prospecting, and lets you object or exercise your rights. No account or password is needed.', fr: 'Cette page montre ce que {controller} enregistre à votre sujet pour la prospection, et vous permet de vous opposer ou d’exercer vos droits. Aucun compte ni mot de passe n’est nécessaire.' },
  held: { en: 'What we hold about you', fr: 'Ce que nous détenons à votre sujet' },
  email: { en: 'Email address', fr: 'Adresse e-mail' },
  source: { en: 'Where your details come from', fr: 'Origine de vos coordonnées' },
  collected: { en: 'Collected on', fr: 'Collectées le' },
  keptUntil: { en: 'Kept for prospecting until', fr: 'Conservées pour la prospection jusqu’au' },
  channels: { en: 'How we may contact you', fr: 'Comment nous pouvons vous contacter' },
  objections: { en: 'Objections you have made', fr: 'Vos oppositions enregistrées' },
  consents: { en: 'Consents you have given', fr: 'Vos consentements enregistrés' },
  none: { en: 'None', fr: 'Aucun' },
  unknown: { en: 'Not recorded', fr: 'Non renseigné' },
  objectTitle: { en: 'Stop being contacted', fr: 'Ne plus être contacté' },
  objectLegend: { en: 'Choose the channels you object to', fr: 'Choisissez les canaux auxquels vous vous opposez' },
  objectSubmit: { en: 'Record my objection', fr: 'Enregistrer mon opposition' },
  objectAllHelp: { en: 'Or object to all prospecting by every channel at once.', fr: 'Ou opposez-vous à toute prospection, par tous les canaux, en une fois.' },
  objectAll: { en: 'Object to all prospecting', fr: 'M’opposer à toute prospection' },
  rightsTitle: { en: 'Your other rights', fr: 'Vos autres droits' },
  rightsHelp: { en: 'We answer within one month, free of charge (GDPR art. 12).', fr: 'Nous répondons sous un mois, gratuitement (RGPD art. 12).' },
  access: { en: 'Ask for a copy of my data', fr: 'Demander une copie de mes données' },
  erasure: { en: 'Ask for my data to be erased', fr: 'Demander l’effacement de mes données' },
  complaint: { en: 'You may also lodge a complaint with your data protection authority (in France, the CNIL).', fr: 'Vous pouvez aussi saisir l’autorité de protection des données (en France, la CNIL).' },
  doneObjected: { en: 'Your objection has been recorded. It applies at once to every list and tool of {controller}.', fr: 'Votre opposition est enregistrée. Elle s’applique immédiatement à tous les fichiers et outils de {controller}.' },
  doneAccess: { en: 'Your request for a copy of your data has been recorded. We will answer by {date}.', fr: 'Votre demande de copie de vos données est enregistrée. Nous répondrons au plus tard le {date}.' },
  doneErasure: { en: 'Your erasure request has been recorded. We will answer by {date}.', fr: 'Votre demande d’effacement est enregistrée. Nous répondrons au plus tard le {date}.' },
  errNoChannel: { en: 'Choose at least one channel.', fr: 'Choisissez au moins un canal.' },
  langSwitch: { en: 'Version française', fr: 'English version' },
  gone: { en: 'This link has expired', fr: 'Ce lien a expiré' },
  goneHelp: { en: 'For your security, preference links expire. Use the link in a more recent message, or reply to the sender to object.', fr: 'Par sécurité, les liens de préférences expirent. Utilisez le lien d’un message plus récent, ou répondez à l’expéditeur pour vous opposer.' },
  invalid: { en: 'This link is not valid', fr: 'Ce lien n’est pas valide' },
  invalidHelp: { en: 'The link may be incomplete. Copy the whole link from the message, or reply to the sender to object.', fr: 'Le lien est peut-être incomplet. Copiez le lien entier depuis le message, ou répondez à l’expéditeur pour vous opposer.' },
  allowed: { en: 'allowed', fr: 'autorisé' },
  notAllowed: { en: 'not allowed', fr: 'non autorisé' },
} as const;

export const CHANNEL_LABELS: Record<Channel | 'all', Record<Lang, string>> = {
  email: { en: 'Email', fr: 'E-mail' },
  sms: { en: 'Text messages (SMS)', fr: 'SMS' },
  social_dm: { en: 'Social network messages', fr: 'Messages sur les réseaux sociaux' },
  automated_call: { en: 'Automated calls', fr: 'Appels automatisés' },
  fax: { en: 'Fax', fr: 'Fax' },
  phone: { en: 'Phone calls', fr: 'Appels téléphoniques' },
  postal: { en: 'Post', fr: 'Courrier postal' },
  all: { en: 'All channels', fr: 'Tous les canaux' },
};

const SOURCE_LABELS: Record<string, Record<Lang, string>> = {
  web_form: { en: 'a form on our website', fr: 'un formulaire de notre site' },
  trade_show: { en: 'a trade show', fr: 'un salon professionnel' },
  business_card: { en: 'a business card you gave us', fr: 'une carte de visite que vous nous avez remise' },
  inbound_request: { en: 'a request you sent us', fr: 'une demande que vous nous avez adressée' },
  purchased_list: { en: 'a list bought from a data provider', fr: 'un fichier acheté à un fournisseur de données' },
  rented_list: { en: 'a list rented from a data provider', fr: 'un fichier loué à un fournisseur de données' },
  data_broker: { en: 'a data broker', fr: 'un courtier en données' },
  partner_transfer: { en: 'one of our partners', fr: 'l’un de nos partenaires' },
  scraped: { en: 'public web pages', fr: 'des pages web publiques' },
  enrichment_tool: { en: 'a contact enrichment service', fr: 'un service d’enrichissement de contacts' },
  manual_entry: { en: 'entered by our staff', fr: 'saisie par nos équipes' },
  import: { en: 'an import into our CRM', fr: 'un import dans notre CRM' },
  existing_customer: { en: 'our customer relationship with you', fr: 'notre relation client avec vous' },
  referral: { en: 'a recommendation', fr: 'une recommandation' },
};

export function sourceLabel(kind: string | null, detail: string | null, lang: Lang): string | null {
  const label = kind ? SOURCE_LABELS[kind]?.[lang] ?? null : null;
  if (label && detail) return `${label} (${detail})`;
  return label ?? detail ?? null;
}

const BASIS_LABELS: Record<string, Record<Lang, string>> = {
  consent: { en: 'with your consent', fr: 'avec votre consentement' },
  legitimate_interest: { en: 'on our legitimate interest; you may object', fr: 'sur notre intérêt légitime ; vous pouvez vous opposer' },
  soft_opt_in: { en: 'as a customer, for similar products; you may object', fr: 'en tant que client, pour des produits analogues ; vous pouvez vous opposer' },
  contract: { en: 'for our contract with you', fr: 'pour l’exécution de notre contrat' },
  not_personal_data: { en: 'generic business address', fr: 'adresse professionnelle générique' },
  needs_consent: { en: 'not without your consent', fr: 'pas sans votre consentement' },
  invalid_consent: { en: 'not: the recorded consent is not valid', fr: 'non : le consentement enregistré n’est pas valable' },
  objected: { en: 'no: you objected', fr: 'non : vous vous êtes opposé' },
  retention_expired: { en: 'no: the retention period has ended', fr: 'non : la durée de conservation est écoulée' },
  forbidden: { en: 'no', fr: 'non' },
};

export function t(key: keyof typeof T, lang: Lang, vars: Record<string, string> = {}): string {
  return T[key][lang].replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
}

export function pickLang(query: unknown, acceptLanguage: string | undefined): Lang {
  if (query === 'fr' || query === 'en') return query;
  const ranked = (acceptLanguage ?? '').split(',').map((part, i) => {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const q = Number(params.find((p) => p.trim().startsWith('q='))?.split('=')[1] ?? '1');
    return { tag, q: Number.isFinite(q) ? q : 0, i };
  }).filter((x) => x.tag && x.q > 0).sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranked) {
    if (r.tag.startsWith('fr')) return 'fr';
    if (r.tag.startsWith('en')) return 'en';
  }
  return 'fr';
}

export function maskEmail(email: string | null): string | null {
  if (!email) return null;
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}${'•'.repeat(Math.max(1, Math.min(local.length - 1, 6)))}@${domain}`;
}

function formatDate(iso: string | null | undefined, lang: Lang): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(d);
}

export interface PageModel {
  lang: Lang;
  actionPath: string;
  token: string;
  controllerName: string;
  privacyPolicyUrl: string | null;
  maskedEmail: string | null;
  source: string | null;
  collectedAt: string | null;
  retentionExpiresAt: string | null;
  bases: Partial<Record<Channel, string | null>>;
  objections: { channel: string; at: string }[];
  consents: { channel: string; givenAt: string; withdrawnAt?: string | null }[];
  notice: { kind: 'objected' | 'access' | 'erasure' | 'error'; dueAt?: string | null } | null;
}

function shell(lang: Lang, title: string, body: string, langHref: string): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${esc(title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<main>
<p class="lang"><a href="${esc(langHref)}" lang="${lang === 'fr' ? 'en' : 'fr'}">${esc(t('langSwitch', lang))}</a></p>
${body}
</main>
</body>
</html>
`;
}

export function renderPreferencePage(m: PageModel): string {
  const L = m.lang;
  const other = L === 'fr' ? 'en' : 'fr';
  const vars = { controller: m.controllerName };
  let notice = '';
  if (m.notice) {
    const date = formatDate(m.notice.dueAt, L) ?? '';
    const text = m.notice.kind === 'objected' ? t('doneObjected', L, vars)
      : m.notice.kind === 'access' ? t('doneAccess', L, { date })
        : m.notice.kind === 'erasure' ? t('doneErasure', L, { date }) : t('errNoChannel', L);
    notice = `<div class="status${m.notice.kind === 'error' ? ' error' : ''}" role="${m.notice.kind === 'error' ? 'alert' : 'status'}" id="confirmation"><p>${esc(text)}</p></div>`;
  }
  const unknown = esc(t('unknown', L));
  const channelRows = CHANNELS.map((c) => {
    const basis = m.bases[c];
    const label = basis ? BASIS_LABELS[basis]?.[L] ?? basis : unknown;
    return `<li>${esc(CHANNEL_LABELS[c][L])}: ${esc(label)}</li>`;
  }).join('');
  const objections = m.objections.length === 0 ? `<p>${esc(t('none', L))}</p>`
    : `<ul>${m.objections.map((o) => `<li>${esc(CHANNEL_LABELS[o.channel as Channel | 'all']?.[L] ?? o.channel)}: ${esc(formatDate(o.at, L) ?? o.at)}</li>`).join('')}</ul>`;
  const consents = m.consents.length === 0 ? `<p>${esc(t('none', L))}</p>`
    : `<ul>${m.consents.map((c) => `<li>${esc(CHANNEL_LABELS[c.channel as Channel]?.[L] ?? c.channel)}: ${esc(formatDate(c.givenAt, L) ?? c.givenAt)}${c.withdrawnAt ? ` (${esc(L === 'fr' ? 'retiré le' : 'withdrawn on')} ${esc(formatDate(c.withdrawnAt, L) ?? c.withdrawnAt)})` : ''}</li>`).join('')}</ul>`;
  const checkboxes = CHANNELS.map((c) => `<label for="ch-${c}"><input type="checkbox" id="ch-${c}" name="channels" value="${c}"> ${esc(CHANNEL_LABELS[c][L])}</label>`).join('\n');
  const hidden = `<input type="hidden" name="token" value="${esc(m.token)}"><input type="hidden" name="lang" value="${L}">`;
  const body = `<h1>${esc(t('title', L))}</h1>
${notice}
<p>${esc(t('intro', L, vars))}</p>
<section aria-labelledby="held"><h2 id="held">${esc(t('held', L))}</h2>
<dl>
<dt>${esc(t('email', L))}</dt><dd>${m.maskedEmail ? esc(m.maskedEmail) : unknown}</dd>
<dt>${esc(t('source', L))}</dt><dd>${m.source ? esc(m.source) : unknown}</dd>
<dt>${esc(t('collected', L))}</dt><dd>${esc(formatDate(m.collectedAt, L) ?? t('unknown', L))}</dd>
<dt>${esc(t('keptUntil', L))}</dt><dd>${esc(formatDate(m.retentionExpiresAt, L) ?? t('unknown', L))}</dd>
</dl>
<h3>${esc(t('channels', L))}</h3><ul>${channelRows}</ul>
<h3>${esc(t('objections', L))}</h3>${objections}
<h3>${esc(t('consents', L))}</h3>${consents}
</section>
<section aria-labelledby="object"><h2 id="object">${esc(t('objectTitle', L))}</h2>
<form method="post" action="${esc(m.actionPath)}">${hidden}<input type="hidden" name="action" value="object">
<fieldset><legend>${esc(t('objectLegend', L))}</legend>
${checkboxes}
</fieldset>
<button type="submit">${esc(t('objectSubmit', L))}</button>
</form>
<form method="post" action="${esc(m.actionPath)}">${hidden}<input type="hidden" name="action" value="object_all">
<p>${esc(t('objectAllHelp', L))}</p>
<button type="submit" class="secondary">${esc(t('objectAll', L))}</button>
</form>
</section>
<section aria-labelledby="rights"><h2 id="rights">${esc(t('rightsTitle', L))}</h2>
<p>${esc(t('rightsHelp', L))}</p>
<form method="post" action="${esc(m.actionPath)}">${hidden}<input type="hidden" name="action" value="access"><button type="submit" class="secondary">${esc(t('access', L))}</button></form>
<p></p>
<form method="post" action="${esc(m.actionPath)}">${hidden}<input type="hidden" name="action" value="erasure"><button type="submit" class="secondary">${esc(t('erasure', L))}</button></form>
<p class="muted">${esc(t('complaint', L))}${m.privacyPolicyUrl ? ` <a href="${esc(m.privacyPolicyUrl)}" rel="noopener noreferrer">${esc(L === 'fr' ? 'Politique de confidentialité' : 'Privacy policy')}</a>` : ''}</p>
</section>`;
  return shell(L, `${t('title', L)} - ${m.controllerName}`, body, `${m.actionPath}?lang=${other}`);
}

export function renderProblemPage(kind: 'gone' | 'invalid', lang: Lang, selfPath: string): string {
  const title = t(kind === 'gone' ? 'gone' : 'invalid', lang);
  const help = t(kind === 'gone' ? 'goneHelp' : 'invalidHelp', lang);
  return shell(lang, title, `<h1>${esc(title)}</h1><p>${esc(help)}</p>`, `${selfPath}?lang=${lang === 'fr' ? 'en' : 'fr'}`);
}
