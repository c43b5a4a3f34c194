// The backend's response shapes as the UI sees them (mirrors src/card/card-view.ts and
// src/settings/settings-router.ts; test/crm/contract.test.ts makes the compiler hold the two together).
export type Channel = 'email' | 'sms' | 'social_dm' | 'automated_call' | 'fax' | 'phone' | 'postal';
export type ObjectionChannel = Channel | 'all';
export type Status = 'compliant' | 'at_risk' | 'blocked' | 'expired';
export type Audience = 'b2c' | 'b2b_nominative' | 'b2b_generic' | 'unknown';
export type Basis = 'consent' | 'legitimate_interest' | 'soft_opt_in' | 'contract' | 'not_personal_data';
export type Blocker = 'needs_consent' | 'invalid_consent' | 'objected' | 'retention_expired' | 'forbidden' | 'call_limit';
export type ConsentMethod =
  | 'unticked_checkbox' | 'double_opt_in' | 'signed_form' | 'oral_recorded' | 'pre_ticked_checkbox' | 'terms_acceptance' | 'implicit';
export type RetentionState = 'active' | 'expiring_soon' | 'expired';

export const CHANNELS: readonly Channel[] = ['email', 'sms', 'social_dm', 'automated_call', 'fax', 'phone', 'postal'];
export const CONSENT_METHODS: readonly ConsentMethod[] = [
  'unticked_checkbox', 'double_opt_in', 'signed_form', 'oral_recorded', 'pre_ticked_checkbox', 'terms_acceptance', 'implicit',
];
/** Methods that never make a valid consent (refused before any request is sent, and again by the backend). */
export const INVALID_CONSENT_METHODS: readonly ConsentMethod[] = ['pre_ticked_checkbox', 'terms_acceptance', 'implicit'];

export interface CardReason { rule: string; text: string; textFr: string; citation: string }
/** `until`: with blocker `call_limit`, when the channel may be used again (ISO instant). */
export interface CardChannel {
  channel: Channel; allowed: boolean; basis: Basis | null; blocker: Blocker | null; until?: string; reasons: CardReason[];
}
export interface CardConsent { channel: Channel; method: ConsentMethod; givenAt: string; proofRef: string | null; withdrawnAt: string | null }
export interface CardObjection { channel: ObjectionChannel; at: string }

export interface CardView {
  contactId: string;
  judged: true;
  status: Status;
  audience: Audience;
  jurisdiction: string;
  channels: CardChannel[];
  reasons: CardReason[];
  source: { kind: string; risk: 'low' | 'medium' | 'high'; detail: string | null; collectedAt: string | null };
  retention: { anchor: string; expiresAt: string; state: RetentionState; daysLeft: number };
  consents: CardConsent[];
  objections: CardObjection[];
  notice: { due: boolean; sentAt: string | null };
  evaluatedAt: string;
  rulesVersion: string;
  freshness: 'live' | 'stored';
  levers?: CardLever[];
}
/** An enforcement lever and whether this account gives it to the app (from the scopes granted at install). */
export interface CardLever {
  lever: 'block_properties' | 'owner_task' | 'one_to_one_unsubscribe' | 'sequence_enrolments' | 'workflow_unenroll' | 'eligibility_action';
  available: boolean;
  scope: string;
  label: string;
  labelFr: string;
  reason: string;
  reasonFr: string;
}
export interface CardNotJudged { contactId: string; judged: false; levers?: CardLever[] }
export type CardResponse = CardView | CardNotJudged;

/** The access export of the enforcement's DSR service (format prospect-guard/access-export). */
export interface ContactExport {
  format: string;
  generatedAt: string;
  contactId: string;
  hubspot?: { contact: Record<string, unknown> | null };
  app?: { consents?: unknown[]; objections?: unknown[]; ledger?: unknown[]; [key: string]: unknown };
  [key: string]: unknown;
}

export type Jurisdiction = 'FR' | 'BE' | 'DE' | 'ES' | 'IT' | 'GB';
export const JURISDICTIONS: readonly Jurisdiction[] = ['FR', 'BE', 'DE', 'ES', 'IT', 'GB'];
export type ExpiryAction = 'notify' | 'archive' | 'delete';
export type SequenceBlocking = 'enforce' | 'flag_only' | 'off';

export interface CrmSettings {
  offerDescription: string;
  activity: string;
  /** An id of the closed sector list (shared/sectors.ts), or '' when not said. */
  sector: string;
  targetRoles: string[];
  defaultJurisdiction: Jurisdiction;
  retention: { prospectYears: number; customerYears: number; warningDays: number };
  expiryAction: ExpiryAction;
  sequenceBlocking: SequenceBlocking;
  controller: { name: string; address: string; dpoContact: string; logoUrl: string };
  privacyPolicyUrl: string;
  preferenceCentreEnabled: boolean;
  notifyOwnerOnBlock: boolean;
}
export interface PortalSummary { total: number; byStatus: Record<Status, number>; byBlocker: Record<string, number> }
export interface BackfillProgress {
  state: 'not_started' | 'running' | 'done' | 'failed';
  processed: number;
  total: number | null;
  updatedAt: string | null;
}
export interface SettingsResponse { settings: CrmSettings; configured: boolean; summary: PortalSummary; backfill: BackfillProgress; levers?: CardLever[] }

/** An error the backend explained (4xx body `{error: {code, message, ...}}`) or a transport failure. */
export interface ApiError {
  status: number;
  code: string;
  message: string;
  messageFr?: string;
  citation?: string;
  fields?: Record<string, string>;
}

// The compliance dashboard (app pages), mirroring src/dashboard/dashboard-router.ts.
export interface DashboardHome {
  generatedAt: string;
  total: number;
  byStatus: Record<string, number>;
  reachable: Record<string, number>;
  byBlocker: Record<string, number>;
  bySourceRisk: Record<string, number>;
  byAudience: Record<string, number>;
  expiringThisMonth: { month: string; count: number };
  deleteNow: { count: number; contacts: Array<{ contactId: string; expiredOn: string }> };
  sequences: { blocked: number; levers: Array<{ lever: string; status: string; count: number }> };
  objections: Array<{ month: string; count: number }>;
  requests: { open: number; late: number };
  backfill: BackfillProgress;
}
export type RequestKind = 'access' | 'erasure' | 'objection' | 'rectification';
export type RequestStatus = 'open' | 'extended' | 'closed' | 'rejected';
export interface RequestFilter { kind?: RequestKind; status?: 'pending' | RequestStatus; lateOnly?: boolean }
export interface DashboardRequest {
  id: string; kind: RequestKind; status: RequestStatus; origin: string; contactId: string | null;
  receivedAt: string; dueAt: string; closedAt: string | null; outcome: string | null; late: boolean; daysLeft: number;
}
export interface DashboardRequests {
  generatedAt: string;
  filter: RequestFilter;
  counts: { total: number; pending: number; late: number; byKind: Record<string, number> };
  requests: DashboardRequest[];
  truncated: boolean;
}
export interface LedgerVerificationRecord {
  verifiedAt: string; ok: boolean; entries: number; headHash: string | null; brokenAtSeq: number | null; reason: string | null; actor: string;
}
export interface DashboardEvidence {
  generatedAt: string;
  entries: number;
  byKind: Record<string, number>;
  firstAt: string | null;
  lastAt: string | null;
  head: { seq: number; hash: string };
  lastVerification: LedgerVerificationRecord | null;
  reports: { html: { en: string; fr: string }; expiresAt: string };
  commands: { verify: string; export: string };
}
