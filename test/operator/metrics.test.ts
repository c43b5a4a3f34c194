// /metrics: Prometheus text, guarded on the public port, open on the private metrics listener; the queue
// depth gauge follows the queues of the process; labels never carry a portal id.
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createMetricsRouter, startMetricsServer } from '../../src/metrics/router.ts';
import { recordHubSpotAnswer, recordHubSpotRateLimited, recordHubSpotUnanswered, recordJob, renderMetrics } from '../../src/metrics/metrics.ts';
import { createQueue, defineJob } from '../../src/queue/index.ts';
import { z } from 'zod';

const servers: { close(): void }[] = [];
afterAll(() => { for (const s of servers) s.close(); });

async function serveRouter(options: { token: string | null; production: boolean }): Promise<string> {
  const app = express().use(createMetricsRouter(options));
  const server = app.listen(0);
  servers.push(server);
  await new Promise((r) => server.once('listening', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

function sample(text: string, name: string, labels: Record<string, string>): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('/metrics', () => {
  it('needs the bearer token when one is configured, and is hidden in production without one', async () => {
    const guarded = await serveRouter({ token: 'a-long-metrics-token-123', production: true });
    expect((await fetch(guarded)).status).toBe(404);
    expect((await fetch(guarded, { headers: { authorization: 'Bearer wrong-token-of-some-length' } })).status).toBe(404);
    const ok = await fetch(guarded, { headers: { authorization: 'Bearer a-long-metrics-token-123' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect((await fetch(await serveRouter({ token: null, production: true }))).status).toBe(404);
    expect((await fetch(await serveRouter({ token: null, production: false }))).status).toBe(200);
  });

  it('counts HubSpot answers by the burst their portal advertises, and 429s by policy, never by portal id', async () => {
    const before = await renderMetrics();
    recordHubSpotAnswer(146_000_777, 200, { 'X-HubSpot-RateLimit-Max': '190', 'X-HubSpot-RateLimit-Remaining': '189' });
    recordHubSpotAnswer(146_000_777, 429, new Headers({ 'x-hubspot-ratelimit-max': '190' }));
    recordHubSpotRateLimited(146_000_777, 'TEN_SECONDLY_ROLLING');
    recordHubSpotAnswer(146_000_778, 503, {});
    recordHubSpotUnanswered(146_000_778);
    const after = (await renderMetrics()).body;
    const delta = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before.body, name, labels);
    expect(delta('prospect_guard_hubspot_requests_total', { portal_class: 'burst_190', status: '2xx' })).toBe(1);
    expect(delta('prospect_guard_hubspot_requests_total', { portal_class: 'burst_190', status: '429' })).toBe(1);
    expect(delta('prospect_guard_hubspot_rate_limited_total', { portal_class: 'burst_190', policy: 'TEN_SECONDLY_ROLLING' })).toBe(1);
    expect(delta('prospect_guard_hubspot_requests_total', { portal_class: 'unknown', status: '5xx' })).toBe(1);
    expect(delta('prospect_guard_hubspot_requests_total', { portal_class: 'unknown', status: 'network' })).toBe(1);
    expect(after).not.toMatch(/14600077[78]/);
  });

  it('follows the depth of the open queues and the outcome of jobs', async () => {
    const queue = createQueue({ log: pino({ level: 'silent' }) });
    const job = defineJob({ name: 'metrics-probe', version: 1, schema: z.object({ n: z.number() }), handler: async () => undefined });
    queue.register(job);
    await queue.enqueue(job, { n: 1 });
    await queue.enqueue(job, { n: 2 });
    expect(sample((await renderMetrics()).body, 'prospect_guard_queue_pending_jobs', {})).toBeGreaterThanOrEqual(2);
    const completedBefore = sample((await renderMetrics()).body, 'prospect_guard_jobs_total', { job: 'metrics-probe', outcome: 'completed' });
    await queue.start();
    await new Promise((r) => setTimeout(r, 100));
    expect(sample((await renderMetrics()).body, 'prospect_guard_jobs_total', { job: 'metrics-probe', outcome: 'completed' }) - completedBefore).toBe(2);
    recordJob('metrics-probe', 'failed');
    expect(sample((await renderMetrics()).body, 'prospect_guard_jobs_total', { job: 'metrics-probe', outcome: 'failed' })).toBeGreaterThanOrEqual(1);
    await queue.close();
  });

  it('is served, and only it and /healthz, on the private metrics listener', async () => {
    const listener = await startMetricsServer(0, '127.0.0.1');
    try {
      expect((await fetch(`${listener.url}/metrics`)).status).toBe(200);
      expect(await (await fetch(`${listener.url}/healthz`)).json()).toEqual({ status: 'ok' });
      expect((await fetch(`${listener.url}/oauth/install`)).status).toBe(404);
    } finally { await listener.close(); }
  });
});
