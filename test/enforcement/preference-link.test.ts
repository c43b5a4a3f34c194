// Issue 12.1: the preference link reaches prospects through the pg_preference_url contact property, written by
// the judge step, refreshed before it expires, quoted in the Art. 14 notice; older installs get the property.
import './support/quiet.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPreferenceLinkIssuer, LINK_REFRESH_DAYS } from '../../src/preferences/link-property.ts';
import { createLinkRefresher } from '../../src/preferences/refresh-links.ts';
import { derivePreferenceKey, verifyPreferenceToken } from '../../src/preferences/token.ts';
import { changedProperties, firstContactNotice } from '../../src/hubspot/contact-mapping.ts';
import { PROPERTY_SCHEMA } from '../../src/bootstrap/bootstrap-account.ts';
import { APP_PROPERTIES } from '../../src/hubspot/properties.ts';
import { createEnforcementTestDb, type TestDb } from './support/db.ts';
import { startHarness, waitFor, type Harness } from './support/app-harness.ts';

const key = derivePreferenceKey('test-secret-for-preference-link-property');
const BASE = 'https://pg.example';
const DAY = 86_400_000;
const T0 = new Date('2026-12-02T09:00:00Z');

describe('the preference link property', () => {
  const issuer = createPreferenceLinkIssuer({ key, publicBaseUrl: BASE, enabled: async (p) => p !== 13 });

  it('issues a signed link bound to the address, keeps it while it has time left, renews it close to expiry', async () => {
    const link = await issuer.forPortal(7, T0);
    const first = link!('42', 'Anne@Example.fr', null);
    expect(first?.url).toMatch(/^https:\/\/pg\.example\/p\/[\w-]+\.[\w-]+$/);
    const token = first!.url.split('/p/')[1] ?? '';
    expect(verifyPreferenceToken(key, token, T0)).toMatchObject({ ok: true, claims: { portalId: 7, contactId: '42' } });
    expect(first?.expiresAt).toBe(new Date(T0.getTime() + 400 * DAY).toISOString().slice(0, 10));

    // 300 days later: 100 days left, more than the refresh margin, the same link stays (no write).
    const later = (await issuer.forPortal(7, new Date(T0.getTime() + 300 * DAY)))!('42', 'anne@example.fr', first!.url);
    expect(later).toEqual(first);
    // 341 days later: fewer than LINK_REFRESH_DAYS left, a new link with a new expiry.
    const renewed = (await issuer.forPortal(7, new Date(T0.getTime() + (400 - LINK_REFRESH_DAYS + 1) * DAY)))!('42', 'anne@example.fr', first!.url);
    expect(renewed?.url).not.toBe(first!.url);
    expect(renewed!.expiresAt > first!.expiresAt).toBe(true);
  });

  it('re-issues when the address changed, the link names another contact or is not ours; none without address or when off', async () => {
    const link = (await issuer.forPortal(7, T0))!;
    const first = link('42', 'anne@example.fr', null)!;
    expect(link('42', 'new@example.fr', first.url)?.url).not.toBe(first.url);
    expect(link('43', 'anne@example.fr', first.url)?.url).not.toBe(first.url);
    expect(link('42', 'anne@example.fr', 'https://evil.example/p/abc.def')?.url).toMatch(/^https:\/\/pg\.example\/p\//);
    expect(link('42', null, first.url)).toBeNull();
    expect(await issuer.forPortal(13, T0)).toBeNull();
  });

  it('puts the link in the Art. 14 notice, and an unchanged link is not written again', () => {
    const verdict = { source: { art14NoticeRequired: true, kind: 'purchased_list' } } as Parameters<typeof firstContactNotice>[0];
    const notice = firstContactNotice(verdict, 'Fichier Salon 2026', 'https://pg.example/p/abc.def');
    expect(notice).toContain('https://pg.example/p/abc.def');
    expect(notice).toContain('page de préférences\u00a0:');
    expect(firstContactNotice(verdict, null, null)).not.toMatch(/lien/);
    const desired = { pg_preference_url: 'https://pg.example/p/abc.def', pg_preference_url_expires_at: '2028-01-06' };
    expect(changedProperties(desired, { pg_preference_url: 'https://pg.example/p/abc.def', pg_preference_url_expires_at: '1830729600000' })).toEqual({});
    expect(changedProperties(desired, { pg_preference_url: null })).toEqual(desired);
  });

  it('the refresh sweep hands expiring and missing links back to the judge step, page by page', async () => {
    const searches: { filterGroups: unknown[] }[] = [];
    const pages = [Array.from({ length: 100 }, (_, i) => ({ id: String(1000 + i), properties: {} })), [{ id: '2000', properties: {} }]];
    const rejudged: string[][] = [];
    const refresher = createLinkRefresher({
      hubspot: { searchContacts: async (_p, body) => { searches.push(body); return { results: pages.shift() ?? [], after: null, total: 101 }; } },
      rejudge: async (_p, ids) => { rejudged.push(ids); },
      enabled: async () => true,
      clock: { now: () => T0 },
    });
    const report = await refresher.run(7);
    expect(report).toEqual({ pages: 2, rejudged: 101, finished: true });
    expect(rejudged.map((r) => r.length)).toEqual([100, 1]);
    const [expiring, missing] = searches[0]!.filterGroups as { filters: { propertyName: string; operator: string; value?: string }[] }[];
    expect(expiring!.filters[0]).toEqual({ propertyName: 'pg_preference_url_expires_at', operator: 'LT', value: String(Date.UTC(2026, 11, 2) + LINK_REFRESH_DAYS * DAY) });
    expect(missing!.filters.map((f) => `${f.propertyName}:${f.operator}`)).toEqual(['pg_preference_url:NOT_HAS_PROPERTY', 'email:HAS_PROPERTY', 'pg_evaluated_at:HAS_PROPERTY']);
    // The second page continues after the first page's last id.
    expect(JSON.stringify(searches[1])).toContain('"value":"1099"');
    const off = createLinkRefresher({ hubspot: { searchContacts: async () => { throw new Error('must not search'); } }, rejudge: async () => {}, enabled: async () => false });
    expect(await off.run(7)).toEqual({ pages: 0, rejudged: 0, finished: true });
  });

  it('declares both properties as app outputs', () => {
    const byName = new Map(APP_PROPERTIES.map((p) => [p.name, p]));
    expect(byName.get('pg_preference_url')).toMatchObject({ type: 'string', role: 'output' });
    expect(byName.get('pg_preference_url_expires_at')).toMatchObject({ type: 'date', role: 'output' });
  });
});

describe('the judge step writes the link (whole app against the stand-in)', () => {
  let db: TestDb;
  let h: Harness;
  beforeAll(async () => {
    db = await createEnforcementTestDb('pglite');
    h = await startHarness(db);
  }, 120_000);
  afterAll(async () => { await h?.stop(); await db?.drop(); });

  it('a judged contact carries a working link in pg_preference_url and in its Art. 14 notice', async () => {
    const id = h.standIn.createContact(h.portalId, {
      email: 'lea.martin@exemple-achat.fr', country: 'France', company: 'Exemple', jobtitle: 'Acheteuse',
      pg_is_professional: 'true', pg_offer_related: 'true', pg_source_kind: 'purchased_list', pg_source_detail: 'Fichier BTP 2026', pg_collected_at: '2026-10-01',
    });
    await h.standIn.flushWebhooks();
    await waitFor(() => Boolean(h.standIn.getContact(h.portalId, id)?.properties.pg_preference_url));
    const props = h.standIn.getContact(h.portalId, id)!.properties;
    const url = props.pg_preference_url ?? '';
    expect(url.startsWith(`${h.baseUrl}/p/`)).toBe(true);
    expect(props.pg_preference_url_expires_at).toBeTruthy();
    expect(props.pg_first_contact_notice).toContain(url);
    const page = await fetch(url, { headers: { 'accept-language': 'fr-FR' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Vos préférences de prospection');
  });

  it('the daily sweep gives a link back to a judged contact that lost it, without any webhook', async () => {
    const id = h.standIn.createContact(h.portalId, { email: 'paul.girard@exemple-salon.fr', country: 'France', pg_source_kind: 'trade_show', pg_collected_at: '2026-09-01' });
    await h.standIn.flushWebhooks();
    await waitFor(() => Boolean(h.standIn.getContact(h.portalId, id)?.properties.pg_preference_url));
    // Cleared as if by the app itself: no webhook-driven judgement follows, only the sweep can notice.
    h.standIn.updateContact(h.portalId, id, { pg_preference_url: '' }, { changeSource: 'INTEGRATION', sourceId: String(h.standIn.appId) });
    await h.standIn.flushWebhooks();
    await new Promise((r) => setTimeout(r, 500)); // longer than the coalescing window: nothing re-judges it
    expect(h.standIn.getContact(h.portalId, id)?.properties.pg_preference_url ?? '').toBe('');
    const report = await h.enf.tick();
    expect(report.linksRefreshed).toBeGreaterThanOrEqual(1);
    await waitFor(() => Boolean(h.standIn.getContact(h.portalId, id)?.properties.pg_preference_url));
  });

  it('installs bootstrapped by an older release get the new properties', async () => {
    const { rows } = await db.query<{ bootstrap_schema: string | null }>('select bootstrap_schema from installations where portal_id = $1', [h.portalId]);
    expect(rows[0]?.bootstrap_schema).toBe(PROPERTY_SCHEMA);
    await db.query('update installations set bootstrap_schema = null where portal_id = $1', [h.portalId]);
    expect(await h.app.installations.listBootstrapSchemaStale(PROPERTY_SCHEMA)).toEqual([h.portalId]);
    expect(await h.app.bootstrapper.upgradeSchemas()).toBe(1);
    expect(await h.app.installations.listBootstrapSchemaStale(PROPERTY_SCHEMA)).toEqual([]);
    expect(await h.app.bootstrapper.upgradeSchemas()).toBe(0);
    const client = await h.app.clients.forPortal(h.portalId);
    expect((await client.crm.properties.coreApi.getByName('contacts', 'pg_preference_url')).name).toBe('pg_preference_url');
  });
});
