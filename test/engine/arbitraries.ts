// fast-check generators of contact facts covering every branch the evaluator has.
import fc from 'fast-check';
import {
  CHANNELS, CONSENT_METHODS, PURPOSES, SOURCE_KINDS, type ContactFacts, type ObjectionChannel,
} from '../../src/engine/index.ts';

const DAY = 86_400_000;
const FROM = Date.UTC(2019, 0, 1);
const TO = Date.UTC(2028, 11, 31);

export const isoInstant = fc.integer({ min: FROM / 1000, max: TO / 1000 }).map((s) => new Date(s * 1000).toISOString());
export const isoDay = fc.integer({ min: FROM / DAY, max: TO / DAY }).map((d) => new Date(d * DAY).toISOString().slice(0, 10));
export const isoAny = fc.oneof(isoInstant, isoDay);
export const evaluationInstant = fc.integer({ min: Date.UTC(2024, 0, 1) / 1000, max: Date.UTC(2027, 11, 31) / 1000 })
  .map((s) => new Date(s * 1000));

const local = fc.constantFrom('jane.doe', 'paul', 'contact', 'info', 'sales+fr', 'm.curie', 'support', 'hello', 'x');
const domain = fc.constantFrom('acme-software.fr', 'gmail.com', 'orange.fr', 'yopmail.com', 'boulangerie.fr', 'exemple.fr', 'laposte.net');
const email = fc.option(fc.tuple(local, domain).map(([l, d]) => `${l}@${d}`), { nil: undefined });
const phone = fc.option(fc.constantFrom('06 12 34 56 78', '+33 1 23 45 67 89', '06 12', '+49 30 901820', 'not a number', ''), { nil: undefined });
const country = fc.option(fc.constantFrom('FR', 'DE', 'GB', 'BE', 'ES', 'IT', 'US', 'France', 'uk', ''), { nil: undefined });
const optionalBool = fc.option(fc.boolean(), { nil: undefined });
const optionalDate = fc.option(isoAny, { nil: undefined });

const controllerNames = fc.option(fc.constantFrom<string[]>(['Acme'], ['ACME S.A.S.', 'Beta'], ['Other Corp'], []), { nil: undefined });
const consent = fc.record({
  channel: fc.constantFrom(...CHANNELS),
  givenAt: isoAny,
  method: fc.constantFrom(...CONSENT_METHODS),
  withdrawnAt: fc.option(isoAny, { nil: null }),
  expiresAt: fc.option(isoAny, { nil: null }),
  controllers: controllerNames,
  partners: controllerNames,
  proofRef: fc.option(fc.constantFrom('form:v3', 'rec-1', ''), { nil: null }),
}, { requiredKeys: ['channel', 'givenAt', 'method'] });
const objection = fc.record({
  channel: fc.constantFrom<ObjectionChannel>(...CHANNELS, 'all'),
  at: isoAny,
});

export const contactFacts: fc.Arbitrary<ContactFacts> = fc.record({
  id: fc.stringMatching(/^[a-z0-9-]{1,8}$/),
  email,
  phone,
  country,
  company: fc.option(fc.constantFrom('Acme', 'Boulangerie Dupont'), { nil: undefined }),
  jobTitle: fc.option(fc.constantFrom('CTO', 'Directeur technique', 'Office manager', 'Stagiaire'), { nil: undefined }),
  isProfessional: optionalBool,
  soleTrader: optionalBool,
  offerRelatedToProfession: optionalBool,
  purpose: fc.option(fc.constantFrom(...PURPOSES), { nil: undefined }),
  sector: fc.option(fc.constantFrom('energy_renovation', 'Panneaux solaires', 'Logiciel', 'home_adaptation', 'heat_pumps',
    'software', 'Travaux de rénovation', 'Poêles à granulés', 'Crème solaire'), { nil: undefined }),
  source: fc.option(fc.record({
    kind: fc.constantFrom(...SOURCE_KINDS),
    collectedAt: fc.option(isoAny, { nil: null }),
    detail: fc.option(fc.constantFrom('Kaspr extension', 'VivaTech', 'Dropcontact', 'LinkedIn'), { nil: null }),
    proofOfConsentFromProvider: fc.option(fc.boolean(), { nil: null }),
    noticeSentAt: fc.option(isoAny, { nil: null }),
  }), { nil: undefined }),
  consents: fc.array(consent, { maxLength: 4 }),
  objections: fc.array(objection, { maxLength: 2 }),
  customer: fc.option(fc.record({
    lastPurchaseAt: fc.option(isoAny, { nil: null }),
    contractActive: fc.option(fc.boolean(), { nil: null }),
    relationshipEndedAt: fc.option(isoAny, { nil: null }),
    offerSimilarToPurchase: fc.option(fc.boolean(), { nil: null }),
  }), { nil: undefined }),
  lastProspectContactAt: optionalDate,
  lastEmailOpenAt: optionalDate,
  callsLast30Days: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
  lastCallRefusalAt: optionalDate,
}, { requiredKeys: ['id'] });

/** Portal settings the engine reads beyond the defaults: the user's company names and sector. */
export const portalExtras = fc.record({
  controllerNames: fc.constantFrom<string[] | undefined>(undefined, [], ['Acme'], ['Acme SAS', 'Acme Group']),
  sector: fc.constantFrom<string | null | undefined>(undefined, null, 'software', 'heat_pumps', 'stairlifts', 'other'),
}, { requiredKeys: [] });

export const targetRoles = fc.constantFrom<string[]>([], ['cto'], ['directeur technique', 'dsi']);
