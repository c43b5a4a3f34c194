// POST /webhooks/hubspot at the HTTP edge: one correctly signed delivery, then one broken thing per case.
// Refused requests must enqueue nothing; a queue that cannot store the batch must yield 503 (HubSpot retries).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWebhookRouter } from '../../webhooks/receive-hubspot-webhook.ts';
import { signHubSpotV3 } from '../../src/hubspot/signature.ts';
import type { WebhookIntake } from '../../src/jobs/pipeline.ts';
import type { WebhookEvent } from '../../src/jobs/webhook-events.ts';
import { createBullMqQueue } from '../../src/queue/bullmq-queue.ts';
import { defineJob } from '../../src/queue/job.ts';
import { z } from 'zod';
import { silentLog } from './helpers.ts';

const SECRET = 'receiver-test-secret';
const PUBLIC = 'https://api.prospect-guard.test';
let server: Server;
let base: string;
const stored: WebhookEvent[][] = [];
let intake: WebhookIntake = { accept: async (events) => { stored.push(events); } };

beforeAll(async () => {
  const app = express();
  app.use(createWebhookRouter({ clientSecret: SECRET, publicBaseUrl: PUBLIC, intake: { accept: (e) => intake.accept(e) }, log: silentLog, maxBodyBytes: 64 * 1024 }));
  server = app.listen(0);
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  stored.length = 0;
  intake = { accept: async (events) => { stored.push(events); } };
});

function delivery(n = 2): unknown[] {
  return Array.from({ length: n }, (_, i) => ({
    eventId: 100 + i, subscriptionId: 7, portalId: 62515, appId: 1, occurredAt: Date.now(), subscriptionType: 'object.creation',
    objectTypeId: '0-1', attemptNumber: 0, objectId: 5000 + i, changeSource: 'CRM_UI', changeFlag: 'CREATED',
  }));
}

async function post(body: string, opts: { timestamp?: number; signature?: string | null; path?: string; secret?: string; contentType?: string | null } = {}) {
  const path = opts.path ?? '/webhooks/hubspot';
  const timestamp = opts.timestamp ?? Date.now();
  const signature = opts.signature === undefined
    ? signHubSpotV3({ method: 'POST', uri: `${PUBLIC}${path}`, rawBody: body, timestamp, clientSecret: opts.secret ?? SECRET })
    : opts.signature;
  const headers: Record<string, string> = { 'x-hubspot-request-timestamp': String(timestamp) };
  if (opts.contentType !== null) headers['content-type'] = opts.contentType ?? 'application/json';
  if (signature !== null) headers['x-hubspot-signature-v3'] = signature;
  const res = await fetch(`${base}${path}`, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, retryAfter: res.headers.get('retry-after') };
}

describe('POST /webhooks/hubspot', () => {
  it('stores a correctly signed delivery and answers 200', async () => {
    const r = await post(JSON.stringify(delivery(3)));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ accepted: 3, ignored: 0 });
    expect(stored).toHaveLength(1);
    expect(stored[0]?.map((e) => e.objectId)).toEqual(['5000', '5001', '5002']);
  });

  it('refuses a forged signature (wrong secret) with 401', async () => {
    const r = await post(JSON.stringify(delivery()), { secret: 'not-the-secret' });
    expect(r.status).toBe(401);
    expect(stored).toHaveLength(0);
  });

  it('refuses a missing signature with 401', async () => {
    expect((await post(JSON.stringify(delivery()), { signature: null })).status).toBe(401);
    expect(stored).toHaveLength(0);
  });

  it('refuses a stale timestamp with 401', async () => {
    const r = await post(JSON.stringify(delivery()), { timestamp: Date.now() - 6 * 60_000 });
    expect(r.status).toBe(401);
    expect(stored).toHaveLength(0);
  });

  it('refuses a timestamp in the future with 401', async () => {
    const r = await post(JSON.stringify(delivery()), { timestamp: Date.now() + 6 * 60_000 });
    expect(r.status).toBe(401);
    expect(stored).toHaveLength(0);
  });

  it('refuses a signature made for another path (the URI is signed)', async () => {
    const body = JSON.stringify(delivery());
    const timestamp = Date.now();
    const signature = signHubSpotV3({ method: 'POST', uri: `${PUBLIC}/other`, rawBody: body, timestamp, clientSecret: SECRET });
    expect((await post(body, { timestamp, signature })).status).toBe(401);
    expect(stored).toHaveLength(0);
  });

  it('refuses a signed delivery that is not declared JSON with 415, without echoing the type sent', async () => {
    const body = JSON.stringify(delivery());
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=camille@example.fr', 'application/jsonp', null]) {
      const r = await post(body, { contentType });
      expect(r.status, String(contentType)).toBe(415);
      expect(r.body.error).toMatchObject({ code: 'unsupported_media_type' });
      if (contentType) expect(JSON.stringify(r.body)).not.toContain(contentType);
    }
    expect(stored).toHaveLength(0);
    for (const contentType of ['application/json; charset=utf-8', 'Application/JSON', 'application/vnd.hubspot+json']) {
      expect((await post(body, { contentType })).status, contentType).toBe(200);
    }
  });

  it('refuses signed but malformed JSON with 400', async () => {
    const r = await post('[{"eventId": 1,');
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'invalid_json' });
    expect(stored).toHaveLength(0);
  });

  it('refuses signed JSON of the wrong shape with 400, naming the field but not echoing values', async () => {
    const events = delivery(1) as Record<string, unknown>[];
    events[0]!.portalId = 'camille@example.fr';
    const r = await post(JSON.stringify(events));
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain('0.portalId');
    expect(JSON.stringify(r.body)).not.toContain('camille@example.fr');
    expect((await post(JSON.stringify({ not: 'an array' }))).status).toBe(400);
    expect(stored).toHaveLength(0);
  });

  it('refuses more than 100 events with 400', async () => {
    expect((await post(JSON.stringify(delivery(101)))).status).toBe(400);
    expect(stored).toHaveLength(0);
  });

  it('refuses a body over the size limit with 413', async () => {
    const big = JSON.stringify([{ ...(delivery(1)[0] as object), propertyValue: 'x'.repeat(70 * 1024) }]);
    const r = await post(big);
    expect(r.status).toBe(413);
    expect(stored).toHaveLength(0);
  });

  it('accepts unknown subscription types and ignores them', async () => {
    const events = [...delivery(1), { ...(delivery(1)[0] as object), eventId: 9, subscriptionType: 'contact.futureThing' },
      { ...(delivery(1)[0] as object), eventId: 10, objectTypeId: '0-2' }];
    const r = await post(JSON.stringify(events));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ accepted: 1, ignored: 2 });
    expect(stored[0]).toHaveLength(1);
  });

  it('answers 503 with Retry-After when the queue cannot store the batch', async () => {
    intake = { accept: async () => { throw new Error('connection refused'); } };
    const r = await post(JSON.stringify(delivery()));
    expect(r.status).toBe(503);
    expect(r.retryAfter).toBe('30');
  });

  it('answers 503 when Redis is unreachable behind a real BullMQ queue, and enqueues nothing', async () => {
    const queue = createBullMqQueue({ redisUrl: 'redis://127.0.0.1:1', prefix: 'pg-test-dead', log: silentLog, enqueueTimeoutMs: 500 });
    const job = defineJob({ name: 'ingest-test', version: 1, schema: z.object({ events: z.array(z.unknown()) }), handler: async () => undefined });
    queue.register(job);
    intake = { accept: (events) => queue.enqueue(job, { events }) };
    const started = Date.now();
    const r = await post(JSON.stringify(delivery()));
    expect(r.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(3000);
    await queue.close({ timeoutMs: 500 });
  });
});
