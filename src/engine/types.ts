// The engine's vocabulary: the facts it reads and the verdict it returns.
// Shapes follow ../shared/contracts/audit-cli.md; every other part of the app speaks these types.

export const CHANNELS = ['email', 'sms', 'social_dm', 'automated_call', 'fax', 'phone', 'postal'] as const;
export type Channel = (typeof CHANNELS)[number];
export type ObjectionChannel = Channel | 'all';

export const AUDIENCES = ['b2c', 'b2b_nominative', 'b2b_generic', 'unknown'] as const;
export type Audience = (typeof AUDIENCES)[number];

export const BASES = ['consent', 'legitimate_interest', 'soft_opt_in', 'contract', 'not_personal_data'] as const;
export type Basis = (typeof BASES)[number];

/** `call_limit`: a temporary block (French call caps, D.223-9); the channel verdict says `until` when it lifts. */
export const BLOCKERS = ['needs_consent', 'invalid_consent', 'objected', 'retention_expired', 'forbidden', 'call_limit'] as const;
export type Blocker = (typeof BLOCKERS)[number];

export const STATUSES = ['compliant', 'at_risk', 'blocked', 'expired'] as const;
export type Status = (typeof STATUSES)[number];

export const SOURCE_KINDS = [
  'web_form', 'trade_show', 'business_card', 'inbound_request', 'purchased_list', 'rented_list',
  'data_broker', 'partner_transfer', 'scraped', 'enrichment_tool', 'manual_entry', 'import',
  'existing_customer', 'referral', 'unknown',
] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export const CONSENT_METHODS = [
  'unticked_checkbox', 'double_opt_in', 'signed_form', 'oral_recorded', 'pre_ticked_checkbox',
  'terms_acceptance', 'implicit',
] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];

export const PURPOSES = ['commercial', 'charity', 'political'] as const;
export type Purpose = (typeof PURPOSES)[number];

export type SourceRisk = 'low' | 'medium' | 'high';
export type RetentionAnchor = 'collected' | 'last_prospect_contact' | 'relationship_end';
export type RetentionState = 'active' | 'expiring_soon' | 'expired';

/** ISO 8601 date or date-time, as received. The engine parses; callers need not. */
export type IsoDate = string;

export interface ConsentRecord {
  channel: Channel;
  givenAt: IsoDate;
  method: ConsentMethod;
  withdrawnAt?: IsoDate | null;
  expiresAt?: IsoDate | null;
  /**
   * The controllers (companies) the consent names, as shown at collection. A consent is valid only for the
   * controllers it names: when the list is set, the user's company must be on it. `partners` is read the same way.
   */
  controllers?: string[];
  partners?: string[];
  /** Where the proof lives (form version, recording id, double opt-in token...). */
  proofRef?: string | null;
}

export interface ObjectionRecord {
  channel: ObjectionChannel;
  at: IsoDate;
}

export interface ContactSource {
  kind: SourceKind;
  collectedAt?: IsoDate | null;
  /** Free text: the list, provider or tool (a scraping tool named here sets the scraped condition). */
  detail?: string | null;
  /** The provider's claim that it holds consents: never enough alone (a consent needs a proofRef and our name). */
  proofOfConsentFromProvider?: boolean | null;
  /** Set once the Art. 14 first-contact notice (naming the source) has been sent. */
  noticeSentAt?: IsoDate | null;
}

export interface CustomerFacts {
  lastPurchaseAt?: IsoDate | null;
  contractActive?: boolean | null;
  relationshipEndedAt?: IsoDate | null;
  offerSimilarToPurchase?: boolean | null;
}

/** One contact as the engine sees it: the audit contract's input object. Only `id` is required. */
export interface ContactFacts {
  id: string;
  email?: string | null;
  phone?: string | null;
  country?: string | null;
  /** IANA time zone, for the calling-slot helper. */
  timeZone?: string | null;
  company?: string | null;
  jobTitle?: string | null;
  isProfessional?: boolean | null;
  /** A sole trader or a partnership that is not a legal person (UK: an individual subscriber under PECR). */
  soleTrader?: boolean | null;
  offerRelatedToProfession?: boolean | null;
  purpose?: Purpose | null;
  /**
   * The sector of the offer made to this contact: an id of the closed list (`SECTORS`, rules/sectors.ts) or free
   * text, matched by keywords as a fallback. Overrides nothing: the portal's `settings.sector` is judged too.
   */
  sector?: string | null;
  source?: ContactSource | null;
  consents?: ConsentRecord[];
  objections?: ObjectionRecord[];
  customer?: CustomerFacts | null;
  lastProspectContactAt?: IsoDate | null;
  /** Read but never used to extend retention: an open is not a contact initiated by the prospect. */
  lastEmailOpenAt?: IsoDate | null;
  callsLast30Days?: number | null;
  /** Last time the person refused during a call (60-day pause kept, see rules §2). */
  lastCallRefusalAt?: IsoDate | null;
}

export interface RetentionSettings {
  /** Years a prospect is kept from collection or last prospect-initiated contact. */
  prospectYears: number;
  /** Years a customer is kept for prospecting after the relationship ends. */
  customerYears: number;
  /** Days before expiry during which the record is `expiring_soon`. */
  warningDays: number;
}

export interface PortalSettings {
  /** ISO 3166-1 alpha-2 country used when a contact has none. */
  defaultJurisdiction: string;
  /** Job keywords the offer targets; a B2B contact whose title matches one is relevant. */
  targetRoles: string[];
  retention: RetentionSettings;
  /**
   * The user's own company names (settings' controller name, `audit --controller`). A consent that names
   * controllers is valid only if one of these is among them; third-party consents must name one of them.
   */
  controllerNames?: readonly string[];
  /** What the portal sells, from the closed sector list (rules/sectors.ts); null = not said. */
  sector?: string | null;
}

export const DEFAULT_SETTINGS: PortalSettings = {
  defaultJurisdiction: 'FR',
  targetRoles: [],
  retention: { prospectYears: 3, customerYears: 3, warningDays: 90 },
};

export interface Reason {
  /** Rule id, stable across releases (e.g. `fr.email.b2b.li`). */
  rule: string;
  /** The human sentence in English (the contract's `text`). */
  text: string;
  /** The same sentence in French. */
  textFr: string;
  citation: string;
}

export interface ChannelVerdict {
  allowed: boolean;
  basis?: Basis;
  blocker?: Blocker;
  /** With blocker `call_limit`: the instant (ISO) from which the channel may be used again. */
  until?: string;
  reasons: Reason[];
}

export interface Verdict {
  id: string;
  audience: Audience;
  /** How the audience was decided: `flag`, `generic_local_part`, `free_mail`, ... */
  audienceSignal: string;
  jurisdiction: string;
  rulePack: string;
  /** Version of the whole rule set, written on the contact so a verdict can be traced. */
  rulesVersion: string;
  evaluatedAt: string;
  status: Status;
  channels: Record<Channel, ChannelVerdict>;
  source: { kind: SourceKind; risk: SourceRisk; art14NoticeRequired: boolean };
  retention: { anchor: RetentionAnchor; expiresAt: string; state: RetentionState; daysLeft: number };
  /** Rule ids of the record-level warnings that make it `at_risk` whatever the channels say (empty when none). */
  warnings: string[];
  /** Present when the record has a phone number. `country`/`type` come from libphonenumber (null if unknown). */
  phone?: { e164: string | null; valid: boolean; input: string; country?: string | null; type?: string | null };
  reasons: Reason[];
}

/** A line the engine could not judge (audit contract). */
export interface VerdictError {
  id: string | null;
  line: number;
  error: string;
}
