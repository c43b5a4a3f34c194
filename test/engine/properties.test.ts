// Properties that must hold for every contact and instant, checked with fast-check.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHANNELS, DEFAULT_SETTINGS, evaluateContact, parseContactFacts, type ContactFacts, type PortalSettings,
} from '../../src/engine/index.ts';
import { contactFacts, evaluationInstant, isoAny, targetRoles } from './arbitraries.ts';

const RUNS = { numRuns: 400 };
const settingsFor = (roles: string[]): PortalSettings => ({ ...DEFAULT_SETTINGS, targetRoles: roles });
const clone = <T>(x: T): T => structuredClone(x);

describe('engine properties', () => {
  it('is deterministic: same facts, same instant, same verdict (also after other evaluations)', () => {
    fc.assert(fc.property(contactFacts, contactFacts, evaluationInstant, targetRoles, (a, b, at, roles) => {
      const settings = settingsFor(roles);
      const first = clone(evaluateContact(a, { at, settings }));
      evaluateContact(b, { at, settings });
      const second = evaluateContact(clone(a), { at: new Date(at.getTime()), settings: settingsFor(roles) });
      expect(second).toEqual(first);
    }), RUNS);
  });

  it('never extends retention because of an email open', () => {
    fc.assert(fc.property(contactFacts, evaluationInstant, isoAny, (facts, at, open) => {
      const without = evaluateContact({ ...facts, lastEmailOpenAt: null }, { at });
      const withOpen = evaluateContact({ ...facts, lastEmailOpenAt: open }, { at });
      expect(withOpen.retention).toEqual(without.retention);
      expect(withOpen.status).toBe(without.status);
      expect(withOpen.channels).toEqual(without.channels);
    }), RUNS);
  });

  it('blocks every channel with `objected` after an objection to all', () => {
    fc.assert(fc.property(contactFacts, evaluationInstant, (facts, at) => {
      const objectedAt = new Date(at.getTime() - 1000).toISOString();
      const v = evaluateContact({ ...facts, objections: [...(facts.objections ?? []), { channel: 'all', at: objectedAt }] }, { at });
      for (const c of CHANNELS) {
        expect(v.channels[c].allowed).toBe(false);
        expect(v.channels[c].blocker).toBe('objected');
      }
      expect(['blocked', 'expired']).toContain(v.status);
    }), RUNS);
  });

  it('never asks consent for a generic address where the law is about personal data (FR, BE, GB)', () => {
    // A company's role address (a sole trader's would be an individual subscriber's in the UK).
    const generic = contactFacts.map((f): ContactFacts => ({ ...f, email: 'contact@acme-industries.fr', isProfessional: null, soleTrader: null }));
    fc.assert(fc.property(generic, fc.constantFrom('FR', 'BE', 'GB'), evaluationInstant, (facts, country, at) => {
      const v = evaluateContact({ ...facts, country }, { at });
      expect(v.audience).toBe('b2b_generic');
      for (const c of CHANNELS) {
        const verdict = v.channels[c];
        if (verdict.allowed) continue;
        if (country === 'FR') expect(['objected', 'retention_expired', 'forbidden']).toContain(verdict.blocker);
        // BE and GB keep consent rules for fax/automated calls that are not about personal data.
        else if (c === 'email' || c === 'sms' || c === 'social_dm' || c === 'phone' || c === 'postal') {
          expect(['objected', 'retention_expired', 'forbidden']).toContain(verdict.blocker);
        }
      }
    }), RUNS);
  });

  it('returns well-formed verdicts: allowed <=> basis, blocked <=> blocker, reasons everywhere, coherent status', () => {
    fc.assert(fc.property(contactFacts, evaluationInstant, targetRoles, (facts, at, roles) => {
      const v = evaluateContact(facts, { at, settings: settingsFor(roles) });
      let anyAllowed = false;
      for (const c of CHANNELS) {
        const cv = v.channels[c];
        expect(cv.reasons.length).toBeGreaterThan(0);
        for (const r of cv.reasons) {
          expect(r.rule).not.toBe('');
          expect(r.text).not.toBe('');
          expect(r.textFr).not.toBe('');
          expect(r.citation).not.toBe('');
        }
        if (cv.allowed) { anyAllowed = true; expect(cv.basis).toBeDefined(); expect(cv.blocker).toBeUndefined(); }
        else { expect(cv.blocker).toBeDefined(); expect(cv.basis).toBeUndefined(); }
      }
      if (v.retention.state === 'expired') expect(v.status).toBe('expired');
      else if (!anyAllowed) expect(v.status).toBe('blocked');
      else expect(['compliant', 'at_risk']).toContain(v.status);
      expect(v.retention.expiresAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(v.evaluatedAt).toBe(at.toISOString());
      expect(v.reasons.length).toBeGreaterThan(0);
    }), RUNS);
  });

  it('never allows a channel after adding an objection to it', () => {
    fc.assert(fc.property(contactFacts, evaluationInstant, fc.constantFrom(...CHANNELS), (facts, at, channel) => {
      const v = evaluateContact({ ...facts, objections: [{ channel, at: new Date(at.getTime() - 1).toISOString() }] }, { at });
      expect(v.channels[channel].allowed).toBe(false);
    }), RUNS);
  });

  it('never closes a channel by adding a consent to it (a consent can only open)', () => {
    fc.assert(fc.property(contactFacts, evaluationInstant, fc.constantFrom(...CHANNELS), (facts, at, channel) => {
      const before = evaluateContact(facts, { at });
      const givenAt = new Date(at.getTime() - 86_400_000).toISOString();
      const after = evaluateContact({ ...facts, consents: [...(facts.consents ?? []), { channel, givenAt, method: 'double_opt_in' }] }, { at });
      for (const c of CHANNELS) {
        if (before.channels[c].allowed) expect(after.channels[c].allowed, c).toBe(true);
        // A consent given by the person also restarts retention, which may reopen an expired record's channels.
        if (c !== channel && before.retention.state !== 'expired') expect(after.channels[c]).toEqual(before.channels[c]);
      }
    }), RUNS);
  });

  it('judges an unknown audience exactly like a private individual', () => {
    fc.assert(fc.property(contactFacts, evaluationInstant, (facts, at) => {
      const unknown = evaluateContact({ ...facts, email: 'someone@exemple.fr', company: null, jobTitle: null, isProfessional: null }, { at });
      const b2c = evaluateContact({ ...facts, email: 'someone@exemple.fr', company: null, jobTitle: null, isProfessional: false }, { at });
      expect(unknown.audience).toBe('unknown');
      for (const c of CHANNELS) {
        expect(unknown.channels[c].allowed).toBe(b2c.channels[c].allowed);
        expect(unknown.channels[c].basis).toBe(b2c.channels[c].basis);
        expect(unknown.channels[c].blocker).toBe(b2c.channels[c].blocker);
      }
    }), RUNS);
  });

  it('parses back what it is given: JSON facts round-trip through parseContactFacts', () => {
    fc.assert(fc.property(contactFacts, evaluationInstant, (facts, at) => {
      const parsed = parseContactFacts(JSON.parse(JSON.stringify(facts)));
      if (!parsed.ok) throw new Error(parsed.error);
      const direct = evaluateContact(facts, { at });
      const viaParse = evaluateContact(parsed.facts, { at });
      expect(viaParse.channels).toEqual(direct.channels);
      expect(viaParse.retention).toEqual(direct.retention);
    }), { numRuns: 200 });
  });
});
