import { describe, expect, it } from 'vitest';
import { createCsvContactMapper } from '../../src/audit/csv-contact.ts';
import { isHubSpotHeader, mapHubSpotRow, normaliseHubSpotDate } from '../../src/audit/hubspot-export.ts';
import { toCountryCode } from '../../src/audit/country.ts';

const at = new Date('2026-11-23T00:00:00Z');

describe('flat CSV columns', () => {
  it('accepts dotted, underscored and camel-case names for nested fields and types the cells', () => {
    const mapper = createCsvContactMapper(['id', 'source.kind', 'source_collected_at', 'customerContractActive',
      'isProfessional', 'callsLast30Days', 'consents', 'country', 'favourite colour']);
    expect(mapper.layout).toBe('flat');
    expect(mapper.ignoredColumns).toEqual(['favourite colour']);
    const mapped = mapper.map(['c-1', 'trade_show', '2025-03-10', 'oui', 'false', '3',
      '[{"channel":"email","givenAt":"2025-03-10","method":"double_opt_in"}]', 'France', 'blue'], { at });
    expect(mapped).toEqual({ ok: true, value: {
      id: 'c-1', source: { kind: 'trade_show', collectedAt: '2025-03-10' }, customer: { contractActive: true },
      isProfessional: false, callsLast30Days: 3,
      consents: [{ channel: 'email', givenAt: '2025-03-10', method: 'double_opt_in' }], country: 'FR',
    } });
  });

  it('leaves empty cells out and names the field of a cell it cannot type', () => {
    const mapper = createCsvContactMapper(['id', 'email', 'offerRelatedToProfession', 'objections']);
    expect(mapper.map(['c-2', '', '', ''], { at })).toEqual({ ok: true, value: { id: 'c-2' } });
    expect(mapper.map(['c-3', '', 'perhaps', ''], { at }))
      .toEqual({ ok: false, id: 'c-3', error: 'offerRelatedToProfession: expected true or false, got "perhaps"' });
    expect(mapper.map(['c-4', '', '', '{"channel":"email"}'], { at }))
      .toEqual({ ok: false, id: 'c-4', error: 'objections: expected a JSON array' });
  });

  it('rejects a row whose width differs from the header, tolerating trailing empty cells', () => {
    const mapper = createCsvContactMapper(['id', 'email']);
    expect(mapper.map(['c-5'], { at })).toEqual({ ok: false, id: 'c-5', error: 'CSV: expected 2 columns, found 1' });
    expect(mapper.map(['c-6', 'a@b.fr', 'extra'], { at })).toMatchObject({ ok: false, error: 'CSV: expected 2 columns, found 3' });
    expect(mapper.map(['c-7', 'a@b.fr', '', ' '], { at })).toEqual({ ok: true, value: { id: 'c-7', email: 'a@b.fr' } });
  });
});

describe('HubSpot contacts export', () => {
  it('is recognised by its internal property names', () => {
    expect(isHubSpotHeader(['hs_object_id', 'email', 'jobtitle'])).toBe(true);
    expect(isHubSpotHeader(['id', 'email', 'createdate', 'pg_source_kind'])).toBe(true);
    expect(isHubSpotHeader(['id', 'email', 'source.kind'])).toBe(false);
    expect(createCsvContactMapper(['hs_object_id', 'email']).layout).toBe('hubspot');
  });

  it('maps properties to contact facts like the live pipeline, plus the consent HubSpot records', () => {
    const mapped = mapHubSpotRow({
      hs_object_id: '901', email: 'jane@acme.fr', mobilephone: '+33 6 12 34 56 78', country: 'Allemagne',
      company: 'Acme', jobtitle: 'CTO', createdate: '2024-05-02 10:15', hs_legal_basis: 'Freely given consent from contact',
      hs_email_optout: 'true', pg_source_kind: 'web_form', pg_source_detail: 'newsletter', pg_offer_related: 'oui',
      pg_contract_active: 'false', pg_sector: 'Logiciel',
    }, { at });
    expect(mapped).toMatchObject({ ok: true, value: {
      id: '901', email: 'jane@acme.fr', phone: '+33 6 12 34 56 78', country: 'DE', company: 'Acme', jobTitle: 'CTO',
      offerRelatedToProfession: true, sector: 'Logiciel',
      source: { kind: 'web_form', collectedAt: '2024-05-02T10:15:00.000Z', detail: 'newsletter' },
      consents: [{ channel: 'email', givenAt: '2024-05-02T10:15Z', method: 'unticked_checkbox', proofRef: 'hubspot:hs_legal_basis' }],
      objections: [{ channel: 'email' }],
    } });
  });

  it('extends retention with clicks and replies, never with opens or rep activity (notes_last_contacted)', () => {
    const mapped = mapHubSpotRow({
      hs_object_id: '7', createdate: '1704067200000', notes_last_contacted: '2026-10-01T00:00:00Z',
      hs_email_last_open_date: '2026-11-01T00:00:00Z', hs_email_last_click_date: '2025-02-01T00:00:00Z',
      hs_email_last_reply_date: '2025-06-01T08:00:00Z', country: 'Pays-Bas',
    }, { at });
    expect(mapped.ok && mapped.value).toMatchObject({
      country: 'NL', source: { collectedAt: '2024-01-01T00:00:00.000Z' },
      lastProspectContactAt: '2025-06-01T08:00:00.000Z', lastEmailOpenAt: '2026-11-01T00:00:00.000Z',
    });
  });

  it('turns "performance of a contract" and "existing customer" into customer facts', () => {
    const contract = mapHubSpotRow({ hs_object_id: '1', hs_legal_basis: 'Performance of a contract' }, { at });
    const customer = mapHubSpotRow({ hs_object_id: '2', hs_legal_basis: 'Legitimate interest - existing customer' }, { at });
    expect(contract.ok && contract.value.customer).toMatchObject({ contractActive: true });
    expect(customer.ok && customer.value.customer).toMatchObject({ offerSimilarToPurchase: true });
  });

  it('names the property holding a bad date or flag', () => {
    expect(mapHubSpotRow({ hs_object_id: '3', createdate: 'yesterday' }, { at }))
      .toEqual({ ok: false, id: '3', error: 'createdate: invalid date "yesterday"' });
    expect(mapHubSpotRow({ hs_object_id: '4', hs_email_optout: 'sometimes' }, { at }))
      .toEqual({ ok: false, id: '4', error: 'hs_email_optout: expected true or false, got "sometimes"' });
    expect(mapHubSpotRow({ hs_object_id: '5', pg_source_kind: 'carrier_pigeon' }, { at }))
      .toMatchObject({ ok: false, id: '5', error: expect.stringMatching(/^pg_source_kind: expected one of web_form, /) });
    expect(mapHubSpotRow({ email: 'a@b.fr' }, { at })).toMatchObject({ ok: false, id: null, error: expect.stringMatching(/^hs_object_id: missing/) });
  });

  it('normalises the date shapes HubSpot writes', () => {
    expect(normaliseHubSpotDate('2025-01-02')).toBe('2025-01-02');
    expect(normaliseHubSpotDate('2025-01-02 03:04:05')).toBe('2025-01-02T03:04:05Z');
    expect(normaliseHubSpotDate('1735776000')).toBe('2025-01-02T00:00:00.000Z');
    expect(normaliseHubSpotDate('02/01/2025')).toBeNull();
  });
});

describe('toCountryCode', () => {
  it('reads codes and names in several languages, and says when it does not know', () => {
    expect(['fr', 'France', 'Royaume-Uni', 'Deutschland', 'España', 'Belgique', 'Atlantis'].map(toCountryCode))
      .toEqual(['FR', 'FR', 'GB', 'DE', 'ES', 'BE', null]);
  });
});
