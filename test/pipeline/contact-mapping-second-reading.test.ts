// HubSpot mapping of the facts and verdict fields added by the engine's second reading (issue 10).
import { describe, expect, it } from 'vitest';
import { contactFactsFromHubSpot, countryCode, propertiesFromVerdict } from '../../src/hubspot/contact-mapping.ts';
import { APP_PROPERTIES } from '../../src/hubspot/properties.ts';
import { BLOCKERS, evaluateContact } from '../../src/engine/index.ts';

const none = { consents: [], objections: [], suppressedChannels: [] };

describe('second-reading facts from HubSpot', () => {
  it('reads pg_sole_trader into soleTrader, and leaves it null when unset', () => {
    const yes = contactFactsFromHubSpot({ id: '1', properties: { pg_sole_trader: 'true', country: 'UK' } }, none);
    const unset = contactFactsFromHubSpot({ id: '2', properties: {} }, none);
    expect(yes.soleTrader).toBe(true);
    expect(unset.soleTrader).toBeNull();
    expect(APP_PROPERTIES.find((p) => p.name === 'pg_sole_trader')).toMatchObject({ type: 'enumeration', formField: true });
  });

  it('reads the names of overseas France as their codes', () => {
    expect(['La Réunion', 'Guyane', 'Mayotte', 'Saint-Martin', 'Saint-Barthélemy', 'Saint-Pierre-et-Miquelon'].map(countryCode))
      .toEqual(['RE', 'GF', 'YT', 'MF', 'BL', 'PM']);
  });

  it('writes call_limit as the phone basis property, an option HubSpot knows', () => {
    const v = evaluateContact({ id: '3', email: 'paul.martin@gmail.com', phone: '06 12 34 56 78', country: 'FR', callsLast30Days: 4,
      source: { kind: 'web_form', collectedAt: '2026-10-01' },
      consents: [{ channel: 'phone', givenAt: '2026-10-01T10:00:00Z', method: 'oral_recorded' }] }, { at: new Date('2026-11-23T10:00:00Z') });
    const props = propertiesFromVerdict(v, { noticeSent: false, sourceDetail: null });
    expect(props.pg_basis_phone).toBe('call_limit');
    const options = APP_PROPERTIES.find((p) => p.name === 'pg_basis_phone')?.options?.map((o) => o.value) ?? [];
    for (const b of BLOCKERS) expect(options).toContain(b);
  });
});
