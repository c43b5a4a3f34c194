// HubSpot record + evidence -> facts; verdict -> properties; only changes are sent; own writes are recognised.
import { describe, expect, it } from 'vitest';
import {
  changedProperties, contactFactsFromHubSpot, countryCode, hubSpotDate, isOwnChange, propertiesFromVerdict,
} from '../../src/hubspot/contact-mapping.ts';
import { evaluateContact } from '../../src/engine/index.ts';

const none = { consents: [], objections: [], suppressedChannels: [] };

describe('contactFactsFromHubSpot', () => {
  it('maps HubSpot properties and our evidence to the engine facts', () => {
    const f = contactFactsFromHubSpot({ id: '12', properties: {
      email: ' Marc@Acme.fr ', phone: null, mobilephone: '+33612345678', country: 'France', company: 'Acme', jobtitle: 'CTO',
      pg_is_professional: 'true', pg_offer_related: 'false', pg_source_kind: 'trade_show', pg_collected_at: '2025-03-04',
      createdate: '2025-01-01T00:00:00Z', hs_email_last_open_date: '2026-10-01T00:00:00Z', hs_email_last_click_date: '2026-05-01T00:00:00Z',
      hs_email_last_reply_date: '2026-02-01T00:00:00Z', lifecyclestage: 'customer', hs_email_optout: 'true',
    } }, { ...none, suppressedChannels: ['sms'] });
    expect(f).toMatchObject({
      id: '12', email: 'Marc@Acme.fr', phone: '+33612345678', country: 'FR', isProfessional: true, offerRelatedToProfession: false,
      source: { kind: 'trade_show', collectedAt: '2025-03-04T00:00:00.000Z' }, customer: { contractActive: null },
      lastProspectContactAt: '2026-05-01T00:00:00.000Z', lastEmailOpenAt: '2026-10-01T00:00:00.000Z',
    });
    expect(f.objections?.map((o) => o.channel).sort()).toEqual(['email', 'sms']);
  });

  it('never counts an email open as a contact initiated by the prospect', () => {
    const f = contactFactsFromHubSpot({ id: '1', properties: { hs_email_last_open_date: '2026-11-01T00:00:00Z' } }, none);
    expect(f.lastProspectContactAt).toBeNull();
  });

  it('reads countries and dates in HubSpot forms', () => {
    expect(countryCode('Allemagne')).toBe('DE');
    expect(countryCode('uk')).toBe('GB');
    expect(countryCode('Atlantis')).toBeNull();
    expect(hubSpotDate('1714521600000')).toBe('2024-05-01T00:00:00.000Z');
    expect(hubSpotDate('not a date')).toBeNull();
  });
});

describe('propertiesFromVerdict and changedProperties', () => {
  const facts = contactFactsFromHubSpot({ id: '5', properties: { email: 'j.dupont@acme-industrie.fr', country: 'France', company: 'Acme', pg_is_professional: 'true', pg_offer_related: 'true' } }, none);
  const verdict = evaluateContact(facts, { at: new Date('2026-11-23T10:00:00Z') });
  const desired = propertiesFromVerdict(verdict, { sourceDetail: null, noticeSent: false });

  it('writes every output property, the basis or blocker per channel, and hs_legal_basis for an allowed email', () => {
    expect(desired).toMatchObject({ pg_audience: verdict.audience, pg_status: verdict.status, pg_rules_version: verdict.rulesVersion });
    for (const ch of ['email', 'sms', 'social_dm', 'automated_call', 'fax', 'phone', 'postal']) expect(desired[`pg_basis_${ch}`]).toBeTruthy();
    expect(desired.pg_retention_expires_at).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    if (verdict.channels.email.allowed) expect(desired.hs_legal_basis).toBeTruthy();
  });

  it('sends only what differs from HubSpot, and pg_evaluated_at only alongside a change', () => {
    const current: Record<string, string> = { ...desired, pg_evaluated_at: '2026-01-01T00:00:00.000Z', pg_retention_expires_at: `${desired.pg_retention_expires_at}T00:00:00Z` };
    expect(changedProperties(desired, current)).toEqual({});
    const changed = changedProperties(desired, { ...current, pg_status: 'blocked' });
    expect(Object.keys(changed).sort()).toEqual(['pg_evaluated_at', 'pg_status']);
  });

  it('keeps the user\'s other hs_legal_basis options and replaces only the ones the app manages', () => {
    const d = { hs_legal_basis: 'Legitimate interest – prospect/lead' };
    expect(changedProperties(d, { hs_legal_basis: 'Freely given consent from contact;Not applicable' })).toEqual({ hs_legal_basis: 'Not applicable;Legitimate interest – prospect/lead' });
    expect(changedProperties(d, { hs_legal_basis: 'Legitimate interest – prospect/lead;Other' })).toEqual({});
  });
});

describe('isOwnChange', () => {
  it('recognises our app by sourceId, or our own value of a property we write', () => {
    expect(isOwnChange({ changeSource: 'INTEGRATION', sourceId: '4242', propertyName: 'hs_legal_basis', propertyValue: 'x' }, { appId: 4242 })).toBe(true);
    expect(isOwnChange({ changeSource: 'INTEGRATION', sourceId: 'appId:4242' }, { appId: 4242 })).toBe(true);
    expect(isOwnChange({ changeSource: 'INTEGRATION', sourceId: '42420' }, { appId: 4242 })).toBe(false);
    expect(isOwnChange({ propertyName: 'hs_legal_basis', propertyValue: 'A;B' }, { appId: null, written: { hs_legal_basis: 'B;A' } })).toBe(true);
    expect(isOwnChange({ propertyName: 'hs_legal_basis', propertyValue: 'C' }, { appId: null, written: { hs_legal_basis: 'B;A' } })).toBe(false);
    expect(isOwnChange({ propertyName: 'email', propertyValue: 'x@y.fr', sourceId: 'userId:1' }, { appId: 4242, written: {} })).toBe(false);
  });
});
