// Card and settings payloads as the backend sends them, for the UI tests.
import type { CardView, SettingsResponse } from '../../ui-extensions/src/app/shared/types.ts';

export function cardFixture(overrides: Partial<CardView> = {}): CardView {
  const reason = (rule: string, text: string, textFr: string, citation: string) => ({ rule, text, textFr, citation });
  return {
    contactId: '123',
    judged: true,
    status: 'at_risk',
    audience: 'b2b_nominative',
    jurisdiction: 'FR',
    channels: [
      { channel: 'email', allowed: true, basis: 'legitimate_interest', blocker: null,
        reasons: [reason('fr.email.b2b.li', 'B2B email allowed on legitimate interest when related to the job', 'E-mail B2B permis sur intérêt légitime si lié à la fonction', 'CNIL B2B; CPCE L.34-5')] },
      { channel: 'sms', allowed: false, basis: null, blocker: 'needs_consent',
        reasons: [reason('fr.sms.consent', 'SMS needs prior consent', 'Le SMS exige un consentement préalable', 'CPCE L.34-5')] },
      { channel: 'social_dm', allowed: false, basis: null, blocker: 'needs_consent', reasons: [] },
      { channel: 'automated_call', allowed: false, basis: null, blocker: 'needs_consent', reasons: [] },
      { channel: 'fax', allowed: false, basis: null, blocker: 'needs_consent', reasons: [] },
      { channel: 'phone', allowed: false, basis: null, blocker: 'objected',
        reasons: [reason('all.objection', 'The person objected', 'La personne s’est opposée', 'GDPR Art. 21(3)')] },
      { channel: 'postal', allowed: true, basis: 'legitimate_interest', blocker: null, reasons: [] },
    ],
    reasons: [reason('fr.art14.notice', 'First message must name the data source', 'Le premier message doit indiquer la source', 'GDPR Art. 14')],
    source: { kind: 'trade_show', risk: 'low', detail: 'Salon VivaTech', collectedAt: '2025-06-12' },
    retention: { anchor: 'collected', expiresAt: '2028-06-12T00:00:00.000Z', state: 'active', daysLeft: 567 },
    consents: [{ channel: 'email', method: 'double_opt_in', givenAt: '2025-06-13', proofRef: 'DOI-778', withdrawnAt: null }],
    objections: [{ channel: 'phone', at: '2026-10-01T10:00:00.000Z' }],
    notice: { due: true, sentAt: null },
    evaluatedAt: '2026-11-23T08:00:00.000Z',
    rulesVersion: '2026.11.1',
    freshness: 'live',
    ...overrides,
  };
}

export function settingsFixture(overrides: Partial<SettingsResponse> = {}): SettingsResponse {
  return {
    settings: {
      offerDescription: 'Payroll software for SMEs',
      activity: 'Software publisher',
      sector: 'software',
      targetRoles: ['DRH', 'Payroll manager'],
      defaultJurisdiction: 'FR',
      retention: { prospectYears: 3, customerYears: 3, warningDays: 90 },
      expiryAction: 'notify',
      sequenceBlocking: 'enforce',
      controller: { name: 'Acme SAS', address: '1 rue de la Paix, Paris', dpoContact: 'dpo@acme.example', logoUrl: '' },
      privacyPolicyUrl: 'https://acme.example/privacy',
      preferenceCentreEnabled: true,
      notifyOwnerOnBlock: true,
    },
    configured: true,
    summary: { total: 120, byStatus: { compliant: 80, at_risk: 25, blocked: 10, expired: 5 }, byBlocker: { needs_consent: 9, objected: 4, retention_expired: 5 } },
    backfill: { state: 'running', processed: 60, total: 120, updatedAt: '2026-11-23T07:59:00.000Z' },
    ...overrides,
  };
}

/** `node.trigger(event, arg)`: the library types the argument as the handler itself, so go through unknown. */
export function fire(node: { trigger: unknown }, event: string, arg?: unknown): void {
  (node.trigger as (event: string, arg?: unknown) => void)(event, arg);
}
