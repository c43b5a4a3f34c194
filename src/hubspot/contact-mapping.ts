// Between HubSpot's contact record and the engine: HubSpot properties plus our own evidence (consents,
// objections, suppression matches) become ContactFacts; a Verdict becomes the pg_* properties (and
// hs_legal_basis) to write, of which only those that differ from HubSpot's current values are sent.
import { createHash } from 'node:crypto';
import type {
  Basis, ConsentRecord, ContactFacts, ObjectionChannel, ObjectionRecord, Purpose, SourceKind, Verdict,
} from '../engine/types.ts';
import { CHANNELS, PURPOSES, SOURCE_KINDS } from '../engine/types.ts';
import { BASIS_PROPERTY_BY_CHANNEL, HS_LEGAL_BASIS_FOR, PROPERTY_NAMES } from './properties.ts';

export type HubSpotProperties = Record<string, string | null | undefined>;

export interface ContactEvidence {
  consents: ConsentRecord[];
  objections: ObjectionRecord[];
  /** Channels blocked by a suppression-list match on the contact's email or phone. */
  suppressedChannels: ObjectionChannel[];
}

const P = PROPERTY_NAMES;

// ------------------------------------------------------------------ reading HubSpot values

function str(v: string | null | undefined): string | null {
  const s = v?.trim();
  return s ? s : null;
}

function bool(v: string | null | undefined): boolean | null {
  const s = v?.trim().toLowerCase();
  if (s === 'true' || s === 'yes' || s === '1') return true;
  if (s === 'false' || s === 'no' || s === '0') return false;
  return null;
}

/** HubSpot dates arrive as YYYY-MM-DD, ISO date-times or epoch milliseconds; returns ISO or null. */
export function hubSpotDate(v: string | null | undefined): string | null {
  const s = str(v);
  if (s === null) return null;
  const d = /^\d{10,14}$/.test(s) ? new Date(Number(s)) : new Date(s);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function latest(...dates: (string | null)[]): string | null {
  let best: string | null = null;
  for (const d of dates) if (d !== null && (best === null || Date.parse(d) > Date.parse(best))) best = d;
  return best;
}

const COUNTRY_NAMES: Record<string, string> = {
  france: 'FR', germany: 'DE', allemagne: 'DE', deutschland: 'DE', spain: 'ES', espagne: 'ES', 'españa': 'ES',
  italy: 'IT', italie: 'IT', italia: 'IT', belgium: 'BE', belgique: 'BE', 'belgië': 'BE', netherlands: 'NL',
  'the netherlands': 'NL', 'pays-bas': 'NL', nederland: 'NL', luxembourg: 'LU', portugal: 'PT', ireland: 'IE',
  irlande: 'IE', austria: 'AT', autriche: 'AT', 'österreich': 'AT', switzerland: 'CH', suisse: 'CH', schweiz: 'CH',
  'united kingdom': 'GB', uk: 'GB', 'royaume-uni': 'GB', 'great britain': 'GB', england: 'GB', poland: 'PL',
  pologne: 'PL', polska: 'PL', sweden: 'SE', 'suède': 'SE', denmark: 'DK', danemark: 'DK', finland: 'FI',
  finlande: 'FI', norway: 'NO', 'norvège': 'NO', greece: 'GR', 'grèce': 'GR', 'czech republic': 'CZ', czechia: 'CZ',
  'united states': 'US', usa: 'US', 'états-unis': 'US', canada: 'CA', monaco: 'MC', 'réunion': 'RE', martinique: 'MQ',
  guadeloupe: 'GP', 'la réunion': 'RE', reunion: 'RE', 'la reunion': 'RE', guyane: 'GF', 'guyane française': 'GF',
  'french guiana': 'GF', mayotte: 'YT', 'saint-pierre-et-miquelon': 'PM', 'saint pierre and miquelon': 'PM',
  'saint-barthélemy': 'BL', 'saint-barthelemy': 'BL', 'saint barthélemy': 'BL', 'saint-martin': 'MF', 'saint martin': 'MF',
};

/** ISO 3166-1 alpha-2 from HubSpot's free-text country ("France", "fr", "Allemagne"); null when unknown. */
export function countryCode(v: string | null | undefined): string | null {
  const s = str(v);
  if (s === null) return null;
  if (/^[A-Za-z]{2}$/.test(s)) return s.toUpperCase() === 'UK' ? 'GB' : s.toUpperCase();
  return COUNTRY_NAMES[s.toLowerCase()] ?? null;
}

/** Source kind when the user did not set pg_source_kind: HubSpot's original source says little, so stay modest. */
function sourceKindFromHubSpot(props: HubSpotProperties): SourceKind {
  const explicit = str(props[P.sourceKind]);
  if (explicit && (SOURCE_KINDS as readonly string[]).includes(explicit)) return explicit as SourceKind;
  switch (str(props.hs_analytics_source)) {
    case 'ORGANIC_SEARCH': case 'PAID_SEARCH': case 'SOCIAL_MEDIA': case 'PAID_SOCIAL': case 'DIRECT_TRAFFIC':
    case 'REFERRALS': case 'EMAIL_MARKETING': case 'OTHER_CAMPAIGNS': case 'AI_REFERRALS':
      // The record was created by a visit that converted on a form.
      return 'web_form';
    default:
      return 'unknown';
  }
}

/** HubSpot record + our evidence -> the engine's facts. Pure. */
export function contactFactsFromHubSpot(record: { id: string; properties: HubSpotProperties }, evidence: ContactEvidence): ContactFacts {
  const p = record.properties;
  const purpose = str(p[P.purpose]);
  const objections: ObjectionRecord[] = [...evidence.objections];
  const optOutAt = hubSpotDate(p.createdate) ?? new Date(0).toISOString();
  // HubSpot's marketing opt-out is an objection to email prospecting; its exact date is not on the record.
  if (bool(p.hs_email_optout) === true) objections.push({ channel: 'email', at: optOutAt });
  for (const channel of evidence.suppressedChannels) objections.push({ channel, at: optOutAt });
  const lifecycle = str(p.lifecyclestage);
  const contractActive = bool(p[P.contractActive]);
  const isCustomer = lifecycle === 'customer' || contractActive === true;
  return {
    id: record.id,
    email: str(p.email),
    phone: str(p.phone) ?? str(p.mobilephone),
    country: countryCode(p.country),
    company: str(p.company),
    jobTitle: str(p.jobtitle),
    isProfessional: bool(p[P.isProfessional]),
    soleTrader: bool(p[P.soleTrader]),
    offerRelatedToProfession: bool(p[P.offerRelated]),
    purpose: purpose && (PURPOSES as readonly string[]).includes(purpose) ? (purpose as Purpose) : null,
    sector: str(p[P.sector]),
    source: {
      kind: sourceKindFromHubSpot(p),
      collectedAt: hubSpotDate(p[P.collectedAt]) ?? hubSpotDate(p.createdate),
      detail: str(p[P.sourceDetail]),
    },
    consents: evidence.consents,
    objections,
    customer: isCustomer ? { contractActive } : null,
    // A reply or a click is a contact initiated by the prospect; an open is not (it never extends retention).
    lastProspectContactAt: latest(
      hubSpotDate(p[P.lastProspectContactAt]), hubSpotDate(p.hs_email_last_reply_date),
      hubSpotDate(p.hs_sales_email_last_replied), hubSpotDate(p.hs_email_last_click_date),
    ),
    lastEmailOpenAt: hubSpotDate(p.hs_email_last_open_date),
  };
}

// ------------------------------------------------------------------ writing the verdict

const BLOCKER_TEXT: Record<string, string> = {
  needs_consent: 'consent needed',
  invalid_consent: 'consent not valid',
  objected: 'the person objected',
  retention_expired: 'retention period expired',
  forbidden: 'prospecting forbidden',
  call_limit: 'call limit reached',
};

const SOURCE_TEXT_FR: Partial<Record<SourceKind, string>> = {
  purchased_list: 'une liste achetée', rented_list: 'une liste louée', data_broker: 'un fournisseur de données',
  partner_transfer: 'un partenaire', scraped: 'des sources publiques en ligne', enrichment_tool: 'un outil d\u2019enrichissement',
  trade_show: 'un salon professionnel', business_card: 'une carte de visite', referral: 'une recommandation',
  import: 'un fichier importé', manual_entry: 'une saisie manuelle', web_form: 'un formulaire de notre site',
  inbound_request: 'votre demande', existing_customer: 'notre relation commerciale',
};

/** The Art. 14 notice (data not obtained from the person): where the data came from and how to object. */
export function firstContactNotice(verdict: Verdict, sourceDetail: string | null, preferenceUrl: string | null = null): string {
  if (!verdict.source.art14NoticeRequired) return '';
  const src = SOURCE_TEXT_FR[verdict.source.kind] ?? 'une source tierce';
  const detail = sourceDetail ? ` (${sourceDetail})` : '';
  return `Vos coordonnées nous ont été transmises par ${src}${detail}. Nous les utilisons pour vous présenter nos offres, `
    + `sur la base de notre intérêt légitime, et les conservons au plus trois ans après notre dernier échange. Vous pouvez `
    + (preferenceUrl
      ? `vous y opposer à tout moment, sans frais, en répondant à ce message ou sur votre page de préférences\u00a0: ${preferenceUrl}`
      : `vous y opposer à tout moment, sans frais, en répondant à ce message.`);
}

export interface VerdictWriteContext {
  /** pg_source_detail as read, for the notice text. */
  sourceDetail: string | null;
  /** Whether the Art. 14 notice was already sent (no notice due then). */
  noticeSent: boolean;
  /** The account's hs_legal_basis option for a basis (read from the properties API); defaults to HubSpot's labels. */
  legalBasisOption?: (basis: Basis) => string | null;
  /**
   * The contact's preference link (src/preferences/link-property.ts): written to pg_preference_url and quoted in
   * the Art. 14 notice. Null blanks the properties (no address, or the portal turned the centre off); undefined
   * leaves them alone (callers that issue no links).
   */
  preferenceLink?: { url: string; expiresAt: string } | null;
}

/** Every property the verdict determines, as HubSpot strings. */
export function propertiesFromVerdict(verdict: Verdict, ctx: VerdictWriteContext): Record<string, string> {
  const out: Record<string, string> = {};
  const blockers = new Set<string>();
  for (const ch of CHANNELS) {
    const v = verdict.channels[ch];
    if (v.blocker) blockers.add(v.blocker);
    out[BASIS_PROPERTY_BY_CHANNEL[ch]] = v.allowed ? (v.basis ?? '') : (v.blocker ?? 'forbidden');
  }
  const email = verdict.channels.email;
  out[P.audience] = verdict.audience;
  out[P.status] = verdict.status;
  out[P.blockers] = [...blockers].sort().join(',');
  out[P.sourceRisk] = verdict.source.risk;
  out[P.retentionAnchor] = verdict.retention.anchor;
  out[P.retentionExpiresAt] = verdict.retention.expiresAt.slice(0, 10);
  out[P.retentionState] = verdict.retention.state;
  // Sequences are email: a contact whose email prospecting is not allowed must not be enrolled.
  out[P.sequenceBlocked] = email.allowed ? 'false' : 'true';
  out[P.sequenceBlockReason] = email.allowed ? '' : (email.blocker ? BLOCKER_TEXT[email.blocker] ?? email.blocker : 'email not allowed');
  const noticeDue = verdict.source.art14NoticeRequired && !ctx.noticeSent;
  out[P.noticeDue] = noticeDue ? 'true' : 'false';
  out[P.firstContactNotice] = firstContactNotice(verdict, ctx.sourceDetail, ctx.preferenceLink?.url ?? null);
  if (ctx.preferenceLink !== undefined) {
    out[P.preferenceUrl] = ctx.preferenceLink?.url ?? '';
    out[P.preferenceUrlExpiresAt] = ctx.preferenceLink?.expiresAt ?? '';
  }
  out[P.rulesVersion] = verdict.rulesVersion;
  out[P.evaluatedAt] = new Date(verdict.evaluatedAt).toISOString();
  if (email.allowed && email.basis) {
    const option = ctx.legalBasisOption ? ctx.legalBasisOption(email.basis) : HS_LEGAL_BASIS_FOR[email.basis] ?? null;
    if (option) out.hs_legal_basis = option;
  }
  return out;
}

const DATE_PROPS = new Set<string>([P.retentionExpiresAt, P.preferenceUrlExpiresAt]);
const DATETIME_PROPS = new Set<string>([P.evaluatedAt]);
const MANAGED_LEGAL_BASES = new Set(Object.values(HS_LEGAL_BASIS_FOR).map((v) => v.toLowerCase().replace(/[\u2010-\u2015-]/g, '-')));

function sameValue(name: string, desired: string, current: string | null | undefined): boolean {
  const cur = current ?? '';
  if (DATE_PROPS.has(name)) return (hubSpotDate(cur)?.slice(0, 10) ?? '') === desired;
  if (DATETIME_PROPS.has(name)) return hubSpotDate(cur) === hubSpotDate(desired);
  // Booleans are written explicitly once (workflows filter on "is false"), then only when they flip.
  if (desired === 'true' || desired === 'false') return bool(cur) === (desired === 'true');
  return cur.trim() === desired.trim();
}

/**
 * What to send: the desired values that differ from HubSpot's current ones. pg_evaluated_at is written only with
 * another change (otherwise every judgement would be a write). hs_legal_basis keeps the user's other options
 * and replaces only the bases this app manages.
 */
export function changedProperties(desired: Record<string, string>, current: HubSpotProperties): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(desired)) {
    if (name === P.evaluatedAt) continue;
    if (name === 'hs_legal_basis') {
      const have = (current.hs_legal_basis ?? '').split(';').map((s) => s.trim()).filter(Boolean);
      if (have.includes(value)) continue;
      const kept = have.filter((h) => !MANAGED_LEGAL_BASES.has(h.toLowerCase().replace(/[\u2010-\u2015-]/g, '-')));
      out.hs_legal_basis = [...kept, value].join(';');
      continue;
    }
    if (!sameValue(name, value, current[name])) out[name] = value;
  }
  if (Object.keys(out).length > 0 && desired[P.evaluatedAt] !== undefined) out[P.evaluatedAt] = desired[P.evaluatedAt] as string;
  return out;
}

/** The properties this app writes itself: a change event about them may be the echo of our own write. */
export const OWN_WRITTEN_PROPERTIES: ReadonlySet<string> = new Set([...Object.values(PROPERTY_NAMES), 'hs_legal_basis']);

/**
 * A digest of a value of a property we write, in the form it is compared (hs_legal_basis as a sorted list): the
 * queue carries this instead of the value, so echoes are still recognised without any value in Redis.
 */
export function ownValueDigest(name: string, value: string | null | undefined): string {
  const v = value ?? '';
  const canonical = name === 'hs_legal_basis' ? v.split(';').map((s) => s.trim()).sort().join(';') : v;
  return createHash('sha256').update(`${name}\u0000${canonical}`).digest('hex');
}

/** Whether a webhook event reports a change this app made itself (so it triggers no new judgement). */
export function isOwnChange(
  event: { changeSource?: string | null; sourceId?: string | null; propertyName?: string | null; propertyValue?: string | null; propertyValueDigest?: string | null },
  options: { appId: number | null; written?: Record<string, string> | null },
): boolean {
  if (options.appId !== null && event.sourceId) {
    const ids = event.sourceId.split(/[^0-9]+/).filter(Boolean);
    if (ids.includes(String(options.appId))) return true;
  }
  const name = event.propertyName;
  if (name && options.written && Object.hasOwn(options.written, name)) {
    const mine = ownValueDigest(name, options.written[name]);
    if (event.propertyValueDigest) return event.propertyValueDigest === mine;
    return event.propertyValue !== undefined && event.propertyValue !== null && ownValueDigest(name, event.propertyValue) === mine;
  }
  return false;
}
