import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAuthStateIssuer } from '../../src/oauth/state.ts';
import { OAuthStateStore } from '../../src/storage/oauth-states.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

describe('OAuth state', () => {
  let db: TestDb;
  let clock = new Date('2026-11-23T08:00:00Z');
  const now = () => clock;
  let issuer: OAuthStateIssuer;
  beforeAll(async () => {
    db = await createTestDb('pglite');
    issuer = new OAuthStateIssuer({ clientSecret: 'client-secret-1', store: new OAuthStateStore({ db, now }), now });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('accepts a state it issued exactly once', async () => {
    const state = await issuer.issue();
    expect(state).toMatch(/^[A-Za-z0-9_-]+\.\d+\.[A-Za-z0-9_-]+$/);
    expect(await issuer.check(state)).toEqual({ ok: true });
    expect(await issuer.check(state)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('refuses a state signed with another secret, or altered in any part', async () => {
    const other = new OAuthStateIssuer({ clientSecret: 'client-secret-2', store: new OAuthStateStore({ db, now }), now });
    expect(await issuer.check(await other.issue())).toEqual({ ok: false, reason: 'forged' });
    const state = await issuer.issue();
    const [id, exp, mac] = state.split('.') as [string, string, string];
    expect(await issuer.check(`${id}x.${exp}.${mac}`)).toEqual({ ok: false, reason: 'forged' });
    expect(await issuer.check(`${id}.${Number(exp) + 3600_000}.${mac}`)).toEqual({ ok: false, reason: 'forged' });
    expect(await issuer.check(`${id}.${exp}.${mac.slice(0, -2)}AA`)).toEqual({ ok: false, reason: 'forged' });
    expect(await issuer.check(`${id}.${exp}`)).toEqual({ ok: false, reason: 'malformed' });
    expect(await issuer.check(undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(await issuer.check(['a', 'b'])).toEqual({ ok: false, reason: 'missing' });
    // The untouched state still works: the failed attempts did not consume it.
    expect(await issuer.check(state)).toEqual({ ok: true });
  });

  it('refuses a state after its 10 minutes, even if never used', async () => {
    const state = await issuer.issue();
    clock = new Date(clock.getTime() + 10 * 60_000 + 1);
    expect(await issuer.check(state)).toEqual({ ok: false, reason: 'expired' });
    expect(await issuer.check(state)).toEqual({ ok: false, reason: 'expired' });
  });
});
