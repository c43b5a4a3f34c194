// What the card, settings and workflow-action endpoints need from the rest of the app, as narrow ports.
// src/card/wiring.ts adapts the real modules (engine, installations and settings, contact evidence, HubSpot
// reads, the enforcement's objection and data-subject-request services, the ledger, the judge job) to these;
// tests pass in-memory fakes. One seam file for this boundary.
import type { ConsentRecord, ContactFacts, ObjectionChannel, ObjectionRecord, PortalSettings, Status, Verdict } from '../engine/types.ts';
import type { CrmSettings } from '../settings/settings-schema.ts';
import type { ReplayStore } from './replay-store.ts';

export interface ContactReader {
  /**
   * The contact as the engine sees it, from its current HubSpot state merged with the consents, objections and
   * suppression matches we hold; null when HubSpot does not know the contact (deleted, never existed).
   */
  readFacts(portalId: number, contactId: string): Promise<ContactFacts | null>;
}

/** The pipeline's last verdict for a contact, used when HubSpot cannot be read right now (rate limit, outage). */
export interface StoredVerdicts {
  get(portalId: number, contactId: string): Promise<{ verdict: Verdict; consents: ConsentRecord[]; objections: ObjectionRecord[] } | null>;
}

export interface ConsentStore {
  addConsent(portalId: number, contactId: string, consent: ConsentRecord & { recordedBy?: string | null }): Promise<unknown>;
}

/** The enforcement's single objection path (evidence, hashed suppression, ledger, HubSpot write-back, re-judge). */
export interface Objections {
  record(input: {
    portalId: number; contactId: string; channel: ObjectionChannel; actor: string;
    email: string | null; phone: string | null; defaultCountry: string;
  }): Promise<void>;
}

/** Raised when HubSpot refused the GDPR delete: nothing else was erased, the user may retry. */
export class ErasureRefusedError extends Error {
  override name = 'ErasureRefusedError';
}

/** Access and erasure requests, tracked with their legal deadline by the enforcement's DSR service. */
export interface SubjectRequests {
  accessExport(portalId: number, contactId: string, actor: string): Promise<Record<string, unknown>>;
  /** HubSpot GDPR delete + our data, leaving the hashed suppression entry; throws ErasureRefusedError. */
  erase(portalId: number, contactId: string, actor: string): Promise<void>;
}

export interface LedgerEntryInput {
  kind: 'consent' | 'verdict_change' | 'settings_change';
  contactId: string | null;
  /** `user:<HubSpot user id>` from the signed request. */
  actor: string;
  payload: Record<string, unknown>;
  at: Date;
}
export interface CardLedger {
  append(portalId: number, entry: LedgerEntryInput): Promise<unknown>;
}

export interface SettingsStore {
  get(portalId: number): Promise<{ settings: CrmSettings; configured: boolean }>;
  save(portalId: number, settings: CrmSettings): Promise<void>;
}

export interface Judge {
  /** Judge one contact again and write its properties back to HubSpot. */
  contact(portalId: number, contactId: string): Promise<void>;
  /** Re-judge the whole portal in the background (after a settings change). */
  portal(portalId: number): Promise<void>;
}

export interface PortalSummary {
  total: number;
  byStatus: Record<Status, number>;
  byBlocker: Record<string, number>;
}
export interface BackfillProgress {
  state: 'not_started' | 'running' | 'done' | 'failed';
  processed: number;
  total: number | null;
  updatedAt: string | null;
}
export interface PortalStats {
  summary(portalId: number): Promise<PortalSummary>;
  backfill(portalId: number): Promise<BackfillProgress>;
}

export interface Installations {
  isActive(portalId: number): Promise<boolean>;
  /** The scopes HubSpot granted at install (null when unknown). */
  grantedScopes?(portalId: number): Promise<string[] | null>;
}

export interface CrmBackendDeps {
  clientSecret: string;
  /** Public base URL HubSpot calls (signatures cover the full public URI, not what the proxy forwards). */
  publicBaseUrl: string;
  now?: () => Date;
  /** Our HubSpot app id: a signed request naming another is refused. */
  appId?: number | null;
  /** Which signature the workflow action must carry: 'v3' (platform 2025.2 and later) refuses v2-only calls. */
  actionSignature?: 'v3' | 'v2';
  /** First answers of state-changing signed requests, kept for the signature window (replays). */
  replays: ReplayStore;
  installations: Installations;
  contacts: ContactReader;
  /** Fallback when `contacts` fails; absent means no fallback. */
  stored?: StoredVerdicts;
  evaluate: (facts: ContactFacts, options: { at: Date; settings?: PortalSettings }) => Verdict;
  settings: SettingsStore;
  consents: ConsentStore;
  objections: Objections;
  requests: SubjectRequests;
  ledger: CardLedger;
  judge: Judge;
  stats: PortalStats;
}
