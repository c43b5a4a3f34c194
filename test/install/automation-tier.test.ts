// An account without the automation tier (no workflows, no sequences) installs: the automation scopes are
// optional in app.json, HubSpot grants what the account has, the app records it, and the card and settings say
// which enforcement levers the account lacks and why. A sequence block there uses the levers it has and never
// calls the Workflows API (which would answer 403 MISSING_SCOPES).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandIn, type StandIn } from '../../scripts/hubspot-standin/index.ts';
import { loadConfig } from '../../src/config/config.ts';
import { generateTokenKeyRing } from '../../src/crypto/token-cipher.ts';
import { startApp, type RunningApp } from '../../src/main.ts';
import { createEnforcementRuntime, type AttachedEnforcement } from '../../src/enforcement/runtime.ts';
import { createCrmRuntime } from '../../src/card/runtime.ts';
import { signHubSpotV3 } from '../../src/hubspot/signature.ts';
import { loadAppManifest } from '../../src/hubspot/app-manifest.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { freePort } from '../proof/support/private-redis.ts';

const CLIENT_ID = 'tier-e2e';
const SECRET = 'tier-e2e-client-secret';
let db: TestDb;
let standIn: StandIn;
let app: RunningApp;
let enf: AttachedEnforcement;
let baseUrl: string;


async function install(portalId: number): Promise<number> {
  standIn.approveInstallsAs(portalId);
  const start = await fetch(`${baseUrl}/oauth/install`, { redirect: 'manual' });
  const consent = await fetch(start.headers.get('location') ?? '', { redirect: 'manual' });
  const callback = await fetch(consent.headers.get('location') ?? '', { redirect: 'manual' });
  return callback.status;
}

/** A signed hubspot.fetch call (v3 over the public URI; portalId appended as HubSpot's card requests carry it). */
async function signed(portalId: number, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const full = `${path}?portalId=${portalId}&userId=501`;
  const timestamp = Date.now();
  const res = await fetch(baseUrl + full, {
    headers: {
      'x-hubspot-request-timestamp': String(timestamp),
      'x-hubspot-signature-v3': signHubSpotV3({ method: 'GET', uri: baseUrl + full, rawBody: '', timestamp, clientSecret: SECRET }),
    },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

type Lever = { lever: string; available: boolean; reason: string };
const leverStates = (levers: unknown): Record<string, boolean> =>
  Object.fromEntries((levers as Lever[]).map((l) => [l.lever, l.available]));

beforeAll(async () => {
  db = await createTestDb('pglite');
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  standIn = await startStandIn({ clientId: CLIENT_ID, clientSecret: SECRET, rateLimits: false, redirectUris: [`${baseUrl}/oauth/callback`] });
  const config = loadConfig({
    NODE_ENV: 'test', PORT: String(port), PUBLIC_BASE_URL: baseUrl, LOG_LEVEL: 'silent',
    HUBSPOT_API_BASE_URL: standIn.url, HUBSPOT_AUTHORIZE_URL: standIn.authorizeUrl,
    HUBSPOT_CLIENT_ID: CLIENT_ID, HUBSPOT_CLIENT_SECRET: SECRET, HUBSPOT_APP_ID: String(standIn.appId),
  });
  const enforcement = createEnforcementRuntime({ schedule: false });
  const crm = createCrmRuntime();
  app = await startApp(config, {
    db, tokenKeys: generateTokenKeyRing(), listen: port, redis: null, bootstrapRetryMs: false,
    routers: [enforcement.router, crm.router], pipeline: { coalesceWindowMs: 30 },
  });
  enf = await enforcement.attach(app);
  crm.attach(app, enf.enforcement);
}, 60_000);

afterAll(async () => {
  await enf?.stop();
  await app?.stop();
  await standIn?.close();
  await db?.drop();
});

describe('an account without the automation tier', () => {
  it('app.json asks for the tier-dependent scopes as optional, and nothing the app does not use', () => {
    const { auth } = loadAppManifest();
    expect(auth.optionalScopes).toEqual(['automation', 'automation.sequences.read']);
    expect(auth.requiredScopes).not.toContain('automation');
    expect([...auth.requiredScopes, ...auth.optionalScopes]).not.toContain('automation.sequences.enrollments.write');
  });

  it('installs, records the scopes HubSpot granted, and the card and settings name the levers it lacks', async () => {
    const { portalId } = standIn.createAccount({ automationTier: false });
    expect(await install(portalId)).toBeLessThan(400);
    const record = await app.installations.get(portalId);
    expect(record?.status).toBe('active');
    expect(record?.scopes).not.toContain('automation');
    expect(record?.scopes).toContain('crm.objects.contacts.write');

    const id = standIn.createContact(portalId, { email: 'lea.petit@gmail.com', country: 'France', pg_source_kind: 'web_form', pg_collected_at: '2026-03-10' });
    const card = await signed(portalId, `/api/portals/${portalId}/contacts/${id}/card`);
    expect(card.status).toBe(200);
    expect(leverStates(card.body.levers)).toEqual({
      block_properties: true, owner_task: true, one_to_one_unsubscribe: true,
      sequence_enrolments: false, workflow_unenroll: false, eligibility_action: false,
    });
    const unenroll = (card.body.levers as Lever[]).find((l) => l.lever === 'workflow_unenroll');
    expect(unenroll?.reason).toMatch(/no workflows/);
    const settings = await signed(portalId, `/api/portals/${portalId}/settings`);
    expect(settings.status).toBe(200);
    expect(leverStates(settings.body.levers).workflow_unenroll).toBe(false);
  });

  it('blocks a sequence with the levers it has and never calls the Workflows or sequences API', async () => {
    const { portalId } = standIn.createAccount({ automationTier: false });
    expect(await install(portalId)).toBeLessThan(400);
    const id = standIn.createContact(portalId, {
      email: 'paul.roux@gmail.com', country: 'France', pg_basis_email: 'needs_consent', hs_sequences_is_enrolled: 'true',
      hs_latest_sequence_enrolled: '901', hs_latest_sequence_enrolled_date: '2026-11-20T08:00:00.000Z',
    });
    standIn.resetStats();
    const out = await enf.sequences.onSequenceEnrolmentDetected(portalId, id, { allowed: false, blocker: 'needs_consent', reason: null });
    expect(out?.levers.map((l) => [l.lever, l.status])).toEqual([['block_properties', 'done'], ['workflow_unenroll', 'unavailable'], ['owner_task', 'done']]);
    expect(out?.levers.find((l) => l.lever === 'workflow_unenroll')?.detail).toMatch(/automation scope not granted/);
    const routes = Object.keys(standIn.stats(portalId).byRoute);
    expect(routes.filter((r) => r.includes('/automation/'))).toEqual([]);
    expect(standIn.flows(portalId)).toHaveLength(0);
    expect(standIn.tasks(portalId)).toHaveLength(1);
  });

  it('an account with the tier gets every lever', async () => {
    const { portalId } = standIn.createAccount();
    expect(await install(portalId)).toBeLessThan(400);
    expect((await app.installations.get(portalId))?.scopes).toEqual(expect.arrayContaining(['automation', 'automation.sequences.read']));
    const settings = await signed(portalId, `/api/portals/${portalId}/settings`);
    expect(Object.values(leverStates(settings.body.levers)).every(Boolean)).toBe(true);

    // The app's unenroll workflow passes the stand-in's Automation v4 spec check and is created (a request
    // breaking the spec would be refused there and fail this test through the spec-violation hook).
    const id = standIn.createContact(portalId, {
      email: 'ines.garnier@gmail.com', country: 'France', pg_basis_email: 'needs_consent', hs_sequences_is_enrolled: 'true',
      hs_latest_sequence_enrolled: '902', hs_latest_sequence_enrolled_date: '2026-11-20T08:00:00.000Z',
    });
    const out = await enf.sequences.onSequenceEnrolmentDetected(portalId, id, { allowed: false, blocker: 'needs_consent', reason: null });
    expect(out?.levers.find((l) => l.lever === 'workflow_unenroll')).toMatchObject({ status: 'done' });
    const [flow] = standIn.flows(portalId);
    expect(flow).toMatchObject({ type: 'CONTACT_FLOW', flowType: 'WORKFLOW', blockedDates: [], timeWindows: [], nextAvailableActionId: '2' });
  });
});
