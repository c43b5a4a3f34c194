// HubSpot's OAuth token endpoint, 2026-03 version: form-encoded, every parameter in the body. Called with fetch
// directly because @hubspot/api-client still targets /oauth/v1. Errors follow RFC 6749 (`error`, `error_description`).
import { z } from 'zod';

export const TOKEN_PATH = '/oauth/2026-03/token';
export const INTROSPECT_PATH = '/oauth/2026-03/token/introspect';

export interface OAuthEndpointOptions {
  apiBaseUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface TokenResponse {
  accessToken: string;
  refreshToken: string | null;
  expiresInSeconds: number;
  hubId: number | null;
  scopes: string[] | null;
}

export type TokenGrant =
  | { grantType: 'authorization_code'; code: string; redirectUri: string }
  | { grantType: 'refresh_token'; refreshToken: string };

/** A failed call to the token endpoint. `error` is the RFC 6749 code, or network_error / invalid_response. */
export class OAuthTokenError extends Error {
  readonly httpStatus: number | null;
  readonly error: string;
  readonly description: string;

  constructor(httpStatus: number | null, error: string, description: string) {
    super(`HubSpot token endpoint: ${error}${httpStatus ? ` (HTTP ${httpStatus})` : ''}: ${description}`);
    this.name = 'OAuthTokenError';
    this.httpStatus = httpStatus;
    this.error = error;
    this.description = description;
  }

  /** Worth trying again later: the network or HubSpot failed, not our request. */
  get retryable(): boolean {
    return this.httpStatus === null || this.httpStatus === 429 || this.httpStatus >= 500;
  }
}

// HubSpot answers in snake_case; older docs show camelCase. Accept both.
const TokenBody = z.object({
  access_token: z.string().min(1).optional(),
  accessToken: z.string().min(1).optional(),
  refresh_token: z.string().min(1).optional(),
  refreshToken: z.string().min(1).optional(),
  expires_in: z.number().int().positive().optional(),
  expiresIn: z.number().int().positive().optional(),
  hub_id: z.union([z.number(), z.string().regex(/^\d+$/)]).optional(),
  hubId: z.union([z.number(), z.string().regex(/^\d+$/)]).optional(),
  scopes: z.array(z.string()).optional(),
  scope: z.string().optional(),
});

const ErrorBody = z.object({
  error: z.string().optional(),
  error_description: z.string().optional(),
  message: z.string().optional(),
  status: z.string().optional(),
});

async function postForm(options: OAuthEndpointOptions, path: string, form: Record<string, string>): Promise<unknown> {
  const doFetch = options.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(`${options.apiBaseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
  } catch (err) {
    throw new OAuthTokenError(null, 'network_error', (err as Error).message);
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    const e = ErrorBody.safeParse(body);
    const error = e.success ? (e.data.error ?? e.data.status?.toLowerCase() ?? `http_${res.status}`) : `http_${res.status}`;
    const description = e.success ? (e.data.error_description ?? e.data.message ?? res.statusText) : res.statusText;
    throw new OAuthTokenError(res.status, error, description.slice(0, 300));
  }
  if (body === null) throw new OAuthTokenError(res.status, 'invalid_response', 'the token endpoint did not answer JSON');
  return body;
}

export async function requestToken(options: OAuthEndpointOptions, grant: TokenGrant): Promise<TokenResponse> {
  const form: Record<string, string> = grant.grantType === 'authorization_code'
    ? { grant_type: 'authorization_code', code: grant.code, redirect_uri: grant.redirectUri }
    : { grant_type: 'refresh_token', refresh_token: grant.refreshToken };
  form.client_id = options.clientId;
  form.client_secret = options.clientSecret;
  const parsed = TokenBody.safeParse(await postForm(options, TOKEN_PATH, form));
  const d = parsed.success ? parsed.data : null;
  const accessToken = d?.access_token ?? d?.accessToken;
  const expiresIn = d?.expires_in ?? d?.expiresIn;
  if (!d || !accessToken || !expiresIn) {
    throw new OAuthTokenError(200, 'invalid_response', 'token response lacks access_token or expires_in');
  }
  const hubId = d.hub_id ?? d.hubId;
  return {
    accessToken,
    refreshToken: d.refresh_token ?? d.refreshToken ?? null,
    expiresInSeconds: expiresIn,
    hubId: hubId === undefined ? null : Number(hubId),
    scopes: d.scopes ?? (d.scope ? d.scope.split(/\s+/).filter(Boolean) : null),
  };
}

const IntrospectBody = z.object({
  hub_id: z.union([z.number(), z.string().regex(/^\d+$/)]).optional(),
  hub_domain: z.string().optional(),
  scopes: z.array(z.string()).optional(),
});

/** Metadata of an access token (hub id and domain, scopes). */
export async function introspectAccessToken(options: OAuthEndpointOptions, accessToken: string):
  Promise<{ hubId: number | null; hubDomain: string | null; scopes: string[] | null }> {
  const body = await postForm(options, INTROSPECT_PATH, {
    token: accessToken, token_type_hint: 'access_token', client_id: options.clientId, client_secret: options.clientSecret,
  });
  const d = IntrospectBody.safeParse(body);
  if (!d.success) throw new OAuthTokenError(200, 'invalid_response', 'introspection response not understood');
  return {
    hubId: d.data.hub_id === undefined ? null : Number(d.data.hub_id),
    hubDomain: d.data.hub_domain ?? null,
    scopes: d.data.scopes ?? null,
  };
}
