// Shared fixtures for the pipeline tests: an in-memory HubSpot behind the PipelineCrm seam (counting calls, with
// optional failures), a silent logger, and a pipeline on a test database.
import { pino } from 'pino';
import type { PipelineCrm, ContactRecord } from '../../src/jobs/hubspot-crm.ts';
import { createPipeline, type Pipeline, type PipelineDeps } from '../../src/jobs/pipeline.ts';
import { createInProcessQueue } from '../../src/queue/in-process-queue.ts';
import { evaluateContact } from '../../src/engine/index.ts';
import { DEFAULT_SETTINGS } from '../../src/engine/types.ts';
import type { Db } from '../../src/storage/db.ts';
import type { WebhookEvent } from '../../src/jobs/webhook-events.ts';

export const silentLog = pino({ level: 'silent' });

export class FakeHubSpot implements PipelineCrm {
  contacts = new Map<string, Record<string, string | null>>();
  calls: { kind: 'batchRead' | 'batchUpdate' | 'search'; size: number }[] = [];
  writes: { id: string; properties: Record<string, string> }[] = [];
  /** Throw this from the next calls of a kind (then cleared). */
  failNext: { kind: 'batchRead' | 'batchUpdate' | 'search'; error: unknown; times: number } | null = null;

  add(id: string, properties: Record<string, string | null>): void {
    this.contacts.set(id, { hs_object_id: id, createdate: '2026-06-01T10:00:00.000Z', ...properties });
  }

  #maybeFail(kind: 'batchRead' | 'batchUpdate' | 'search'): void {
    if (this.failNext && this.failNext.kind === kind && this.failNext.times > 0) {
      this.failNext.times -= 1;
      const e = this.failNext.error;
      if (this.failNext.times === 0) this.failNext = null;
      throw e;
    }
  }

  async batchRead(_portalId: number, ids: string[], properties: string[]): Promise<ContactRecord[]> {
    this.calls.push({ kind: 'batchRead', size: ids.length });
    this.#maybeFail('batchRead');
    return ids.filter((id) => this.contacts.has(id)).map((id) => this.#record(id, properties));
  }

  async batchUpdate(_portalId: number, inputs: { id: string; properties: Record<string, string> }[]) {
    this.calls.push({ kind: 'batchUpdate', size: inputs.length });
    this.#maybeFail('batchUpdate');
    const missing: string[] = [];
    for (const i of inputs) {
      const c = this.contacts.get(i.id);
      if (!c) { missing.push(i.id); continue; }
      Object.assign(c, i.properties);
      this.writes.push(i);
    }
    return { missing };
  }

  async searchAfterId(_portalId: number, afterId: string, properties: string[], limit: number) {
    this.calls.push({ kind: 'search', size: limit });
    this.#maybeFail('search');
    const ids = [...this.contacts.keys()].filter((id) => BigInt(id) > BigInt(afterId)).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    return { total: ids.length, results: ids.slice(0, limit).map((id) => this.#record(id, properties)) };
  }

  #record(id: string, properties: string[]): ContactRecord {
    const c = this.contacts.get(id) ?? {};
    return { id, properties: Object.fromEntries(properties.map((p) => [p, c[p] ?? null])) };
  }

  count(kind?: string): number {
    return this.calls.filter((c) => kind === undefined || c.kind === kind).length;
  }
}

export function buildPipeline(db: Db, crm: PipelineCrm, overrides: Partial<PipelineDeps> = {}): Pipeline {
  return createPipeline({
    db, crm, queue: createInProcessQueue({ log: silentLog }),
    evaluate: evaluateContact,
    settings: async () => DEFAULT_SETTINGS,
    isActive: async () => true,
    appId: 4242,
    log: silentLog,
    coalesceWindowMs: 50,
    sweepIntervalMs: 60_000,
    autoBackfill: false,
    ...overrides,
  });
}

let nextEventId = 1;

export function event(portalId: number, objectId: string, subscriptionType: string, extra: Partial<WebhookEvent> = {}): WebhookEvent {
  return {
    eventId: nextEventId++, subscriptionId: 1, portalId, appId: 4242, occurredAt: Date.now(), subscriptionType,
    attemptNumber: 0, objectId, changeSource: 'CRM_UI', ...extra,
  } as WebhookEvent;
}

export async function waitFor(cond: () => Promise<boolean> | boolean, timeoutMs = 5000, stepMs = 20): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error('condition not met in time');
}

export const B2C_FR = { email: 'camille.martin@gmail.com', country: 'France', firstname: 'Camille' };
export const B2B_FR = { email: 'j.dupont@acme-industrie.fr', country: 'France', company: 'Acme Industrie', jobtitle: 'Directeur achats', pg_is_professional: 'true', pg_offer_related: 'true' };
