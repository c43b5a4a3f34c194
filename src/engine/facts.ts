// Parsing contact facts from untrusted input (audit lines, CSV rows, HubSpot mappings) with zod.
// Only `id` is required; a numeric id is accepted and turned into a string (CRM exports carry numeric ids).
// Empty strings read as "absent", booleans accept true/false/yes/no/1/0 (never JS truthiness), dates must be
// real ISO 8601 dates, enums are checked. Unknown fields are stripped.
import { z } from 'zod';
import { toEpochMs } from './dates.ts';
import {
  CHANNELS, CONSENT_METHODS, PURPOSES, SOURCE_KINDS, type Channel, type ConsentMethod, type ConsentRecord, type ContactFacts,
  type ObjectionChannel, type ObjectionRecord, type Purpose, type SourceKind,
} from './types.ts';

const emptyToNull = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? null : v);

const isoDate = z.preprocess(
  (v) => (typeof v === 'string' ? (v.trim() === '' ? null : v.trim()) : v),
  z.string({ error: 'invalid date' }).refine((s) => !Number.isNaN(toEpochMs(s)), { error: 'invalid date' }).nullable(),
);
const requiredIsoDate = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim() : v),
  z.string({ error: 'invalid date' }).refine((s) => !Number.isNaN(toEpochMs(s)), { error: 'invalid date' }),
);

const TRUE = new Set(['true', 'yes', 'y', '1', 'oui', 'vrai']);
const FALSE = new Set(['false', 'no', 'n', '0', 'non', 'faux']);
const bool = z.preprocess((v) => {
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === '') return null;
    if (TRUE.has(s)) return true;
    if (FALSE.has(s)) return false;
  }
  return v;
}, z.boolean({ error: 'expected true or false' }).nullable());

const text = z.preprocess(
  (v) => (typeof v === 'number' ? String(v) : emptyToNull(v)),
  z.string({ error: 'expected a string' }).nullable(),
);

function enumOf<T extends readonly [string, ...string[]]>(values: T) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toLowerCase() : v),
    z.enum(values, { error: `expected one of ${values.join(', ')}` }),
  );
}
function optionalEnum<T extends readonly [string, ...string[]]>(values: T) {
  return z.preprocess(emptyToNull, enumOf(values).nullable());
}

const count = z.preprocess((v) => {
  const e = emptyToNull(v);
  return typeof e === 'string' && /^\s*\d+\s*$/.test(e) ? Number(e) : e;
}, z.number({ error: 'expected a non-negative integer' }).int().min(0).nullable());

const list = <T extends z.ZodType>(item: T) => z.preprocess((v) => (v === null || v === '' ? undefined : v), z.array(item).optional());

const ConsentSchema = z.object({
  channel: enumOf(CHANNELS),
  givenAt: requiredIsoDate,
  method: enumOf(CONSENT_METHODS),
  withdrawnAt: isoDate.optional(),
  expiresAt: isoDate.optional(),
  controllers: z.preprocess((v) => (v === null ? undefined : v), z.array(z.string()).optional()),
  partners: z.preprocess((v) => (v === null ? undefined : v), z.array(z.string()).optional()),
  proofRef: text.optional(),
});

const ObjectionSchema = z.object({
  channel: enumOf([...CHANNELS, 'all'] as const),
  at: requiredIsoDate,
});

const SourceSchema = z.object({
  kind: z.preprocess((v) => (v == null || v === '' ? 'unknown' : v), enumOf(SOURCE_KINDS)),
  collectedAt: isoDate.optional(),
  detail: text.optional(),
  proofOfConsentFromProvider: bool.optional(),
  noticeSentAt: isoDate.optional(),
});

const CustomerSchema = z.object({
  lastPurchaseAt: isoDate.optional(),
  contractActive: bool.optional(),
  relationshipEndedAt: isoDate.optional(),
  offerSimilarToPurchase: bool.optional(),
});

const idSchema = z.preprocess(
  (v) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'string' ? v.trim() : v),
  z.string({ error: 'required (a string or a number)' }).min(1, { error: 'must not be empty' }),
);

export const ContactFactsSchema: z.ZodType<ContactFacts> = z.object({
  id: idSchema,
  email: text.optional(),
  phone: text.optional(),
  country: text.optional(),
  timeZone: text.optional(),
  company: text.optional(),
  jobTitle: text.optional(),
  isProfessional: bool.optional(),
  soleTrader: bool.optional(),
  offerRelatedToProfession: bool.optional(),
  purpose: optionalEnum(PURPOSES).optional(),
  sector: text.optional(),
  source: z.preprocess(emptyToNull, SourceSchema.nullable()).optional(),
  consents: list(ConsentSchema),
  objections: list(ObjectionSchema),
  customer: z.preprocess(emptyToNull, CustomerSchema.nullable()).optional(),
  lastProspectContactAt: isoDate.optional(),
  lastEmailOpenAt: isoDate.optional(),
  callsLast30Days: count.optional(),
  lastCallRefusalAt: isoDate.optional(),
}) as z.ZodType<ContactFacts>;

// The fast path: a hand-written reader for values already in canonical form (what a JSON producer or our own
// pipeline sends: strings, booleans, non-negative integers, valid ISO dates, exact enum values, null or absent),
// which builds the canonical object directly. It costs ~1-2 µs a contact where zod costs ~20 (measured on the
// benchmark's generated lists). Anything it is not sure of (a string boolean, an upper-case enum, a padded date,
// a wrong type...) makes it give up, and the lenient schema above alone decides the result or the error, so error
// messages stay zod's. The two must agree on every input the fast path accepts
// (test/engine/facts-fast-path.test.ts checks it).

/** Returned by the readers below when a value is not in canonical form. */
const NOT_CANONICAL: unique symbol = Symbol('not canonical');
type Read<T> = T | typeof NOT_CANONICAL;

const CHANNEL_SET: ReadonlySet<string> = new Set(CHANNELS);
const OBJECTION_CHANNEL_SET: ReadonlySet<string> = new Set([...CHANNELS, 'all']);
const METHOD_SET: ReadonlySet<string> = new Set(CONSENT_METHODS);
const SOURCE_KIND_SET: ReadonlySet<string> = new Set(SOURCE_KINDS);
const PURPOSE_SET: ReadonlySet<string> = new Set(PURPOSES);

/** Printable ASCII other than a space: a string starting and ending with one needs no trimming. */
const solid = (c: number): boolean => c > 32 && c < 127;

/**
 * An object whose fields the fast path may read with `for...in` (what JSON.parse and object literals make). Reading
 * each field by name instead costs several µs a contact: the objects of a file come in many key orders, so every
 * named load misses V8's inline caches, while one `for...in` pass walks the object's own keys at once. `for...in`
 * does not see non-enumerable properties, which zod would read: each reader compares its count of keys with
 * `ownKeyCount` and leaves such objects to zod.
 */
function isPlainRecord(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function ownKeyCount(v: object): number {
  return Object.getOwnPropertyNames(v).length;
}

/** `text`: a string (blank reads as null), a number (as its string), null or absent. */
function readText(v: unknown): Read<string | null | undefined> {
  if (typeof v === 'string') {
    if (v.length > 0 && solid(v.charCodeAt(0))) return v;
    return v.trim() === '' ? null : v;
  }
  if (v === undefined || v === null) return v;
  return typeof v === 'number' ? String(v) : NOT_CANONICAL;
}

/** zod trims dates: so do we, without a call when the ends are plain characters. */
function trimmed(v: string): string {
  return v.length > 0 && solid(v.charCodeAt(0)) && solid(v.charCodeAt(v.length - 1)) ? v : v.trim();
}

/** `isoDate`: an ISO date, blank (null), null or absent. */
function readDate(v: unknown): Read<string | null | undefined> {
  if (typeof v === 'string') {
    const s = trimmed(v);
    if (s === '') return null;
    return Number.isNaN(toEpochMs(s)) ? NOT_CANONICAL : s;
  }
  return v === undefined || v === null ? v : NOT_CANONICAL;
}

/** `requiredIsoDate`. */
function readRequiredDate(v: unknown): Read<string> {
  if (typeof v !== 'string') return NOT_CANONICAL;
  const s = trimmed(v);
  return s === '' || Number.isNaN(toEpochMs(s)) ? NOT_CANONICAL : s;
}

/** `bool`, canonical values only (string spellings go to zod). */
function readBool(v: unknown): Read<boolean | null | undefined> {
  return typeof v === 'boolean' || v === undefined || v === null ? v : NOT_CANONICAL;
}

function readSource(v: unknown): Read<ContactFacts['source']> {
  if (v === undefined || v === null) return v;
  if (!isPlainRecord(v)) return NOT_CANONICAL;
  let rawKind: unknown, rawCollectedAt: unknown, rawDetail: unknown, rawProof: unknown, rawNoticeSentAt: unknown;
  let keys = 0;
  for (const key in v) {
    keys++;
    switch (key) {
      case 'kind': rawKind = v[key]; break;
      case 'collectedAt': rawCollectedAt = v[key]; break;
      case 'detail': rawDetail = v[key]; break;
      case 'proofOfConsentFromProvider': rawProof = v[key]; break;
      case 'noticeSentAt': rawNoticeSentAt = v[key]; break;
      default: break;
    }
  }
  if (keys !== ownKeyCount(v)) return NOT_CANONICAL;
  const kind = rawKind === undefined || rawKind === null ? 'unknown' : rawKind;
  if (typeof kind !== 'string' || !SOURCE_KIND_SET.has(kind)) return NOT_CANONICAL;
  const collectedAt = readDate(rawCollectedAt);
  const detail = readText(rawDetail);
  const proofOfConsentFromProvider = readBool(rawProof);
  const noticeSentAt = readDate(rawNoticeSentAt);
  if (collectedAt === NOT_CANONICAL || detail === NOT_CANONICAL || proofOfConsentFromProvider === NOT_CANONICAL
    || noticeSentAt === NOT_CANONICAL) return NOT_CANONICAL;
  return { kind: kind as SourceKind, collectedAt, detail, proofOfConsentFromProvider, noticeSentAt };
}

function readNames(v: unknown): Read<string[] | undefined> {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) return NOT_CANONICAL;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return NOT_CANONICAL;
  return (v as string[]).slice();
}

function readConsent(c: unknown): Read<ConsentRecord> {
  if (!isPlainRecord(c)) return NOT_CANONICAL;
  let channel: unknown, rawGivenAt: unknown, method: unknown, rawWithdrawnAt: unknown, rawExpiresAt: unknown;
  let rawControllers: unknown, rawPartners: unknown, rawProofRef: unknown;
  let keys = 0;
  for (const key in c) {
    keys++;
    switch (key) {
      case 'channel': channel = c[key]; break;
      case 'givenAt': rawGivenAt = c[key]; break;
      case 'method': method = c[key]; break;
      case 'withdrawnAt': rawWithdrawnAt = c[key]; break;
      case 'expiresAt': rawExpiresAt = c[key]; break;
      case 'controllers': rawControllers = c[key]; break;
      case 'partners': rawPartners = c[key]; break;
      case 'proofRef': rawProofRef = c[key]; break;
      default: break;
    }
  }
  if (keys !== ownKeyCount(c)) return NOT_CANONICAL;
  if (typeof channel !== 'string' || !CHANNEL_SET.has(channel) || typeof method !== 'string' || !METHOD_SET.has(method)) {
    return NOT_CANONICAL;
  }
  const givenAt = readRequiredDate(rawGivenAt);
  const withdrawnAt = readDate(rawWithdrawnAt);
  const expiresAt = readDate(rawExpiresAt);
  const controllers = readNames(rawControllers);
  const partners = readNames(rawPartners);
  const proofRef = readText(rawProofRef);
  if (givenAt === NOT_CANONICAL || withdrawnAt === NOT_CANONICAL || expiresAt === NOT_CANONICAL
    || controllers === NOT_CANONICAL || partners === NOT_CANONICAL || proofRef === NOT_CANONICAL) return NOT_CANONICAL;
  return {
    channel: channel as Channel, givenAt, method: method as ConsentMethod, withdrawnAt, expiresAt, controllers, partners, proofRef,
  };
}

function readConsents(v: unknown): Read<ConsentRecord[] | undefined> {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) return NOT_CANONICAL;
  const out: ConsentRecord[] = [];
  for (let i = 0; i < v.length; i++) {
    const c = readConsent(v[i]);
    if (c === NOT_CANONICAL) return NOT_CANONICAL;
    out.push(c);
  }
  return out;
}

function readObjection(o: unknown): Read<ObjectionRecord> {
  if (!isPlainRecord(o)) return NOT_CANONICAL;
  let channel: unknown, rawAt: unknown;
  let keys = 0;
  for (const key in o) {
    keys++;
    if (key === 'channel') channel = o[key];
    else if (key === 'at') rawAt = o[key];
  }
  if (keys !== ownKeyCount(o)) return NOT_CANONICAL;
  if (typeof channel !== 'string' || !OBJECTION_CHANNEL_SET.has(channel)) return NOT_CANONICAL;
  const at = readRequiredDate(rawAt);
  return at === NOT_CANONICAL ? NOT_CANONICAL : { channel: channel as ObjectionChannel, at };
}

function readObjections(v: unknown): Read<ObjectionRecord[] | undefined> {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) return NOT_CANONICAL;
  const out: ObjectionRecord[] = [];
  for (let i = 0; i < v.length; i++) {
    const o = readObjection(v[i]);
    if (o === NOT_CANONICAL) return NOT_CANONICAL;
    out.push(o);
  }
  return out;
}

function readCustomer(v: unknown): Read<ContactFacts['customer']> {
  if (v === undefined || v === null) return v;
  if (!isPlainRecord(v)) return NOT_CANONICAL;
  let rawLastPurchaseAt: unknown, rawContractActive: unknown, rawRelationshipEndedAt: unknown, rawOfferSimilar: unknown;
  let keys = 0;
  for (const key in v) {
    keys++;
    switch (key) {
      case 'lastPurchaseAt': rawLastPurchaseAt = v[key]; break;
      case 'contractActive': rawContractActive = v[key]; break;
      case 'relationshipEndedAt': rawRelationshipEndedAt = v[key]; break;
      case 'offerSimilarToPurchase': rawOfferSimilar = v[key]; break;
      default: break;
    }
  }
  if (keys !== ownKeyCount(v)) return NOT_CANONICAL;
  const lastPurchaseAt = readDate(rawLastPurchaseAt);
  const contractActive = readBool(rawContractActive);
  const relationshipEndedAt = readDate(rawRelationshipEndedAt);
  const offerSimilarToPurchase = readBool(rawOfferSimilar);
  if (lastPurchaseAt === NOT_CANONICAL || contractActive === NOT_CANONICAL || relationshipEndedAt === NOT_CANONICAL
    || offerSimilarToPurchase === NOT_CANONICAL) return NOT_CANONICAL;
  return { lastPurchaseAt, contractActive, relationshipEndedAt, offerSimilarToPurchase };
}

function readPurpose(v: unknown): Read<Purpose | null | undefined> {
  if (typeof v === 'string') return PURPOSE_SET.has(v) ? (v as Purpose) : NOT_CANONICAL;
  return v === undefined || v === null ? v : NOT_CANONICAL;
}

function readCount(v: unknown): Read<number | null | undefined> {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : NOT_CANONICAL;
  return v === undefined || v === null ? v : NOT_CANONICAL;
}

/**
 * The canonical ContactFacts of an input already in canonical form, or null (then ask the lenient schema).
 * Every result has one object shape: all fields, in one order, absent ones undefined (see `canonical`).
 */
export function readCanonicalFacts(input: unknown): ContactFacts | null {
  if (!isPlainRecord(input)) return null;
  let rawId: unknown, rawEmail: unknown, rawPhone: unknown, rawCountry: unknown, rawTimeZone: unknown, rawCompany: unknown;
  let rawJobTitle: unknown, rawIsProfessional: unknown, rawSoleTrader: unknown, rawOfferRelated: unknown, rawPurpose: unknown;
  let rawSector: unknown;
  let rawSource: unknown, rawConsents: unknown, rawObjections: unknown, rawCustomer: unknown, rawLastProspectContactAt: unknown;
  let rawLastEmailOpenAt: unknown, rawCalls: unknown, rawLastCallRefusalAt: unknown;
  let keys = 0;
  for (const key in input) {
    keys++;
    switch (key) {
      case 'id': rawId = input[key]; break;
      case 'email': rawEmail = input[key]; break;
      case 'phone': rawPhone = input[key]; break;
      case 'country': rawCountry = input[key]; break;
      case 'timeZone': rawTimeZone = input[key]; break;
      case 'company': rawCompany = input[key]; break;
      case 'jobTitle': rawJobTitle = input[key]; break;
      case 'isProfessional': rawIsProfessional = input[key]; break;
      case 'soleTrader': rawSoleTrader = input[key]; break;
      case 'offerRelatedToProfession': rawOfferRelated = input[key]; break;
      case 'purpose': rawPurpose = input[key]; break;
      case 'sector': rawSector = input[key]; break;
      case 'source': rawSource = input[key]; break;
      case 'consents': rawConsents = input[key]; break;
      case 'objections': rawObjections = input[key]; break;
      case 'customer': rawCustomer = input[key]; break;
      case 'lastProspectContactAt': rawLastProspectContactAt = input[key]; break;
      case 'lastEmailOpenAt': rawLastEmailOpenAt = input[key]; break;
      case 'callsLast30Days': rawCalls = input[key]; break;
      case 'lastCallRefusalAt': rawLastCallRefusalAt = input[key]; break;
      default: break;
    }
  }
  if (keys !== ownKeyCount(input)) return null;
  let id: string;
  if (typeof rawId === 'string' && rawId !== '' && trimmed(rawId) === rawId) id = rawId;
  else if (typeof rawId === 'number' && Number.isFinite(rawId)) id = String(rawId);
  else return null;
  const email = readText(rawEmail);
  const phone = readText(rawPhone);
  const country = readText(rawCountry);
  const timeZone = readText(rawTimeZone);
  const company = readText(rawCompany);
  const jobTitle = readText(rawJobTitle);
  const isProfessional = readBool(rawIsProfessional);
  const soleTrader = readBool(rawSoleTrader);
  const offerRelatedToProfession = readBool(rawOfferRelated);
  const purpose = readPurpose(rawPurpose);
  const sector = readText(rawSector);
  if (email === NOT_CANONICAL || phone === NOT_CANONICAL || country === NOT_CANONICAL || timeZone === NOT_CANONICAL
    || company === NOT_CANONICAL || jobTitle === NOT_CANONICAL || isProfessional === NOT_CANONICAL || soleTrader === NOT_CANONICAL
    || offerRelatedToProfession === NOT_CANONICAL || purpose === NOT_CANONICAL || sector === NOT_CANONICAL) return null;
  const source = readSource(rawSource);
  const consents = readConsents(rawConsents);
  const objections = readObjections(rawObjections);
  const customer = readCustomer(rawCustomer);
  const lastProspectContactAt = readDate(rawLastProspectContactAt);
  const lastEmailOpenAt = readDate(rawLastEmailOpenAt);
  const callsLast30Days = readCount(rawCalls);
  const lastCallRefusalAt = readDate(rawLastCallRefusalAt);
  if (source === NOT_CANONICAL || consents === NOT_CANONICAL || objections === NOT_CANONICAL || customer === NOT_CANONICAL
    || lastProspectContactAt === NOT_CANONICAL || lastEmailOpenAt === NOT_CANONICAL || callsLast30Days === NOT_CANONICAL
    || lastCallRefusalAt === NOT_CANONICAL) return null;
  return {
    id, email, phone, country, timeZone, company, jobTitle, isProfessional, soleTrader, offerRelatedToProfession, purpose,
    sector, source, consents, objections, customer, lastProspectContactAt, lastEmailOpenAt, callsLast30Days,
    lastCallRefusalAt,
  };
}

function idOf(input: unknown): string | null {
  if (typeof input !== 'object' || input === null) return null;
  const id = (input as { id?: unknown }).id;
  if (typeof id === 'string' && id.trim() !== '') return id.trim();
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  return null;
}

/**
 * Every parsed contact (and its nested objects) gets one object shape: all fields, in one order, absent ones
 * undefined. The evaluator's property reads then stay monomorphic across a file (zod's output shape depends on
 * which keys were present); measured about 1.6x faster evaluations on generated lists.
 */
function canonical(f: ContactFacts): ContactFacts {
  const s = f.source, c = f.customer;
  return {
    id: f.id, email: f.email, phone: f.phone, country: f.country, timeZone: f.timeZone, company: f.company,
    jobTitle: f.jobTitle, isProfessional: f.isProfessional, soleTrader: f.soleTrader,
    offerRelatedToProfession: f.offerRelatedToProfession,
    purpose: f.purpose, sector: f.sector,
    source: s == null ? s : {
      kind: s.kind, collectedAt: s.collectedAt, detail: s.detail, proofOfConsentFromProvider: s.proofOfConsentFromProvider,
      noticeSentAt: s.noticeSentAt,
    },
    consents: f.consents?.map((x) => ({
      channel: x.channel, givenAt: x.givenAt, method: x.method, withdrawnAt: x.withdrawnAt, expiresAt: x.expiresAt,
      controllers: x.controllers, partners: x.partners, proofRef: x.proofRef,
    })),
    objections: f.objections?.map((x) => ({ channel: x.channel, at: x.at })),
    customer: c == null ? c : {
      lastPurchaseAt: c.lastPurchaseAt, contractActive: c.contractActive, relationshipEndedAt: c.relationshipEndedAt,
      offerSimilarToPurchase: c.offerSimilarToPurchase,
    },
    lastProspectContactAt: f.lastProspectContactAt, lastEmailOpenAt: f.lastEmailOpenAt,
    callsLast30Days: f.callsLast30Days, lastCallRefusalAt: f.lastCallRefusalAt,
  };
}

export type ParseResult = { ok: true; facts: ContactFacts } | { ok: false; id: string | null; error: string };

/** Validates one contact; the error names the first offending field path, e.g. `source.collectedAt: invalid date`. */
export function parseContactFacts(input: unknown): ParseResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, id: null, error: 'contact: expected an object' };
  }
  const fast = readCanonicalFacts(input);
  if (fast !== null) return { ok: true, facts: fast };
  const r = ContactFactsSchema.safeParse(input);
  if (r.success) return { ok: true, facts: canonical(r.data) };
  const issue = r.error.issues[0];
  const path = issue === undefined || issue.path.length === 0 ? 'contact' : issue.path.map(String).join('.');
  return { ok: false, id: idOf(input), error: `${path}: ${issue?.message ?? 'invalid'}` };
}
