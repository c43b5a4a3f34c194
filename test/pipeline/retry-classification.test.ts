// Error classes decide retries: 4xx payload errors are final, 429/5xx/network are retried, 429 honours Retry-After.
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, classifyError, DEFAULT_RETRY, PermanentJobError, retryAfterMs, RetryableJobError } from '../../src/queue/errors.ts';

function apiError(code: number, headers: Record<string, string> = {}, body: unknown = {}) {
  return Object.assign(new Error(`HTTP-Code: ${code}`), { code, headers, body });
}

describe('classifyError', () => {
  it('does not retry a 400 payload error or a 404', () => {
    expect(classifyError(apiError(400))).toMatchObject({ retry: false });
    expect(classifyError(apiError(404))).toMatchObject({ retry: false });
    expect(classifyError(apiError(403))).toMatchObject({ retry: false });
  });

  it('retries 429 with the Retry-After asked, and the policy interval when no header is given', () => {
    expect(classifyError(apiError(429, { 'retry-after': '3' }))).toEqual({ retry: true, retryAfterMs: 3000, reason: 'HTTP 429' });
    expect(classifyError(apiError(429, {}, { policyName: 'SECONDLY' }))).toMatchObject({ retry: true, retryAfterMs: 1000 });
    expect(classifyError(apiError(429, { 'x-hubspot-ratelimit-interval-milliseconds': '10000' }, { policyName: 'TEN_SECONDLY_ROLLING' })))
      .toMatchObject({ retry: true, retryAfterMs: 10000 });
  });

  it('retries 5xx, 408 and network failures', () => {
    for (const code of [500, 502, 503, 504, 408]) expect(classifyError(apiError(code)).retry).toBe(true);
    expect(classifyError(Object.assign(new Error('x'), { code: 'ECONNRESET' })).retry).toBe(true);
    expect(classifyError(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })).retry).toBe(true);
  });

  it('follows the explicit error classes and treats a gone installation and a bad payload as final', () => {
    expect(classifyError(new PermanentJobError('no')).retry).toBe(false);
    expect(classifyError(new RetryableJobError('later', { retryAfterMs: 1234 }))).toMatchObject({ retry: true, retryAfterMs: 1234 });
    expect(classifyError(Object.assign(new Error('gone'), { name: 'InstallationGoneError' })).retry).toBe(false);
    expect(classifyError(Object.assign(new Error('bad'), { name: 'ZodError' })).retry).toBe(false);
  });
});

describe('backoffDelayMs', () => {
  it('grows exponentially with jitter inside [half, full] of the step, capped', () => {
    const policy = { attempts: 10, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelayMs(1, policy, null, () => 0)).toBe(50);
    expect(backoffDelayMs(1, policy, null, () => 1)).toBe(100);
    expect(backoffDelayMs(3, policy, null, () => 0.5)).toBe(300);
    expect(backoffDelayMs(20, policy, null, () => 1)).toBe(1000);
    const spread = new Set(Array.from({ length: 20 }, () => backoffDelayMs(4, DEFAULT_RETRY, null)));
    expect(spread.size).toBeGreaterThan(1);
  });

  it('never waits less than a Retry-After', () => {
    expect(backoffDelayMs(1, DEFAULT_RETRY, 5000, () => 0)).toBe(5000);
    expect(backoffDelayMs(1, DEFAULT_RETRY, 5000, () => 1)).toBeGreaterThan(5000);
  });

  it('reads Retry-After given as an HTTP date', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(retryAfterMs({ 'Retry-After': 'Mon, 23 Nov 2026 10:00:07 GMT' }, undefined, now)).toBe(7000);
  });
});
