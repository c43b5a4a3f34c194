// A preference centre over the real enforcement services (PGlite, fake HubSpot), for the page and browser suites.
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createEnforcementTestDb, type TestDb } from './db.ts';
import { createFakeHubSpot, type FakeHubSpot } from './fake-hubspot.ts';
import { createEnforcement, type Enforcement } from '../../../src/enforcement/wiring.ts';
import { createPreferenceRouter, type PreferenceSettings } from '../../../src/preferences/router.ts';
import { createPreferenceToken, derivePreferenceKey } from '../../../src/preferences/token.ts';
import { createPreferenceConsents } from '../../../src/preferences/record-consent.ts';
import { ContactEvidenceStore } from '../../../src/contacts/index.ts';

export const PORTAL = 6161;
export const key = derivePreferenceKey('test-secret-for-the-preference-page');

export const CONTROLLER: PreferenceSettings = {
  controllerName: 'Industrie Lyon SAS', controllerAddress: '12 rue de la République, 69002 Lyon, France',
  dpoContact: 'dpo@industrie-lyon.example', privacyPolicyUrl: 'https://industrie-lyon.example/confidentialite',
  logoUrl: null, preferenceCentreEnabled: true, defaultJurisdiction: 'FR',
};

export interface PreferenceServer {
  db: TestDb;
  enf: Enforcement;
  hub: FakeHubSpot;
  base: string;
  rejudged: string[];
  link(contactId: string, email: string): string;
  close(): Promise<void>;
}

export async function startPreferenceServer(options: { settings?: Partial<PreferenceSettings>; production?: boolean; now?: () => Date } = {}): Promise<PreferenceServer> {
  const db = await createEnforcementTestDb('pglite');
  const hub = createFakeHubSpot();
  const rejudged: string[] = [];
  const clock = options.now ? { now: options.now } : undefined;
  const enf = createEnforcement({ db, requester: hub.requester, rejudge: async (_p, c) => { rejudged.push(c); }, ...(clock ? { clock } : {}) });
  const app = express();
  app.use('/p', createPreferenceRouter({
    key, publicBaseUrl: 'http://127.0.0.1', hubspot: enf.hubspot!, evidence: enf.evidence, objections: enf.objections,
    dsr: { open: async (i) => { const r = await enf.dsr.open(i); return { id: r.id, dueAt: r.dueAt }; } },
    settings: async (p) => (p === PORTAL ? { ...CONTROLLER, ...options.settings } : null),
    consents: createPreferenceConsents({ store: new ContactEvidenceStore(db), ledger: enf.ledger, rejudge: async (_p, c) => { rejudged.push(c); }, ...(clock ? { clock } : {}) }),
    production: options.production ?? false,
    ...(clock ? { clock } : {}),
  }));
  const server = await new Promise<Server>((ok) => { const s = app.listen(0, '127.0.0.1', () => ok(s)); });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    db, enf, hub, base, rejudged,
    link: (contactId, email) => `${base}/p/${createPreferenceToken(key, { portalId: PORTAL, contactId, email, ...(options.now ? { now: options.now() } : {}) })}`,
    async close() { server.close(); await db.drop(); },
  };
}

/** A contact judged B2B in France: legitimate interest by email and phone, consent needed for SMS. */
export function seedContact(hub: FakeHubSpot, id: string, email: string, extra: Record<string, string | null> = {}): void {
  hub.contacts.set(id, {
    email, country: 'France', pg_source_kind: 'trade_show', pg_source_detail: 'Salon Industrie Lyon 2026',
    pg_collected_at: '2026-03-12', pg_retention_expires_at: '2029-03-12', pg_retention_state: 'active',
    pg_basis_email: 'legitimate_interest', pg_basis_sms: 'needs_consent', pg_basis_social_dm: 'legitimate_interest',
    pg_basis_automated_call: 'needs_consent', pg_basis_fax: 'needs_consent', pg_basis_phone: 'legitimate_interest', pg_basis_postal: 'legitimate_interest',
    ...extra,
  });
}

export const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' } as const;

export function formBody(token: string, fields: [string, string][]): string {
  return new URLSearchParams([['token', token], ...fields]).toString();
}
