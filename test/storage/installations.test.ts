import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTokenKeyRing, parseTokenKeys, TokenCipher, TokenDecryptionError, generateTokenKey } from '../../src/crypto/token-cipher.ts';
import { InstallationStore } from '../../src/storage/installations.ts';
import { OAuthStateStore } from '../../src/storage/oauth-states.ts';
import { AppError } from '../../src/server/errors.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { describeWithServices } from '../support/services.ts';

const hour = 3600_000;

function storeSuite(kind: 'postgres' | 'pglite') {
  let db: TestDb;
  let store: InstallationStore;
  let clock = new Date('2026-11-23T08:00:00Z');
  const now = () => clock;
  beforeAll(async () => {
    db = await createTestDb(kind);
    store = new InstallationStore({ db, cipher: new TokenCipher(generateTokenKeyRing()), now });
  });
  afterAll(async () => {
    await db?.drop();
  });

  const install = (portalId: number, suffix = '') => store.upsert({
    portalId, hubDomain: `p${portalId}.hubspot.com`, scopes: ['oauth', 'crm.objects.contacts.read'],
    accessToken: `access-${portalId}${suffix}-CLEAR`, refreshToken: `refresh-${portalId}${suffix}-CLEAR`,
    expiresAt: new Date(clock.getTime() + hour / 2),
  });

  it('stores an installation and never keeps a token in clear', async () => {
    const rec = await install(101);
    expect(rec).toMatchObject({ portalId: 101, status: 'active', scopes: ['oauth', 'crm.objects.contacts.read'],
      hubDomain: 'p101.hubspot.com', bootstrap: { status: 'pending', attempts: 0 } });
    const raw = await db.query('select * from installations');
    const dump = JSON.stringify(raw.rows);
    expect(dump).not.toContain('CLEAR');
    expect(dump).toContain('pgt1.');
    expect(await store.getTokens(101)).toMatchObject({ accessToken: 'access-101-CLEAR', refreshToken: 'refresh-101-CLEAR' });
  });

  it('isolates portals: ids never cross, and a token copied into another row does not open', async () => {
    await install(202);
    expect((await store.getTokens(202))?.accessToken).toBe('access-202-CLEAR');
    expect((await store.get(303))).toBeNull();
    expect(await store.getTokens(303)).toBeNull();
    await db.query(`update installations set access_token_enc = (select access_token_enc from installations where portal_id = 101)
                    where portal_id = 202`);
    await expect(store.getTokens(202)).rejects.toThrow(TokenDecryptionError);
    await install(202);
    await expect(store.get(-1)).rejects.toThrow(AppError);
    await expect(store.get(1.5)).rejects.toThrow(/positive integer/);
  });

  it('saves refreshed tokens, uninstalls (forgetting tokens), and reinstalls', async () => {
    expect(await store.saveTokens(101, { accessToken: 'a2-CLEAR', refreshToken: 'r2-CLEAR', expiresAt: new Date(clock.getTime() + hour) })).toBe(true);
    expect((await store.getTokens(101))?.accessToken).toBe('a2-CLEAR');
    clock = new Date(clock.getTime() + hour);
    expect(await store.markUninstalled(101, 'invalid_grant')).toBe(true);
    expect(await store.markUninstalled(101, 'again')).toBe(false);
    expect(await store.isActive(101)).toBe(false);
    expect(await store.getTokens(101)).toBeNull();
    expect(await store.saveTokens(101, { accessToken: 'x', refreshToken: 'y', expiresAt: clock })).toBe(false);
    expect(await store.get(101)).toMatchObject({ status: 'uninstalled', uninstallReason: 'invalid_grant', uninstalledAt: clock });
    expect((await store.listActive()).map((i) => i.portalId)).toEqual([202]);
    const back = await install(101, '-again');
    expect(back).toMatchObject({ status: 'active', uninstalledAt: null, installedAt: clock, bootstrap: { status: 'pending' } });
    expect((await store.listActive()).map((i) => i.portalId)).toEqual([101, 202]);
  });

  it('tracks the bootstrap: one claim at a time, failure scheduled for retry, done', async () => {
    expect(await store.listBootstrapDue()).toEqual([101, 202]);
    expect(await store.claimBootstrap(101)).toBe(true);
    expect(await store.claimBootstrap(101)).toBe(false);
    await store.markBootstrapFailed(101, 'HubSpot 503', new Date(clock.getTime() + 60_000));
    expect(await store.listBootstrapDue()).toEqual([202]);
    clock = new Date(clock.getTime() + 61_000);
    expect(await store.listBootstrapDue()).toEqual([101, 202]);
    expect(await store.claimBootstrap(101)).toBe(true);
    await store.markBootstrapDone(101);
    expect(await store.get(101)).toMatchObject({ bootstrap: { status: 'done', attempts: 2, error: null, completedAt: clock } });
    expect(await store.claimBootstrap(101)).toBe(false);
    // Reinstalling an account already prepared keeps it prepared.
    await install(101, '-third');
    expect((await store.get(101))?.bootstrap.status).toBe('done');
  });

  it('keeps settings per portal, with defaults, validation, and survival across reinstall', async () => {
    const defaults = await store.getSettings(202);
    expect(defaults).toMatchObject({ defaultJurisdiction: 'FR', sequenceBlocking: 'enforce', expiryAction: 'notify',
      retention: { prospectYears: 3 }, controller: null });
    const saved = await store.saveSettings(202, { expiryAction: 'archive', controller: { name: 'Acme SAS' } });
    expect(saved.controller).toEqual({ name: 'Acme SAS', address: null, dpoContact: null, logoUrl: null });
    expect((await store.getSettings(202)).expiryAction).toBe('archive');
    expect((await store.getSettings(101)).expiryAction).toBe('notify');
    await expect(store.saveSettings(202, { expiryAction: 'burn' as never })).rejects.toThrow(/settings.expiryAction/);
    await expect(store.saveSettings(202, { defaultJurisdiction: 'France' })).rejects.toThrow(/alpha-2/);
    await expect(store.saveSettings(202, { privacyPolicyUrl: 'javascript:alert(1)' })).rejects.toThrow(AppError);
    expect((await store.getSettings(202)).expiryAction).toBe('archive');
    // A stored document gone bad keeps its valid fields.
    await db.query(`update portal_settings set settings = $2::jsonb where portal_id = $1`,
      [202, JSON.stringify({ expiryAction: 'archive', defaultJurisdiction: 'not-a-country', retention: { prospectYears: 99 } })]);
    expect(await store.getSettings(202)).toMatchObject({ expiryAction: 'archive', defaultJurisdiction: 'FR', retention: { prospectYears: 3 } });
    await store.markUninstalled(202, 'test');
    await install(202);
    expect((await store.getSettings(202)).expiryAction).toBe('archive');
  });

  it('re-seals tokens under a new key', async () => {
    const k1 = generateTokenKey();
    const k2 = generateTokenKey();
    const oldStore = new InstallationStore({ db, cipher: new TokenCipher(parseTokenKeys(`k1:${k1}`)), now });
    await oldStore.upsert({ portalId: 404, scopes: [], accessToken: 'a404', refreshToken: 'r404', expiresAt: clock });
    const newStore = new InstallationStore({ db, cipher: new TokenCipher(parseTokenKeys(`k2:${k2},k1:${k1}`)), now });
    const result = await newStore.resealTokens();
    expect(result.resealed).toBe(1);
    // The other portals were sealed with a key this ring does not hold: reported, left untouched.
    expect(result.unreadable).toEqual([101, 202]);
    expect((await newStore.get(404))?.tokenKeyId).toBe('k2');
    const onlyNew = new InstallationStore({ db, cipher: new TokenCipher(parseTokenKeys(`k2:${k2}`)), now });
    expect((await onlyNew.getTokens(404))?.refreshToken).toBe('r404');
  });

  it('accepts an OAuth state once, then says replayed; unknown and expired are told apart', async () => {
    const states = new OAuthStateStore({ db, now });
    await states.create('s-ok', new Date(clock.getTime() + 600_000));
    await states.create('s-old', new Date(clock.getTime() - 1));
    const results = await Promise.all([states.consume('s-ok'), states.consume('s-ok'), states.consume('s-ok')]);
    expect(results.sort()).toEqual(['ok', 'replayed', 'replayed']);
    expect(await states.consume('s-old')).toBe('expired');
    expect(await states.consume('s-old')).toBe('replayed');
    expect(await states.consume('never-issued')).toBe('unknown');
    clock = new Date(clock.getTime() + 48 * hour);
    expect(await states.purgeExpired()).toBe(2);
  });
}

describeWithServices('InstallationStore on PostgreSQL', { postgres: true }, () => storeSuite('postgres'));
describe('InstallationStore on PGlite', () => storeSuite('pglite'));
