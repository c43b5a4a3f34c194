// Server-rendered preference centre page in six languages (src/preferences/messages.ts). No script; forms post
// back to the same URL. Every dynamic value is escaped. The single inline style block is allowed by its CSP hash
// (headers.ts); the controller's logo, when set, by its origin only.
import { createHash } from 'node:crypto';
import { esc } from '../ledger/html.ts';
import { CHANNELS, type Channel } from '../engine/types.ts';
import { BASIS_LABELS, CHANNEL_LABELS, LANG_NAMES, LANGS, LOCALES, SOURCE_LABELS, colon, t, type Lang } from './messages.ts';

export { LANGS, t, type Lang } from './messages.ts';

export const PAGE_STYLE = `*,*::before,*::after{box-sizing:border-box}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1b1b;background:#f6f7f9}
main{max-width:44rem;margin:0 auto;padding:1rem}
header.controller{display:flex;gap:1rem;align-items:center;flex-wrap:wrap;margin:.5rem 0 1rem}
header.controller img{max-height:3rem;max-width:10rem;object-fit:contain}
header.controller .name{font-weight:700;font-size:1.1rem;overflow-wrap:anywhere}
h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0 1rem}h2{font-size:1.25rem;margin:0 0 .75rem}h3{font-size:1.05rem;margin:1.25rem 0 .5rem}
section{background:#fff;border:1px solid #d0d4da;border-radius:8px;padding:1rem 1.25rem;margin:0 0 1rem}
dl{display:grid;grid-template-columns:minmax(8rem,17rem) 1fr;gap:.35rem 1rem;margin:0}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
ul{padding-left:1.25rem;margin:.25rem 0}li{overflow-wrap:anywhere}
fieldset{border:1px solid #767676;border-radius:6px;padding:.75rem 1rem;margin:0 0 1rem;min-width:0}legend{float:left;width:100%;font-weight:600;padding:0;margin:0 0 .25rem}legend+*{clear:left}
label.choice{display:flex;gap:.6rem;align-items:flex-start;padding:.35rem 0}label.choice input{width:1.25rem;height:1.25rem;margin:.15rem 0 0;flex:none}
.note{color:#4a4a4a;font-size:.9rem}
button{font:inherit;font-weight:600;min-height:2.75rem;padding:.5rem 1.1rem;border:2px solid #12355b;background:#12355b;color:#fff;border-radius:6px;cursor:pointer;max-width:100%}
button.secondary{background:#fff;color:#12355b}
form.inline{display:inline-block;margin:0 .5rem .5rem 0}
a{color:#0b4f9c}a:focus-visible,button:focus-visible,input:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}
.status{border-left:4px solid #0a6b0a;background:#eef7ee;padding:.75rem 1rem;margin:0 0 1rem;border-radius:4px}.error{border-left-color:#a00000;background:#fbeeee}
.warning{border-left:4px solid #8a5a00;background:#fff6e0;padding:.75rem 1rem;margin:0 0 1rem;border-radius:4px}
nav.lang ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem .9rem;padding:0;margin:0;justify-content:flex-end}
nav.lang a[aria-current]{font-weight:700;color:#1b1b1b;text-decoration:none}
.statement{border-left:3px solid #d0d4da;padding-left:.75rem}
@media (max-width:30rem){main{padding:.75rem}section{padding:.85rem}dl{grid-template-columns:1fr}dd{margin-bottom:.4rem}
button{width:100%}form.inline{display:block;margin:0 0 .5rem}nav.lang ul{justify-content:flex-start}}`;

export const PAGE_STYLE_HASH = `sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}`;

export function sourceLabel(kind: string | null, detail: string | null, lang: Lang): string | null {
  const label = kind ? SOURCE_LABELS[kind]?.[lang] ?? null : null;
  if (label && detail) return `${label} (${detail})`;
  return label ?? detail ?? null;
}

/** Language from the country (ISO code or name as typed in HubSpot); null when none of ours. */
export function langForCountry(country: string | null | undefined): Lang | null {
  const c = (country ?? '').trim().toLowerCase();
  if (!c) return null;
  const table: Record<string, Lang> = {
    fr: 'fr', france: 'fr', mc: 'fr', monaco: 'fr', lu: 'fr', luxembourg: 'fr',
    de: 'de', germany: 'de', deutschland: 'de', allemagne: 'de', at: 'de', austria: 'de', österreich: 'de', autriche: 'de',
    es: 'es', spain: 'es', españa: 'es', espagne: 'es',
    it: 'it', italy: 'it', italia: 'it', italie: 'it',
    nl: 'nl', netherlands: 'nl', nederland: 'nl', 'pays-bas': 'nl', 'the netherlands': 'nl',
    gb: 'en', uk: 'en', 'united kingdom': 'en', 'royaume-uni': 'en', ie: 'en', ireland: 'en', us: 'en', 'united states': 'en',
  };
  return table[c] ?? null;
}

/**
 * The page's language: the switch (?lang) first, then the browser's most preferred language we offer, then the
 * contact's jurisdiction, then French.
 */
export function pickLang(query: unknown, acceptLanguage: string | undefined, jurisdiction: Lang | null = null): Lang {
  if (typeof query === 'string' && (LANGS as readonly string[]).includes(query)) return query as Lang;
  const ranked = (acceptLanguage ?? '').split(',').map((part, i) => {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const q = Number(params.find((p) => p.trim().startsWith('q='))?.split('=')[1] ?? '1');
    return { tag: tag.trim(), q: Number.isFinite(q) ? q : 0, i };
  }).filter((x) => x.tag && x.q > 0).sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranked) {
    const primary = r.tag.split('-')[0] ?? '';
    if ((LANGS as readonly string[]).includes(primary)) return primary as Lang;
  }
  return jurisdiction ?? 'fr';
}

export function maskEmail(email: string | null): string | null {
  if (!email) return null;
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}${'•'.repeat(Math.max(1, Math.min(local.length - 1, 6)))}@${domain}`;
}

function formatDate(iso: string | null | undefined, lang: Lang): string | null {
  if (!iso) return null;
  const d = new Date(/^\d+$/.test(iso) ? Number(iso) : iso);
  if (Number.isNaN(d.getTime())) return null;
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'long', timeZone: 'UTC' }).format(d);
}

export interface ControllerIdentity {
  name: string;
  address: string | null;
  dpoContact: string | null;
  logoUrl: string | null;
  privacyPolicyUrl: string | null;
}

export interface PageModel {
  lang: Lang;
  actionPath: string;
  token: string;
  controller: ControllerIdentity;
  /** Outside production a missing or placeholder name is replaced and flagged; in production the page is refused. */
  controllerPlaceholder: boolean;
  maskedEmail: string | null;
  source: string | null;
  collectedAt: string | null;
  retentionExpiresAt: string | null;
  retentionExpired: boolean;
  bases: Partial<Record<Channel, string | null>>;
  objections: { channel: string; at: string }[];
  consents: { channel: string; givenAt: string; withdrawnAt?: string | null }[];
  notice: { kind: 'objected' | 'access' | 'erasure' | 'consent' | 'error'; dueAt?: string | null } | null;
}

function languageSwitch(current: Lang, hrefFor: (l: Lang) => string): string {
  const items = LANGS.map((l) => l === current
    ? `<li><a href="${esc(hrefFor(l))}" lang="${l}" hreflang="${l}" aria-current="true">${esc(LANG_NAMES[l])}</a></li>`
    : `<li><a href="${esc(hrefFor(l))}" lang="${l}" hreflang="${l}">${esc(LANG_NAMES[l])}</a></li>`).join('');
  return `<nav class="lang" aria-label="${esc(t('langNav', current))}"><ul>${items}</ul></nav>`;
}

function shell(lang: Lang, title: string, body: string, hrefFor: (l: Lang) => string): string {
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
${languageSwitch(lang, hrefFor)}
${body}
</main>
</body>
</html>
`;
}

const isEmail = (v: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v);

function controllerBlock(m: PageModel): string {
  const L = m.lang;
  const c = m.controller;
  const dpo = c.dpoContact
    ? isEmail(c.dpoContact) ? `<a href="mailto:${esc(c.dpoContact)}">${esc(c.dpoContact)}</a>`
      : /^https:\/\//.test(c.dpoContact) ? `<a href="${esc(c.dpoContact)}" rel="noopener noreferrer">${esc(c.dpoContact)}</a>` : esc(c.dpoContact)
    : null;
  const rows = [
    c.address ? `<dt>${esc(t('address', L))}</dt><dd>${esc(c.address)}</dd>` : '',
    dpo ? `<dt>${esc(t('dpo', L))}</dt><dd>${dpo}</dd>` : '',
    c.privacyPolicyUrl ? `<dt>${esc(t('privacy', L))}</dt><dd><a href="${esc(c.privacyPolicyUrl)}" rel="noopener noreferrer">${esc(c.privacyPolicyUrl)}</a></dd>` : '',
  ].join('');
  return `<section aria-labelledby="controller"><h2 id="controller">${esc(t('controllerTitle', L))}</h2>
<p><strong>${esc(c.name)}</strong></p>${rows ? `<dl>${rows}</dl>` : ''}</section>`;
}

export function renderPreferencePage(m: PageModel): string {
  const L = m.lang;
  const sep = colon(L);
  const vars = { controller: m.controller.name };
  let notice = '';
  if (m.notice) {
    const date = formatDate(m.notice.dueAt, L) ?? '';
    const text = m.notice.kind === 'objected' ? t('doneObjected', L, vars)
      : m.notice.kind === 'access' ? t('doneAccess', L, { date })
        : m.notice.kind === 'erasure' ? t('doneErasure', L, { date })
          : m.notice.kind === 'consent' ? t('doneConsent', L) : t('errNoChannel', L);
    notice = `<div class="status${m.notice.kind === 'error' ? ' error' : ''}" role="${m.notice.kind === 'error' ? 'alert' : 'status'}" id="confirmation"><p>${esc(text)}</p></div>`;
  }
  const unknown = esc(t('unknown', L));
  const objectedAll = m.objections.some((o) => o.channel === 'all');
  const objectedAt = new Map<string, string>();
  for (const o of m.objections) if (!objectedAt.has(o.channel)) objectedAt.set(o.channel, o.at);
  const objectionOf = (c: Channel) => objectedAt.get(c) ?? objectedAt.get('all') ?? null;
  const activeConsent = new Map<string, string>();
  for (const c of m.consents) if (!c.withdrawnAt) activeConsent.set(c.channel, c.givenAt);

  const channelRows = CHANNELS.map((c) => {
    const basis = m.bases[c];
    const label = basis ? BASIS_LABELS[basis]?.[L] ?? basis : t('unknown', L);
    return `<li>${esc(CHANNEL_LABELS[c][L])}${sep}${esc(label)}</li>`;
  }).join('');
  const objections = m.objections.length === 0 ? `<p>${esc(t('noObjection', L))}</p>`
    : `<ul>${m.objections.map((o) => `<li>${esc(CHANNEL_LABELS[o.channel as Channel | 'all']?.[L] ?? o.channel)}${sep}${esc(t('recordedOn', L, { date: formatDate(o.at, L) ?? o.at }))}</li>`).join('')}</ul>`;
  const consents = m.consents.length === 0 ? `<p>${esc(t('noConsent', L))}</p>`
    : `<ul>${m.consents.map((c) => `<li>${esc(CHANNEL_LABELS[c.channel as Channel]?.[L] ?? c.channel)}${sep}${esc(t('consentSince', L, { date: formatDate(c.givenAt, L) ?? c.givenAt }))}${c.withdrawnAt ? ` (${esc(t('withdrawnOn', L, { date: formatDate(c.withdrawnAt, L) ?? c.withdrawnAt }))})` : ''}</li>`).join('')}</ul>`;
  const hidden = `<input type="hidden" name="token" value="${esc(m.token)}"><input type="hidden" name="lang" value="${L}">`;

  const objectBoxes = CHANNELS.map((c) => {
    const at = objectionOf(c);
    const extra = at ? ` <span class="note">(${esc(t('recordedOn', L, { date: formatDate(at, L) ?? at }))})</span>` : '';
    return `<label class="choice" for="ch-${c}"><input type="checkbox" id="ch-${c}" name="channels" value="${c}"${at ? ' checked disabled' : ''}><span>${esc(CHANNEL_LABELS[c][L])}${extra}</span></label>`;
  }).join('\n');
  const consentBoxes = CHANNELS.map((c) => {
    const blocked = objectionOf(c) !== null;
    const since = activeConsent.get(c);
    const extra = blocked ? ` <span class="note">(${esc(t('consentBlocked', L))})</span>`
      : since ? ` <span class="note">(${esc(t('consentSince', L, { date: formatDate(since, L) ?? since }))})</span>` : '';
    return `<label class="choice" for="consent-${c}"><input type="checkbox" id="consent-${c}" name="consent" value="${c}"${since && !blocked ? ' checked' : ''}${blocked ? ' disabled' : ''} aria-describedby="consent-statement"><span>${esc(CHANNEL_LABELS[c][L])}${extra}</span></label>`;
  }).join('\n');

  const retentionRow = m.retentionExpired
    ? `<dt>${esc(t('retention', L))}</dt><dd><strong>${esc(t('retentionOver', L))}</strong></dd>`
    : `<dt>${esc(t('keptUntil', L))}</dt><dd>${esc(formatDate(m.retentionExpiresAt, L) ?? t('unknown', L))}</dd>`;
  const logo = m.controller.logoUrl ? `<img src="${esc(m.controller.logoUrl)}" alt="" width="160" height="48">` : '';
  const body = `<header class="controller">${logo}<span class="name">${esc(m.controller.name)}</span></header>
${m.controllerPlaceholder ? `<div class="warning" role="note"><p>${esc(t('devPlaceholder', L))}</p></div>` : ''}
<h1>${esc(t('title', L))}</h1>
${notice}
<p>${esc(t('intro', L, vars))}</p>
<section aria-labelledby="held"><h2 id="held">${esc(t('held', L))}</h2>
<dl>
<dt>${esc(t('email', L))}</dt><dd>${m.maskedEmail ? esc(m.maskedEmail) : unknown}</dd>
<dt>${esc(t('source', L))}</dt><dd>${m.source ? esc(m.source) : unknown}</dd>
<dt>${esc(t('collected', L))}</dt><dd>${esc(formatDate(m.collectedAt, L) ?? t('unknown', L))}</dd>
${retentionRow}
</dl>
<h3>${esc(t('channels', L))}</h3><ul id="channel-list">${channelRows}</ul>
<h3>${esc(t('objections', L))}</h3>${objections}
<h3>${esc(t('consents', L))}</h3>${consents}
</section>
<section aria-labelledby="object"><h2 id="object">${esc(t('objectTitle', L))}</h2>
${objectedAll ? `<p><strong>${esc(t('objectedAll', L))}</strong></p>` : `<form method="post" action="${esc(m.actionPath)}">${hidden}<input type="hidden" name="action" value="object">
<fieldset><legend>${esc(t('objectLegend', L))}</legend>
<p class="note">${esc(t('objectHelp', L))}</p>
${objectBoxes}
</fieldset>
<button type="submit">${esc(t('objectSubmit', L))}</button>
</form>
<form method="post" action="${esc(m.actionPath)}">${hidden}<input type="hidden" name="action" value="object_all">
<p>${esc(t('objectAllHelp', L))}</p>
<button type="submit" class="secondary">${esc(t('objectAll', L))}</button>
</form>`}
</section>
<section aria-labelledby="consent"><h2 id="consent">${esc(t('consentTitle', L))}</h2>
<p>${esc(t('consentHelp', L))}</p>
<form method="post" action="${esc(m.actionPath)}">${hidden}<input type="hidden" name="action" value="consent">
<fieldset><legend>${esc(t('consentLegend', L))}</legend>
${consentBoxes}
</fieldset>
<p class="statement" id="consent-statement">${esc(consentStatement(m.controller.name, L))}</p>
<button type="submit">${esc(t('consentSubmit', L))}</button>
</form>
</section>
${controllerBlock(m)}
<section aria-labelledby="rights"><h2 id="rights">${esc(t('rightsTitle', L))}</h2>
<p>${esc(t('rightsHelp', L))}</p>
<form class="inline" method="post" action="${esc(m.actionPath)}">${hidden}<input type="hidden" name="action" value="access"><button type="submit" class="secondary">${esc(t('access', L))}</button></form>
<form class="inline" method="post" action="${esc(m.actionPath)}">${hidden}<input type="hidden" name="action" value="erasure"><button type="submit" class="secondary">${esc(t('erasure', L))}</button></form>
<p class="note">${esc(t('complaint', L))}</p>
</section>`;
  return shell(L, `${t('title', L)} – ${m.controller.name}`, body, (l) => `${m.actionPath}?lang=${l}`);
}

/** The exact consent text shown next to the boxes (recorded as proof with each consent). */
export function consentStatement(controllerName: string, lang: Lang): string {
  return t('consentStatement', lang, { controller: controllerName });
}

/** Production page when the controller's identity is missing: no placeholder name, but objection still possible. */
export function renderUnconfiguredPage(lang: Lang, actionPath: string, token: string, objected: boolean): string {
  const hidden = `<input type="hidden" name="token" value="${esc(token)}"><input type="hidden" name="lang" value="${lang}">`;
  const body = `<h1>${esc(t('unconfiguredTitle', lang))}</h1>
${objected ? `<div class="status" role="status" id="confirmation"><p>${esc(t('doneObjected', lang, { controller: t('fallbackController', lang) }))}</p></div>` : ''}
<section aria-labelledby="object"><h2 id="object">${esc(t('objectTitle', lang))}</h2><p>${esc(t('unconfiguredHelp', lang))}</p>
<form method="post" action="${esc(actionPath)}">${hidden}<input type="hidden" name="action" value="object_all"><button type="submit">${esc(t('objectAll', lang))}</button></form></section>`;
  return shell(lang, t('unconfiguredTitle', lang), body, (l) => `${actionPath}?lang=${l}`);
}

export function renderProblemPage(kind: 'gone' | 'invalid', lang: Lang, selfPath: string): string {
  const title = t(kind === 'gone' ? 'gone' : 'invalid', lang);
  const help = t(kind === 'gone' ? 'goneHelp' : 'invalidHelp', lang);
  return shell(lang, title, `<h1>${esc(title)}</h1><p>${esc(help)}</p>`, (l) => `${selfPath}?lang=${l}`);
}

const PLACEHOLDER_NAMES = /^(acme\b.*|example|exemple|test|demo|démo|sample|placeholder|company name|your company|my company|nom de (la |votre )?(société|entreprise)|votre (société|entreprise)|ma société|lorem ipsum.*|todo|tbd|changeme|x+|n\/a|-+)$/i;

/** A controller name that is missing or obviously a placeholder (never shown to a prospect in production). */
export function isPlaceholderControllerName(name: string | null | undefined): boolean {
  const n = (name ?? '').trim();
  return n === '' || PLACEHOLDER_NAMES.test(n) || /[{}<>[\]]/.test(n);
}
