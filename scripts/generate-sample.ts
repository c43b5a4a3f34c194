// Seeded generator of realistic prospect records (French and European, B2B nominative and generic, B2C; every
// source kind; valid and invalid consents; objections; customers; expired records; bad phone numbers).
// Same seed, same contacts: the committed samples, the benchmark and the HubSpot stand-in all draw from here.
// Run directly to (re)write the committed samples:
//   node scripts/generate-sample.ts [--count 300] [--seed 20261123] [--out samples]
// faker is a devDependency, which is why this lives under scripts/ and not src/.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isValidPhoneNumber } from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js';
import { Faker, base, de, en, en_GB, es, fr, fr_BE, it, nl, pt_PT } from '@faker-js/faker';
import type { LocaleDefinition } from '@faker-js/faker';
import type { Channel, ConsentMethod, ConsentRecord, ContactFacts, ObjectionChannel, SourceKind } from '../src/engine/types.ts';

export const SAMPLE_SEED = 20261123;
export const SAMPLE_REFERENCE_DATE = new Date('2026-11-23T00:00:00Z');
const DAY = 86_400_000;

interface CountryProfile {
  code: string;
  locale: LocaleDefinition[];
  tld: string;
  freeMail: string[];
  timeZone: string;
  /** Builds a plausible national number (mobile or landline) from random digits. */
  phone(f: Faker, mobile: boolean): string;
}

const digits = (f: Faker, n: number): string => f.string.numeric({ length: n, allowLeadingZeros: true });
const pairs = (s: string): string => s.replace(/(\d{2})(?=\d)/g, '$1 ');

const COUNTRIES: CountryProfile[] = [
  {
    code: 'FR', locale: [fr, en, base], tld: 'fr', timeZone: 'Europe/Paris',
    freeMail: ['gmail.com', 'orange.fr', 'free.fr', 'laposte.net', 'sfr.fr', 'hotmail.fr', 'yahoo.fr', 'wanadoo.fr', 'outlook.fr'],
    phone: (f, mobile) => {
      const number = `0${mobile ? f.helpers.arrayElement(['6', '7']) : f.helpers.arrayElement(['1', '2', '3', '4', '5', '9'])}${digits(f, 8)}`;
      return f.datatype.boolean() ? pairs(number) : `+33 ${number.slice(1, 2)} ${pairs(number.slice(2))}`;
    },
  },
  {
    code: 'BE', locale: [fr_BE, fr, en, base], tld: 'be', timeZone: 'Europe/Brussels',
    freeMail: ['skynet.be', 'telenet.be', 'gmail.com', 'proximus.be', 'hotmail.com'],
    phone: (f, mobile) => (mobile ? `+32 4${f.helpers.arrayElement(['7', '8', '9'])}${digits(f, 1)} ${digits(f, 2)} ${digits(f, 2)} ${digits(f, 2)}` : `+32 2 ${digits(f, 3)} ${digits(f, 2)} ${digits(f, 2)}`),
  },
  {
    code: 'DE', locale: [de, en, base], tld: 'de', timeZone: 'Europe/Berlin',
    freeMail: ['gmx.de', 'web.de', 't-online.de', 'gmail.com', 'freenet.de'],
    phone: (f, mobile) => (mobile ? `+49 15${f.helpers.arrayElement(['1', '2', '7'])} ${digits(f, 8)}` : `+49 30 ${digits(f, 8)}`),
  },
  {
    code: 'ES', locale: [es, en, base], tld: 'es', timeZone: 'Europe/Madrid',
    freeMail: ['gmail.com', 'hotmail.es', 'yahoo.es', 'telefonica.net'],
    phone: (f, mobile) => `+34 ${mobile ? '6' : '91'}${digits(f, mobile ? 8 : 7)}`,
  },
  {
    code: 'IT', locale: [it, en, base], tld: 'it', timeZone: 'Europe/Rome',
    freeMail: ['libero.it', 'virgilio.it', 'gmail.com', 'alice.it', 'tiscali.it'],
    phone: (f, mobile) => (mobile ? `+39 3${digits(f, 2)} ${digits(f, 7)}` : `+39 06 ${digits(f, 8)}`),
  },
  {
    code: 'GB', locale: [en_GB, en, base], tld: 'co.uk', timeZone: 'Europe/London',
    freeMail: ['btinternet.com', 'gmail.com', 'hotmail.co.uk', 'yahoo.co.uk', 'sky.com'],
    phone: (f, mobile) => (mobile ? `+44 7${digits(f, 3)} ${digits(f, 6)}` : `+44 20 ${digits(f, 4)} ${digits(f, 4)}`),
  },
  {
    code: 'NL', locale: [nl, en, base], tld: 'nl', timeZone: 'Europe/Amsterdam',
    freeMail: ['ziggo.nl', 'kpnmail.nl', 'gmail.com', 'hotmail.nl'],
    phone: (f, mobile) => (mobile ? `+31 6 ${digits(f, 8)}` : `+31 20 ${digits(f, 7)}`),
  },
  {
    code: 'PT', locale: [pt_PT, en, base], tld: 'pt', timeZone: 'Europe/Lisbon',
    freeMail: ['sapo.pt', 'gmail.com', 'outlook.pt'],
    phone: (f, mobile) => `+351 ${mobile ? '9' : '21'}${digits(f, mobile ? 8 : 7)}`,
  },
];
const COUNTRY_WEIGHTS = [60, 8, 8, 6, 6, 6, 3, 3];

const RELEVANT_TITLES = ['CTO', 'DSI', 'Directeur technique', 'Directrice des systèmes d\'information', 'Head of IT',
  'Responsable informatique', 'IT Manager', 'VP Engineering', 'Leiter IT', 'Responsable infrastructure'];
const OTHER_TITLES = ['Office manager', 'Comptable', 'Responsable RH', 'Directrice commerciale', 'Acheteur',
  'Chargée de communication', 'Assistante de direction', 'Gérant', 'Sales manager', 'Juriste'];
const ROLE_LOCAL_PARTS = ['contact', 'info', 'sales', 'hello', 'support', 'admin', 'commercial', 'accueil', 'bonjour'];
const SECTORS = ['Logiciel', 'Conseil', 'Industrie', 'Santé', 'Commerce de détail', 'Transport', 'Banque'];
const BANNED_SECTORS = ['Rénovation énergétique', 'Panneaux solaires', 'Adaptation du logement', 'Pompe à chaleur'];

const SOURCE_DETAILS: Record<SourceKind, string[]> = {
  web_form: ['newsletter form v3', 'livre blanc RGPD', 'demo request form', 'webinar signup', 'jeu concours'],
  trade_show: ['VivaTech', 'Salon des Entrepreneurs', 'Big Data & AI Paris', 'Hannover Messe', 'IT Partners Cannes'],
  business_card: ['carte de visite, rendez-vous client', 'business card, networking breakfast'],
  inbound_request: ['pricing request', 'demande de devis', 'support chat'],
  purchased_list: ['ListCo FR', 'DataPro B2B', 'Fichier Pro Annuaire'],
  rented_list: ['ListCo FR rental', 'MailRent', 'Conso Direct'],
  data_broker: ['LeadBroker EU', 'Broker Conso Plus', 'DataMarket DE'],
  partner_transfer: ['partenaire: Assur Plus', 'partner: TravelCo', 'co-registration JeuxMalins'],
  scraped: ['pages jaunes', 'LinkedIn profiles', 'company websites', 'societe.com'],
  enrichment_tool: ['Kaspr-like extension', 'Lusha export', 'Dropcontact'],
  manual_entry: ['saisie commerciale', 'entered by rep'],
  import: ['old CRM import', 'import Excel salon'],
  existing_customer: ['e-shop order', 'contrat de maintenance', 'subscription'],
  referral: ['recommandation client', 'referral programme'],
  unknown: [''],
};
const B2C_SOURCES: [SourceKind, number][] = [
  ['web_form', 35], ['purchased_list', 8], ['rented_list', 8], ['data_broker', 5], ['partner_transfer', 8],
  ['existing_customer', 15], ['inbound_request', 5], ['referral', 3], ['import', 5], ['manual_entry', 3], ['unknown', 5],
];
const B2B_SOURCES: [SourceKind, number][] = [
  ['trade_show', 15], ['business_card', 10], ['web_form', 15], ['inbound_request', 7], ['purchased_list', 6],
  ['rented_list', 4], ['data_broker', 5], ['scraped', 8], ['enrichment_tool', 8], ['partner_transfer', 3],
  ['existing_customer', 8], ['referral', 4], ['manual_entry', 3], ['import', 2], ['unknown', 2],
];
const INDIRECT: SourceKind[] = ['purchased_list', 'rented_list', 'data_broker', 'partner_transfer', 'scraped', 'enrichment_tool'];
const INVALID_PHONES = ['06 12 34', '+33 12', '12345', '0000000000', 'n/a', '+44 123'];

type Profile = 'b2c' | 'b2b_nominative' | 'b2b_generic' | 'ambiguous';

function pickWeighted<T>(f: Faker, items: readonly (readonly [T, number])[]): T {
  return f.helpers.weightedArrayElement(items.map(([value, weight]) => ({ value, weight })));
}

function slug(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')
    .slice(0, 30) || 'entreprise';
}

const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

export interface GenerateOptions {
  /** "Today" for the generated history (default 2026-11-23): dates fall before it. */
  referenceDate?: Date;
  /** Prefix of the ids (`c-000001`). */
  idPrefix?: string;
}

/** An endless, deterministic stream of contacts: the n-th contact depends only on (seed, n). */
export function* contactStream(seed: number, options: GenerateOptions = {}): Generator<ContactFacts> {
  const reference = options.referenceDate ?? SAMPLE_REFERENCE_DATE;
  const prefix = options.idPrefix ?? 'c';
  const fakers = COUNTRIES.map((c) => new Faker({ locale: c.locale }));
  const chooser = new Faker({ locale: [en, base] });
  chooser.seed(seed);
  fakers.forEach((f, i) => f.seed(seed * 31 + i));
  for (let n = 1; ; n += 1) {
    const countryIndex = pickWeighted(chooser, COUNTRIES.map((_, i) => [i, COUNTRY_WEIGHTS[i] ?? 1] as const));
    const country = COUNTRIES[countryIndex] as CountryProfile;
    const f = fakers[countryIndex] as Faker;
    yield buildContact(f, country, `${prefix}-${String(n).padStart(6, '0')}`, reference);
  }
}

export function generateContacts(count: number, seed: number, options: GenerateOptions = {}): ContactFacts[] {
  const out: ContactFacts[] = [];
  for (const contact of contactStream(seed, options)) {
    if (out.length >= count) break;
    out.push(contact);
  }
  return out;
}

function buildContact(f: Faker, country: CountryProfile, id: string, reference: Date): ContactFacts {
  const between = (from: number, to: number): Date => f.date.between({ from, to: Math.max(from, to) });
  const now = reference.getTime();
  const profile = pickWeighted<Profile>(f, [['b2c', 35], ['b2b_nominative', 45], ['b2b_generic', 12], ['ambiguous', 8]]);
  const first = f.person.firstName();
  const last = f.person.lastName();
  const local = slug(`${first}.${last}`).replace(/-/g, '.');
  const company = profile === 'b2c' || profile === 'ambiguous' ? null : f.company.name();
  const domain = company ? `${slug(company)}.${f.datatype.boolean({ probability: 0.8 }) ? country.tld : 'com'}` : null;
  const contact: ContactFacts = { id };

  if (f.datatype.boolean({ probability: 0.97 })) {
    if (profile === 'b2c') {
      contact.email = `${f.datatype.boolean() ? local : `${local.replace('.', '')}${f.number.int({ min: 1, max: 99 })}`}@${f.helpers.arrayElement(country.freeMail)}`;
    } else if (profile === 'b2b_nominative') {
      contact.email = `${f.datatype.boolean({ probability: 0.7 }) ? local : `${local[0]}.${slug(last)}`}@${domain}`;
    } else if (profile === 'b2b_generic') {
      contact.email = `${f.helpers.arrayElement(ROLE_LOCAL_PARTS)}@${domain}`;
    } else {
      contact.email = `${slug(first)}@${slug(last)}-${f.helpers.arrayElement(['studio', 'conseil', 'web', 'home'])}.net`;
    }
  }
  if (f.datatype.boolean({ probability: 0.7 })) {
    contact.phone = f.datatype.boolean({ probability: 0.05 })
      ? f.helpers.arrayElement(INVALID_PHONES)
      : validPhone(f, country, profile === 'b2c' || f.datatype.boolean({ probability: 0.4 }));
  }
  // Most records carry a country; the rest fall back to the audit's --jurisdiction.
  if (f.datatype.boolean({ probability: 0.9 })) contact.country = country.code;
  if (f.datatype.boolean({ probability: 0.2 })) contact.timeZone = country.timeZone;
  if (company) contact.company = company;
  if (profile === 'b2b_nominative') {
    contact.jobTitle = f.datatype.boolean({ probability: 0.5 }) ? f.helpers.arrayElement(RELEVANT_TITLES) : f.helpers.arrayElement(OTHER_TITLES);
  }
  if (f.datatype.boolean({ probability: 0.1 })) contact.isProfessional = profile !== 'b2c' || f.datatype.boolean({ probability: 0.3 });
  if (profile.startsWith('b2b') && f.datatype.boolean({ probability: 0.25 })) contact.offerRelatedToProfession = f.datatype.boolean({ probability: 0.7 });
  const purposeRoll = f.number.float({ min: 0, max: 1 });
  if (purposeRoll < 0.03) contact.purpose = 'charity';
  else if (purposeRoll < 0.04) contact.purpose = 'political';
  else if (purposeRoll < 0.3) contact.purpose = 'commercial';
  const sectorRoll = f.number.float({ min: 0, max: 1 });
  if (sectorRoll < 0.03) contact.sector = f.helpers.arrayElement(BANNED_SECTORS);
  else if (profile !== 'b2c' && sectorRoll < 0.4) contact.sector = f.helpers.arrayElement(SECTORS);

  // Source: about one record in four is older than the three-year retention period.
  const kind = pickWeighted(f, profile === 'b2c' || profile === 'ambiguous' ? B2C_SOURCES : B2B_SOURCES);
  const collected = f.datatype.boolean({ probability: 0.75 }) ? between(now - 3 * 365 * DAY, now - DAY) : between(now - 7 * 365 * DAY, now - 3 * 365 * DAY);
  const indirect = INDIRECT.includes(kind);
  contact.source = { kind };
  if (kind !== 'unknown' || f.datatype.boolean()) contact.source.collectedAt = isoDay(collected);
  const detail = f.helpers.arrayElement(SOURCE_DETAILS[kind]);
  if (detail) contact.source.detail = detail;
  if (['purchased_list', 'rented_list', 'data_broker', 'partner_transfer'].includes(kind)) {
    contact.source.proofOfConsentFromProvider = f.datatype.boolean({ probability: 0.4 });
  }
  if (indirect && f.datatype.boolean({ probability: 0.3 })) contact.source.noticeSentAt = between(collected.getTime(), now).toISOString();

  contact.consents = buildConsents(f, kind, profile, collected, now, contact.source.proofOfConsentFromProvider === true);
  if (contact.consents.length === 0) delete contact.consents;

  if (f.datatype.boolean({ probability: 0.07 })) {
    const channel = f.helpers.arrayElement<ObjectionChannel>(['all', 'email', 'phone', 'sms', 'postal', 'all']);
    contact.objections = [{ channel, at: between(collected.getTime(), now).toISOString() }];
  }

  if (kind === 'existing_customer') {
    const purchase = between(collected.getTime(), now);
    const active = f.datatype.boolean({ probability: 0.4 });
    contact.customer = {
      lastPurchaseAt: isoDay(purchase), contractActive: active,
      offerSimilarToPurchase: f.datatype.boolean({ probability: 0.7 }),
      relationshipEndedAt: !active && f.datatype.boolean({ probability: 0.4 }) ? isoDay(between(purchase.getTime(), now)) : null,
    };
  }
  if (f.datatype.boolean({ probability: 0.35 })) contact.lastProspectContactAt = isoDay(between(collected.getTime(), now));
  // Opens are frequent and recent, including on expired records: they must never extend retention.
  if (contact.email && f.datatype.boolean({ probability: 0.3 })) contact.lastEmailOpenAt = isoDay(between(now - 180 * DAY, now - DAY));
  if (contact.phone && f.datatype.boolean({ probability: 0.15 })) contact.callsLast30Days = f.number.int({ min: 0, max: 6 });
  if (contact.phone && f.datatype.boolean({ probability: 0.03 })) contact.lastCallRefusalAt = between(now - 120 * DAY, now).toISOString();
  return contact;
}

/** Random digits are not always an allocated range: draw again until libphonenumber accepts the number. */
function validPhone(f: Faker, country: CountryProfile, mobile: boolean): string {
  let number = country.phone(f, mobile);
  for (let attempt = 0; attempt < 20 && !isValidPhoneNumber(number, country.code as CountryCode); attempt += 1) {
    number = country.phone(f, mobile);
  }
  return number;
}

function buildConsents(f: Faker, kind: SourceKind, profile: Profile, collected: Date, now: number, providerProof: boolean):
  ConsentRecord[] {
  const consents: ConsentRecord[] = [];
  const method = (): ConsentMethod => pickWeighted<ConsentMethod>(f, [
    ['double_opt_in', 40], ['unticked_checkbox', 35], ['pre_ticked_checkbox', 10], ['terms_acceptance', 10], ['implicit', 5],
  ]);
  const add = (channel: Channel, givenAt: Date, how: ConsentMethod, extra: Partial<ConsentRecord> = {}): void => {
    const record: ConsentRecord = { channel, givenAt: givenAt.toISOString(), method: how, ...extra };
    if (f.datatype.boolean({ probability: 0.08 })) {
      record.withdrawnAt = f.date.between({ from: givenAt, to: Math.max(givenAt.getTime(), now) }).toISOString();
    }
    consents.push(record);
  };
  const direct = ['web_form', 'inbound_request', 'existing_customer', 'referral'].includes(kind);
  if (direct && f.datatype.boolean({ probability: profile === 'b2c' ? 0.8 : 0.4 })) {
    add('email', collected, method(), { proofRef: `form:${kind}:${collected.getTime().toString(36)}` });
    if (f.datatype.boolean({ probability: 0.3 })) add('sms', collected, method());
  }
  if (kind === 'partner_transfer' && f.datatype.boolean({ probability: 0.6 })) {
    add('email', collected, method(), { partners: [f.helpers.arrayElement(['Prospect Guard Demo SAS', 'Assur Plus', 'TravelCo'])] });
  }
  if (['purchased_list', 'rented_list', 'data_broker'].includes(kind) && providerProof) {
    add('email', collected, 'double_opt_in', { partners: ['Prospect Guard Demo SAS'], proofRef: 'provider-proof' });
  }
  if (kind === 'trade_show' && f.datatype.boolean({ probability: 0.3 })) add('email', collected, 'signed_form');
  // Phone consents, some older than the one-year validity of the 2026 decree.
  if ((profile === 'b2c' || profile === 'ambiguous') && f.datatype.boolean({ probability: 0.2 })) {
    add('phone', f.date.between({ from: now - 2 * 365 * 86_400_000, to: now - 86_400_000 }),
      f.helpers.arrayElement<ConsentMethod>(['oral_recorded', 'unticked_checkbox', 'signed_form', 'pre_ticked_checkbox']));
  }
  return consents;
}

/** Columns of the flat CSV variant (the contract's fields, nested ones flattened with dots). */
export const FLAT_CSV_COLUMNS = [
  'id', 'email', 'phone', 'country', 'timeZone', 'company', 'jobTitle', 'isProfessional', 'offerRelatedToProfession',
  'purpose', 'sector', 'source.kind', 'source.collectedAt', 'source.detail', 'source.proofOfConsentFromProvider',
  'source.noticeSentAt', 'consents', 'objections', 'customer.lastPurchaseAt', 'customer.contractActive',
  'customer.relationshipEndedAt', 'customer.offerSimilarToPurchase', 'lastProspectContactAt', 'lastEmailOpenAt',
  'callsLast30Days', 'lastCallRefusalAt',
] as const;

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toFlatCsv(contacts: ContactFacts[]): string {
  const rows = contacts.map((c) => FLAT_CSV_COLUMNS.map((column) => {
    const [head, tail] = column.split('.') as [keyof ContactFacts, string | undefined];
    const value = c[head];
    return csvCell(tail ? (value as Record<string, unknown> | null | undefined)?.[tail] : value);
  }).join(','));
  return `${FLAT_CSV_COLUMNS.join(',')}\n${rows.join('\n')}\n`;
}

/**
 * The same contact as HubSpot properties (internal names), as an export or the stand-in would hold them.
 * Only what HubSpot can carry: consents beyond an email consent and non-email objections do not fit.
 */
export function toHubSpotProperties(c: ContactFacts, recordId: string): Record<string, string> {
  const p: Record<string, string> = { hs_object_id: recordId };
  const set = (name: string, value: string | number | boolean | null | undefined): void => {
    if (value !== null && value !== undefined && value !== '') p[name] = String(value);
  };
  set('email', c.email);
  if (c.phone) set(/^(\+33 ?[67]|0[67]|\+49 ?15|\+44 ?7|\+39 ?3|\+34 ?6|\+31 ?6|\+32 ?4)/.test(c.phone) ? 'mobilephone' : 'phone', c.phone);
  set('country', c.country);
  set('company', c.company);
  set('jobtitle', c.jobTitle);
  set('createdate', c.source?.collectedAt ? new Date(c.source.collectedAt).toISOString() : null);
  const email = c.consents?.find((k) => k.channel === 'email' && !k.withdrawnAt);
  if (email) set('hs_legal_basis', 'Freely given consent from contact');
  else if (c.customer?.contractActive) set('hs_legal_basis', 'Performance of a contract');
  else if (c.source?.kind === 'existing_customer') set('hs_legal_basis', 'Legitimate interest – existing customer');
  else set('hs_legal_basis', 'Legitimate interest – prospect/lead');
  if (c.objections?.some((o) => o.channel === 'email' || o.channel === 'all')) set('hs_email_optout', 'true');
  set('hs_email_last_open_date', c.lastEmailOpenAt ? new Date(c.lastEmailOpenAt).toISOString() : null);
  set('pg_source_kind', c.source?.kind);
  set('pg_source_detail', c.source?.detail);
  set('pg_collected_at', c.source?.collectedAt);
  set('pg_last_prospect_contact_at', c.lastProspectContactAt);
  set('pg_is_professional', c.isProfessional);
  set('pg_offer_related', c.offerRelatedToProfession);
  set('pg_purpose', c.purpose);
  set('pg_sector', c.sector);
  set('pg_contract_active', c.customer?.contractActive);
  return p;
}

export const HUBSPOT_EXPORT_COLUMNS = [
  'hs_object_id', 'email', 'phone', 'mobilephone', 'country', 'company', 'jobtitle', 'createdate', 'hs_legal_basis',
  'hs_email_optout', 'notes_last_contacted', 'hs_email_last_open_date', 'pg_source_kind', 'pg_source_detail',
  'pg_collected_at', 'pg_last_prospect_contact_at', 'pg_is_professional', 'pg_offer_related', 'pg_purpose', 'pg_sector',
  'pg_contract_active',
] as const;

export function toHubSpotExportCsv(contacts: ContactFacts[]): string {
  const rows = contacts.map((c, i) => {
    const p = toHubSpotProperties(c, String(1000 + i));
    return HUBSPOT_EXPORT_COLUMNS.map((column) => csvCell(p[column])).join(',');
  });
  return `${HUBSPOT_EXPORT_COLUMNS.join(',')}\n${rows.join('\n')}\n`;
}

function main(argv: string[]): void {
  const { values } = parseArgs({ args: argv, options: {
    count: { type: 'string', default: '300' }, seed: { type: 'string', default: String(SAMPLE_SEED) },
    out: { type: 'string', default: 'samples' },
  } });
  const count = Number(values.count);
  const seed = Number(values.seed);
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed)) {
    process.stderr.write('usage: node scripts/generate-sample.ts [--count N] [--seed N] [--out DIR]\n');
    process.exitCode = 2;
    return;
  }
  const contacts = generateContacts(count, seed);
  mkdirSync(values.out, { recursive: true });
  writeFileSync(join(values.out, 'contacts-sample.jsonl'), `${contacts.map((c) => JSON.stringify(c)).join('\n')}\n`);
  writeFileSync(join(values.out, 'contacts-sample.csv'), toFlatCsv(contacts));
  writeFileSync(join(values.out, 'contacts-sample-hubspot.csv'), toHubSpotExportCsv(contacts));
  process.stdout.write(`wrote ${count} contacts (seed ${seed}) to ${values.out}/contacts-sample{.jsonl,.csv,-hubspot.csv}\n`);
}

if (import.meta.main) main(process.argv.slice(2));
