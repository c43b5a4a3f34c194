// Webhook intake with Redis: signed deliveries of 100 events posted by 10 concurrent senders (HubSpot's default
// per account) to POST /webhooks/hubspot, which verifies, validates and stores each batch in BullMQ before
// answering. Measures events per second and acknowledgement p50/p99. Beside it, the naive receiver measured in
// the same run: one read and one write per event on the request path, before answering.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import express from 'express';
import { Redis } from 'ioredis';
import { Client } from '@hubspot/api-client';
import type { BenchResult, BenchSection } from '../types.ts';
import { createWebhookRouter } from '../../webhooks/receive-hubspot-webhook.ts';
import { signHubSpotV3 } from '../../src/hubspot/signature.ts';
import { createBullMqQueue } from '../../src/queue/bullmq-queue.ts';
import { createPipeline, type WebhookIntake } from '../../src/jobs/pipeline.ts';
import { openDb } from '../../src/storage/db.ts';
import { evaluateContact } from '../../src/engine/index.ts';
import { DEFAULT_SETTINGS } from '../../src/engine/types.ts';
import { startStandIn } from '../../scripts/hubspot-standin/index.ts';
import { createLogger } from '../../src/log.ts';
import { REDIS_TEST_URL, redisUp } from '../../test/support/services.ts';

const SECRET = 'bench-intake-secret';
const log = createLogger({ level: 'silent' });

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function serve(intake: WebhookIntake): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  const url = { value: '' };
  const server: Server = app.listen(0);
  await new Promise((r) => server.once('listening', r));
  url.value = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  app.use(createWebhookRouter({ clientSecret: SECRET, publicBaseUrl: url.value, intake, log }));
  return { url: url.value, close: () => new Promise((r) => { server.close(() => r()); server.closeAllConnections(); }) };
}

function deliveries(count: number, url: string, objectIds: string[] | null): { body: string; headers: Record<string, string> }[] {
  const out: { body: string; headers: Record<string, string> }[] = [];
  let eventId = 1;
  for (let d = 0; d < count; d++) {
    const events = Array.from({ length: 100 }, (_, i) => ({
      eventId: eventId++, subscriptionId: 3, portalId: 62515, appId: 1, occurredAt: Date.now(), subscriptionType: 'object.propertyChange',
      objectTypeId: '0-1', attemptNumber: 0, objectId: objectIds ? Number(objectIds[(d * 100 + i) % objectIds.length]) : 10_000 + ((d * 100 + i) % 5000),
      propertyName: 'country', propertyValue: 'France', changeSource: 'CRM_UI', sourceId: 'userId:1',
    }));
    const body = JSON.stringify(events);
    const timestamp = Date.now();
    out.push({ body, headers: {
      'content-type': 'application/json', 'x-hubspot-request-timestamp': String(timestamp),
      'x-hubspot-signature-v3': signHubSpotV3({ method: 'POST', uri: `${url}/webhooks/hubspot`, rawBody: body, timestamp, clientSecret: SECRET }),
    } });
  }
  return out;
}

async function fire(url: string, batch: { body: string; headers: Record<string, string> }[], concurrency: number): Promise<{ acks: number[]; seconds: number; failures: number }> {
  const acks: number[] = [];
  let failures = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < batch.length) {
      const d = batch[next++] as { body: string; headers: Record<string, string> };
      const s = performance.now();
      const res = await fetch(`${url}/webhooks/hubspot`, { method: 'POST', body: d.body, headers: d.headers });
      await res.arrayBuffer();
      acks.push(performance.now() - s);
      if (res.status !== 200) failures++;
    }
  }));
  return { acks: acks.sort((a, b) => a - b), seconds: (performance.now() - t0) / 1000, failures };
}

/** Open loop: one delivery every 1000/perSecond ms whatever the answers, as HubSpot sends at a given load. */
async function fireAtRate(url: string, batch: { body: string; headers: Record<string, string> }[], perSecond: number): Promise<{ acks: number[]; failures: number }> {
  const acks: number[] = [];
  let failures = 0;
  const t0 = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < batch.length; i++) {
    const due = t0 + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const d = batch[i] as { body: string; headers: Record<string, string> };
    inflight.push((async () => {
      const s = performance.now();
      const res = await fetch(`${url}/webhooks/hubspot`, { method: 'POST', body: d.body, headers: d.headers });
      await res.arrayBuffer();
      acks.push(performance.now() - s);
      if (res.status !== 200) failures++;
    })());
  }
  await Promise.all(inflight);
  return { acks: acks.sort((a, b) => a - b), failures };
}

const section: BenchSection = {
  name: 'pipeline-intake',
  description: 'webhook intake into BullMQ on Redis: events/s at saturation, ack p50/p99 at saturation and at 5,000 events/s; naive receiver (read+write per event) beside it',
  targets: [
    { metric: 'eventsPerSecond', min: 5000, fullRunOnly: true },
    { metric: 'ackP99MsAt5000', max: 100, fullRunOnly: true },
  ],
  async run({ quick, log: say }): Promise<BenchResult> {
    if (!redisUp) return { skipped: 'Redis unreachable' };
    const prefix = `pg-bench-intake-${randomBytes(4).toString('hex')}`;
    const db = await openDb({});
    const queue = createBullMqQueue({ redisUrl: REDIS_TEST_URL, prefix, log });
    const pipeline = createPipeline({
      db, queue, crm: { batchRead: async () => [], batchUpdate: async () => ({ missing: [] }), searchAfterId: async () => ({ total: 0, results: [] }) },
      evaluate: evaluateContact, settings: async () => DEFAULT_SETTINGS, isActive: async () => true, appId: 1, log,
    });
    const server = await serve(pipeline.intake);
    try {
      const count = quick ? 50 : 2000;
      await fire(server.url, deliveries(20, server.url, null), 10);
      const batch = deliveries(count, server.url, null);
      say(`posting ${count} deliveries of 100 events, 10 at a time`);
      const r = await fire(server.url, batch, 10);
      const stored = await queue.pending();
      // Acknowledgement times at the target load (5,000 events/s = 50 deliveries/s), not at saturation.
      const steady = await fireAtRate(server.url, deliveries(quick ? 50 : 500, server.url, null), 50);

      // Naive receiver: judge on the request path, one read and one write per event (stand-in, limits off so
      // only the work itself is timed; with HubSpot's limits it could not keep up at all).
      const standIn = await startStandIn({ clientId: 'bench', clientSecret: SECRET, rateLimits: false });
      const { portalId } = standIn.createAccount();
      const ids = await standIn.seedContacts(portalId, 200, { seed: 7 });
      const { accessToken } = standIn.installDirectly(portalId);
      const client = new Client({ accessToken, basePath: standIn.url });
      let naiveCalls = 0;
      const naive = await serve({
        async accept(events) {
          for (const e of events) {
            const c = await client.crm.contacts.basicApi.getById(e.objectId, ['country', 'jobtitle']);
            await client.crm.contacts.basicApi.update(e.objectId, { properties: { jobtitle: c.properties.jobtitle ?? 'Acheteur' } });
            naiveCalls += 2;
          }
        },
      });
      const naiveCount = quick ? 3 : 20;
      const n = await fire(naive.url, deliveries(naiveCount, naive.url, ids), 10);
      await naive.close();
      await standIn.close();
      return {
        deliveries: count,
        events: count * 100,
        eventsPerSecond: Math.round((count * 100) / r.seconds),
        ackP50MsSaturated: Number(percentile(r.acks, 50).toFixed(2)),
        ackP99MsSaturated: Number(percentile(r.acks, 99).toFixed(2)),
        ackP50MsAt5000: Number(percentile(steady.acks, 50).toFixed(2)),
        ackP99MsAt5000: Number(percentile(steady.acks, 99).toFixed(2)),
        refused: r.failures + steady.failures,
        naiveRefused: n.failures,
        jobsStored: stored,
        naiveEventsPerSecond: Math.round((naiveCount * 100) / n.seconds),
        naiveAckP50Ms: Number(percentile(n.acks, 50).toFixed(1)),
        naiveAckP99Ms: Number(percentile(n.acks, 99).toFixed(1)),
        naiveCallsPerEvent: Number((naiveCalls / (naiveCount * 100)).toFixed(2)),
      };
    } finally {
      await server.close();
      await queue.close({ timeoutMs: 2000 });
      const redis = new Redis(REDIS_TEST_URL);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
      await db.close();
    }
  },
};

export default section;
