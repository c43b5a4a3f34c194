// End to end against the HubSpot stand-in (real @hubspot/api-client, HubSpot's rate limits, signed webhooks),
// with real PostgreSQL and Redis. The app process only receives and enqueues; workers are child processes,
// so one can be killed mid-batch.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices, REDIS_TEST_URL, DATABASE_TEST_URL } from '../support/services.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { installThroughRedirects, startDemoStack, waitForQuiet, waitUntil, type DemoStack } from '../../scripts/demo.ts';
import { signHubSpotV3 } from '../../src/hubspot/signature.ts';

const NODE = path.resolve('node_modules/.bin/node');
const WORKER = path.resolve('test/pipeline/fixtures/worker-process.ts');

describeWithServices('pipeline end to end (stand-in, PostgreSQL, Redis, worker processes)', { postgres: true, redis: true }, () => {
  let db: TestDb;
  let stack: DemoStack;
  let worker: ChildProcess | null = null;
  const keyPrefix = `pg-e2e-${randomBytes(4).toString('hex')}`;

  function startWorker(): Promise<ChildProcess> {
    const child = spawn(NODE, [WORKER], {
      env: { ...process.env, ...stack.env, TEST_DB_SCHEMA: db.schema, TEST_KEY_PREFIX: keyPrefix, LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return new Promise((resolve, reject) => {
      child.stdout?.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(child); });
      child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
    });
  }

  const contact = (id: string) => stack.standIn.getContact(stack.portalId, id)?.properties ?? {};

  beforeAll(async () => {
    db = await createTestDb('postgres');
    stack = await startDemoStack({
      contacts: 30, redisUrl: REDIS_TEST_URL, databaseUrl: DATABASE_TEST_URL, db, keyPrefix, consume: false, logLevel: 'error',
      webhooks: { flushIntervalMs: 50 },
    });
    worker = await startWorker();
    const r = await installThroughRedirects(stack.app.url as string);
    expect(r.status).toBe(200);
    await waitUntil('backfill', async () => (await stack.app.pipeline!.pipeline.backfillProgress(stack.portalId)).state === 'done', 60_000);
  }, 120_000);

  afterAll(async () => {
    worker?.kill('SIGTERM');
    await stack?.stop();
    const redis = new Redis(REDIS_TEST_URL);
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    await db?.drop();
  }, 60_000);

  it('the backfill tagged every seeded contact', () => {
    for (const id of stack.standIn.contactIds(stack.portalId)) expect(contact(id).pg_status).toBeTruthy();
  });

  it('reports the backfill progress to a signed request from the portal, and to no one else', async () => {
    const uri = `${stack.app.url}/api/portals/${stack.portalId}/backfill?portalId=${stack.portalId}`;
    const get = (secret: string) => {
      const timestamp = Date.now();
      return fetch(uri, { headers: { 'x-hubspot-request-timestamp': String(timestamp),
        'x-hubspot-signature-v3': signHubSpotV3({ method: 'GET', uri, rawBody: '', timestamp, clientSecret: secret }) } });
    };
    const ok = await get(stack.env.HUBSPOT_CLIENT_SECRET as string);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ state: 'done', processed: 30, total: 30 });
    expect((await get('forged')).status).toBe(401);
  });

  it('a created contact gets its tags', async () => {
    const id = stack.standIn.createContact(stack.portalId, { email: 'marc.leroy@acme-industrie.fr', company: 'Acme Industrie', jobtitle: 'Acheteur', country: 'France', pg_is_professional: 'true', pg_offer_related: 'true' });
    await waitForQuiet(stack, 30_000);
    expect(contact(id)).toMatchObject({ pg_audience: 'b2b_nominative', pg_basis_email: 'legitimate_interest', pg_sequence_blocked: 'false' });
    expect(contact(id).pg_rules_version).toBeTruthy();
  });

  it('a changed property changes the verdict', async () => {
    const id = stack.standIn.createContact(stack.portalId, { email: 'nina.weber@acme-industrie.fr', company: 'Acme Industrie', country: 'France', pg_is_professional: 'true', pg_offer_related: 'true' });
    await waitForQuiet(stack, 30_000);
    expect(contact(id).pg_basis_email).toBe('legitimate_interest');
    stack.standIn.updateContact(stack.portalId, id, { hs_email_optout: 'true' });
    await waitForQuiet(stack, 30_000);
    expect(contact(id)).toMatchObject({ pg_basis_email: 'objected', pg_sequence_blocked: 'true' });
  });

  it('duplicated and reordered deliveries give the same final state', async () => {
    stack.standIn.configureWebhooks({ duplicateRate: 0.6, reorder: true });
    const ids = Array.from({ length: 8 }, (_, i) => stack.standIn.createContact(stack.portalId, { email: `p${i}@gmail.com`, country: 'France' }));
    for (const id of ids) {
      stack.standIn.updateContact(stack.portalId, id, { country: 'Germany' });
      stack.standIn.updateContact(stack.portalId, id, { hs_email_optout: 'true' });
      stack.standIn.updateContact(stack.portalId, id, { country: 'France' });
    }
    await waitForQuiet(stack, 30_000);
    stack.standIn.configureWebhooks({ duplicateRate: 0, reorder: false });
    const finalState = ids.map((id) => ({ ...contact(id) }));
    for (const p of finalState) expect(p).toMatchObject({ pg_basis_email: 'objected', pg_audience: 'b2c' });
    // Judging again from the current state writes nothing: what the messy deliveries produced is the right state.
    const before = stack.standIn.stats(stack.portalId).byRoute['POST /crm/v3/objects/contacts/batch/update'] ?? 0;
    await stack.app.pipeline!.pipeline.judgeContacts(stack.portalId, ids);
    await waitForQuiet(stack, 30_000);
    expect(stack.standIn.stats(stack.portalId).byRoute['POST /crm/v3/objects/contacts/batch/update'] ?? 0).toBe(before);
    expect(ids.map((id) => contact(id))).toEqual(finalState);
  });

  it('a forged delivery changes nothing', async () => {
    const id = stack.standIn.contactIds(stack.portalId)[0] as string;
    const stateBefore = (await db.query(`select evaluated_at from contact_state where contact_id = $1`, [id])).rows;
    const body = JSON.stringify([{ eventId: 1, subscriptionId: 1, portalId: stack.portalId, appId: 1, occurredAt: Date.now(), subscriptionType: 'contact.deletion', attemptNumber: 0, objectId: Number(id) }]);
    const timestamp = Date.now();
    const res = await fetch(`${stack.app.url}/webhooks/hubspot`, {
      method: 'POST', body, headers: { 'content-type': 'application/json', 'x-hubspot-request-timestamp': String(timestamp),
        'x-hubspot-signature-v3': signHubSpotV3({ method: 'POST', uri: `${stack.app.url}/webhooks/hubspot`, rawBody: body, timestamp, clientSecret: 'forged' }) },
    });
    expect(res.status).toBe(401);
    await waitForQuiet(stack, 10_000);
    expect((await db.query(`select evaluated_at from contact_state where contact_id = $1`, [id])).rows).toEqual(stateBefore);
    expect(stateBefore).toHaveLength(1);
  });

  it('killing a worker mid-batch loses no event', async () => {
    // Batch reads and updates become slow, so the worker is surely inside one when it dies.
    stack.standIn.setFaults({ latencyMs: 1500, pathPrefix: '/crm/v3/objects/contacts/batch' });
    const readsBefore = stack.standIn.stats(stack.portalId).byRoute['POST /crm/v3/objects/contacts/batch/read'] ?? 0;
    const ids = Array.from({ length: 12 }, (_, i) => stack.standIn.createContact(stack.portalId, { email: `kill${i}@orange.fr`, country: 'France' }));
    await stack.standIn.flushWebhooks();
    await waitUntil('a batch read in flight', async () => (stack.standIn.stats(stack.portalId).byRoute['POST /crm/v3/objects/contacts/batch/read'] ?? 0) > readsBefore, 15_000, 20);
    worker?.kill('SIGKILL');
    await new Promise((r) => worker?.once('exit', r));
    expect(ids.every((id) => !contact(id).pg_status)).toBe(true);
    stack.standIn.setFaults(null);
    worker = await startWorker();
    await waitUntil('every contact tagged', async () => ids.every((id) => Boolean(contact(id).pg_status)), 30_000, 100);
    await waitForQuiet(stack, 20_000);
  });
}, );
