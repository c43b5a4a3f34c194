// The eligibility action's reason for a capped call: the cap's own reason and until when, not the basis it holds back.
import { describe, expect, it } from 'vitest';
import { evaluateContact } from '../../src/engine/index.ts';
import { eligibilityReason } from '../../src/workflow-action/check-eligibility.ts';

describe('eligibility reason', () => {
  it('reports the call cap with its date and citation', () => {
    const v = evaluateContact({ id: '1', email: 'paul.martin@gmail.com', phone: '06 12 34 56 78', country: 'FR', callsLast30Days: 4,
      source: { kind: 'web_form', collectedAt: '2026-10-01' },
      consents: [{ channel: 'phone', givenAt: '2026-10-01T10:00:00Z', method: 'oral_recorded' }] }, { at: new Date('2026-11-23T10:00:00Z') });
    const reason = eligibilityReason(v.channels.phone, v.reasons);
    expect(reason).toContain('At most 4 calls or attempts per 30 days');
    expect(reason).toContain('Until 2026-12-23T10:00:00.000Z.');
    expect(reason).toContain('D.223-9');
    expect(eligibilityReason(v.channels.sms, v.reasons)).toMatch(/consent/i);
    expect(eligibilityReason(v.channels.sms, v.reasons)).not.toContain('Until');
  });
});
