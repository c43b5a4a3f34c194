// The card shows which enforcement levers the account gives the app, and why one is missing, in the user's language.
import { Alert, Tag, Text } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ComplianceCardView } from '../../ui-extensions/src/app/cards/components/ComplianceCardView.tsx';
import { leversFor } from '../../src/enforcement/levers.ts';
import { cardFixture } from './ui-fixtures.ts';

const { hubspotFetch } = vi.hoisted(() => ({ hubspotFetch: vi.fn() }));
vi.mock('../../ui-extensions/src/app/shared/http.ts', () => ({ hubspotFetch }));

const WITHOUT_AUTOMATION = ['oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.schemas.contacts.write', 'communication_preferences.read_write'];

function setup(locale: string) {
  const renderer = createRenderer('crm.record.sidebar');
  renderer.mocks.context.user.locale = locale;
  renderer.render(<ComplianceCardView />);
  return renderer;
}

describe('levers on the card', () => {
  beforeEach(() => { hubspotFetch.mockReset(); });

  it('an account without workflows and sequences: three levers marked unavailable, each with its reason', async () => {
    hubspotFetch.mockResolvedValue({ status: 200, body: cardFixture({ levers: leversFor(WITHOUT_AUTOMATION) }) });
    const r = setup('en-us');
    await r.waitFor(() => expect(r.maybeFindByTestId(Alert, 'card-levers-missing')).not.toBeNull());
    expect(r.findByTestId(Alert, 'card-levers-missing').props.title).toBe('3 lever(s) unavailable in this account');
    expect(r.findByTestId(Tag, 'card-levers-workflow_unenroll').text).toBe('unavailable');
    expect(r.findByTestId(Tag, 'card-levers-owner_task').text).toBe('available');
    expect(r.findAll(Text).some((t) => /no workflows/.test(t.text ?? ''))).toBe(true);
  });

  it('in French, and with every lever granted no warning', async () => {
    hubspotFetch.mockResolvedValue({ status: 200, body: cardFixture({ levers: leversFor([...WITHOUT_AUTOMATION, 'automation', 'automation.sequences.read']) }) });
    const r = setup('fr-fr');
    await r.waitFor(() => expect(r.maybeFindByTestId(Tag, 'card-levers-workflow_unenroll')).not.toBeNull());
    expect(r.findByTestId(Tag, 'card-levers-workflow_unenroll').text).toBe('disponible');
    expect(r.maybeFindByTestId(Alert, 'card-levers-missing')).toBeNull();
  });
});
