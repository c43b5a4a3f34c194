// Seeded accounts look like a French/European CRM: varied, realistic, and the same for the same seed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StandIn } from '../../scripts/hubspot-standin/index.ts';
import { LEGAL_BASIS_OPTIONS } from '../../scripts/hubspot-standin/index.ts';
import { standInWithPortal } from './helpers.ts';

describe('stand-in seeding', () => {
  let standIn: StandIn;
  let portalId: number;
  let contacts: Array<Record<string, string | null>>;

  beforeAll(async () => {
    ({ standIn, portalId } = await standInWithPortal());
    const ids = await standIn.seedContacts(portalId, 2000, { seed: 99 });
    contacts = ids.map((id) => standIn.getContact(portalId, id)?.properties ?? {});
  });
  afterAll(async () => {
    await standIn.close();
  });

  const share = (pred: (c: Record<string, string | null>) => boolean): number => contacts.filter(pred).length / contacts.length;

  it('mixes countries with France first, B2B company and B2C free-mail addresses, and role addresses', () => {
    const fr = share((c) => ['france', 'fr'].includes((c.country ?? '').toLowerCase()));
    expect(fr).toBeGreaterThan(0.4);
    expect(fr).toBeLessThan(0.6);
    for (const name of ['Germany', 'Deutschland', 'United Kingdom', 'Belgique', 'España', 'Italia']) {
      expect(contacts.some((c) => c.country === name), name).toBe(true);
    }
    expect(share((c) => c.company != null)).toBeGreaterThan(0.5);
    expect(share((c) => /@(gmail\.com|orange\.fr|free\.fr|laposte\.net|gmx\.de|web\.de|libero\.it)$/.test(c.email ?? ''))).toBeGreaterThan(0.15);
    expect(share((c) => /^(contact|info|sales|commercial|hello|accueil|direction|compta|rh|marketing)\d*@/.test(c.email ?? ''))).toBeGreaterThan(0.02);
    expect(share((c) => c.email == null)).toBeGreaterThan(0.01);
    expect(new Set(contacts.map((c) => c.email).filter(Boolean)).size).toBe(contacts.filter((c) => c.email).length);
  });

  it('writes phones in national and international formats, a few of them invalid', () => {
    const phones = contacts.flatMap((c) => [c.phone, c.mobilephone]).filter((p): p is string => p != null);
    expect(phones.some((p) => /^0[1-9]( \d\d){4}$/.test(p))).toBe(true);
    expect(phones.some((p) => p.startsWith('+33 '))).toBe(true);
    expect(phones.some((p) => /^\+\d{10,}$/.test(p))).toBe(true);
    expect(phones.some((p) => p.startsWith('00'))).toBe(true);
    const short = phones.filter((p) => p.replace(/\D/g, '').length < 8).length / phones.length;
    expect(short).toBeGreaterThan(0.01);
    expect(short).toBeLessThan(0.1);
  });

  it('spreads histories over five years with HubSpot values for stages, sources and legal bases', () => {
    const now = Date.now();
    const created = contacts.map((c) => Date.parse(c.createdate ?? ''));
    expect(Math.min(...created)).toBeLessThan(now - 4 * 365 * 86_400_000);
    expect(Math.max(...created)).toBeGreaterThan(now - 365 * 86_400_000);
    for (const c of contacts) {
      for (const k of ['hs_email_last_click_date', 'hs_email_last_open_date', 'hs_email_last_reply_date', 'notes_last_contacted']) {
        if (c[k]) expect(Date.parse(c[k] ?? '')).toBeGreaterThanOrEqual(Date.parse(c.createdate ?? ''));
      }
      if (c.hs_legal_basis) expect(LEGAL_BASIS_OPTIONS).toContain(c.hs_legal_basis);
    }
    expect(new Set(contacts.map((c) => c.lifecyclestage)).size).toBeGreaterThanOrEqual(6);
    expect(share((c) => c.hs_email_optout === 'true')).toBeGreaterThan(0.02);
    expect(share((c) => c.hs_email_last_click_date != null)).toBeGreaterThan(0.1);
    expect(new Set(contacts.map((c) => c.pg_source_kind).filter(Boolean)).size).toBeGreaterThanOrEqual(8);
    expect(share((c) => c.pg_source_kind == null)).toBeGreaterThan(0.2);
  });

  it('gives the same account for the same seed, and another for another seed', async () => {
    const a = standIn.createAccount().portalId;
    const b = standIn.createAccount().portalId;
    const c = standIn.createAccount().portalId;
    const pa = (await standIn.seedContacts(a, 50, { seed: 7 })).map((id) => standIn.getContact(a, id)?.properties.email);
    const pb = (await standIn.seedContacts(b, 50, { seed: 7 })).map((id) => standIn.getContact(b, id)?.properties.email);
    const pc = (await standIn.seedContacts(c, 50, { seed: 8 })).map((id) => standIn.getContact(c, id)?.properties.email);
    expect(pb).toEqual(pa);
    expect(pc).not.toEqual(pa);
  });
});
