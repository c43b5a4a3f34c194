// What the card, settings and workflow-action endpoints need from the rest of the app, as narrow ports.
// src/card/wire.ts adapts the real modules (engine, installations, contact evidence, suppression list, ledger,
// queue, HubSpot client) to these; tests pass in-memory fakes. One seam file for this boundary.
import type {
  Channel, ConsentRecord, ContactFacts, ObjectionChannel, ObjectionRecord, PortalSettings, Status, Verdict,
} from '../engine/types.ts';
import type { CrmSettings } from '../settings/settings-schema.ts';

export interface ContactReader {
  /**
   * The contact as the engine sees it, from its current HubSpot state merged with the consents and objections
   * we hold; null when HubSpot does not know the contact (deleted, never existed, other portal).
   */
  readFacts(portalId: number, contactId: string): Promise<ContactFacts | null>;
}

export interface EvidenceStore {
  addConsent(portalId: number, contactId: string, consent: ConsentRecord): Promise<void>;
  addObjection(portalId: number, contactId: string, objection: ObjectionRecord): Promise<void>;
  /** Erases everything we hold on the contact (the hashed suppression entry lives elsewhere and stays). */
  forgetContact(portalId: number, contactId: string): Promise<void>;
}

export interface Suppression {
  add(portalId: number, ids: { email?: string | null; phone?: string | null }, channels: ObjectionChannel[]): Promise<void>;
}

export interface LedgerEntryInput {
  kind: 'consent_recorded' | 'objection_recorded' | 'rejudge_requested' | 'access_export' | 'erasure' | 'settings_changed';
  contactId: string | null;
  /** `user:<HubSpot user id>` from the signed request, or `workflow:<callbackId>`. */
  actor: string;
  payload: Record<string, unknown>;
  at: Date;
}

export interface EvidenceLedger {
  append(portalId: number, entry: LedgerEntryInput): Promise<void>;
  /** Entries about one contact, oldest first (for the access export). */
  listForContact(portalId: number, contactId: string): Promise<Array<Record<string, unknown>>>;
}

export interface SettingsStore {
  /** The saved settings, or null when the admin never saved any. */
  get(portalId: number): Promise<CrmSettings | null>;
  save(portalId: number, settings: CrmSettings): Promise<void>;
}

export interface Judge {
  /** Queue a fresh judgement of one contact (writes properties back to HubSpot). */
  contact(portalId: number, contactId: string): Promise<void>;
  /** Queue a re-judgement of the whole portal (after settings change). */
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

export interface HubSpotContacts {
  /** HubSpot GDPR delete (permanent). Throws on failure; a 404 counts as already gone. */
  gdprDelete(portalId: number, contactId: string): Promise<void>;
}

export interface Installations {
  isActive(portalId: number): Promise<boolean>;
}

export interface CrmBackendDeps {
  clientSecret: string;
  /** Public base URL HubSpot calls (signatures cover the full public URI, not what the proxy forwards). */
  publicBaseUrl: string;
  now?: () => Date;
  installations: Installations;
  contacts: ContactReader;
  evaluate: (facts: ContactFacts, options: { at: Date; settings?: PortalSettings }) => Verdict;
  settings: SettingsStore;
  evidence: EvidenceStore;
  suppression: Suppression;
  ledger: EvidenceLedger;
  judge: Judge;
  stats: PortalStats;
  hubspot: HubSpotContacts;
}

export type { Channel };
