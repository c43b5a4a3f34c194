// The whole app in-process against the HubSpot stand-in, installed through the real OAuth flow, with the
// enforcement runtime attached (ticks driven by the test). Used by the acceptance and browser suites.
import net from 'node:net';
import { startStandIn, type StandIn } from '../../../scripts/hubspot-standin/index.ts';
import { loadConfig } from '../../../src/config/config.ts';
import { generateTokenKeyRing } from '../../../src/crypto/token-cipher.ts';
import { startApp, type RunningApp } from '../../../src/main.ts';
import { createEnforcementRuntime, type AttachedEnforcement } from '../../../src/enforcement/runtime.ts';
import type { TestDb } from './db.ts';

export interface Harness {
  standIn: StandIn;
  app: RunningApp;
  enf: AttachedEnforcement;
  portalId: number;
  baseUrl: string;
  stop(): Promise<void>;
}

const CLIENT_ID = 'enforcement-e2e';
const CLIENT_SECRET = 'enforcement-e2e-client-secret';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function waitFor(cond: () => Promise<boolean> | boolean, timeoutMs = 10_000, stepMs = 50): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error('condition not met in time');
}

export async function startHarness(db: TestDb): Promise<Harness> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const standIn = await startStandIn({
    clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, rateLimits: false,
    redirectUris: [`${baseUrl}/oauth/callback`],
    webhooks: { targetUrl: `${baseUrl}/webhooks/hubspot`, flushIntervalMs: 30, retryDelayMs: 100 },
  });
  const config = loadConfig({
    NODE_ENV: 'test', PORT: String(port), PUBLIC_BASE_URL: baseUrl, LOG_LEVEL: 'silent',
    HUBSPOT_API_BASE_URL: standIn.url, HUBSPOT_AUTHORIZE_URL: standIn.authorizeUrl,
    HUBSPOT_CLIENT_ID: CLIENT_ID, HUBSPOT_CLIENT_SECRET: CLIENT_SECRET, HUBSPOT_APP_ID: String(standIn.appId),
  });
  const runtime = createEnforcementRuntime({ schedule: false });
  const app = await startApp(config, {
    db, tokenKeys: generateTokenKeyRing(), listen: port, redis: null, bootstrapRetryMs: false, routers: [runtime.router],
    pipeline: { coalesceWindowMs: 30 },
  });
  const enf = await runtime.attach(app);
  const { portalId } = standIn.createAccount();
  standIn.approveInstallsAs(portalId);
  const install = await fetch(`${baseUrl}/oauth/install`, { redirect: 'manual' });
  const consent = await fetch(install.headers.get('location') ?? '', { redirect: 'manual' });
  const callback = await fetch(consent.headers.get('location') ?? '', { redirect: 'manual' });
  if (callback.status >= 400) throw new Error(`install failed: ${callback.status} ${await callback.text()}`);
  await waitFor(() => app.installations.isActive(portalId));
  return {
    standIn, app, enf, portalId, baseUrl,
    async stop() {
      await enf.stop();
      await app.stop();
      await standIn.close();
    },
  };
}
