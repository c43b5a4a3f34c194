// Properties of the second reading of the engine (issue 10): general laws, checked on generated contacts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHANNELS, DEFAULT_SETTINGS, evaluateContact, isBannedSector, mightBeBannedSector, RULE_PACKS, SECTORS, type ConsentRecord, type ContactFacts, type PortalSettings,
  type SourceKind,
} from '../../src/engine/index.ts';
import { contactFacts, evaluationInstant, portalExtras } from './arbitraries.ts';

const RUNS = { numRuns: 300 };
const DAY = 86_400_000;
const settingsOf = (extra: Partial<PortalSettings>): PortalSettings => ({ ...DEFAULT_SETTINGS, ...extra });
const THIRD_PARTY = ['purchased_list', 'rented_list', 'data_broker', 'partner_transfer', 'enrichment_tool', 'referral',
  'manual_entry', 'scraped', 'unknown'] as const;
const COUNTRIES = ['FR', 'DE', 'GB', 'BE', 'ES', 'IT', 'RE', 'US'] as const;

describe('partner consent (a consent is valid only for the controllers it names)', () => {
  it('never opens a channel with a consent naming only other controllers, whatever the source and proof', () => {
    fc.assert(fc.property(contactFacts, evaluationInstant, portalExtras, fc.constantFrom(...CHANNELS), fc.constantFrom('unticked_checkbox', 'double_opt_in', 'signed_form', 'oral_recorded') as fc.Arbitrary<ConsentRecord['method']>,
      (facts, at, extra, channel, method) => {
        const settings = settingsOf(extra);
        const before = evaluateContact(facts, { at, settings });
        const foreign: ConsentRecord = { channel, givenAt: new Date(at.getTime() - DAY).toISOString(), method,
          controllers: ['Zeta Marketing Partners'], proofRef: 'zeta/form-v1' };
        const after = evaluateContact({ ...facts, consents: [...(facts.consents ?? []), foreign] }, { at, settings });
        for (const c of CHANNELS) expect(after.channels[c].allowed, c).toBe(before.channels[c].allowed);
        expect(after.retention).toEqual(before.retention);
      }), RUNS);
  });

  it('never relies on a third-party consent (given with the data) that lacks a proof reference', () => {
    fc.assert(fc.property(contactFacts, evaluationInstant, portalExtras, fc.constantFrom(...THIRD_PARTY.slice(0, 8)), fc.constantFrom(...CHANNELS),
      (facts, at, extra, kind, channel) => {
        const settings = settingsOf({ ...extra, controllerNames: ['Acme'] });
        const collectedAt = new Date(at.getTime() - 10 * DAY).toISOString();
        const base: ContactFacts = { ...facts, source: { kind, collectedAt, proofOfConsentFromProvider: true } };
        const before = evaluateContact(base, { at, settings });
        const claimed: ConsentRecord = { channel, givenAt: new Date(at.getTime() - 20 * DAY).toISOString(), method: 'double_opt_in',
          controllers: ['Acme'], proofRef: null };
        const after = evaluateContact({ ...base, consents: [...(base.consents ?? []), claimed] }, { at, settings });
        for (const c of CHANNELS) expect(after.channels[c].allowed, c).toBe(before.channels[c].allowed);
      }), RUNS);
  });
});

describe('soft opt-in provenance', () => {
  it('never applies soft opt-in to contact details from a third party, in any pack', () => {
    fc.assert(fc.property(contactFacts, evaluationInstant, fc.constantFrom(...THIRD_PARTY), fc.constantFrom(...COUNTRIES),
      (facts, at, kind, country) => {
        const v = evaluateContact({
          ...facts, country,
          source: { kind, collectedAt: facts.source?.collectedAt ?? null, detail: facts.source?.detail ?? null },
          customer: { lastPurchaseAt: '2020-01-01', offerSimilarToPurchase: true },
        }, { at });
        for (const c of CHANNELS) expect(v.channels[c].basis, c).not.toBe('soft_opt_in');
      }), RUNS);
  });

  it('never applies soft opt-in when a tool that reads profiles is named, even on an own import', () => {
    fc.assert(fc.property(contactFacts, evaluationInstant, fc.constantFrom(...COUNTRIES), (facts, at, country) => {
      const v = evaluateContact({
        ...facts, country, source: { kind: 'import', detail: 'Lusha export' },
        customer: { lastPurchaseAt: '2020-01-01', offerSimilarToPurchase: true },
      }, { at });
      for (const c of CHANNELS) expect(v.channels[c].basis, c).not.toBe('soft_opt_in');
      expect(v.source.risk).toBe('high');
    }), RUNS);
  });
});

describe('sector bans', () => {
  it('recognises every activity the issue found slipping through, and warns on vague ones only', () => {
    for (const s of ['Isolation des murs et des sols', 'Fenêtres et vitrages', 'Chaudières', 'Poêle à granulés', 'Pompe à chaleur',
      'Géothermie', 'Chauffe-eau thermodynamique', 'Aides MaPrimeRénov\'', 'Dossiers MaPrimeAdapt\'', 'Salle de bain adaptée',
      'Douche PMR', 'Monte-escalier', 'heat pumps', 'wall insulation', 'double glazing', 'pellet stove', 'stairlifts', 'adapted_bathrooms']) {
      expect(isBannedSector(s), s).toBe(true);
    }
    for (const s of ['Renovation de cuisine', 'Travaux', 'Plomberie', 'Chauffage']) {
      expect([isBannedSector(s), mightBeBannedSector(s)], s).toEqual([false, true]);
    }
    for (const s of ['Crème solaire', 'Logiciel de paie', 'Energy drinks', 'software', 'Logiciels et services informatiques']) {
      expect([isBannedSector(s), mightBeBannedSector(s)], s).toEqual([false, false]);
    }
  });

  const banned = SECTORS.filter((s) => s.ban !== null).map((s) => s.id);
  it('lets no channel reach a French consumer outside a contract when the portal sells a listed banned sector (from 2025-07-02)', () => {
    const after = fc.integer({ min: Date.UTC(2025, 6, 2) / 1000, max: Date.UTC(2027, 11, 31) / 1000 }).map((s) => new Date(s * 1000));
    fc.assert(fc.property(contactFacts, after, fc.constantFrom(...banned), fc.constantFrom('FR', 'RE', 'GP'), (facts, at, sector, country) => {
      const v = evaluateContact({ ...facts, country, isProfessional: false, customer: null }, { at, settings: settingsOf({ sector }) });
      for (const c of CHANNELS) expect(v.channels[c].allowed, c).toBe(false);
    }), RUNS);
  });

  it('never lets a vague free-text sector pass as compliant for a French consumer', () => {
    const sinceBan = fc.integer({ min: Date.UTC(2025, 6, 2) / 1000, max: Date.UTC(2027, 11, 31) / 1000 }).map((s) => new Date(s * 1000));
    fc.assert(fc.property(contactFacts, sinceBan, fc.constantFrom('Travaux', 'Rénovation de maisons', 'Chauffage', 'Plomberie'),
      (facts, at, sector) => {
        const v = evaluateContact({ ...facts, country: 'FR', isProfessional: false, sector, customer: null }, { at });
        expect(v.status).not.toBe('compliant');
      }), RUNS);
  });
});

describe('French call caps (D.223-9)', () => {
  it('never allows calling a consumer after 4 attempts in 30 days, and says until when', () => {
    fc.assert(fc.property(contactFacts, evaluationInstant, fc.integer({ min: 4, max: 20 }), (facts, at, calls) => {
      const v = evaluateContact({ ...facts, country: 'FR', isProfessional: false, callsLast30Days: calls }, { at });
      expect(v.channels.phone.allowed).toBe(false);
      if (v.channels.phone.blocker === 'call_limit') {
        expect(Date.parse(v.channels.phone.until ?? '')).toBeGreaterThan(at.getTime());
      }
      for (const c of CHANNELS) if (v.channels[c].blocker !== 'call_limit') expect(v.channels[c].until, c).toBeUndefined();
    }), RUNS);
  });

  it('blocks with call_limit exactly the calls the law would otherwise allow', () => {
    fc.assert(fc.property(contactFacts, evaluationInstant, (facts, at) => {
      const consumer: ContactFacts = { ...facts, country: 'FR', isProfessional: false, lastCallRefusalAt: null, callsLast30Days: 0 };
      const free = evaluateContact(consumer, { at });
      const capped = evaluateContact({ ...consumer, lastCallRefusalAt: new Date(at.getTime() - DAY).toISOString() }, { at });
      for (const c of ['phone', 'automated_call'] as const) {
        if (free.channels[c].allowed) expect(capped.channels[c].blocker, c).toBe('call_limit');
        else expect(capped.channels[c]).toEqual(free.channels[c]);
      }
    }), RUNS);
  });
});

describe('overseas France', () => {
  const territories = Object.keys(RULE_PACKS.find((p) => p.id === 'fr-2026-08')?.territories ?? {});
  it('judges every overseas territory exactly like metropolitan France', () => {
    expect(territories).toEqual(expect.arrayContaining(['RE', 'GP', 'MQ', 'GF', 'YT', 'PM', 'BL', 'MF']));
    fc.assert(fc.property(contactFacts, evaluationInstant, fc.constantFrom(...territories), (facts, at, territory) => {
      const fr = evaluateContact({ ...facts, country: 'FR', phone: null }, { at });
      const dom = evaluateContact({ ...facts, country: territory, phone: null }, { at });
      expect(dom.rulePack).toBe(fr.rulePack);
      expect(dom.jurisdiction).toBe(territory);
      expect(dom.channels).toEqual(fr.channels);
    }), RUNS);
  });
});

describe('retention restarts with a consent the person renews', () => {
  it('never shortens retention by adding a consent, and a fresh positive consent of the person keeps the record alive', () => {
    fc.assert(fc.property(contactFacts, evaluationInstant, (facts, at) => {
      const before = evaluateContact(facts, { at });
      const renewed: ConsentRecord = { channel: 'email', givenAt: new Date(at.getTime() - DAY).toISOString(), method: 'double_opt_in' };
      // Dated records only: an undated one is counted from the evaluation day until a real date is known.
      const direct: ContactFacts = { ...facts, source: { kind: 'web_form', collectedAt: facts.source?.collectedAt ?? '2020-01-01' } };
      const after = evaluateContact({ ...direct, consents: [...(facts.consents ?? []), renewed] }, { at });
      expect(after.retention.state).not.toBe('expired');
      const withoutRenewal = evaluateContact(direct, { at });
      expect(after.retention.expiresAt >= withoutRenewal.retention.expiresAt).toBe(true);
      expect(before.retention.expiresAt.length).toBe(10);
    }), RUNS);
  });
});

describe('UK individual subscribers', () => {
  it('never lets a flagged sole trader receive email or SMS without consent or soft opt-in', () => {
    fc.assert(fc.property(contactFacts, evaluationInstant, (facts, at) => {
      const v = evaluateContact({ ...facts, country: 'GB', isProfessional: true, soleTrader: true }, { at });
      for (const c of ['email', 'sms'] as const) {
        if (v.channels[c].allowed) expect(['consent', 'soft_opt_in'], c).toContain(v.channels[c].basis);
      }
    }), RUNS);
  });
});

describe('scraping tools', () => {
  it('treats a source naming a profile-reading tool as high-risk scraped data, never compliant', () => {
    fc.assert(fc.property(contactFacts, evaluationInstant, fc.constantFrom<SourceKind>('enrichment_tool', 'manual_entry', 'referral', 'unknown', 'import', 'data_broker'),
      fc.constantFrom('Kaspr', 'LinkedIn Sales Navigator export', 'lusha chrome extension', 'Phantombuster scraping'), (facts, at, kind, detail) => {
        const v = evaluateContact({ ...facts, source: { kind, detail, collectedAt: facts.source?.collectedAt ?? null } }, { at });
        expect(v.source.risk).toBe('high');
        expect(v.status).not.toBe('compliant');
        expect(v.reasons.map((r) => r.rule)).toContain('source.scraping_tool');
      }), RUNS);
  });
});

describe('Italy, operator calls', () => {
  it('never calls a number from a third party on Registro Pubblico delle Opposizioni terms', () => {
    fc.assert(fc.property(contactFacts, evaluationInstant, fc.constantFrom(...THIRD_PARTY), (facts, at, kind) => {
      const v = evaluateContact({ ...facts, country: 'IT', source: { kind, collectedAt: facts.source?.collectedAt ?? null } }, { at });
      expect(v.channels.phone.basis).not.toBe('legitimate_interest');
    }), RUNS);
  });
});

describe('own CRM export (import)', () => {
  it('judges the channels of an own import like data collected from the person (no provider suspicion)', () => {
    fc.assert(fc.property(contactFacts, evaluationInstant, portalExtras, (facts, at, extra) => {
      const settings = settingsOf(extra);
      const collectedAt = facts.source?.collectedAt ?? null;
      const imported = evaluateContact({ ...facts, source: { kind: 'import', collectedAt } }, { at, settings });
      const direct = evaluateContact({ ...facts, source: { kind: 'web_form', collectedAt } }, { at, settings });
      expect(imported.channels).toEqual(direct.channels);
      expect(imported.source.art14NoticeRequired).toBe(false);
    }), RUNS);
  });
});

describe('political canvassing (CNIL 2012-020)', () => {
  it('never asks consent for a French human call or letter, and never opens an electronic channel without consent', () => {
    fc.assert(fc.property(contactFacts, evaluationInstant, (facts, at) => {
      const v = evaluateContact({ ...facts, country: 'FR', purpose: 'political', sector: null }, { at });
      for (const c of ['phone', 'postal'] as const) expect(['needs_consent', 'invalid_consent'], c).not.toContain(v.channels[c].blocker);
      for (const c of ['email', 'sms', 'social_dm', 'automated_call'] as const) {
        if (v.channels[c].allowed) expect(['consent', 'not_personal_data'], c).toContain(v.channels[c].basis);
      }
    }), RUNS);
  });
});
