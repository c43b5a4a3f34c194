// Realistic seeded contacts for a stand-in account: French and European people, B2B and B2C, company and
// free-mail addresses, role addresses, phones in national and international formats (some invalid), varied
// sources, lifecycle stages, five years of creation dates and email histories. Seeded faker instances make a
// given seed give the same account every time. Values are built directly (no webhooks, no validation) so that
// 100,000 contacts take a few seconds.
import { Faker, base, de, en, en_GB, es, fr, it, nl, nl_BE, pl, pt_PT, type LocaleDefinition } from '@faker-js/faker';
import { SOURCE_KINDS } from '../../src/engine/types.ts';
import { ANALYTICS_SOURCES, LEGAL_BASIS_OPTIONS } from './properties.ts';
import { prng, type StandInState } from './state.ts';

interface CountryProfile {
  code: string;
  names: string[];         // how the country appears in CRM data (messy on purpose)
  weight: number;
  locale: LocaleDefinition[];
  tld: string;
  dial: string;
  freeMail: string[];
  national: (r: () => number) => string;
  mobile: (r: () => number) => string;
}

const digits = (r: () => number, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(r() * 10);
  return s;
};
const pairs = (s: string): string => s.replace(/(\d{2})(?=\d)/g, '$1 ');

const COUNTRIES: CountryProfile[] = [
  { code: 'FR', names: ['France', 'France', 'France', 'FR', 'france'], weight: 55, locale: [fr, en, base], tld: 'fr', dial: '33',
    freeMail: ['gmail.com', 'orange.fr', 'free.fr', 'laposte.net', 'sfr.fr', 'hotmail.fr', 'yahoo.fr', 'wanadoo.fr', 'outlook.fr'],
    national: (r) => `0${1 + Math.floor(r() * 5)}${digits(r, 8)}`, mobile: (r) => `0${r() < 0.8 ? 6 : 7}${digits(r, 8)}` },
  { code: 'DE', names: ['Germany', 'Deutschland', 'DE'], weight: 10, locale: [de, en, base], tld: 'de', dial: '49',
    freeMail: ['gmx.de', 'web.de', 'gmail.com', 't-online.de'],
    national: (r) => `0${30 + Math.floor(r() * 60)}${digits(r, 7)}`, mobile: (r) => `01${5 + Math.floor(r() * 3)}${digits(r, 8)}` },
  { code: 'GB', names: ['United Kingdom', 'UK', 'GB'], weight: 8, locale: [en_GB, en, base], tld: 'co.uk', dial: '44',
    freeMail: ['gmail.com', 'hotmail.co.uk', 'btinternet.com', 'yahoo.co.uk'],
    national: (r) => `020${digits(r, 8)}`, mobile: (r) => `07${digits(r, 9)}` },
  { code: 'BE', names: ['Belgium', 'Belgique', 'BE'], weight: 7, locale: [nl_BE, fr, en, base], tld: 'be', dial: '32',
    freeMail: ['skynet.be', 'telenet.be', 'gmail.com', 'proximus.be'],
    national: (r) => `02${digits(r, 7)}`, mobile: (r) => `04${7 + Math.floor(r() * 3)}${digits(r, 7)}` },
  { code: 'ES', names: ['Spain', 'España', 'ES'], weight: 6, locale: [es, en, base], tld: 'es', dial: '34',
    freeMail: ['gmail.com', 'hotmail.es', 'yahoo.es', 'telefonica.net'],
    national: (r) => `91${digits(r, 7)}`, mobile: (r) => `6${digits(r, 8)}` },
  { code: 'IT', names: ['Italy', 'Italia', 'IT'], weight: 6, locale: [it, en, base], tld: 'it', dial: '39',
    freeMail: ['libero.it', 'gmail.com', 'virgilio.it', 'tiscali.it'],
    national: (r) => `06${digits(r, 8)}`, mobile: (r) => `3${digits(r, 9)}` },
  { code: 'NL', names: ['Netherlands', 'Nederland', 'NL'], weight: 3, locale: [nl, en, base], tld: 'nl', dial: '31',
    freeMail: ['gmail.com', 'ziggo.nl', 'kpnmail.nl'],
    national: (r) => `020${digits(r, 7)}`, mobile: (r) => `06${digits(r, 8)}` },
  { code: 'PL', names: ['Poland', 'Polska'], weight: 2, locale: [pl, en, base], tld: 'pl', dial: '48',
    freeMail: ['wp.pl', 'onet.pl', 'gmail.com'],
    national: (r) => `22${digits(r, 7)}`, mobile: (r) => `5${digits(r, 8)}` },
  { code: 'PT', names: ['Portugal', 'PT'], weight: 2, locale: [pt_PT, en, base], tld: 'pt', dial: '351',
    freeMail: ['sapo.pt', 'gmail.com'],
    national: (r) => `21${digits(r, 7)}`, mobile: (r) => `9${digits(r, 8)}` },
  { code: 'US', names: ['United States', 'USA'], weight: 1, locale: [en, base], tld: 'com', dial: '1',
    freeMail: ['gmail.com', 'yahoo.com', 'aol.com'],
    national: (r) => `212${digits(r, 7)}`, mobile: (r) => `646${digits(r, 7)}` },
];

const TOTAL_WEIGHT = COUNTRIES.reduce((s, c) => s + c.weight, 0);

const JOB_TITLES = [
  'Directeur commercial', 'Responsable marketing', 'Chargée de communication', 'Gérant', 'Directrice générale',
  'Acheteur', 'Responsable achats', 'DSI', 'Office manager', 'Chef de projet', 'Head of Sales', 'CEO', 'CFO',
  'Marketing Manager', 'Procurement Manager', 'IT Director', 'Comptable', 'Assistante de direction',
  'Responsable RH', 'Ingénieur commercial', 'Geschäftsführer', 'Einkaufsleiter', 'Responsabile acquisti',
  'Director comercial', 'Founder',
];
const ROLE_LOCALS = ['contact', 'info', 'sales', 'commercial', 'hello', 'accueil', 'direction', 'compta', 'rh', 'marketing'];
const B2B_SOURCES: string[] = ['trade_show', 'business_card', 'web_form', 'inbound_request', 'purchased_list', 'rented_list',
  'data_broker', 'partner_transfer', 'scraped', 'enrichment_tool', 'manual_entry', 'import', 'existing_customer', 'referral'];
const LIFECYCLE_WEIGHTS: Array<[string, number]> = [
  ['subscriber', 15], ['lead', 40], ['marketingqualifiedlead', 12], ['salesqualifiedlead', 8], ['opportunity', 5],
  ['customer', 15], ['other', 5],
];

function weighted<T>(r: () => number, items: Array<[T, number]>): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let x = r() * total;
  for (const [item, w] of items) {
    x -= w;
    if (x < 0) return item;
  }
  return (items[items.length - 1] as [T, number])[0];
}

function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)] as T;
}

function ascii(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '');
}

function formatPhone(r: () => number, country: CountryProfile, nationalDigits: string): string {
  const style = r();
  if (style < 0.04) return nationalDigits.slice(0, 5 + Math.floor(r() * 3)); // too short: invalid
  if (style < 0.06) return `+${country.dial} ${nationalDigits.slice(1)}${digits(r, 3)}`; // too long: invalid
  const withoutTrunk = nationalDigits.startsWith('0') ? nationalDigits.slice(1) : nationalDigits;
  if (style < 0.4) return country.code === 'FR' ? pairs(nationalDigits) : nationalDigits; // national format
  if (style < 0.7) return `+${country.dial} ${country.code === 'FR' ? withoutTrunk.replace(/^(\d)(\d+)$/, (_m, a: string, b: string) => `${a} ${pairs(b)}`) : withoutTrunk}`;
  if (style < 0.9) return `+${country.dial}${withoutTrunk}`;
  return `00${country.dial} ${withoutTrunk}`;
}

const DAY = 86_400_000;

export interface SeedOptions {
  seed?: number;
  /** Fire webhooks for the seeded contacts (default false: they predate the app). */
  emitWebhooks?: boolean;
  now?: number;
}

export function seedContacts(state: StandInState, portalId: number, count: number, options: SeedOptions = {}): string[] {
  const account = state.account(portalId);
  const seed = options.seed ?? 42;
  const r = prng(seed);
  // Faker is slow per call (tens of microseconds); draw name and company pools from it once, then pick.
  const pools = COUNTRIES.map((c, i) => {
    const f = new Faker({ locale: c.locale });
    f.seed(seed * 31 + i);
    const size = Math.min(400, Math.max(20, Math.ceil(count / 4)));
    return {
      first: Array.from({ length: size }, () => f.person.firstName()),
      last: Array.from({ length: size }, () => f.person.lastName()),
      company: Array.from({ length: Math.ceil(size / 2) }, () => f.company.name()),
    };
  });
  const now = options.now ?? state.now();
  const fiveYears = 5 * 365 * DAY;
  const ids: string[] = [];
  const source = { changeSource: 'IMPORT', sourceId: 'import:seed' };
  for (let n = 0; n < count; n++) {
    let x = r() * TOTAL_WEIGHT;
    let ci = 0;
    for (; ci < COUNTRIES.length - 1; ci++) {
      x -= (COUNTRIES[ci] as CountryProfile).weight;
      if (x < 0) break;
    }
    const country = COUNTRIES[ci] as CountryProfile;
    const pool = pools[ci] as (typeof pools)[number];
    const b2b = r() < 0.65;
    const firstname = pick(r, pool.first);
    const lastname = pick(r, pool.last);
    const p: Record<string, string> = { firstname, lastname };
    if (r() < 0.9) p.country = pick(r, country.names);
    const createdAt = now - Math.floor(r() * fiveYears);
    let email: string | null = null;
    const companyName = b2b ? pick(r, pool.company) : null;
    const companyDomain = companyName ? `${ascii(companyName).slice(0, 18) || 'societe'}.${country.tld}` : null;
    const kindRoll = r();
    if (kindRoll < 0.05) {
      email = null; // phone-only or postal-only contact
    } else if (b2b && companyDomain) {
      if (kindRoll < 0.7) email = `${ascii(firstname)}.${ascii(lastname)}@${companyDomain}`;
      else if (kindRoll < 0.82) email = `${ascii(firstname).slice(0, 1)}${ascii(lastname)}@${companyDomain}`;
      else if (kindRoll < 0.92) email = `${pick(r, ROLE_LOCALS)}@${companyDomain}`;
      else email = `${ascii(firstname)}.${ascii(lastname)}@${pick(r, country.freeMail)}`;
    } else {
      const local = r() < 0.6 ? `${ascii(firstname)}.${ascii(lastname)}` : `${ascii(firstname)}${ascii(lastname).slice(0, 3)}${Math.floor(r() * 100)}`;
      email = `${local}@${pick(r, country.freeMail)}`;
    }
    if (email) {
      let candidate = email;
      for (let k = 2; account.emailIndex.has(candidate) || account.blocklist.has(candidate); k++) {
        candidate = email.replace('@', `${k}@`);
      }
      p.email = candidate;
    }
    if (companyName) {
      p.company = companyName;
      if (r() < 0.85) p.jobtitle = pick(r, JOB_TITLES);
      if (r() < 0.5) p.website = `https://www.${companyDomain}`;
    }
    if (r() < 0.7) p.phone = formatPhone(r, country, country.national(r));
    if (r() < (b2b ? 0.35 : 0.5)) p.mobilephone = formatPhone(r, country, country.mobile(r));
    p.lifecyclestage = weighted(r, LIFECYCLE_WEIGHTS);
    const origin = weighted<string>(r, [['OFFLINE', 30], ['ORGANIC_SEARCH', 18], ['DIRECT_TRAFFIC', 12], ['REFERRALS', 8],
      ['PAID_SEARCH', 8], ['SOCIAL_MEDIA', 8], ['PAID_SOCIAL', 6], ['EMAIL_MARKETING', 6], ['OTHER_CAMPAIGNS', 4]]);
    p.hs_analytics_source = origin;
    p.hs_latest_source = r() < 0.7 ? origin : pick(r, ANALYTICS_SOURCES);
    if (r() < 0.6) p.hs_legal_basis = pick(r, LEGAL_BASIS_OPTIONS);
    if (email) p.hs_email_optout = r() < 0.06 ? 'true' : 'false';
    if (r() < 0.7) p.hubspot_owner_id = pick(r, account.users).id;
    const lifeSpan = now - createdAt;
    const after = (share: number): string => new Date(createdAt + Math.floor(r() * lifeSpan * share)).toISOString();
    if (email && r() < 0.55) {
      p.hs_email_last_open_date = after(1);
      p.hs_email_open = String(1 + Math.floor(r() * 40));
      if (r() < 0.4) {
        p.hs_email_last_click_date = after(1);
        p.hs_email_click = String(1 + Math.floor(r() * 8));
      }
    }
    if (email && r() < 0.1) p.hs_email_last_reply_date = after(1);
    if (email && r() < 0.12) p.hs_sales_email_last_replied = after(1);
    if (r() < 0.35) p.notes_last_contacted = after(1);
    // Inputs an import or a user sets on Prospect Guard's own properties.
    if (r() < 0.7) {
      const kind = b2b ? pick(r, B2B_SOURCES) : pick(r, SOURCE_KINDS);
      p.pg_source_kind = kind;
      if (r() < 0.4) p.pg_source_detail = kind === 'trade_show' ? 'Salon VivaTech' : kind === 'purchased_list' ? 'Fichier acheté (courtier)' : 'Import CRM';
      if (r() < 0.5) p.pg_collected_at = new Date(createdAt - (createdAt % DAY)).toISOString().slice(0, 10);
    }
    if (r() < 0.3) p.pg_is_professional = b2b ? 'true' : 'false';
    const record = state.createContact(portalId, p, source, { adopt: true, createdAt, emit: options.emitWebhooks === true });
    // Last modified somewhere between creation and now, not at seeding time.
    record.updatedAt = createdAt + Math.floor(r() * lifeSpan);
    record.properties.lastmodifieddate = new Date(record.updatedAt).toISOString();
    ids.push(record.id);
  }
  return ids;
}
