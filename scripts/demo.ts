// npm run demo [-- --once] [--keep] [--contacts 300]: the main job on embedded defaults, end to end and in one
// process tree. Starts the HubSpot stand-in with a seeded account, the app on PGlite (BullMQ when REDIS_URL is
// set, else the in-process queue), installs the app through the real OAuth redirects, lets the backfill judge
// every contact, then creates and changes contacts in the stand-in, which delivers signed webhooks; prints what
// happened. With --once it exits 0 after the summary; otherwise the app keeps running for exploring and the
// links a visitor can open are printed (the preview of the HubSpot UI, preference pages, the evidence report).
// --keep keeps the data directory (PGlite) after the run, for `prospect-guard ledger` commands.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config/config.ts';
import { startApp, type RunningApp } from '../src/main.ts';
import { startProduct, type RunningProduct } from '../src/start-product.ts';
import { startStandIn, type StandIn } from './hubspot-standin/index.ts';
import { log } from '../src/log.ts';
import type { Db } from '../src/storage/db.ts';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** The install as a browser does it: our /oauth/install -> HubSpot's authorize page -> our callback. */
export async function installThroughRedirects(appUrl: string): Promise<{ status: number; body: string }> {
  const start = await fetch(`${appUrl}/oauth/install`, { redirect: 'manual' });
  const authorize = start.headers.get('location');
  if (start.status !== 302 || !authorize) throw new Error(`/oauth/install answered ${start.status}`);
  const consent = await fetch(authorize, { redirect: 'manual' });
  const callback = consent.headers.get('location');
  if (consent.status < 300 || consent.status > 399 || !callback) throw new Error(`authorize answered ${consent.status}`);
  const done = await fetch(new URL(callback, appUrl), { redirect: 'manual' });
  return { status: done.status, body: await done.text() };
}

export async function waitUntil(what: string, cond: () => Promise<boolean>, timeoutMs: number, stepMs = 100): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface DemoStack {
  standIn: StandIn;
  app: RunningApp;
  /** Present when the stack runs the whole product (enforcement and CRM backend too). */
  product: RunningProduct | null;
  portalId: number;
  dataDir: string;
  /** The environment the app was configured from (a separate worker process reuses it). */
  env: Record<string, string>;
  /** Runs `fn` first when the stack stops (a preview server beside it). */
  onStop(fn: () => Promise<void>): void;
  stop(): Promise<void>;
}

/** Stand-in + app wired together (webhooks from the stand-in to the app), nothing installed yet. */
export async function startDemoStack(options: {
  contacts: number;
  redisUrl?: string | null;
  databaseUrl?: string | null;
  dataDir?: string;
  port?: number;
  logLevel?: string;
  rateLimits?: { perTenSeconds: number; searchPerSecond: number } | false;
  keyPrefix?: string;
  webhooks?: { duplicateRate?: number; reorder?: boolean; flushIntervalMs?: number };
  /** Use this database (tests: a schema of their own). */
  db?: Db;
  /** false: this process only receives and enqueues; workers run elsewhere (BullMQ). */
  consume?: boolean;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  clientSecret?: string;
  /** Run the whole product (startProduct: enforcement and the CRM backend) rather than the app core. */
  product?: boolean;
}): Promise<DemoStack> {
  const clientId = 'demo-client';
  const clientSecret = options.clientSecret ?? randomBytes(18).toString('base64url');
  const appId = 424242;
  const port = options.port ?? await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const standIn = await startStandIn({
    port: 0, clientId, clientSecret, appId, seed: 42,
    rateLimits: options.rateLimits,
    webhooks: { targetUrl: `${appUrl}/webhooks/hubspot`, ...options.webhooks },
  });
  const { portalId } = standIn.createAccount();
  standIn.approveInstallsAs(portalId);
  if (options.contacts > 0) await standIn.seedContacts(portalId, options.contacts, { seed: 42 });
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'prospect-guard-demo-'));
  const env: Record<string, string> = {
    PORT: String(port), PUBLIC_BASE_URL: appUrl, HUBSPOT_CLIENT_ID: clientId, HUBSPOT_CLIENT_SECRET: clientSecret,
    HUBSPOT_APP_ID: String(appId), HUBSPOT_API_BASE_URL: standIn.url, HUBSPOT_AUTHORIZE_URL: standIn.authorizeUrl,
    DATA_DIR: dataDir, LOG_LEVEL: options.logLevel ?? 'warn', NODE_ENV: 'development',
  };
  if (options.redisUrl) env.REDIS_URL = options.redisUrl;
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  const config = loadConfig(env);
  const keyPrefix = options.keyPrefix ?? `pg-demo-${randomBytes(4).toString('hex')}`;
  const overrides = {
    listen: port, bootstrapRetryMs: false as const, db: options.db,
    pipeline: {
      keyPrefix, coalesceWindowMs: 300, sweepIntervalMs: 2000,
      consume: options.consume, lockDurationMs: options.lockDurationMs, stalledIntervalMs: options.stalledIntervalMs,
    },
  };
  const product = options.product ? await startProduct(config, overrides) : null;
  const app = product ?? await startApp(config, overrides);
  const beforeStop: Array<() => Promise<void>> = [];
  return {
    standIn, app, product, portalId, dataDir, env,
    onStop: (fn) => { beforeStop.push(fn); },
    async stop() {
      for (const fn of beforeStop.splice(0)) await fn().catch(() => undefined);
      await app.stop();
      await standIn.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
      // A throw-away run leaves nothing behind in Redis (its queues, pending sets and rate-limit logs).
      if (options.redisUrl && !options.keyPrefix) {
        const redis = new Redis(options.redisUrl);
        const keys = await redis.keys(`${keyPrefix}*`).catch(() => [] as string[]);
        if (keys.length > 0) await redis.del(...keys).catch(() => undefined);
        await redis.quit().catch(() => undefined);
      }
    },
  };
}

/** Every delivery handed over and every job done (twice in a row, so a follow-up job cannot slip between). */
export async function waitForQuiet(stack: DemoStack, timeoutMs: number): Promise<void> {
  const p = stack.app.pipeline;
  if (!p) return;
  let quietTimes = 0;
  await waitUntil('the pipeline to be idle', async () => {
    await stack.standIn.flushWebhooks();
    const quiet = (await p.queue.pending()) === 0 && (await p.pipeline.stores.pending.size(stack.portalId)) === 0;
    quietTimes = quiet ? quietTimes + 1 : 0;
    return quietTimes >= 3;
  }, timeoutMs, 150);
}

interface Phase {
  ms: number;
  calls: number;
}

async function countRows(app: RunningApp, sql: string, params: unknown[]): Promise<number> {
  const { rows } = await app.db.query<{ n: number | string }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

export async function runDemo(options: { once: boolean; contacts: number; keep?: boolean; quiet?: boolean }): Promise<DemoStack> {
  const t0 = Date.now();
  if (!process.env.LOG_LEVEL) log.level = 'warn';
  // Passing a directory of our own makes stop() leave it in place.
  const keptDir = options.keep && !process.env.DATA_DIR ? mkdtempSync(path.join(os.tmpdir(), 'prospect-guard-demo-')) : undefined;
  const stack = await startDemoStack({
    contacts: options.contacts,
    redisUrl: process.env.REDIS_URL ?? null,
    databaseUrl: process.env.DATABASE_URL ?? null,
    dataDir: process.env.DATA_DIR ?? keptDir,
    product: true,
  });
  const console = options.quiet ? { log: (..._args: unknown[]) => undefined } : globalThis.console;
  const { standIn, app, portalId } = stack;
  const pipeline = app.pipeline;
  if (!pipeline) throw new Error('the pipeline is not running');
  console.log(`Prospect Guard demo: stand-in ${standIn.url}, app ${app.url} (${app.db.kind}, ${pipeline.queue.kind} queue), data in ${stack.dataDir}`);
  console.log(`1. HubSpot account ${portalId} seeded with ${options.contacts} contacts`);

  // Install through the real redirect flow, then the backfill runs by itself.
  standIn.resetStats();
  const installStarted = Date.now();
  const install = await installThroughRedirects(app.url as string);
  if (install.status !== 200) throw new Error(`install failed with ${install.status}`);
  const installCalls = standIn.stats(portalId).calls;
  console.log(`2. Installed through OAuth in ${Date.now() - installStarted} ms (${installCalls} HubSpot calls: token exchange and property bootstrap)`);

  const backfillStarted = Date.now();
  await waitUntil('the backfill', async () => (await pipeline.pipeline.backfillProgress(portalId)).state === 'done', 300_000, 200);
  const progress = await pipeline.pipeline.backfillProgress(portalId);
  const backfill: Phase = { ms: Date.now() - backfillStarted, calls: standIn.stats(portalId).calls - installCalls };
  console.log(`3. Backfill: ${progress.processed} contacts judged, ${progress.written} written, in ${backfill.ms} ms with ${progress.apiCalls} API calls `
    + `(${(progress.apiCalls / Math.max(1, progress.processed)).toFixed(3)} per contact)`);

  // Live changes: HubSpot users create and edit contacts; the stand-in delivers signed webhooks.
  const beforeLive = standIn.stats(portalId);
  const liveStarted = Date.now();
  const created: string[] = [];
  const people: Record<string, string>[] = [
    { email: 'lea.moreau@gmail.com', firstname: 'Léa', lastname: 'Moreau', country: 'France' },
    { email: 'contact@boulangerie-dupain.fr', company: 'Boulangerie Dupain', country: 'France' },
    { email: 'marc.leroy@acme-industrie.fr', firstname: 'Marc', lastname: 'Leroy', company: 'Acme Industrie', jobtitle: 'Directeur achats', country: 'France', pg_is_professional: 'true', pg_offer_related: 'true' },
    { email: 'sofia.rossi@libero.it', firstname: 'Sofia', lastname: 'Rossi', country: 'Italy', pg_source_kind: 'purchased_list' },
    { email: 'jan.devries@outlook.com', firstname: 'Jan', lastname: 'de Vries', country: 'Netherlands', phone: '+31612345678' },
  ];
  for (let i = 0; i < 20; i++) {
    const p = people[i % people.length] ?? {};
    created.push(standIn.createContact(portalId, { ...p, email: p.email?.replace('@', `+${i}@`) ?? '' }));
  }
  const existing = standIn.contactIds(portalId).slice(0, 30);
  existing.slice(0, 10).forEach((id) => standIn.updateContact(portalId, id, { hs_email_optout: 'true' }));
  existing.slice(10, 20).forEach((id) => standIn.updateContact(portalId, id, { country: 'Germany' }));
  existing.slice(20, 30).forEach((id) => standIn.updateContact(portalId, id, { jobtitle: 'Head of Procurement', company: 'Nordwind GmbH' }));
  // A few blocked contacts get enrolled in a sequence: detection must notice.
  const blocked = existing.slice(0, 3);
  const sequenceId = standIn.sequences(portalId)[0]?.id;
  if (sequenceId) for (const id of blocked) standIn.enrollInSequence(portalId, id, sequenceId);
  await standIn.flushWebhooks();
  await waitForQuiet(stack, 60_000);
  const afterLive = standIn.stats(portalId);
  const live: Phase = { ms: Date.now() - liveStarted, calls: afterLive.calls - beforeLive.calls };
  const events = afterLive.webhookEvents - beforeLive.webhookEvents;

  const states = pipeline.pipeline.stores.states;
  const byStatus = await states.statusCounts(portalId);
  const byBlocker = await states.blockerCounts(portalId);
  const judged = Object.values(byStatus).reduce((a, b) => a + b, 0);
  const detections = await countRows(app, `select count(*) as n from sequence_detections where portal_id = $1`, [portalId]);
  // Enforcement acts on flagged enrolments at its next one-minute tick; the demo does not wait for the minute
  // and runs that step now.
  if (stack.product) await stack.product.enforcement.actOnDetections();
  const blockEntries = await countRows(app, `select count(*) as n from evidence_ledger where portal_id = $1 and kind = 'block'`, [portalId]);
  const ownerTasks = standIn.tasks(portalId).length;
  const sample = standIn.getContact(portalId, created[2] as string);
  const s = pipeline.pipeline.stats;
  console.log(`4. Live: ${created.length} contacts created and ${existing.length} changed -> ${events} webhook events in ${afterLive.webhookBatches - beforeLive.webhookBatches} signed deliveries,`
    + ` judged in ${live.ms} ms with ${live.calls} API calls (${(live.calls / Math.max(1, events)).toFixed(3)} per event)`);
  console.log('');
  console.log('Summary');
  console.log(`  contacts judged:        ${judged} (each has a verdict per channel in the app's database)`);
  console.log(`  contact updates:        ${progress.written + s.judge.written} written back to HubSpot (backfill ${progress.written}, live ${s.judge.written}; ${s.judge.propertiesWritten} properties in the live phase)`);
  console.log('                          (judged is every verdict made; an update is written only when a contact\'s Prospect Guard properties');
  console.log('                          change, so a re-judged but unchanged contact costs no write, and one changed twice counts twice)');
  console.log(`  statuses:               ${Object.entries(byStatus).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log('                          compliant: reachable on at least one channel, nothing pending; at_risk: reachable, but the Art. 14');
  console.log('                          notice is due, the source is high-risk (bought list, scraping), retention ends soon or no collection');
  console.log('                          date is known; blocked: no channel allowed; expired: retention period over, to delete');
  console.log(`  blockers:               ${Object.entries(byBlocker).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'} (contacts per reason a channel is refused; one contact can count under several)`);
  console.log(`  sequences blocked:      ${detections} enrolment(s) of blocked contacts detected (of ${blocked.length} enrolled in the demo); `
    + `acted on: ${blockEntries} block(s) recorded in the ledger, ${ownerTasks} owner task(s) created`);
  console.log(`  webhooks:               ${s.ingest.events} events, ${s.ingest.duplicates} duplicates, ${s.ingest.ownChanges} own changes ignored`);
  console.log(`  API calls:              install ${installCalls}, backfill ${backfill.calls}, live ${live.calls}; rate-limited ${afterLive.rateLimited}`);
  console.log(`  time taken:             ${((Date.now() - t0) / 1000).toFixed(1)} s in all`);
  if (sample) {
    const p = sample.properties;
    console.log(`  example (B2B contact):  audience ${p.pg_audience}, status ${p.pg_status}, email ${p.pg_basis_email}, phone ${p.pg_basis_phone}, expires ${p.pg_retention_expires_at}`);
  }
  if (keptDir) console.log(`  data kept in:           ${keptDir} (then: DATA_DIR=${keptDir} node_modules/.bin/node bin/prospect-guard.js ledger verify --portal ${portalId})`);
  if (!options.once) {
    const { startDemoPreview } = await import('./preview/demo-preview.ts');
    const { createReportLinks } = await import('../src/dashboard/report-link.ts');
    const links = await startDemoPreview(stack, { settle: () => waitForQuiet(stack, 60_000) });
    const report = createReportLinks({ secret: stack.env.HUBSPOT_CLIENT_SECRET as string, publicBaseUrl: app.url as string, ttlMs: 24 * 3_600_000 })
      .issue(portalId, new Date());
    stack.onStop(() => links.preview.close());
    console.log('');
    console.log('Open in a browser:');
    console.log(`  preview of the HubSpot UI:  ${links.preview.url}  (the card, the settings page and the dashboard app pages)`);
    for (const c of links.contacts) console.log(`    card, ${c.example.padEnd(10)}         ${links.preview.url}#card=${c.id}`);
    console.log(`    dashboard                ${links.preview.url}#pages=/`);
    console.log('  preference pages (what a prospect sees from the link in an email):');
    for (const p of links.preferencePages) console.log(`    ${p.example.padEnd(10)} ${p.url}`);
    console.log(`  evidence report (HTML, the ledger's export, link valid 24 h): ${report.url}?lang=en`);
    console.log('');
    console.log(`The app keeps running: ${app.url}/healthz, webhooks at ${app.url}/webhooks/hubspot; HubSpot stand-in at ${standIn.url}.`);
    console.log('Press Ctrl+C to stop.');
  }
  return stack;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { once: { type: 'boolean', default: false }, keep: { type: 'boolean', default: false }, contacts: { type: 'string', default: '300' } } });
  try {
    const stack = await runDemo({ once: values.once === true, keep: values.keep === true, contacts: Number(values.contacts) });
    const stop = async (code: number) => {
      await stack.stop().catch(() => undefined);
      process.exit(code);
    };
    if (values.once) await stop(0);
    else {
      process.once('SIGINT', () => void stop(0));
      process.once('SIGTERM', () => void stop(0));
    }
  } catch (err) {
    console.error(`demo failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    process.exit(1);
  }
}
