// The HubSpot calls enforcement makes, over a `HubSpotRequester`. Paths and payloads were checked against
// HubSpot's reference (see docs/ENFORCEMENT.md, "HubSpot facts verified"). 429s are read by their policyName and
// 5xx retried with backoff; other errors surface as HubSpotApiError with the status and HubSpot's category.
import type { HubSpotRequest, HubSpotRequester, HubSpotResponse } from './ports.ts';
import { parseRateLimitHeaders, rateLimitWaitMs, type PortalRateLimiter } from '../ratelimit/portal-rate-limiter.ts';
import { recordHubSpotAnswer, recordHubSpotRateLimited, recordHubSpotUnanswered } from '../metrics/metrics.ts';

export class HubSpotApiError extends Error {
  override name = 'HubSpotApiError';
  readonly status: number;
  readonly category: string | null;
  constructor(message: string, status: number, category: string | null) {
    super(message);
    this.status = status;
    this.category = category;
  }
}

function categoryOf(body: unknown): string | null {
  if (body && typeof body === 'object' && 'category' in body) return String((body as { category: unknown }).category);
  return null;
}

export async function call(requester: HubSpotRequester, portalId: number, request: HubSpotRequest, ok: number[] = [200, 201, 204]): Promise<HubSpotResponse> {
  const res = await requester(portalId, request);
  if (!ok.includes(res.status)) {
    const message = res.body && typeof res.body === 'object' && 'message' in res.body ? String((res.body as { message: unknown }).message) : '';
    throw new HubSpotApiError(`${request.method} ${request.path} -> ${res.status}${message ? `: ${message}` : ''}`, res.status, categoryOf(res.body));
  }
  return res;
}

/** A requester over fetch: base URL + a per-portal access token source. Retries 429/5xx up to `retries` times. */
export function createFetchRequester(options: {
  baseUrl: string;
  accessToken: (portalId: number) => Promise<string>;
  retries?: number;
  fetchImpl?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** A call unanswered after this long is abandoned and retried like a 5xx (default 10 s). */
  timeoutMs?: number;
  /**
   * The app's shared per-portal limiter (the pipeline's): every call waits for its turn in HubSpot's windows
   * together with the pipeline's calls, every answer's rate-limit headers adapt it, and a 429 holds the portal
   * for all as its policyName says.
   */
  limiter?: Pick<PortalRateLimiter, 'acquire' | 'pause' | 'observe'> | null;
}): HubSpotRequester {
  const doFetch = options.fetchImpl ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const retries = options.retries ?? 4;
  return async (portalId, request) => {
    const url = new URL(options.baseUrl.replace(/\/+$/, '') + request.path);
    for (const [k, v] of Object.entries(request.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const kind = request.path.endsWith('/search') ? 'search' : 'api';
    for (let attempt = 0; ; attempt += 1) {
      const release = await options.limiter?.acquire(portalId, kind);
      let res: Response;
      try {
        const token = await options.accessToken(portalId);
        res = await doFetch(url, {
          method: request.method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          body: request.body !== undefined ? JSON.stringify(request.body) : undefined,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        await release?.();
        recordHubSpotUnanswered(portalId);
        // Without a deadline a request HubSpot never answers would hold the caller (a person's page) for minutes.
        if ((err as Error).name === 'TimeoutError' && attempt < retries) continue;
        throw err;
      }
      // Released once HubSpot has answered: an unreleased slot stays counted for ever and, once the window is
      // full of them, every call of the portal (pipeline and card included) would wait for ever.
      await release?.();
      recordHubSpotAnswer(portalId, res.status, res.headers);
      const seen = parseRateLimitHeaders(res.headers);
      if (options.limiter && Object.keys(seen).length > 0) await options.limiter.observe(portalId, kind, seen).catch(() => undefined);
      const text = await res.text();
      let body: unknown = null;
      if (text) {
        try { body = JSON.parse(text); } catch { body = text; }
      }
      if (res.status === 429 && attempt < retries) {
        const { policy, pauseMs } = rateLimitWaitMs(body, res.headers);
        recordHubSpotRateLimited(portalId, policy);
        // The daily cap will not lift within a person's request: answer the 429 to the caller.
        if (policy === 'DAILY') return { status: res.status, body };
        if (options.limiter) { if (pauseMs > 0) await options.limiter.pause(portalId, kind, pauseMs); } else await sleep(Math.min(pauseMs || 1000, 10_000));
        continue;
      }
      if (res.status >= 500 && attempt < retries) {
        await sleep(Math.min(200 * 2 ** attempt, 10_000));
        continue;
      }
      return { status: res.status, body };
    }
  };
}

export interface ContactRecord {
  id: string;
  properties: Record<string, string | null>;
}

export function createHubSpotApi(requester: HubSpotRequester) {
  return {
    requester,

    async getContact(portalId: number, contactId: string, properties: string[]): Promise<ContactRecord | null> {
      const res = await requester(portalId, { method: 'GET', path: `/crm/v3/objects/contacts/${encodeURIComponent(contactId)}`, query: { properties: properties.join(',') } });
      if (res.status === 404) return null;
      if (res.status !== 200) throw new HubSpotApiError(`GET contact -> ${res.status}`, res.status, categoryOf(res.body));
      return res.body as ContactRecord;
    },

    async updateContact(portalId: number, contactId: string, properties: Record<string, string>): Promise<void> {
      await call(requester, portalId, { method: 'PATCH', path: `/crm/v3/objects/contacts/${encodeURIComponent(contactId)}`, body: { properties } });
    },

    async searchContacts(portalId: number, body: { filterGroups: unknown[]; properties: string[]; sorts?: unknown[]; limit: number; after?: string }): Promise<{ results: ContactRecord[]; after: string | null; total: number }> {
      // PublicObjectSearchRequest marks every field required: send them all (after '0' is the first page).
      const res = await call(requester, portalId, { method: 'POST', path: '/crm/v3/objects/contacts/search', body: { ...body, after: body.after ?? '0', sorts: body.sorts ?? [] } });
      const b = res.body as { results?: ContactRecord[]; total?: number; paging?: { next?: { after?: string } } };
      return { results: b.results ?? [], after: b.paging?.next?.after ?? null, total: b.total ?? 0 };
    },

    /** Permanent GDPR deletion (HubSpot also blocklists the address). 404 counts as already gone. */
    async gdprDelete(portalId: number, contactId: string): Promise<'deleted' | 'already_gone'> {
      const res = await requester(portalId, { method: 'POST', path: '/crm/v3/objects/contacts/gdpr-delete', body: { objectId: contactId } });
      if (res.status === 204 || res.status === 200) return 'deleted';
      if (res.status === 404) return 'already_gone';
      throw new HubSpotApiError(`gdpr-delete -> ${res.status}`, res.status, categoryOf(res.body));
    },

    /** Restorable for 90 days: the "archive" retention action. */
    async archiveContact(portalId: number, contactId: string): Promise<'archived' | 'already_gone'> {
      const res = await requester(portalId, { method: 'DELETE', path: `/crm/v3/objects/contacts/${encodeURIComponent(contactId)}` });
      if (res.status === 204 || res.status === 200) return 'archived';
      if (res.status === 404) return 'already_gone';
      throw new HubSpotApiError(`archive contact -> ${res.status}`, res.status, categoryOf(res.body));
    },

    async subscriptionDefinitions(portalId: number): Promise<{ id: string; name: string; purpose?: string; communicationMethod?: string; isInternal?: boolean; isActive?: boolean }[]> {
      const res = await call(requester, portalId, { method: 'GET', path: '/communication-preferences/v3/definitions' });
      return ((res.body as { subscriptionDefinitions?: unknown[] }).subscriptionDefinitions ?? []) as { id: string; name: string }[];
    },

    /** v3: one subscription type. HubSpot answers 400 when already unsubscribed; that counts as done. */
    async unsubscribe(portalId: number, input: { emailAddress: string; subscriptionId: string; legalBasis: string; legalBasisExplanation: string }): Promise<'unsubscribed' | 'already'> {
      const res = await requester(portalId, { method: 'POST', path: '/communication-preferences/v3/unsubscribe', body: input });
      if (res.status === 200) return 'unsubscribed';
      if (res.status === 400 && /already/i.test(JSON.stringify(res.body))) return 'already';
      throw new HubSpotApiError(`unsubscribe -> ${res.status}`, res.status, categoryOf(res.body));
    },

    /** v4: every email subscription of the address (the strongest email opt-out). */
    async unsubscribeAll(portalId: number, email: string): Promise<void> {
      await call(requester, portalId, { method: 'POST', path: `/communication-preferences/v4/statuses/${encodeURIComponent(email)}/unsubscribe-all`, query: { channel: 'EMAIL' } });
    },

    async createTask(portalId: number, input: { contactId: string; ownerId?: string | null; subject: string; body: string; dueAt: Date; priority?: 'LOW' | 'MEDIUM' | 'HIGH' }): Promise<string> {
      const properties: Record<string, string> = {
        hs_timestamp: input.dueAt.toISOString(),
        hs_task_subject: input.subject,
        hs_task_body: input.body,
        hs_task_status: 'NOT_STARTED',
        hs_task_priority: input.priority ?? 'HIGH',
        hs_task_type: 'TODO',
      };
      if (input.ownerId) properties.hubspot_owner_id = input.ownerId;
      const res = await call(requester, portalId, {
        method: 'POST', path: '/crm/v3/objects/tasks',
        body: {
          properties,
          // 204 = HubSpot-defined association type "task to contact".
          associations: [{ to: { id: input.contactId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 204 }] }],
        },
      });
      return String((res.body as { id: unknown }).id);
    },

    async sequenceEnrollments(portalId: number, contactId: string): Promise<{ id: string; sequenceId: string; enrolledAt: string | null; status: string | null }[] | null> {
      const res = await requester(portalId, { method: 'GET', path: `/automation/v4/sequences/enrollments/contact/${encodeURIComponent(contactId)}` });
      if (res.status === 404) return [];
      if (res.status === 403) return null; // no Sales/Service Pro seat or scope: lever unavailable
      if (res.status !== 200) throw new HubSpotApiError(`sequence enrollments -> ${res.status}`, res.status, categoryOf(res.body));
      const body = res.body as Record<string, unknown>;
      const list = Array.isArray(body.results) ? body.results : Array.isArray(body) ? body : body.id ? [body] : [];
      return (list as Record<string, unknown>[]).map((e) => ({
        id: String(e.id ?? ''),
        sequenceId: String(e.sequenceId ?? ''),
        enrolledAt: e.enrolledAt == null ? null : String(e.enrolledAt),
        status: e.enrollmentState == null ? (e.status == null ? null : String(e.status)) : String(e.enrollmentState),
      }));
    },

    async actionTypes(portalId: number): Promise<{ actionTypeId: string; actionName: string }[] | null> {
      // HubSpot documents "Retrieve action types" only in the date-versioned beta API (2026-09-beta); the stable
      // Automation v4 spec has no such route, so none is tried. 403 (no automation scope) or 404: not offered.
      const res = await requester(portalId, { method: 'GET', path: '/automation/2026-09-beta/action-types', query: { objectTypeId: '0-1' } });
      if (res.status === 403 || res.status === 404) return null;
      if (res.status !== 200) throw new HubSpotApiError(`action types -> ${res.status}`, res.status, categoryOf(res.body));
      return ((res.body as { results?: unknown[] }).results ?? []) as { actionTypeId: string; actionName: string }[];
    },

    async createFlow(portalId: number, flow: Record<string, unknown>): Promise<{ id: string } | null> {
      const res = await requester(portalId, { method: 'POST', path: '/automation/v4/flows', body: flow });
      if (res.status === 403 || res.status === 404) return null;
      if (res.status !== 200 && res.status !== 201) throw new HubSpotApiError(`create flow -> ${res.status}`, res.status, categoryOf(res.body));
      return { id: String((res.body as { id: unknown }).id) };
    },

    async getFlow(portalId: number, flowId: string): Promise<Record<string, unknown> | null> {
      const res = await requester(portalId, { method: 'GET', path: `/automation/v4/flows/${encodeURIComponent(flowId)}` });
      if (res.status !== 200) return null;
      return res.body as Record<string, unknown>;
    },
  };
}

export type HubSpotApi = ReturnType<typeof createHubSpotApi>;
