// In-memory collaborators for the card, settings and workflow-action endpoints, plus a signed-request client.
import type { AddressInfo } from 'node:net';
import express from 'express';
import { evaluateContact } from '../../src/engine/index.ts';
import type { ContactFacts, ObjectionChannel, Verdict } from '../../src/engine/types.ts';
import { signHubSpotV2, signHubSpotV3 } from '../../src/hubspot/signature.ts';
import { createCardRouter } from '../../src/card/card-router.ts';
import { ErasureRefusedError, type CrmBackendDeps, type LedgerEntryInput } from '../../src/card/ports.ts';
import { createSettingsRouter } from '../../src/settings/settings-router.ts';
import { DEFAULT_CRM_SETTINGS, type CrmSettings } from '../../src/settings/settings-schema.ts';
import { createEligibilityActionRouter } from '../../src/workflow-action/eligibility-router.ts';
import { createMemoryReplayStore } from '../../src/card/replay-store.ts';

export const SECRET = 'test-client-secret-0123456789';
export const PUBLIC_BASE = 'https://api.prospect-guard.test';
export const NOW = new Date('2026-11-23T08:00:00Z');
export const PORTAL_A = 101;
export const PORTAL_B = 202;
export const UNINSTALLED = 303;
export const APP_ID = 4242;

export function b2bContact(id: string): ContactFacts {
  return {
    id, email: `claire.martin.${id}@acme-industrie.fr`, phone: '+33612345678', country: 'FR', company: 'Acme Industrie',
    jobTitle: 'DRH', isProfessional: true, offerRelatedToProfession: true,
    source: { kind: 'trade_show', collectedAt: '2026-03-10', detail: 'Salon RH' }, consents: [], objections: [],
  };
}
export function b2cContact(id: string): ContactFacts {
  return { id, email: `jean.dupont.${id}@gmail.com`, phone: '+33612345679', country: 'FR', source: { kind: 'web_form', collectedAt: '2026-03-10' }, consents: [], objections: [] };
}

export interface World {
  deps: CrmBackendDeps;
  contacts: Map<string, ContactFacts>;
  settings: Map<number, CrmSettings>;
  ledger: Array<{ portalId: number } & LedgerEntryInput>;
  objections: Array<{ portalId: number; contactId: string; channel: ObjectionChannel; actor: string; email: string | null; phone: string | null; defaultCountry: string }>;
  judged: Array<{ portalId: number; contactId?: string }>;
  erased: Array<{ portalId: number; contactId: string; actor: string }>;
  exports: Array<{ portalId: number; contactId: string; actor: string }>;
  failures: { contacts?: Error; erase?: Error };
  /** The pipeline's stored verdicts (fallback when contact reads fail). */
  stored: Map<string, Verdict>;
}

export function createWorld(): World {
  const contacts = new Map<string, ContactFacts>();
  const settings = new Map<number, CrmSettings>();
  const stored = new Map<string, Verdict>();
  const w: World = { deps: undefined as unknown as CrmBackendDeps, contacts, settings, ledger: [], objections: [], judged: [], erased: [], exports: [], failures: {}, stored };
  const key = (p: number, c: string) => `${p}:${c}`;
  w.deps = {
    clientSecret: SECRET,
    publicBaseUrl: PUBLIC_BASE,
    now: () => NOW,
    appId: APP_ID,
    replays: createMemoryReplayStore(),
    installations: { isActive: async (p) => p === PORTAL_A || p === PORTAL_B },
    contacts: {
      readFacts: async (p, c) => {
        if (w.failures.contacts) throw w.failures.contacts;
        const f = contacts.get(key(p, c));
        return f ? structuredClone(f) : null;
      },
    },
    stored: {
      get: async (p, c) => {
        const verdict = stored.get(key(p, c));
        return verdict ? { verdict, consents: [], objections: [] } : null;
      },
    },
    evaluate: evaluateContact,
    settings: {
      get: async (p) => ({ settings: settings.get(p) ?? DEFAULT_CRM_SETTINGS, configured: settings.has(p) }),
      save: async (p, s) => { settings.set(p, s); },
    },
    consents: {
      addConsent: async (p, c, consent) => {
        const f = contacts.get(key(p, c));
        f?.consents?.push({ channel: consent.channel, method: consent.method, givenAt: consent.givenAt, proofRef: consent.proofRef ?? null });
      },
    },
    objections: {
      record: async (input) => {
        w.objections.push({ ...input });
        contacts.get(key(input.portalId, input.contactId))?.objections?.push({ channel: input.channel, at: NOW.toISOString() });
      },
    },
    requests: {
      accessExport: async (p, c, actor) => {
        w.exports.push({ portalId: p, contactId: c, actor });
        return { format: 'prospect-guard/access-export', generatedAt: NOW.toISOString(), contactId: c, hubspot: { contact: { firstname: 'Claire' } }, app: { ledger: [] } };
      },
      erase: async (p, c, actor) => {
        if (w.failures.erase) throw w.failures.erase;
        w.erased.push({ portalId: p, contactId: c, actor });
        contacts.delete(key(p, c));
      },
    },
    ledger: { append: async (p, e) => { w.ledger.push({ portalId: p, ...e }); } },
    judge: {
      contact: async (p, c) => { w.judged.push({ portalId: p, contactId: c }); },
      portal: async (p) => { w.judged.push({ portalId: p }); },
    },
    stats: {
      summary: async () => ({ total: 3, byStatus: { compliant: 2, at_risk: 0, blocked: 1, expired: 0 }, byBlocker: { needs_consent: 1 } }),
      backfill: async () => ({ state: 'done', processed: 3, total: 3, updatedAt: NOW.toISOString() }),
    },
  };
  contacts.set(key(PORTAL_A, '1001'), b2bContact('1001'));
  contacts.set(key(PORTAL_A, '1002'), b2cContact('1002'));
  contacts.set(key(PORTAL_B, '2001'), b2bContact('2001'));
  return w;
}

export { ErasureRefusedError };

/** Puts a shared world back to its seeded state between tests (the server keeps the same deps). */
export function resetWorld(world: World): void {
  const fresh = createWorld();
  world.contacts.clear(); for (const [k, v] of fresh.contacts) world.contacts.set(k, v);
  world.settings.clear(); world.ledger.length = 0; world.objections.length = 0; world.judged.length = 0;
  world.erased.length = 0; world.exports.length = 0; world.failures = {}; world.stored.clear();
}

export async function startServer(deps: CrmBackendDeps): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  // Mounted the way createHttpApp mounts other parts' routers: at the root, one line each.
  for (const router of [createCardRouter(deps), createSettingsRouter(deps), createEligibilityActionRouter(deps)]) app.use(router);
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

// Response bodies are asserted field by field in the tests.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Body = any;

export interface SignOptions { secret?: string; timestamp?: number; signedPath?: string; omitSignature?: boolean; rawBody?: string }

// HubSpot stamps each request with the time it sends it: distinct calls get distinct timestamps (a few ms before
// NOW), so two identical actions are two requests, and only a replay repeats a signature and timestamp.
let sent = 0;
export const nextTimestamp = (): number => NOW.getTime() - (++sent % 100_000);

/** A request as hubspot.fetch sends it: v3-signed over the PUBLIC URI, portalId and userId appended. */
export async function hubspotFetch(server: { url: string }, method: string, pathAndQuery: string, body?: unknown, opts: SignOptions = {}): Promise<{ status: number; body: Body }> {
  const raw = opts.rawBody ?? (body === undefined ? '' : JSON.stringify(body));
  const timestamp = opts.timestamp ?? nextTimestamp();
  const signature = signHubSpotV3({ method, uri: PUBLIC_BASE + (opts.signedPath ?? pathAndQuery), rawBody: raw, timestamp, clientSecret: opts.secret ?? SECRET });
  const headers: Record<string, string> = { 'x-hubspot-request-timestamp': String(timestamp), 'content-type': 'application/json' };
  if (!opts.omitSignature) headers['x-hubspot-signature-v3'] = signature;
  const res = await fetch(server.url + pathAndQuery, { method, headers, ...(raw ? { body: raw } : {}) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A workflow action call as HubSpot sends it to an OAuth app: v3-signed, with the v2 signature kept beside it
 *  for backward compatibility. `v3: false` sends the v2 signature alone; `v2: false` the v3 one alone. */
export async function actionCall(server: { url: string }, payload: unknown, opts: { secret?: string; v2?: boolean; v3?: { timestamp?: number; secret?: string } | false } = {}): Promise<{ status: number; headers: Headers; body: Body }> {
  const raw = JSON.stringify(payload);
  const uri = `${PUBLIC_BASE}/actions/eligibility`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.v2 !== false) {
    headers['x-hubspot-signature'] = signHubSpotV2({ method: 'POST', uri, rawBody: raw, clientSecret: opts.secret ?? SECRET });
    headers['x-hubspot-signature-version'] = 'v2';
  }
  if (opts.v3 !== false) {
    const timestamp = opts.v3?.timestamp ?? nextTimestamp();
    headers['x-hubspot-signature-v3'] = signHubSpotV3({ method: 'POST', uri, rawBody: raw, timestamp, clientSecret: opts.v3?.secret ?? SECRET });
    headers['x-hubspot-request-timestamp'] = String(timestamp);
  }
  const res = await fetch(`${server.url}/actions/eligibility`, { method: 'POST', headers, body: raw });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}
