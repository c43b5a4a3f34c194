// The card says until when a capped call channel stays closed (call_limit, Code de la consommation D.223-9).
import { Text } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { buildCardView } from '../../src/card/card-view.ts';
import { evaluateContact, type ContactFacts } from '../../src/engine/index.ts';
import { ComplianceCardView } from '../../ui-extensions/src/app/cards/components/ComplianceCardView.tsx';
import { cardFixture } from './ui-fixtures.ts';

const { hubspotFetch } = vi.hoisted(() => ({ hubspotFetch: vi.fn() }));
vi.mock('../../ui-extensions/src/app/shared/http.ts', () => ({ hubspotFetch }));

const facts: ContactFacts = {
  id: '123', email: 'paul.martin@gmail.com', phone: '06 12 34 56 78', country: 'FR', callsLast30Days: 4,
  source: { kind: 'web_form', collectedAt: '2026-10-01' },
  consents: [{ channel: 'phone', givenAt: '2026-10-01T10:00:00Z', method: 'oral_recorded', proofRef: 'rec-1' }],
};

describe('card: call caps', () => {
  beforeEach(() => { hubspotFetch.mockReset(); });

  it('carries until in the backend view only for a capped channel', () => {
    const view = buildCardView(facts, evaluateContact(facts, { at: new Date('2026-11-23T10:00:00Z') }));
    const phone = view.channels.find((c) => c.channel === 'phone');
    expect(phone).toMatchObject({ allowed: false, blocker: 'call_limit', until: '2026-12-23T10:00:00.000Z' });
    expect(view.channels.find((c) => c.channel === 'email')).not.toHaveProperty('until');
  });

  it('shows the blocker and the date the calls may resume, in the user\'s language', async () => {
    const view = buildCardView(facts, evaluateContact(facts, { at: new Date('2026-11-23T10:00:00Z') }));
    hubspotFetch.mockImplementation(() => Promise.resolve({ status: 200, body: cardFixture({ channels: view.channels }) }));
    for (const [locale, expected] of [['fr-fr', 'Limite d\u2019appels atteinte jusqu\u2019au 23/12/2026'], ['en-us', 'Call limit reached until 2026-12-23']] as const) {
      const r = createRenderer('crm.record.sidebar');
      r.mocks.context.user.locale = locale;
      r.render(<ComplianceCardView />);
      await r.waitFor(() => expect(r.maybeFindByTestId(Text, 'channel-phone-why')).not.toBeNull());
      expect(r.findByTestId(Text, 'channel-phone-why').text).toBe(expected);
    }
  });
});
