// A HubSpot contacts export (internal property names as column headers) read as audit contacts.
// The facts come from the live pipeline's own mapping (src/hubspot/contact-mapping.ts), so an export audited
// offline is judged like the same contact inside HubSpot. What the audit adds:
// - values are checked first and a bad one is an error naming the property (the live mapping drops it);
// - without our consent store, `hs_legal_basis` is the only consent signal: "Freely given consent from contact"
//   becomes an email consent from HubSpot's consent checkbox dated at creation (proof ref points at the
//   property); "existing customer" / "performance of a contract" become customer facts;
// - countries HubSpot holds as free text are read in any of our markets' languages.
// As in the pipeline, `notes_last_contacted` (rep activity) and opens never extend retention; clicks and
// replies do.
import { contactFactsFromHubSpot } from '../hubspot/contact-mapping.ts';
import { CONSENT_METHODS, PURPOSES, SOURCE_KINDS } from '../engine/types.ts';
import type { ConsentRecord } from '../engine/types.ts';
import type { RowMapping } from './cells.ts';
import { clip, parseBooleanCell } from './cells.ts';
import { toCountryCode } from './country.ts';
import { foldHeader } from './column-names.ts';
import { parseDateCell } from './date-cells.ts';
import type { DateOrder } from './date-cells.ts';

const MARKERS = new Set(['hs_object_id', 'record id', 'vid', 'createdate', 'mobilephone', 'lifecyclestage',
  'notes_last_contacted', 'jobtitle']);

// The labels HubSpot's export writes when "property labels" are chosen, to the internal names the mapping reads.
const LABELS: Record<string, string> = Object.fromEntries(Object.entries({
  'Record ID': 'hs_object_id', 'Email': 'email', 'Phone Number': 'phone',
  'Mobile Phone Number': 'mobilephone', 'Company Name': 'company', 'Job Title': 'jobtitle',
  'Country/Region': 'country', 'Create Date': 'createdate', 'Lifecycle Stage': 'lifecyclestage',
  "Legal basis for processing contact's data": 'hs_legal_basis', 'Unsubscribed from all email': 'hs_email_optout',
  'Original Source': 'hs_analytics_source', 'Last marketing email open date': 'hs_email_last_open_date',
  'Last marketing email click date': 'hs_email_last_click_date', 'Last marketing email reply date': 'hs_email_last_reply_date',
  'Last Contacted': 'notes_last_contacted', 'Recent Sales Email Replied Date': 'hs_sales_email_last_replied',
}).map(([label, name]) => [foldHeader(label), name]));

/** Labels only HubSpot writes: one of them (with internal names translated) marks a HubSpot export. */
const DISTINCTIVE = new Set(['hs_object_id', 'hs_legal_basis', 'hs_email_optout', 'hs_analytics_source', 'lifecyclestage']);

/** The properties the mapping reads (plus every pg_* property of ours); other columns are reported as not used. */
const READ_PROPERTIES = new Set(['hs_object_id', 'record id', 'vid', 'id', 'email', 'phone', 'mobilephone', 'country',
  'company', 'jobtitle', 'createdate', 'lifecyclestage', 'hs_legal_basis', 'hs_email_optout', 'hs_analytics_source',
  'hs_email_last_open_date', 'hs_email_last_click_date', 'hs_email_last_reply_date', 'hs_sales_email_last_replied']);

export function isReadHubSpotProperty(name: string): boolean {
  return READ_PROPERTIES.has(name) || name.startsWith('pg_');
}

export function isHubSpotLabelHeader(internalNames: (string | null)[]): boolean {
  return internalNames.some((n) => n !== null && DISTINCTIVE.has(n));
}

/** The internal property name of a HubSpot export label ("Record ID" -> hs_object_id); null for other headers. */
export function hubSpotPropertyForLabel(label: string): string | null {
  return LABELS[foldHeader(label)] ?? null;
}

export function isHubSpotHeader(header: string[]): boolean {
  const names = header.map((h) => h.trim().toLowerCase());
  const hasHubSpotOnly = names.some((n) => n.startsWith('hs_') || n.startsWith('pg_') || MARKERS.has(n));
  return hasHubSpotOnly && !names.some((n) => n.includes('.') || n === 'source_kind');
}

/** HubSpot writes dates as ISO strings, as `YYYY-MM-DD HH:mm` in UI exports, or as epoch (milli)seconds. */
export function normaliseHubSpotDate(raw: string): string | null {
  const text = raw.trim();
  if (/^\d{10,13}$/.test(text)) {
    const ms = text.length === 13 ? Number(text) : Number(text) * 1000;
    return new Date(ms).toISOString();
  }
  const spaced = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  const iso = spaced ? `${spaced[1]}T${spaced[2]}${spaced[3] ?? 'Z'}` : text;
  if (!/^\d{4}-\d{2}-\d{2}/.test(iso) || Number.isNaN(Date.parse(iso))) return null;
  return iso;
}

const DATE_PROPERTIES = ['createdate', 'pg_collected_at', 'pg_last_prospect_contact_at', 'hs_email_last_open_date',
  'hs_email_last_click_date', 'hs_email_last_reply_date', 'hs_sales_email_last_replied'];
const FLAG_PROPERTIES = ['hs_email_optout', 'pg_is_professional', 'pg_offer_related', 'pg_contract_active'];
const ENUM_PROPERTIES: [string, readonly string[]][] = [['pg_source_kind', SOURCE_KINDS], ['pg_purpose', PURPOSES]];

/** `row` holds the non-empty cells keyed by lower-cased property name. */
export function mapHubSpotRow(row: Record<string, string>, context: { at: Date; dateOrder?: DateOrder }): RowMapping {
  const id = row.hs_object_id ?? row['record id'] ?? row.vid ?? row.id ?? null;
  const fail = (property: string, what: string): RowMapping => ({ ok: false, id, error: `${property}: ${what}` });
  if (id === null) return fail('hs_object_id', 'missing (the export needs the record id column)');

  // Normalised copies: the live mapping reads ISO dates and true/false.
  const properties: Record<string, string> = { ...row };
  for (const property of DATE_PROPERTIES) {
    const value = row[property];
    if (value === undefined) continue;
    // A UI export in a French portal writes "23/11/2025 14:05": read as --date-format says.
    const local = context.dateOrder && /^\d{1,2}[/.-]/.test(value) ? parseDateCell(value, context.dateOrder) : null;
    const iso = local ? (local.ok ? local.iso : null) : normaliseHubSpotDate(value);
    if (iso === null) return fail(property, `invalid date "${clip(value)}"`);
    properties[property] = iso;
  }
  for (const property of FLAG_PROPERTIES) {
    const value = row[property];
    if (value === undefined) continue;
    const flag = parseBooleanCell(value);
    if (flag === null) return fail(property, `expected true or false, got "${clip(value)}"`);
    properties[property] = String(flag);
  }
  // The export's labels for the original source ("Organic Search") are the API's values in another case.
  if (properties.hs_analytics_source) properties.hs_analytics_source = properties.hs_analytics_source.toUpperCase().replace(/[\s-]+/g, '_');
  for (const [property, allowed] of ENUM_PROPERTIES) {
    const value = row[property]?.toLowerCase();
    if (value !== undefined && !allowed.includes(value)) return fail(property, `expected one of ${allowed.join(', ')}, got "${clip(value)}"`);
    if (value !== undefined) properties[property] = value;
  }

  const basis = (row.hs_legal_basis ?? '').toLowerCase();
  const consents: ConsentRecord[] = [];
  if (basis.includes('consent')) {
    const givenAt = properties.createdate ?? properties.pg_collected_at;
    if (givenAt) consents.push({ channel: 'email', givenAt, method: CONSENT_METHODS[0], proofRef: 'hubspot:hs_legal_basis' });
  }
  const facts = contactFactsFromHubSpot({ id, properties }, { consents, objections: [], suppressedChannels: [] });

  if (row.country && !facts.country) facts.country = toCountryCode(row.country) ?? row.country;
  const claimsContract = basis.includes('performance of a contract');
  const claimsCustomer = basis.includes('existing customer');
  if (claimsContract || claimsCustomer) {
    facts.customer = {
      ...facts.customer,
      ...(claimsContract && facts.customer?.contractActive == null ? { contractActive: true } : {}),
      ...(claimsCustomer ? { offerSimilarToPurchase: true } : {}),
    };
  }
  return { ok: true, value: facts as unknown as Record<string, unknown> };
}
