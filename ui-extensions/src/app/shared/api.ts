// Typed calls to the Prospect Guard backend. Every call resolves to `{ok: true, data}` or `{ok: false, error}`;
// nothing throws, so components render an error state instead of crashing.
import { hubspotFetch, type Method } from './http.ts';
import type {
  ApiError, CardResponse, Channel, ConsentMethod, ContactExport, CrmSettings, DashboardEvidence, DashboardHome, DashboardRequests,
  LedgerVerificationRecord, ObjectionChannel, RequestFilter, SettingsResponse,
} from './types.ts';

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiError };

async function call<T>(method: Method, path: string, body?: Record<string, unknown>): Promise<ApiResult<T>> {
  try {
    const res = await hubspotFetch(path, { method, ...(body ? { body } : {}) });
    if (res.status >= 200 && res.status < 300) return { ok: true, data: res.body as T };
    const err = (res.body as { error?: Partial<ApiError> } | null)?.error;
    return {
      ok: false,
      error: {
        status: res.status,
        code: typeof err?.code === 'string' ? err.code : 'http_error',
        message: typeof err?.message === 'string' ? err.message : `HTTP ${res.status}`,
        ...(typeof err?.messageFr === 'string' ? { messageFr: err.messageFr } : {}),
        ...(typeof err?.citation === 'string' ? { citation: err.citation } : {}),
        ...(err?.fields && typeof err.fields === 'object' ? { fields: err.fields } : {}),
      },
    };
  } catch (e) {
    return { ok: false, error: { status: 0, code: 'network', message: e instanceof Error ? e.message : 'network error' } };
  }
}

const contactPath = (portalId: number, contactId: string | number) =>
  `/api/portals/${encodeURIComponent(String(portalId))}/contacts/${encodeURIComponent(String(contactId))}`;

export const api = {
  getCard: (portalId: number, contactId: string | number) => call<CardResponse>('GET', `${contactPath(portalId, contactId)}/card`),
  recordConsent: (portalId: number, contactId: string | number, input: { channel: Channel; method: ConsentMethod; givenAt: string; proofRef: string }) =>
    call<CardResponse>('POST', `${contactPath(portalId, contactId)}/consents`, input),
  recordObjection: (portalId: number, contactId: string | number, input: { channel: ObjectionChannel }) =>
    call<CardResponse>('POST', `${contactPath(portalId, contactId)}/objections`, input),
  rejudge: (portalId: number, contactId: string | number) => call<CardResponse>('POST', `${contactPath(portalId, contactId)}/rejudge`, {}),
  exportContact: (portalId: number, contactId: string | number) => call<ContactExport>('POST', `${contactPath(portalId, contactId)}/export`, {}),
  erase: (portalId: number, contactId: string | number) =>
    call<{ erased: true; contactId: string }>('POST', `${contactPath(portalId, contactId)}/erase`, { confirmContactId: String(contactId) }),
  getSettings: (portalId: number) => call<SettingsResponse>('GET', `/api/portals/${encodeURIComponent(String(portalId))}/settings`),
  saveSettings: (portalId: number, settings: CrmSettings) =>
    call<SettingsResponse>('PUT', `/api/portals/${encodeURIComponent(String(portalId))}/settings`, settings as unknown as Record<string, unknown>),
  getDashboard: (portalId: number) => call<DashboardHome>('GET', dashboardPath(portalId)),
  getRequests: (portalId: number, filter: RequestFilter) => call<DashboardRequests>('GET', `${dashboardPath(portalId)}/requests${requestQuery(filter)}`),
  getEvidence: (portalId: number) => call<DashboardEvidence>('GET', `${dashboardPath(portalId)}/evidence`),
  verifyLedger: (portalId: number) => call<{ verification: LedgerVerificationRecord }>('POST', `${dashboardPath(portalId)}/evidence/verify`, {}),
};

function dashboardPath(portalId: number): string {
  return `/api/portals/${encodeURIComponent(String(portalId))}/dashboard`;
}
function requestQuery(filter: RequestFilter): string {
  const parts = [
    filter.kind ? `kind=${encodeURIComponent(filter.kind)}` : null,
    filter.status ? `status=${encodeURIComponent(filter.status)}` : null,
    filter.lateOnly ? 'late=1' : null,
  ].filter((p): p is string => p !== null);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}
