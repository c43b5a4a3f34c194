// What the enforcement modules need from the rest of the app, as narrow ports. The production wiring
// (src/enforcement/wiring.ts) adapts the pipeline's repositories (src/contacts), install's HubSpot clients and
// the queue to these shapes; tests pass in-memory or stand-in backed implementations.
import type { Channel, ConsentRecord, ObjectionChannel, ObjectionRecord } from '../engine/types.ts';

export type { Channel, ObjectionChannel };

/** The pipeline's ContactEvidenceStore, as far as enforcement uses it. */
export interface EvidencePort {
  listConsents(portalId: number, contactId: string): Promise<ConsentRecord[]>;
  /** Stored objections, each with the id of its row (the ledger names an objection by it). */
  listObjections(portalId: number, contactId: string): Promise<(ObjectionRecord & { id: number })[]>;
  addObjection(portalId: number, contactId: string, objection: { channel: ObjectionChannel; at: string; origin: string }): Promise<{ id: number }>;
  forgetContact(portalId: number, contactId: string): Promise<void>;
}

/** The pipeline's SuppressionList (hashes with a per-portal salt; clear values never stored). */
export interface SuppressionPort {
  add(portalId: number, ids: { email?: string | null; phone?: string | null }, channels: ObjectionChannel[], origin?: string): Promise<void>;
  match(portalId: number, ids: { email?: string | null; phone?: string | null }): Promise<ObjectionChannel[]>;
}

/** Asks the pipeline to judge a contact again (after an objection, an erasure, a block...). */
export type RejudgeFn = (portalId: number, contactId: string, reason: string) => Promise<void>;

export interface HubSpotRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
}

export interface HubSpotResponse {
  status: number;
  body: unknown;
}

/** One authenticated call to HubSpot (or the stand-in) for a portal. Never throws on HTTP status. */
export type HubSpotRequester = (portalId: number, request: HubSpotRequest) => Promise<HubSpotResponse>;

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
