// The only module that calls hubspot.fetch (enforced by npm run hubspot:check). Tests replace this module.
// hubspot.fetch signs every request (v3) and appends portalId/userId; the backend trusts nothing else.
import { hubspot } from '@hubspot/ui-extensions';
import { BACKEND_BASE_URL } from './app-config.generated.ts';

export type Method = 'GET' | 'POST' | 'PUT';
export interface HttpResult { status: number; body: unknown }

export async function hubspotFetch(path: string, options: { method: Method; body?: Record<string, unknown>; timeout?: number }): Promise<HttpResult> {
  const response = await hubspot.fetch(`${BACKEND_BASE_URL}${path}`, {
    method: options.method,
    timeout: options.timeout ?? 10_000,
    ...(options.body ? { body: options.body } : {}),
  });
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  return { status: response.status, body };
}
