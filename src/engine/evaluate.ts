// The evaluator: one contact, one instant, one verdict. Generic over rule packs (see docs/RULES.md for the
// numbered algorithm). Pure and deterministic: no clock, no I/O; the instant and settings are inputs.
import { classifyAudience, isPlausibleEmail, normaliseText, type AudienceSignal } from './audience.ts';
import { PREDICATE_BIT } from './conditions.ts';
import { addMonthUtc, addYearsUtc, DAY_MS, isoDay, optionalEpochMs, toEpochMs, utcDayStart } from './dates.ts';
import {
  CHANNEL_INDEX, CONSENT_VALID, CONSENT_WITHDRAWN, OBJECTED_ALL, OBJECTED_CHANNEL, RETENTION_EXPIRED, selectPack,
  VARIANT_INVALID, VARIANT_MISSING, VARIANT_PLAIN, type CompiledPack,
} from './packs.ts';
import { normalisePhone } from './phone.ts';
import { REASONS } from './rules/common.ts';
import { RULES_VERSION } from './rules/index.ts';
import { BANNED_SECTORS_L223_8 } from './rules/sectors.ts';
import {
  CHANNELS, DEFAULT_SETTINGS, type Channel, type ChannelVerdict, type ConsentMethod, type ContactFacts,
  type PortalSettings, type Reason, type RetentionAnchor, type RetentionState, type SourceKind, type SourceRisk,
  type Verdict,
} from './types.ts';

const B = PREDICATE_BIT;
const ALL_CHANNELS_MASK = (1 << CHANNELS.length) - 1;
// evaluateContact judges channels by fixed index (0 = email ... 6 = postal): fail at load if the order changes.
if (CHANNELS.join() !== 'email,sms,social_dm,automated_call,fax,phone,postal') throw new Error('CHANNELS order changed');

const DIRECT_SOURCES = new Set<SourceKind>(['web_form', 'trade_show', 'business_card', 'inbound_request', 'existing_customer']);
/** Third-party data whose risk depends on the provider's proof of consent. */
const PROOF_SOURCES = new Set<SourceKind>(['purchased_list', 'rented_list', 'data_broker', 'partner_transfer', 'import']);
const MEDIUM_SOURCES = new Set<SourceKind>(['enrichment_tool', 'referral', 'manual_entry']);

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
    c = {
      roles,
      relevance: new Map(),
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

const sectorMemo = new Map<string, number>();
/** Predicate bits of the French ban sectors a free-text sector falls under (0 when none). */
function sectorBits(sector: string): number {
  let bits = sectorMemo.get(sector);
  if (bits === undefined) {
    const t = normaliseText(sector);
    bits = 0;
    for (const s of BANNED_SECTORS_L223_8) if (s.keywords.some((k) => t.includes(k))) bits |= PREDICATE_BIT[s.predicate];
    if (sectorMemo.size >= MEMO_LIMIT) sectorMemo.clear();
    sectorMemo.set(sector, bits);
  }
  return bits;
}

/** Whether a free-text sector falls under one of the French canvassing bans (L.223-1, L.223-8). */
export function isBannedSector(sector: string): boolean {
  return sectorBits(sector) !== 0;
}

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

  // 1. Jurisdiction and pack.
  let jurisdiction = normaliseCountry(facts.country);
  if (jurisdiction === null) {
    jurisdiction = normaliseCountry(settings.defaultJurisdiction) ?? 'FR';
    reasons.push(REASONS.jurisdictionDefault);
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
  if (facts.sector != null && facts.sector !== '') f |= sectorBits(facts.sector);

  // 4. Source.
  const source = facts.source;
  const kind: SourceKind = source?.kind ?? 'unknown';
  const proof = source?.proofOfConsentFromProvider === true;
  const collectedMs = optionalEpochMs(source?.collectedAt);
  let risk: SourceRisk;
  if (DIRECT_SOURCES.has(kind)) risk = 'low';
  else if (PROOF_SOURCES.has(kind)) risk = proof ? 'medium' : 'high';
  else if (MEDIUM_SOURCES.has(kind)) risk = 'medium';
  else risk = 'high';
  if (kind === 'scraped') f |= B.source_scraped;
  const unprovenThirdParty = PROOF_SOURCES.has(kind) && !proof;
  if (unprovenThirdParty) f |= B.source_unproven_third_party;
  reasons.push(risk === 'low' ? REASONS.sourceLow : risk === 'medium' ? REASONS.sourceMedium : REASONS.sourceHigh);
  if (unprovenThirdParty) reasons.push(REASONS.sourceNoProof);
  const art14 = !DIRECT_SOURCES.has(kind) && (source?.noticeSentAt == null || source.noticeSentAt === '');
  if (art14) {
    reasons.push(REASONS.art14Due);
    if (!Number.isNaN(collectedMs) && atMs > addMonthUtc(collectedMs)) reasons.push(REASONS.art14Overdue);
  }

  // 5. Retention.
  const retention = retentionOf(facts, collectedMs, atMs, cs.retention, reasons);

  // 6. Objections, withdrawals and consents.
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
  const consents = facts.consents;
  if (consents !== undefined && consents !== null && consents.length > 0) {
    lastWithdrawal.fill(-Infinity);
    lastValidGiven.fill(-Infinity);
    for (const c of consents) {
      const i = CHANNEL_INDEX[c.channel];
      if (i === undefined) continue;
      const given = toEpochMs(c.givenAt);
      if (!(given <= atMs)) continue; // not given yet at this instant, or unreadable
      const withdrawn = optionalEpochMs(c.withdrawnAt);
      let why: Reason | undefined;
      if (withdrawn <= atMs) {
        if (withdrawn > (lastWithdrawal[i] ?? -Infinity)) lastWithdrawal[i] = withdrawn;
        continue;
      }
      why = INVALID_METHOD[c.method];
      if (why === undefined && optionalEpochMs(c.expiresAt) <= atMs) why = REASONS.consentExpired;
      if (why === undefined && unprovenThirdParty && (Number.isNaN(collectedMs) || given <= collectedMs)) why = REASONS.consentUnproven;
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

  // 7. Phone and email presence.
  let phone: Verdict['phone'];
  let phoneVariant = VARIANT_MISSING;
  if (facts.phone != null && facts.phone.trim() !== '') {
    phone = normalisePhone(facts.phone, jurisdiction.length === 2 ? jurisdiction : settings.defaultJurisdiction);
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
  const anyAllowed = channels.email.allowed || channels.sms.allowed || channels.social_dm.allowed
    || channels.automated_call.allowed || channels.fax.allowed || channels.phone.allowed || channels.postal.allowed;

  // 9. Status.
  let status: Verdict['status'];
  if (expired) status = 'expired';
  else if (!anyAllowed) status = 'blocked';
  else if (art14 || risk === 'high' || retention.state === 'expiring_soon' || retention.undated) status = 'at_risk';
  else status = 'compliant';

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
    reasons,
  };
  if (phone !== undefined) verdict.phone = phone;
  return verdict;
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
  facts: ContactFacts, collectedMs: number, atMs: number, policy: PortalSettings['retention'], reasons: Reason[],
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
