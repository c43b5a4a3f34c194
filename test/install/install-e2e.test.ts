// Acceptance of the install: the real redirect flow against the HubSpot stand-in, on the real PostgreSQL.
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStandIn, type StandIn } from '../../scripts/hubspot-standin/index.ts';
import { loadConfig } from '../../src/config/config.ts';
import { generateTokenKeyRing } from '../../src/crypto/token-cipher.ts';
import { startApp, type RunningApp } from '../../src/main.ts';
import { OAuthStateIssuer } from '../../src/oauth/state.ts';
import { OAuthStateStore } from '../../src/storage/oauth-states.ts';
import { bootstrapAccount } from '../../src/bootstrap/bootstrap-account.ts';
import { InstallationGoneError } from '../../src/hubspot/client-factory.ts';
import { APP_PROPERTIES, PROPERTY_GROUP } from '../../src/hubspot/properties.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { describeWithServices } from '../support/services.ts';

const CLIENT_ID = 'e2e-client';
const CLIENT_SECRET = 'e2e-client-secret';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function bootApp(standIn: StandIn, db: TestDb, secret = CLIENT_SECRET): Promise<RunningApp> {
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, HUBSPOT_CLIENT_ID: CLIENT_ID,
    HUBSPOT_CLIENT_SECRET: secret, HUBSPOT_API_BASE_URL: standIn.url, HUBSPOT_AUTHORIZE_URL: standIn.authorizeUrl,
    LOG_LEVEL: 'silent',
  });
  return startApp(config, { db, tokenKeys: generateTokenKeyRing(), redis: null, bootstrapRetryMs: false, pipeline: false,
    installAttemptsPerMinute: 1000 });
}

/** Follows the install redirects by hand: our /oauth/install -> HubSpot authorize -> our callback. */
async function installThroughBrowser(app: RunningApp): Promise<{ status: number; html: string; callbackUrl: string }> {
  const start = await fetch(`${app.url}/oauth/install`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const authorize = await fetch(start.headers.get('location') ?? '', { redirect: 'manual' });
  expect(authorize.status).toBe(302);
  const callbackUrl = authorize.headers.get('location') ?? '';
  expect(callbackUrl.startsWith(`${app.config.publicBaseUrl}/oauth/callback?`)).toBe(true);
  const done = await fetch(callbackUrl, { redirect: 'manual' });
  return { status: done.status, html: await done.text(), callbackUrl };
}

/** Every row of every table of the test schema, as text. */
async function dumpSchema(db: TestDb): Promise<string> {
  const tables = await db.query<{ table_name: string }>(
    `select table_name from information_schema.tables where table_schema = $1`, [db.schema]);
  const parts: string[] = [];
  for (const t of tables.rows) parts.push(JSON.stringify((await db.query(`select * from "${t.table_name}"`)).rows));
  return parts.join('\n');
}

describeWithServices('install end to end against the HubSpot stand-in', { postgres: true }, () => {
  let standIn: StandIn;
  let db: TestDb;
  let app: RunningApp;

  beforeAll(async () => {
    standIn = await startStandIn({ port: 0, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, seed: 3 });
    db = await createTestDb('postgres');
    app = await bootApp(standIn, db);
  });
  afterAll(async () => {
    await app?.stop();
    await standIn?.close();
    await db?.drop();
  });

  it('installs through the redirect flow, creates the group and every property, and keeps tokens sealed', async () => {
    const { portalId } = standIn.createAccount();
    standIn.approveInstallsAs(portalId);
    const result = await installThroughBrowser(app);
    expect(result.status).toBe(200);
    expect(result.html).toContain('Prospect Guard is installed');
    expect(standIn.isInstalled(portalId)).toBe(true);

    const client = await app.clients.forPortal(portalId);
    const groups = await client.crm.properties.groupsApi.getAll('contacts');
    expect(groups.results.find((g) => g.name === PROPERTY_GROUP.name)?.label).toBe(PROPERTY_GROUP.label);
    const props = new Map((await client.crm.properties.coreApi.getAll('contacts')).results.map((p) => [p.name, p]));
    for (const def of APP_PROPERTIES) {
      const p = props.get(def.name);
      expect(p, def.name).toBeDefined();
      expect(p).toMatchObject({ label: def.label, description: def.description, type: def.type, fieldType: def.fieldType,
        groupName: PROPERTY_GROUP.name });
      if (def.options) expect(p?.options.map((o) => o.value)).toEqual(def.options.map((o) => o.value));
    }

    const installation = await app.installations.get(portalId);
    expect(installation).toMatchObject({ status: 'active', bootstrap: { status: 'done' } });
    expect(installation?.scopes).toContain('crm.schemas.contacts.write');
    const tokens = await app.installations.getTokens(portalId);
    expect(tokens?.accessToken.length).toBeGreaterThan(8);
    const dump = await dumpSchema(db);
    expect(dump).not.toContain(tokens?.accessToken);
    expect(dump).not.toContain(tokens?.refreshToken);

    // Running the bootstrap again creates nothing.
    const again = await bootstrapAccount(client);
    expect(again).toMatchObject({ groupCreated: false, created: [], optionsAdded: [] });
    expect(again.existing).toHaveLength(APP_PROPERTIES.length);

    // Replaying the callback URL is refused and changes nothing.
    const before = await dumpSchema(db);
    const replay = await fetch(result.callbackUrl);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('already been used');
    expect(await app.installations.getTokens(portalId)).toEqual(tokens);
    expect((await dumpSchema(db)).length).toBe(before.length);
  });

  it('refuses a forged state and an expired one, installing nothing', async () => {
    const { portalId } = standIn.createAccount();
    standIn.approveInstallsAs(portalId);
    const forger = new OAuthStateIssuer({ clientSecret: 'someone-else', store: new OAuthStateStore({ db }) });
    const past = () => new Date(Date.now() - 11 * 60_000);
    const stale = new OAuthStateIssuer({ clientSecret: CLIENT_SECRET, store: new OAuthStateStore({ db, now: past }), now: past });
    for (const [state, text] of [[await forger.issue(), 'not issued by Prospect Guard'], [await stale.issue(), 'expired']] as const) {
      const authorize = new URL(standIn.authorizeUrl);
      authorize.search = new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: `${app.config.publicBaseUrl}/oauth/callback`,
        scope: 'oauth crm.objects.contacts.read', state }).toString();
      const hop = await fetch(authorize, { redirect: 'manual' });
      const res = await fetch(hop.headers.get('location') ?? '', { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain(text);
    }
    expect(await app.installations.get(portalId)).toBeNull();
  });

  it('answers a clear page and installs nothing when HubSpot fails the exchange with a 5xx', async () => {
    const { portalId } = standIn.createAccount();
    standIn.approveInstallsAs(portalId);
    standIn.setFaults({ rate5xx: 1, pathPrefix: '/oauth/2026-03/token' });
    try {
      const result = await installThroughBrowser(app);
      expect(result.status).toBe(502);
      expect(result.html).toContain('HubSpot is not responding');
      expect(result.html).not.toMatch(/\.ts:\d+|Error:/);
    } finally {
      standIn.setFaults(null);
    }
    expect(await app.installations.get(portalId)).toBeNull();
  });

  it('answers a clear page and installs nothing when the client secret is wrong', async () => {
    const otherDb = await createTestDb('postgres');
    const wrong = await bootApp(standIn, otherDb, 'not-the-right-secret');
    try {
      const { portalId } = standIn.createAccount();
      standIn.approveInstallsAs(portalId);
      const result = await installThroughBrowser(wrong);
      expect(result.status).toBe(502);
      expect(result.html).toContain('client credentials');
      expect((await otherDb.query('select * from installations')).rows).toEqual([]);
    } finally {
      await wrong.stop();
      await otherDb.drop();
    }
  });

  it('refreshes an expiring token against the stand-in, and stops the portal once HubSpot revokes it', async () => {
    const { portalId } = standIn.createAccount();
    standIn.approveInstallsAs(portalId);
    expect((await installThroughBrowser(app)).status).toBe(200);
    const first = await app.installations.getTokens(portalId);
    await db.query(`update installations set access_token_expires_at = now() + interval '1 minute' where portal_id = $1`, [portalId]);
    standIn.expireAccessTokens(portalId);
    const client = await app.clients.forPortal(portalId);
    const fresh = await app.installations.getTokens(portalId);
    expect(fresh?.accessToken).not.toBe(first?.accessToken);
    expect((await client.crm.properties.groupsApi.getAll('contacts')).results.length).toBeGreaterThan(0);

    standIn.revokeRefreshTokens(portalId);
    await db.query(`update installations set access_token_expires_at = now() where portal_id = $1`, [portalId]);
    await expect(app.clients.forPortal(portalId)).rejects.toBeInstanceOf(InstallationGoneError);
    expect(await app.clients.isActive(portalId)).toBe(false);
    expect(await app.installations.get(portalId)).toMatchObject({ status: 'uninstalled', uninstallReason: 'invalid_grant' });
  });

  it('keeps portals apart: one portal\'s client never reads another portal\'s contact', async () => {
    const a = standIn.createAccount().portalId;
    const b = standIn.createAccount().portalId;
    for (const p of [a, b]) {
      standIn.approveInstallsAs(p);
      expect((await installThroughBrowser(app)).status).toBe(200);
    }
    const idInB = standIn.createContact(b, { email: 'someone@example.fr', firstname: 'Bea' });
    const clientB = await app.clients.forPortal(b);
    expect((await clientB.crm.contacts.basicApi.getById(idInB, ['firstname'])).properties.firstname).toBe('Bea');
    const clientA = await app.clients.forPortal(a);
    await expect(clientA.crm.contacts.basicApi.getById(idInB, ['firstname'])).rejects.toMatchObject({ code: 404 });
    expect((await app.installations.getTokens(a))?.accessToken).not.toBe((await app.installations.getTokens(b))?.accessToken);
  });
});
