// The pipeline's view of HubSpot: batch read, batch update, search. Every call waits for the portal's shared
// rate limiter first (which learns HubSpot's advertised window from every answer, see wire-pipeline.ts); a 429
// is read by its policyName: the 10-second and search windows are waited out here a few times (the rest of the
// batch's work is not redone), the daily cap pauses the portal and goes back to the job's retry policy.
// Other failures are thrown for the job's retry policy to classify.
import type { Client } from '@hubspot/api-client';
import type { Logger } from 'pino';
import { RetryableJobError, classifyError, httpStatusOf } from '../queue/errors.ts';
import { rateLimitWaitMs, type CallKind, type PortalRateLimiter } from '../ratelimit/portal-rate-limiter.ts';
import { recordHubSpotRateLimited, recordHubSpotUnanswered } from '../metrics/metrics.ts';

export interface ContactRecord {
  id: string;
  properties: Record<string, string | null>;
}

export interface SearchPage {
  total: number;
  results: ContactRecord[];
}

export interface PipelineCrm {
  /** Contacts that exist among `ids` (≤ 100), with the properties asked. Missing ones are simply absent. */
  batchRead(portalId: number, ids: string[], properties: string[], signal?: AbortSignal): Promise<ContactRecord[]>;
  /** Writes ≤ 100 contacts; returns ids HubSpot reported as not found. */
  batchUpdate(portalId: number, inputs: { id: string; properties: Record<string, string> }[], signal?: AbortSignal): Promise<{ missing: string[] }>;
  /** Contacts with hs_object_id > afterId, ascending, up to `limit` (≤ 200). */
  searchAfterId(portalId: number, afterId: string, properties: string[], limit: number, signal?: AbortSignal): Promise<SearchPage>;
  /** One search page: filters ANDed, one sort, `after` an offset (HubSpot answers 400 from 10,000 on). */
  searchContacts?(portalId: number, request: ContactSearch, signal?: AbortSignal): Promise<SearchPage>;
}

export interface SearchFilter {
  propertyName: string;
  operator: 'EQ' | 'GT' | 'GTE' | 'LT' | 'LTE';
  value: string;
}

export interface ContactSearch {
  filters: SearchFilter[];
  sort: { propertyName: string; direction: 'ASCENDING' | 'DESCENDING' };
  properties: string[];
  limit: number;
  after?: number;
}

export interface CallCounter {
  calls: number;
  byKind: Record<string, number>;
  rateLimited: number;
}

export function newCallCounter(): CallCounter {
  return { calls: 0, byKind: {}, rateLimited: 0 };
}

function toRecord(o: { id: string; properties: Record<string, string | null> }): ContactRecord {
  return { id: String(o.id), properties: { ...o.properties } };
}

/** A call HubSpot never answered: retried like a network failure (undici would otherwise wait 5 minutes). */
export class HubSpotCallTimeoutError extends Error {
  override readonly name = 'HubSpotCallTimeoutError';
  readonly code = 'ETIMEDOUT';
}

function withDeadline<T>(p: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HubSpotCallTimeoutError(`HubSpot ${label} got no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export function createHubSpotCrm(options: {
  clients: { forPortal(portalId: number): Promise<Client>; refresh?(portalId: number, options?: { force?: boolean }): Promise<string> };
  limiter: PortalRateLimiter;
  log: Logger;
  counter?: CallCounter;
  /** Local retries of a 429 before giving the error to the job (default 4). */
  max429Retries?: number;
  /** A call unanswered after this long fails as retryable (default 20 s). */
  callTimeoutMs?: number;
}): PipelineCrm {
  const counter = options.counter ?? newCallCounter();

  async function call<T>(portalId: number, kind: CallKind, label: string, fn: (c: Client) => Promise<T>, signal?: AbortSignal): Promise<T> {
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      // The client (a token read, maybe a refresh) comes first: the slot is taken right before the request
      // leaves, so our clock and HubSpot's see the same spacing.
      const client = await options.clients.forPortal(portalId);
      const release = await options.limiter.acquire(portalId, kind, signal);
      counter.calls += 1;
      counter.byKind[label] = (counter.byKind[label] ?? 0) + 1;
      try {
        const result = await withDeadline(fn(client), options.callTimeoutMs ?? 20_000, label);
        await release();
        return result;
      } catch (err) {
        await release();
        // Answers are counted by the SDK client's response hook (src/hubspot/client-factory.ts); this is the rest.
        if (httpStatusOf(err) === null) recordHubSpotUnanswered(portalId);
        // An access token HubSpot no longer accepts although it has not reached its expiry: refresh once, retry.
        if (httpStatusOf(err) === 401 && !refreshed && options.clients.refresh) {
          refreshed = true;
          options.log.warn({ portalId, call: label }, 'HubSpot refused the access token, refreshing it');
          await options.clients.refresh(portalId, { force: true });
          continue;
        }
        if (httpStatusOf(err) === 429) {
          counter.rateLimited += 1;
          const e = err as { headers?: unknown; body?: unknown };
          const { policy, pauseMs } = rateLimitWaitMs(e.body, e.headers);
          recordHubSpotRateLimited(portalId, policy);
          if (pauseMs > 0) await options.limiter.pause(portalId, kind, pauseMs);
          options.log.warn({ portalId, call: label, policy, pauseMs }, 'HubSpot rate limit hit');
          if (policy === 'DAILY' || attempt >= (options.max429Retries ?? 4)) {
            throw new RetryableJobError(`HubSpot ${policy} rate limit`, { retryAfterMs: pauseMs || 10_000, cause: err });
          }
          continue;
        }
        const cls = classifyError(err);
        options.log.warn({ portalId, call: label, status: httpStatusOf(err), retry: cls.retry }, 'HubSpot call failed');
        throw err;
      }
    }
  }

  return {
    async batchRead(portalId, ids, properties, signal) {
      if (ids.length === 0) return [];
      if (ids.length > 100) throw new Error('batch read takes at most 100 ids');
      const res = await call(portalId, 'api', 'batchRead', (c) =>
        c.crm.contacts.batchApi.read({ inputs: ids.map((id) => ({ id })), properties, propertiesWithHistory: [] }, false), signal);
      return res.results.map(toRecord);
    },
    async batchUpdate(portalId, inputs, signal) {
      if (inputs.length === 0) return { missing: [] };
      if (inputs.length > 100) throw new Error('batch update takes at most 100 contacts');
      const res = await call(portalId, 'api', 'batchUpdate', (c) => c.crm.contacts.batchApi.update({ inputs }), signal);
      const errors = (res as { errors?: { context?: Record<string, string[]> }[] }).errors ?? [];
      const missing = errors.flatMap((e) => e.context?.ids ?? []);
      return { missing };
    },
    async searchAfterId(portalId, afterId, properties, limit, signal) {
      const res = await call(portalId, 'search', 'search', (c) => c.crm.contacts.searchApi.doSearch({
        filterGroups: [{ filters: [{ propertyName: 'hs_object_id', operator: 'GT', value: afterId }] }],
        // The SDK types sorts as strings; HubSpot takes {propertyName, direction} objects.
        sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }] as unknown as string[],
        properties,
        limit,
        // Paged by the hs_object_id filter, so always the first page; HubSpot's spec marks `after` required.
        after: '0',
      } as Parameters<Client['crm']['contacts']['searchApi']['doSearch']>[0]), signal);
      return { total: res.total, results: res.results.map(toRecord) };
    },
    async searchContacts(portalId, request, signal) {
      const res = await call(portalId, 'search', 'search', (c) => c.crm.contacts.searchApi.doSearch({
        filterGroups: [{ filters: request.filters }],
        sorts: [request.sort] as unknown as string[],
        properties: request.properties,
        limit: request.limit,
        // HubSpot's spec marks `after` required; a first page is '0' (as in searchAfterId).
        after: request.after ? String(request.after) : '0',
      } as Parameters<Client['crm']['contacts']['searchApi']['doSearch']>[0]), signal);
      return { total: res.total, results: res.results.map(toRecord) };
    },
  };
}
