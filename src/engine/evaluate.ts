// The evaluator: one contact, one instant, one verdict. Generic over rule packs (see docs/RULES.md for the
// numbered algorithm). Pure and deterministic: no clock, no I/O; the instant and settings are inputs.
import { classifyAudience, isPlausibleEmail, normaliseText, type AudienceSignal } from './audience.ts';
import { PREDICATE_BIT } from './conditions.ts';
import { classifyMailDomain } from './freemail-domains.ts';
import { addMonthUtc, addYearsUtc, DAY_MS, isoDay, optionalEpochMs, toEpochMs, utcDayStart } from './dates.ts';
import {
  CHANNEL_INDEX, CONSENT_VALID, CONSENT_WITHDRAWN, OBJECTED_ALL, OBJECTED_CHANNEL, RETENTION_EXPIRED, selectPack,
  TERRITORY_ZONES, VARIANT_INVALID, VARIANT_MISSING, VARIANT_PLAIN, type CompiledCalling, type CompiledPack,
} from './packs.ts';
import { normalisePhone } from './phone.ts';
import { REASONS } from './rules/common.ts';
import { RULES_VERSION } from './rules/index.ts';
import { SCRAPING_TOOL_KEYWORDS } from './rules/scraping-tools.ts';
import { BANNED_SECTORS_L223_8, NOT_A_BAN_PHRASES, POSSIBLE_BAN_KEYWORDS, SECTORS } from './rules/sectors.ts';
import {
  CHANNELS, DEFAULT_SETTINGS, type Channel, type ChannelVerdict, type ConsentMethod, type ConsentRecord, type ContactFacts,
  type PortalSettings, type Reason, type RetentionAnchor, type RetentionState, type SourceKind, type SourceRisk,
  type Verdict,
} from './types.ts';

const B = PREDICATE_BIT;
const ALL_CHANNELS_MASK = (1 << CHANNELS.length) - 1;
// evaluateContact judges channels by fixed index (0 = email ... 6 = postal): fail at load if the order changes.
if (CHANNELS.join() !== 'email,sms,social_dm,automated_call,fax,phone,postal') throw new Error('CHANNELS order changed');

const DIRECT_SOURCES = new Set<SourceKind>(['web_form', 'trade_show', 'business_card', 'inbound_request', 'existing_customer']);
/**
 * The user's own data: collected by the user from the person (DIRECT_SOURCES) or the user's own CRM export
 * (`import`, no third party involved). Soft opt-in needs this provenance; its consents are the user's own.
 */
const FIRST_PARTY_SOURCES = new Set<SourceKind>([...DIRECT_SOURCES, 'import']);
/**
 * Third-party data whose risk depends on the provider's proof of consent. A consent that came with it counts only
 * if it names the user's company and carries a proofRef (the provider's flag alone is not proof).
 */
const PROOF_SOURCES = new Set<SourceKind>(['purchased_list', 'rented_list', 'data_broker', 'partner_transfer']);
/** Data that did not come from the person: a consent claimed on it needs a proofRef. */
const PROOF_REF_SOURCES = new Set<SourceKind>(['enrichment_tool', 'referral', 'manual_entry', 'scraped']);
const MEDIUM_SOURCES = new Set<SourceKind>(['enrichment_tool', 'referral', 'manual_entry', 'import']);
/** Consent methods that are a positive act of the person (a renewal restarts retention). */
const POSITIVE_ACT = new Set<ConsentMethod>(['unticked_checkbox', 'double_opt_in', 'signed_form', 'oral_recorded']);

const INVALID_METHOD: Partial<Record<ConsentMethod, Reason>> = {
  pre_ticked_checkbox: REASONS.consentPreTicked,
  terms_acceptance: REASONS.consentTerms,
  implicit: REASONS.consentImplicit,
};

const AUDIENCE_REASON: Record<AudienceSignal, Reason> = {
  flag: REASONS.audienceFlag,
  free_mail: REASONS.audienceFreeMail,
  disposable_domain: REASONS.audienceDisposable,
  generic_local_part: REASONS.audienceGeneric,
  company_domain: REASONS.audienceCompany,
  no_email: REASONS.audienceUnknown,
  invalid_email: REASONS.audienceUnknown,
  insufficient_signal: REASONS.audienceUnknown,
};

const COUNTRY_NAMES: Record<string, string> = {
  'LA RÉUNION': 'RE', 'RÉUNION': 'RE', REUNION: 'RE', 'LA REUNION': 'RE', GUADELOUPE: 'GP', MARTINIQUE: 'MQ',
  GUYANE: 'GF', 'FRENCH GUIANA': 'GF', 'GUYANE FRANÇAISE': 'GF', MAYOTTE: 'YT', 'SAINT-PIERRE-ET-MIQUELON': 'PM',
  'SAINT PIERRE AND MIQUELON': 'PM', 'SAINT-BARTHÉLEMY': 'BL', 'SAINT-BARTHELEMY': 'BL', 'SAINT BARTHELEMY': 'BL',
  'SAINT-MARTIN': 'MF', 'SAINT MARTIN': 'MF',
  FRANCE: 'FR', UK: 'GB', 'UNITED KINGDOM': 'GB', 'GREAT BRITAIN': 'GB', ENGLAND: 'GB', 'ROYAUME-UNI': 'GB',
  GERMANY: 'DE', DEUTSCHLAND: 'DE', ALLEMAGNE: 'DE', BELGIUM: 'BE', BELGIQUE: 'BE', 'BELGIË': 'BE', BELGIE: 'BE',
  SPAIN: 'ES', 'ESPAÑA': 'ES', ESPANA: 'ES', ESPAGNE: 'ES', ITALY: 'IT', ITALIA: 'IT', ITALIE: 'IT',
};

function isUpperAscii(c: number): boolean {
  return c >= 65 && c <= 90;
}

/** ISO alpha-2 from a country field: codes pass through (UK -> GB), a few common names are mapped. */
export function normaliseCountry(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  if (raw.length === 2 && isUpperAscii(raw.charCodeAt(0)) && isUpperAscii(raw.charCodeAt(1))) return raw === 'UK' ? 'GB' : raw;
  const s = raw.trim().toUpperCase();
  if (s === '') return null;
  return COUNTRY_NAMES[s] ?? s;
}

// ---- settings, compiled once per settings object ----
interface CompiledSettings {
  roles: string[];
  relevance: Map<string, boolean>;
  retention: PortalSettings['retention'];
  /** Normalised names of the user's company (empty: no third-party consent can be matched to the user). */
  controllers: ReadonlySet<string>;
  /** Predicate bits of the portal's own sector. */
  sectorBits: number;
}
const compiledSettings = new WeakMap<PortalSettings, CompiledSettings>();
/** Settings come from storage and forms: missing parts fall back to the defaults rather than failing a verdict. */
function compileSettings(settings: PortalSettings): CompiledSettings {
  let c = compiledSettings.get(settings);
  if (c === undefined) {
    const roles = (Array.isArray(settings.targetRoles) ? settings.targetRoles : [])
      .filter((r): r is string => typeof r === 'string').map(normaliseText).filter((r) => r.trim() !== '');
    const r: Partial<PortalSettings['retention']> = settings.retention ?? {};
    const years = (v: unknown, d: number) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : d);
    const fallback = DEFAULT_SETTINGS.retention;
    const names = Array.isArray(settings.controllerNames) ? settings.controllerNames : [];
    const controllers = new Set(names.filter((n): n is string => typeof n === 'string').map(controllerKey).filter((n) => n !== ''));
    c = {
      roles,
      relevance: new Map(),
      controllers,
      sectorBits: typeof settings.sector === 'string' && settings.sector !== '' ? sectorBits(settings.sector) : 0,
      retention: {
        prospectYears: years(r.prospectYears, fallback.prospectYears),
        customerYears: years(r.customerYears, fallback.customerYears),
        warningDays: typeof r.warningDays === 'number' && r.warningDays >= 0 ? r.warningDays : fallback.warningDays,
      },
    };
    compiledSettings.set(settings, c);
  }
  return c;
}

const MEMO_LIMIT = 10_000;
function memo(map: Map<string, boolean>, key: string, compute: () => boolean): boolean {
  const hit = map.get(key);
  if (hit !== undefined) return hit;
  const v = compute();
  if (map.size >= MEMO_LIMIT) map.clear();
  map.set(key, v);
  return v;
}

function titleMatchesRoles(cs: CompiledSettings, jobTitle: string): boolean {
  if (cs.roles.length === 0) return false;
  return memo(cs.relevance, jobTitle, () => {
    const t = normaliseText(jobTitle);
    return cs.roles.some((r) => t.includes(r));
  });
}

/** A listed sector by its id or one of its labels, normalised. */
const LISTED_SECTOR_BITS = new Map<string, number>();
for (const sector of SECTORS) {
  const bits = sector.ban === null ? 0 : PREDICATE_BIT[sector.ban];
  for (const key of [sector.id, sector.en, sector.fr]) LISTED_SECTOR_BITS.set(normaliseText(key), bits);
}
const BAN_BITS = PREDICATE_BIT.sector_energy | PREDICATE_BIT.sector_home_adaptation;

const sectorMemo = new Map<string, number>();
/**
 * Predicate bits of a sector: a listed sector (id or label) decides alone; free text is matched by keywords,
 * sure ones setting a ban, vague ones `sector_possible_ban` (a warning, not a ban).
 */
function sectorBits(sector: string): number {
  let bits = sectorMemo.get(sector);
  if (bits === undefined) {
    const t = normaliseText(sector);
    bits = LISTED_SECTOR_BITS.get(t);
    if (bits === undefined) {
      bits = 0;
      for (const s of BANNED_SECTORS_L223_8) if (s.keywords.some((k) => t.includes(k))) bits |= PREDICATE_BIT[s.predicate];
      if (bits === 0 && POSSIBLE_BAN_KEYWORDS.some((k) => t.includes(k))
        && !NOT_A_BAN_PHRASES.some((k) => t.includes(k))) bits = PREDICATE_BIT.sector_possible_ban;
    }
    if (sectorMemo.size >= MEMO_LIMIT) sectorMemo.clear();
    sectorMemo.set(sector, bits);
  }
  return bits;
}

/** Whether a sector (listed id or label, or free text) falls under one of the French canvassing bans (L.223-8). */
export function isBannedSector(sector: string): boolean {
  return (sectorBits(sector) & BAN_BITS) !== 0;
}

/** Whether a free-text sector might fall under a ban without the engine being able to tell (a warning). */
export function mightBeBannedSector(sector: string): boolean {
  return (sectorBits(sector) & PREDICATE_BIT.sector_possible_ban) !== 0;
}

const LEGAL_FORMS = new Set([
  'sa', 'sas', 'sasu', 'sarl', 'eurl', 'sci', 'snc', 'scop', 'selarl', 'ltd', 'limited', 'llp', 'plc', 'llc', 'inc',
  'corp', 'corporation', 'co', 'company', 'gmbh', 'ag', 'kg', 'ug', 'srl', 'spa', 'sl', 'slu', 'bv', 'nv', 'sprl',
  'srls', 'group', 'groupe',
]);
const controllerMemo = new Map<string, string>();
/** A company name compared without case, accents, punctuation or legal form ("ACME S.A.S." = "Acme"). */
export function controllerKey(name: string): string {
  let key = controllerMemo.get(name);
  if (key === undefined) {
    key = normaliseText(name.replace(/\./g, '')).trim().split(' ').filter((w) => w !== '' && !LEGAL_FORMS.has(w)).join(' ');
    if (controllerMemo.size >= MEMO_LIMIT) controllerMemo.clear();
    controllerMemo.set(name, key);
  }
  return key;
}

/** Whether a consent's named controllers (and partners) include the user; `null` when it names none. */
function namesUser(c: ConsentRecord, controllers: ReadonlySet<string>): boolean | null {
  const a = c.controllers, b = c.partners;
  const any = (a != null && a.length > 0) || (b != null && b.length > 0);
  if (!any) return null;
  if (controllers.size === 0) return false;
  if (a != null) for (const n of a) if (typeof n === 'string' && controllers.has(controllerKey(n))) return true;
  if (b != null) for (const n of b) if (typeof n === 'string' && controllers.has(controllerKey(n))) return true;
  return false;
}

const scrapingMemo = new Map<string, boolean>();
/** Whether a source detail names a tool that reads contact data off profiles. */
function namesScrapingTool(detail: string): boolean {
  let hit = scrapingMemo.get(detail);
  if (hit === undefined) {
    const t = normaliseText(detail);
    hit = SCRAPING_TOOL_KEYWORDS.some((k) => t.includes(k));
    if (scrapingMemo.size >= MEMO_LIMIT) scrapingMemo.clear();
    scrapingMemo.set(detail, hit);
  }
  return hit;
}

const NO_WARNINGS: string[] = Object.freeze([]) as unknown as string[];

// ---- scratch space for the consent pass (the evaluator is synchronous, so reuse is safe) ----
const lastWithdrawal = new Float64Array(CHANNELS.length);
const lastValidGiven = new Float64Array(CHANNELS.length);

let lastAtMs = Number.NaN;
let lastAtIso = '';
/** The evaluation instant as ISO text; a batch evaluates many contacts at one instant, so keep the last one. */
function instantIso(atMs: number): string {
  if (atMs !== lastAtMs) { lastAtIso = new Date(atMs).toISOString(); lastAtMs = atMs; }
  return lastAtIso;
}

export interface EvaluateOptions {
  at: Date;
  settings?: PortalSettings;
}

export function evaluateContact(facts: ContactFacts, options: EvaluateOptions): Verdict {
  const atMs = options.at.getTime();
  if (Number.isNaN(atMs)) throw new RangeError('evaluateContact: options.at is not a valid date');
  const settings = options.settings ?? DEFAULT_SETTINGS;
  const cs = compileSettings(settings);
  const reasons: Reason[] = [];
  const hasPhone = facts.phone != null && facts.phone.trim() !== '';

  // 1. Jurisdiction and pack.
  let jurisdiction = normaliseCountry(facts.country);
  let phone: Verdict['phone'];
  if (jurisdiction === null) {
    const fallback = normaliseCountry(settings.defaultJurisdiction) ?? 'FR';
    // A number of a territory with its own local time (French overseas) places a record that has no country.
    if (hasPhone) phone = normalisePhone(facts.phone as string, fallback.length === 2 ? fallback : 'FR');
    const region = phone?.country;
    if (region != null && TERRITORY_ZONES.has(region)) jurisdiction = region;
    else {
      jurisdiction = fallback;
      reasons.push(REASONS.jurisdictionDefault);
    }
  }
  const { pack, strictest } = selectPack(jurisdiction, atMs);
  if (strictest) reasons.push(REASONS.jurisdictionStrictest);

  // 2. Audience.
  const { audience, signal } = classifyAudience(facts);
  reasons.push(AUDIENCE_REASON[signal]);

  // 3. Facts mask.
  let f = B.always;
  if (audience === 'b2c') f |= B.b2c;
  else if (audience === 'unknown') f |= B.b2c | B.audience_unknown;
  else if (audience === 'b2b_nominative') f |= B.b2b_nominative;
  else f |= B.b2b_generic;
  if (audience === 'b2b_nominative' || audience === 'b2b_generic') {
    if (facts.soleTrader === true) f |= B.sole_trader | B.individual_subscriber;
    else if (signal === 'flag' && facts.email != null && (pack.uses & B.individual_subscriber) !== 0) {
      // A professional flag on a free-mail or disposable address: the person, not a company, is the subscriber.
      const email = facts.email.trim().toLowerCase();
      const at = email.lastIndexOf('@');
      if (at > 0 && classifyMailDomain(email.slice(at + 1)) !== 'other') f |= B.individual_subscriber;
    }
  }

  if (facts.offerRelatedToProfession === true) f |= B.relevant;
  else if (facts.offerRelatedToProfession !== false) {
    if (facts.jobTitle != null && titleMatchesRoles(cs, facts.jobTitle)) {
      f |= B.relevant;
      if (audience === 'b2b_nominative') reasons.push(REASONS.relevanceTargetRole);
    } else {
      f |= B.relevance_unknown;
    }
  }

  const customer = facts.customer;
  if (customer != null) {
    const purchase = optionalEpochMs(customer.lastPurchaseAt);
    if (purchase <= atMs && customer.offerSimilarToPurchase === true) f |= B.customer_soft_opt_in;
    if (customer.contractActive === true) f |= B.contract_active;
  }
  const purpose = facts.purpose ?? 'commercial';
  if (purpose === 'commercial') f |= B.purpose_commercial;
  else if (purpose === 'charity') { f |= B.purpose_charity; reasons.push(REASONS.purposeCharity); }
  else { f |= B.purpose_political; reasons.push(REASONS.purposePolitical); }
  f |= cs.sectorBits;
  if (facts.sector != null && facts.sector !== '') f |= sectorBits(facts.sector);
  // A sure ban (listed sector or keyword) makes a vague match elsewhere moot.
  if ((f & BAN_BITS) !== 0) f &= ~B.sector_possible_ban;

  // 4. Source.
  const source = facts.source;
  const kind: SourceKind = source?.kind ?? 'unknown';
  const proof = source?.proofOfConsentFromProvider === true;
  const collectedMs = optionalEpochMs(source?.collectedAt);
  const detail = source?.detail;
  const scrapingTool = kind !== 'scraped' && !DIRECT_SOURCES.has(kind) && detail != null && detail !== ''
    && namesScrapingTool(detail);
  let risk: SourceRisk;
  if (scrapingTool) risk = 'high';
  else if (DIRECT_SOURCES.has(kind)) risk = 'low';
  else if (PROOF_SOURCES.has(kind)) risk = proof ? 'medium' : 'high';
  else if (MEDIUM_SOURCES.has(kind)) risk = 'medium';
  else risk = 'high';
  const scraped = kind === 'scraped' || scrapingTool;
  if (scraped) f |= B.source_scraped;
  const firstParty = FIRST_PARTY_SOURCES.has(kind) && !scrapingTool;
  if (firstParty) f |= B.source_first_party;
  const unprovenThirdParty = PROOF_SOURCES.has(kind) && !proof;
  if (unprovenThirdParty) f |= B.source_unproven_third_party;
  reasons.push(risk === 'low' ? REASONS.sourceLow : risk === 'medium' ? REASONS.sourceMedium : REASONS.sourceHigh);
  if (scrapingTool) reasons.push(REASONS.sourceScrapingTool);
  if (unprovenThirdParty) reasons.push(REASONS.sourceNoProof);
  if ((f & B.customer_soft_opt_in) !== 0 && !firstParty) reasons.push(REASONS.softOptInThirdParty);
  const art14 = !FIRST_PARTY_SOURCES.has(kind) || scrapingTool
    ? source?.noticeSentAt == null || source.noticeSentAt === '' : false;
  if (art14) {
    reasons.push(REASONS.art14Due);
    if (!Number.isNaN(collectedMs) && atMs > addMonthUtc(collectedMs)) reasons.push(REASONS.art14Overdue);
  }
  // A consent that came with the data (given on or before its collection) is the provider's, not the user's.
  const providerConsents = PROOF_SOURCES.has(kind) || PROOF_REF_SOURCES.has(kind) || scrapingTool;

  // 5. Objections, withdrawals and consents.
  let objAll = false;
  let objMask = 0;
  const objections = facts.objections;
  if (objections !== undefined && objections !== null) {
    for (const o of objections) {
      const t = toEpochMs(o.at);
      if (t > atMs) continue; // not yet made at this instant; an unreadable date counts (fail safe)
      if (o.channel === 'all') objAll = true;
      else {
        const i = CHANNEL_INDEX[o.channel];
        objMask |= i === undefined ? ALL_CHANNELS_MASK : 1 << i;
      }
    }
  }
  let validMask = 0;
  let withdrawnMask = 0;
  let invalid: (Reason[] | undefined)[] | null = null;
  let lastOwnConsentMs = Number.NaN;
  const consents = facts.consents;
  if (consents !== undefined && consents !== null && consents.length > 0) {
    lastWithdrawal.fill(-Infinity);
    lastValidGiven.fill(-Infinity);
    for (const c of consents) {
      const i = CHANNEL_INDEX[c.channel];
      if (i === undefined) continue;
      const given = toEpochMs(c.givenAt);
      if (!(given <= atMs)) continue; // not given yet at this instant, or unreadable
      const named = namesUser(c, cs.controllers);
      const fromProvider = providerConsents && (Number.isNaN(collectedMs) || given <= collectedMs);
      // The person gave or renewed this consent to the user: a contact they initiated (retention restarts).
      if (named !== false && !fromProvider && POSITIVE_ACT.has(c.method) && !(given <= lastOwnConsentMs)) lastOwnConsentMs = given;
      const withdrawn = optionalEpochMs(c.withdrawnAt);
      let why: Reason | undefined;
      if (withdrawn <= atMs) {
        if (withdrawn > (lastWithdrawal[i] ?? -Infinity)) lastWithdrawal[i] = withdrawn;
        continue;
      }
      why = INVALID_METHOD[c.method];
      if (why === undefined && optionalEpochMs(c.expiresAt) <= atMs) why = REASONS.consentExpired;
      if (why === undefined && named === false) why = REASONS.consentOtherController;
      if (why === undefined && fromProvider) {
        const hasProofRef = c.proofRef != null && c.proofRef.trim() !== '';
        if (PROOF_SOURCES.has(kind)) { if (named !== true || !hasProofRef) why = REASONS.consentUnproven; }
        else if (!hasProofRef) why = REASONS.consentNoProofRef;
      }
      if (why === undefined && atMs - given > (pack.consentMaxAgeMs[i] ?? Infinity)) why = pack.consentMaxAgeReason[i] ?? REASONS.consentExpired;
      if (why !== undefined) {
        invalid ??= [];
        const list = invalid[i] ?? (invalid[i] = []);
        if (!list.includes(why)) list.push(why);
      } else {
        validMask |= 1 << i;
        if (given > (lastValidGiven[i] ?? -Infinity)) lastValidGiven[i] = given;
      }
    }
    for (let i = 0; i < CHANNELS.length; i++) {
      const w = lastWithdrawal[i] ?? -Infinity;
      // A withdrawal stands unless a valid consent was given after it.
      if (w > -Infinity && !((lastValidGiven[i] ?? -Infinity) > w)) { withdrawnMask |= 1 << i; validMask &= ~(1 << i); }
    }
  }

  // 6. Retention.
  const retention = retentionOf(facts, collectedMs, lastOwnConsentMs, atMs, cs.retention, reasons);

  // 7. Phone and email presence.
  let phoneVariant = VARIANT_MISSING;
  if (hasPhone) {
    phone ??= normalisePhone(facts.phone as string, jurisdiction.length === 2 ? jurisdiction : settings.defaultJurisdiction);
    phoneVariant = phone.valid ? VARIANT_PLAIN : VARIANT_INVALID;
    if (!phone.valid) reasons.push(REASONS.phoneInvalid);
  }
  const emailVariant = facts.email == null || facts.email.trim() === '' ? VARIANT_MISSING
    : signal === 'invalid_email' || !isPlausibleEmail(facts.email.trim()) ? VARIANT_INVALID : VARIANT_PLAIN;

  // 8. Channels (one literal object: a stable shape for every verdict).
  const expired = retention.state === 'expired';
  const emailVerdict = judgeChannel(pack, 0, f, atMs, emailVariant, objAll, objMask, withdrawnMask, expired, validMask, invalid);
  const channels: Record<Channel, ChannelVerdict> = {
    email: emailVerdict,
    sms: judgeChannel(pack, 1, f, atMs, phoneVariant, objAll, objMask, withdrawnMask, expired, validMask, invalid),
    social_dm: judgeChannel(pack, 2, f, atMs, VARIANT_PLAIN, objAll, objMask, withdrawnMask, expired, validMask, invalid),
    automated_call: judgeChannel(pack, 3, f, atMs, phoneVariant, objAll, objMask, withdrawnMask, expired, validMask, invalid),
    fax: judgeChannel(pack, 4, f, atMs, phoneVariant, objAll, objMask, withdrawnMask, expired, validMask, invalid),
    phone: judgeChannel(pack, 5, f, atMs, phoneVariant, objAll, objMask, withdrawnMask, expired, validMask, invalid),
    postal: judgeChannel(pack, 6, f, atMs, VARIANT_PLAIN, objAll, objMask, withdrawnMask, expired, validMask, invalid),
  };
  // 8b. Call caps (France, D.223-9): a lawful channel is held back until the cap lifts.
  const calling = pack.calling;
  if (calling !== null && atMs >= calling.fromMs && calling.test(f)
    && (facts.callsLast30Days != null || (facts.lastCallRefusalAt != null && facts.lastCallRefusalAt !== ''))) {
    applyCallLimit(calling, channels, facts, atMs);
  }
  const anyAllowed = channels.email.allowed || channels.sms.allowed || channels.social_dm.allowed
    || channels.automated_call.allowed || channels.fax.allowed || channels.phone.allowed || channels.postal.allowed;

  // 9. Warnings and status.
  let warnings = NO_WARNINGS;
  for (const w of pack.warnings) {
    if (atMs >= w.fromMs && atMs < w.toMs && w.test(f)) {
      if (warnings === NO_WARNINGS) warnings = [];
      warnings.push(w.reason.rule);
      reasons.push(w.reason);
    }
  }
  let status: Verdict['status'];
  if (expired) status = 'expired';
  else if (!anyAllowed) status = 'blocked';
  else if (art14 || risk === 'high' || retention.state === 'expiring_soon' || retention.undated || warnings !== NO_WARNINGS) {
    status = 'at_risk';
  } else status = 'compliant';

  const verdict: Verdict = {
    id: facts.id,
    audience,
    audienceSignal: signal,
    jurisdiction,
    rulePack: pack.pack.id,
    rulesVersion: RULES_VERSION,
    evaluatedAt: instantIso(atMs),
    status,
    channels,
    source: { kind, risk, art14NoticeRequired: art14 },
    retention: { anchor: retention.anchor, expiresAt: retention.expiresAt, state: retention.state, daysLeft: retention.daysLeft },
    warnings,
    reasons,
  };
  if (phone !== undefined) verdict.phone = phone;
  return verdict;
}

/** Replaces the allowed verdicts of the capped channels by `call_limit` ones, with the instant the cap lifts. */
function applyCallLimit(calling: CompiledCalling, channels: Record<Channel, ChannelVerdict>, facts: ContactFacts, atMs: number): void {
  let until = -Infinity;
  let why: Reason | null = null;
  const refusal = optionalEpochMs(facts.lastCallRefusalAt);
  if (refusal <= atMs && atMs < refusal + calling.pauseMs) { until = refusal + calling.pauseMs; why = calling.refusalReason; }
  if ((facts.callsLast30Days ?? 0) >= calling.maxAttempts) {
    // Only a count is known, not when each call was made: wait a full 30 days (conservative, as mayCallNow does).
    const lift = atMs + 30 * DAY_MS;
    if (lift > until) { until = lift; why = calling.attemptsReason; }
  }
  if (why === null) return;
  const untilIso = new Date(until).toISOString();
  for (const ch of calling.channels) {
    const v = channels[ch];
    if (!v.allowed) continue;
    channels[ch] = { allowed: false, blocker: 'call_limit', until: untilIso, reasons: [...v.reasons, why] };
  }
}

function judgeChannel(
  pack: CompiledPack, i: number, f: number, atMs: number, variant: number,
  objAll: boolean, objMask: number, withdrawnMask: number, expired: boolean, validMask: number,
  invalid: (Reason[] | undefined)[] | null,
): ChannelVerdict {
  const bit = 1 << i;
  if (objAll) return OBJECTED_ALL;
  if ((objMask & bit) !== 0) return OBJECTED_CHANNEL;
  if ((withdrawnMask & bit) !== 0) return CONSENT_WITHDRAWN;
  if (expired) return RETENTION_EXPIRED;
  for (const p of pack.prohibitions) {
    if ((p.channelMask & bit) !== 0 && atMs >= p.fromMs && atMs < p.toMs && p.test(f)) return p.verdict;
  }
  if ((validMask & bit) !== 0) return CONSENT_VALID[i]![variant]!;
  const rules = pack.rules[i]!;
  for (const r of rules) {
    if (!r.test(f)) continue;
    const bad = r.then === 'consent' ? invalid?.[i] : undefined;
    if (bad !== undefined) {
      const base = r.verdicts[variant]!;
      return { allowed: false, blocker: 'invalid_consent', reasons: [...base.reasons, ...bad] };
    }
    return r.verdicts[variant]!;
  }
  const bad = invalid?.[i];
  const fb = pack.fallback[i]![variant]!;
  return bad === undefined ? fb : { allowed: false, blocker: 'invalid_consent', reasons: [...fb.reasons, ...bad] };
}

interface RetentionResult {
  anchor: RetentionAnchor; expiresAt: string; state: RetentionState; daysLeft: number; undated: boolean;
}

function retentionOf(
  facts: ContactFacts, collectedMs: number, consentMs: number, atMs: number, policy: PortalSettings['retention'],
  reasons: Reason[],
): RetentionResult {
  const today = utcDayStart(atMs);
  const { prospectYears, customerYears, warningDays } = policy;
  let anchor: RetentionAnchor = 'collected';
  let anchorReason: Reason = REASONS.retentionCollected;
  let anchorMs = Number.NaN;
  let expires = Number.NaN;
  let undated = false;
  let ongoing = false;
  if (!Number.isNaN(collectedMs)) {
    anchorMs = Math.min(collectedMs, atMs);
    expires = addYearsUtc(anchorMs, prospectYears);
  }
  // An email open (lastEmailOpenAt) is deliberately never read here.
  const contactMs = optionalEpochMs(facts.lastProspectContactAt);
  if (contactMs <= atMs) {
    const e = addYearsUtc(contactMs, prospectYears);
    if (Number.isNaN(expires) || e >= expires) {
      anchor = 'last_prospect_contact'; anchorReason = REASONS.retentionContact; anchorMs = contactMs; expires = e;
    }
  }
  // A consent given or renewed by the person is a contact they initiated (given after the last contact wins).
  if (consentMs <= atMs) {
    const e = addYearsUtc(consentMs, prospectYears);
    if (Number.isNaN(expires) || e > expires) {
      anchor = 'last_prospect_contact'; anchorReason = REASONS.retentionConsentRenewed; anchorMs = consentMs; expires = e;
    }
  }
  const customer = facts.customer;
  if (customer != null) {
    let endMs = Number.NaN;
    if (customer.contractActive === true) { endMs = today; ongoing = true; }
    else {
      const ended = optionalEpochMs(customer.relationshipEndedAt);
      endMs = ended <= atMs ? ended : optionalEpochMs(customer.lastPurchaseAt);
      if (endMs > atMs) endMs = Number.NaN;
    }
    if (!Number.isNaN(endMs)) {
      const e = addYearsUtc(endMs, customerYears);
      // On a tie the customer anchor wins: it names the rule that really governs a customer's data.
      if (Number.isNaN(expires) || e >= expires) {
        anchor = 'relationship_end'; anchorReason = REASONS.retentionRelationshipEnd; anchorMs = endMs; expires = e;
      } else ongoing = false;
    }
  }
  if (Number.isNaN(expires)) {
    undated = true;
    anchorMs = today;
    expires = addYearsUtc(today, prospectYears);
  }
  reasons.push(anchorReason);
  if (ongoing) reasons.push(REASONS.retentionOngoing);
  if (undated) reasons.push(REASONS.retentionNoDate);
  const daysLeft = Math.round((expires - today) / DAY_MS);
  const state: RetentionState = daysLeft <= 0 ? 'expired' : daysLeft <= warningDays ? 'expiring_soon' : 'active';
  if (state === 'expired') reasons.push(REASONS.retentionExpired);
  else if (state === 'expiring_soon') reasons.push(REASONS.retentionSoon);
  const openMs = optionalEpochMs(facts.lastEmailOpenAt);
  if (openMs > anchorMs && openMs <= atMs) reasons.push(REASONS.retentionOpenIgnored);
  return { anchor, expiresAt: isoDay(expires), state, daysLeft, undated };
}
