// A HubSpot contacts export (internal property names as column headers) read as audit contacts.
// Choices worth knowing:
// - `notes_last_contacted` is the last call/email/meeting logged by a rep: it is NOT a contact initiated by the
//   prospect and never extends retention; clicks and replies are, and do.
// - `hs_email_last_open_date` is passed as an open (the engine never counts it).
// - `hs_legal_basis` "Freely given consent from contact" is taken as an email consent from HubSpot's consent
//   checkbox, dated at creation, with its proof reference pointing at the property (the proof itself lives in
//   HubSpot); "existing customer" and "performance of a contract" become customer facts.
// - `hs_email_optout` true is an email objection in force at the evaluation instant.
import { toCountryCode } from './country.ts';
import type { RowMapping } from './cells.ts';
import { clip, parseBooleanCell } from './cells.ts';

const MARKERS = new Set(['hs_object_id', 'record id', 'vid', 'createdate', 'mobilephone', 'lifecyclestage',
  'notes_last_contacted', 'jobtitle']);

export function isHubSpotHeader(header: string[]): boolean {
  const names = header.map((h) => h.trim().toLowerCase());
  const hasHubSpotOnly = names.some((n) => n.startsWith('hs_') || n.startsWith('pg_') || MARKERS.has(n));
  return hasHubSpotOnly && !names.some((n) => n.includes('.') || n === 'source_kind');
}

/** HubSpot writes dates as ISO strings, as `YYYY-MM-DD HH:mm` in UI exports, or as epoch milliseconds. */
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

const RETENTION_EXTENDING = ['pg_last_prospect_contact_at', 'hs_email_last_click_date', 'hs_email_last_reply_date',
  'hs_sales_email_last_replied'];

/** `row` holds the non-empty cells keyed by lower-cased property name. */
export function mapHubSpotRow(row: Record<string, string>, context: { at: Date }): RowMapping {
  const id = row.hs_object_id ?? row['record id'] ?? row.vid ?? row.id ?? null;
  const fail = (property: string, what: string): RowMapping => ({ ok: false, id, error: `${property}: ${what}` });
  const contact: Record<string, unknown> = {};
  if (id !== null) contact.id = id;

  const dates: Record<string, string> = {};
  for (const property of ['createdate', 'pg_collected_at', 'hs_email_last_open_date', ...RETENTION_EXTENDING]) {
    const value = row[property];
    if (value === undefined) continue;
    const iso = normaliseHubSpotDate(value);
    if (iso === null) return fail(property, `invalid date "${clip(value)}"`);
    dates[property] = iso;
  }
  const flags: Record<string, boolean> = {};
  for (const property of ['hs_email_optout', 'pg_is_professional', 'pg_offer_related', 'pg_contract_active']) {
    const value = row[property];
    if (value === undefined) continue;
    const flag = parseBooleanCell(value);
    if (flag === null) return fail(property, `expected true or false, got "${clip(value)}"`);
    flags[property] = flag;
  }

  if (row.email) contact.email = row.email;
  const phone = row.phone ?? row.mobilephone;
  if (phone) contact.phone = phone;
  if (row.country) contact.country = toCountryCode(row.country) ?? row.country;
  if (row.company) contact.company = row.company;
  if (row.jobtitle) contact.jobTitle = row.jobtitle;
  if (flags.pg_is_professional !== undefined) contact.isProfessional = flags.pg_is_professional;
  if (flags.pg_offer_related !== undefined) contact.offerRelatedToProfession = flags.pg_offer_related;
  if (row.pg_purpose) contact.purpose = row.pg_purpose;
  if (row.pg_sector) contact.sector = row.pg_sector;

  const collectedAt = dates.pg_collected_at ?? dates.createdate;
  if (row.pg_source_kind || collectedAt || row.pg_source_detail) {
    contact.source = {
      kind: row.pg_source_kind ?? 'unknown',
      ...(collectedAt ? { collectedAt } : {}),
      ...(row.pg_source_detail ? { detail: row.pg_source_detail } : {}),
    };
  }

  const basis = (row.hs_legal_basis ?? '').toLowerCase();
  const customer: Record<string, unknown> = {};
  if (basis.includes('existing customer')) customer.offerSimilarToPurchase = true;
  if (basis.includes('performance of a contract')) customer.contractActive = true;
  if (flags.pg_contract_active !== undefined) customer.contractActive = flags.pg_contract_active;
  if (Object.keys(customer).length > 0) contact.customer = customer;
  if (basis.includes('consent')) {
    contact.consents = [{
      channel: 'email', givenAt: dates.createdate ?? collectedAt ?? context.at.toISOString(),
      method: 'unticked_checkbox', proofRef: 'hubspot:hs_legal_basis',
    }];
  }
  if (flags.hs_email_optout) contact.objections = [{ channel: 'email', at: context.at.toISOString() }];

  const initiated = RETENTION_EXTENDING.map((p) => dates[p]).filter((d): d is string => d !== undefined)
    .sort((a, b) => Date.parse(b) - Date.parse(a));
  if (initiated[0]) contact.lastProspectContactAt = initiated[0];
  if (dates.hs_email_last_open_date) contact.lastEmailOpenAt = dates.hs_email_last_open_date;
  return { ok: true, value: contact };
}
