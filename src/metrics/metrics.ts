// Operational metrics in Prometheus' text format (prom-client). One registry per process: every part records
// into the functions below and `/metrics` (src/metrics/router.ts) renders it. Labels are operational classes
// only (job name, outcome, portal class, status class): never a portal id, contact id, email or phone, so a
// scrape can leave the building without carrying account data.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
registry.setDefaultLabels({ app: 'prospect-guard' });
collectDefaultMetrics({ register: registry, prefix: 'prospect_guard_' });

const jobs = new Counter({
  name: 'prospect_guard_jobs_total', help: 'Jobs run, by job name and outcome (completed, retried, failed).',
  labelNames: ['job', 'outcome'] as const, registers: [registry],
});

const hubspotCalls = new Counter({
  name: 'prospect_guard_hubspot_requests_total',
  help: 'HubSpot API calls answered, by portal class (rate-limit tier) and status class (2xx, 4xx, 429, 5xx, network).',
  labelNames: ['portal_class', 'status'] as const, registers: [registry],
});

const hubspot429 = new Counter({
  name: 'prospect_guard_hubspot_rate_limited_total',
  help: 'HubSpot API calls answered 429, by portal class and HubSpot policy name (TEN_SECONDLY_ROLLING, DAILY, ...).',
  labelNames: ['portal_class', 'policy'] as const, registers: [registry],
});

const judgeSeconds = new Histogram({
  name: 'prospect_guard_judge_duration_seconds',
  help: 'Time to judge one batch of contacts (read from HubSpot, evaluate, write back).',
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30], registers: [registry],
});

const judgedContacts = new Counter({
  name: 'prospect_guard_contacts_judged_total', help: 'Contacts judged by the pipeline.', registers: [registry],
});

const webhookAck = new Histogram({
  name: 'prospect_guard_webhook_ack_duration_seconds',
  help: 'Time from a webhook request arriving to its answer, by status code class.',
  labelNames: ['status'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5], registers: [registry],
});

const unknownPortalEvents = new Counter({
  name: 'prospect_guard_webhook_events_unknown_portal_total',
  help: 'Webhook events of portals that never installed the app, dropped before storing.', registers: [registry],
});

const reconciled = new Counter({
  name: 'prospect_guard_reconcile_contacts_total',
  help: 'Contacts the reconciliation sweep found changed after their verdict: judged, and of those healed (verdict written anew).',
  labelNames: ['result'] as const, registers: [registry],
});

const redisDurable = new Gauge({
  name: 'prospect_guard_redis_durable',
  help: '1 when Redis persists what it acknowledges (AOF or RDB snapshots) and never evicts queue keys (maxmemory-policy noeviction); 0 otherwise; absent without Redis.',
  registers: [registry],
});

const queueDepth = new Gauge({
  name: 'prospect_guard_queue_pending_jobs',
  help: 'Jobs waiting, delayed or running across this process\'s queues (sampled at scrape time).',
  registers: [registry],
  async collect() {
    let total = 0;
    for (const source of depthSources) total += await source().catch(() => 0);
    this.set(total);
  },
});
void queueDepth;

const depthSources = new Set<() => Promise<number>>();

/** Adds a queue to the depth gauge; returns the function that removes it (on shutdown). */
export function watchQueueDepth(pending: () => Promise<number>): () => void {
  depthSources.add(pending);
  return () => { depthSources.delete(pending); };
}

export type JobOutcome = 'completed' | 'retried' | 'failed';

export function recordJob(job: string, outcome: JobOutcome): void {
  jobs.inc({ job, outcome });
}

/**
 * A portal's class is the burst HubSpot advertises for it (X-HubSpot-RateLimit-Max: 100, 110, 190 per 10 s
 * depending on tier and distribution), learned from its answers: `burst_110`. Unknown until it answers.
 */
const portalClasses = new Map<number, string>();
export function portalClassOf(portalId: number): string {
  return portalClasses.get(portalId) ?? 'unknown';
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const entry = Object.entries(headers as Record<string, unknown>).find(([k]) => k.toLowerCase() === name);
  return entry === undefined ? undefined : String(entry[1]);
}

/** One HubSpot answer (any status), with its headers: counts it and learns the portal's class. */
export function recordHubSpotAnswer(portalId: number, status: number, headers?: unknown): void {
  const max = Number(headerValue(headers, 'x-hubspot-ratelimit-max'));
  if (Number.isInteger(max) && max > 0) portalClasses.set(portalId, `burst_${max}`);
  hubspotCalls.inc({ portal_class: portalClassOf(portalId), status: status === 429 ? '429' : `${Math.floor(status / 100)}xx` });
}

/** A call that got no answer at all (network error, timeout). */
export function recordHubSpotUnanswered(portalId: number): void {
  hubspotCalls.inc({ portal_class: portalClassOf(portalId), status: 'network' });
}

/** A 429, by the policy HubSpot's body names (TEN_SECONDLY_ROLLING, SECONDLY, DAILY). */
export function recordHubSpotRateLimited(portalId: number, policy: string): void {
  hubspot429.inc({ portal_class: portalClassOf(portalId), policy });
}

export function recordJudgeBatch(seconds: number, contacts: number): void {
  judgeSeconds.observe(seconds);
  judgedContacts.inc(contacts);
}

export function recordWebhookAck(seconds: number, status: number): void {
  webhookAck.observe({ status: `${Math.floor(status / 100)}xx` }, seconds);
}

export function recordUnknownPortalEvents(n: number): void {
  unknownPortalEvents.inc(n);
}

export function recordReconcile(judged: number, healed: number): void {
  reconciled.inc({ result: 'judged' }, judged);
  reconciled.inc({ result: 'healed' }, healed);
}

export function setRedisDurable(durable: boolean | null): void {
  if (durable === null) redisDurable.reset();
  else redisDurable.set(durable ? 1 : 0);
}

export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}
