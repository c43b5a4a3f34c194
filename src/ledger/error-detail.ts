// What the ledger may say about a failure: the error's class, HTTP status, HubSpot category and system code. Never
// the message: an HTTP client's message carries the request URL, and a URL can carry an email address
// (percent-encoded in a path such as /communication-preferences/v4/statuses/{email}/...).
const CODE = /^[A-Za-z0-9_.:-]{1,64}$/;

/** A code-and-status description of `err`, safe to store as evidence, e.g. "HubSpotApiError status=500 category=RATE_LIMITS". */
export function ledgerErrorDetail(err: unknown): string {
  if (!(err instanceof Error)) return 'error';
  const parts = [CODE.test(err.name) ? err.name : 'Error'];
  const e = err as Error & { status?: unknown; statusCode?: unknown; category?: unknown; code?: unknown };
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : null;
  if (status !== null && Number.isInteger(status)) parts.push(`status=${status}`);
  if (typeof e.category === 'string' && CODE.test(e.category)) parts.push(`category=${e.category}`);
  if (typeof e.code === 'string' && CODE.test(e.code)) parts.push(`code=${e.code}`);
  return parts.join(' ');
}
