// GET the card: re-evaluates the contact from its current HubSpot state (plus our evidence) with the engine, so
// the card never shows a stale verdict, and falls back to "not judged" when HubSpot does not know the contact.
import { toPortalSettings } from '../settings/settings-schema.ts';
import type { ContactFacts, PortalSettings, Verdict } from '../engine/types.ts';
import { log } from '../log.ts';
import { buildCardView, type CardResponse } from './card-view.ts';
import type { CrmBackendDeps } from './ports.ts';
import { leversFor, type LeverAvailability } from '../enforcement/levers.ts';

/** The levers of the portal, when the installation's granted scopes are known. */
export async function portalLevers(deps: CrmBackendDeps, portalId: number): Promise<LeverAvailability[] | undefined> {
  const scopes = await deps.installations.grantedScopes?.(portalId).catch(() => null);
  return scopes && scopes.length > 0 ? leversFor(scopes) : undefined;
}

export interface Judged { facts: ContactFacts; verdict: Verdict; settings: PortalSettings }

export async function judgeContactNow(deps: CrmBackendDeps, portalId: number, contactId: string): Promise<Judged | null> {
  const [facts, saved] = await Promise.all([deps.contacts.readFacts(portalId, contactId), deps.settings.get(portalId)]);
  if (!facts) return null;
  const settings = toPortalSettings(saved.settings);
  const verdict = deps.evaluate(facts, { at: deps.now?.() ?? new Date(), settings });
  return { facts, verdict, settings };
}

export async function getCard(deps: CrmBackendDeps, portalId: number, contactId: string): Promise<CardResponse> {
  const [card, levers] = await Promise.all([cardOf(deps, portalId, contactId), portalLevers(deps, portalId)]);
  return levers ? { ...card, levers } : card;
}

async function cardOf(deps: CrmBackendDeps, portalId: number, contactId: string): Promise<CardResponse> {
  let judged: Judged | null;
  try {
    judged = await judgeContactNow(deps, portalId, contactId);
  } catch (error) {
    // HubSpot unreachable or rate-limited: show the last verdict the pipeline stored, marked as such.
    const stored = await deps.stored?.get(portalId, contactId).catch(() => null);
    if (!stored) throw error;
    log.warn({ portalId, contactId, err: (error as Error).message }, 'card served from the stored verdict');
    return buildCardView({ id: contactId, consents: stored.consents, objections: stored.objections }, stored.verdict, 'stored');
  }
  if (!judged) return { contactId, judged: false };
  return buildCardView(judged.facts, judged.verdict);
}

/** HubSpot record ids are positive integers; anything else never reaches a store. */
export function isContactId(value: string): boolean {
  return /^\d{1,20}$/.test(value);
}

export const notFound = { status: 404 as const, body: { error: { code: 'contact_not_found', message: 'HubSpot does not know this contact' } } };
