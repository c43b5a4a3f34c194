// The contact card in every state and each action, with hubspot.fetch replaced at the module edge (shared/http.ts).
import { Alert, Button, Checkbox, EmptyState, ErrorState, Input, LoadingSpinner, Select, StatusTag, Tag, Text, TextArea } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ComplianceCardView } from '../../ui-extensions/src/app/cards/components/ComplianceCardView.tsx';
import { cardFixture, fire } from './ui-fixtures.ts';

const { hubspotFetch } = vi.hoisted(() => ({ hubspotFetch: vi.fn() }));
vi.mock('../../ui-extensions/src/app/shared/http.ts', () => ({ hubspotFetch }));

type Call = [string, { method: string; body?: Record<string, unknown> }];
const calls = () => hubspotFetch.mock.calls as Call[];
const ok = (body: unknown) => Promise.resolve({ status: 200, body });

function setup(locale = 'en-us') {
  const renderer = createRenderer('crm.record.sidebar');
  renderer.mocks.context.user.locale = locale;
  renderer.render(<ComplianceCardView />);
  return renderer;
}
type R = ReturnType<typeof setup>;
const primaries = (r: R) => r.findAll(Button).filter((b) => b.props.variant === 'primary');
const click = (r: R, testId: string) => r.findByTestId(Button, testId).trigger('onClick');

async function ready(r: R) {
  await r.waitFor(() => expect(r.maybeFind(LoadingSpinner)).toBeNull());
}

describe('compliance card', () => {
  beforeEach(() => { hubspotFetch.mockReset(); });

  it('shows a spinner while the verdict loads, asking for this portal and record', async () => {
    hubspotFetch.mockReturnValue(new Promise(() => {}));
    const r = setup();
    expect(r.findByTestId(LoadingSpinner, 'card-loading')).toBeDefined();
    await vi.waitFor(() => expect(hubspotFetch).toHaveBeenCalledTimes(1));
    expect(calls()[0]).toEqual(['/api/portals/123/contacts/123/card', { method: 'GET' }]);
  });

  it('renders the verdict: status, channels with basis or blocker, reasons with citations, source, retention, evidence', async () => {
    hubspotFetch.mockImplementation(() => ok(cardFixture()));
    const r = setup();
    await ready(r);
    const status = r.findByTestId(StatusTag, 'status-tag');
    expect(status.text).toBe('At risk');
    expect(status.props.variant).toBe('warning');
    expect(r.findByTestId(Text, 'audience').text).toContain('Professional, named (B2B)');
    expect(r.findByTestId(Tag, 'channel-email').props.variant).toBe('success');
    expect(r.findByTestId(Text, 'channel-email-why').text).toBe('Legitimate interest');
    expect(r.findByTestId(Tag, 'channel-sms').text).toBe('Blocked');
    expect(r.findByTestId(Text, 'channel-sms-why').text).toBe('Needs consent');
    expect(r.findByTestId(Text, 'channel-phone-why').text).toBe('Objected');
    expect(r.findByTestId(Tag, 'channel-postal').props.variant).toBe('success');
    expect(r.findByTestId(Text, 'reason-sms-fr.sms.consent').text).toBe('SMS needs prior consent (CPCE L.34-5)');
    expect(r.findByTestId(Text, 'reason-fr.art14.notice').text).toContain('GDPR Art. 14');
    expect(r.findByTestId(Text, 'source').text).toContain('trade_show (Salon VivaTech)');
    expect(r.findByTestId(Text, 'collected-at').text).toBe('2025-06-12');
    expect(r.findByTestId(Text, 'retention').text).toBe('2028-06-12 (567 days left)');
    expect(r.findByTestId(Text, 'consent-0').text).toBe('Email: Double opt-in on 2025-06-13 (proof DOI-778)');
    expect(r.findByTestId(Text, 'objections').text).toContain('Phone');
    expect(r.findByTestId(Text, 'notice').text).toContain('Due');
    expect(r.findByTestId(Text, 'last-judged').text).toBe('Last judged 2026-11-23 · rules 2026.11.1');
    expect(primaries(r)).toHaveLength(1);
  });

  it('speaks French when the HubSpot user is French: labels, reasons and dates', async () => {
    hubspotFetch.mockImplementation(() => ok(cardFixture({ status: 'blocked', retention: { anchor: 'collected', expiresAt: '2026-11-01', state: 'expired', daysLeft: -22 } })));
    const r = setup('fr-fr');
    await ready(r);
    expect(r.findByTestId(StatusTag, 'status-tag').text).toBe('Bloqué');
    expect(r.findByTestId(StatusTag, 'status-tag').props.variant).toBe('danger');
    expect(r.findByTestId(Text, 'reason-sms-fr.sms.consent').text).toBe('Le SMS exige un consentement préalable (CPCE L.34-5)');
    expect(r.findByTestId(Text, 'retention').text).toBe('01/11/2026 (expiré depuis 22 jours)');
    expect(r.findByTestId(Button, 'action-consent').text).toBe('Enregistrer un consentement');
  });

  it('warns when the verdict is the stored one because HubSpot cannot be read', async () => {
    hubspotFetch.mockImplementation(() => ok(cardFixture({ freshness: 'stored' })));
    const r = setup();
    await ready(r);
    expect(r.findByTestId(Alert, 'card-stored').props.title).toContain('last verdict');
    expect(r.findByTestId(StatusTag, 'status-tag')).toBeDefined();
  });

  it('shows no stale warning for a live verdict', async () => {
    hubspotFetch.mockImplementation(() => ok(cardFixture()));
    const r = setup();
    await ready(r);
    expect(r.maybeFindByTestId(Alert, 'card-stored')).toBeNull();
  });

  it('shows "no consent on file" and a notice already sent', async () => {
    hubspotFetch.mockImplementation(() => ok(cardFixture({ consents: [], objections: [], notice: { due: false, sentAt: '2025-06-20' }, status: 'compliant' })));
    const r = setup();
    await ready(r);
    expect(r.findByTestId(Text, 'consents-none').text).toBe('No consent on file.');
    expect(r.findByTestId(Text, 'notice').text).toBe('Sent on 2025-06-20');
    expect(r.maybeFindByTestId(Text, 'objections')).toBeNull();
    expect(r.findByTestId(StatusTag, 'status-tag').props.variant).toBe('success');
  });

  it('shows an error state with the backend message, and retries', async () => {
    hubspotFetch.mockImplementationOnce(() => Promise.resolve({ status: 503, body: { error: { code: 'temporarily_unavailable', message: 'try again in a moment' } } }));
    hubspotFetch.mockImplementationOnce(() => ok(cardFixture()));
    const r = setup();
    await r.waitFor(() => expect(r.maybeFind(ErrorState)).not.toBeNull());
    expect(r.findByTestId(Text, 'card-error-message').text).toBe('try again in a moment');
    expect(primaries(r)).toHaveLength(1);
    click(r, 'card-retry');
    await r.waitFor(() => expect(r.maybeFindByTestId(StatusTag, 'status-tag')).not.toBeNull());
    expect(hubspotFetch).toHaveBeenCalledTimes(2);
  });

  it('shows an error state when the network fails', async () => {
    hubspotFetch.mockImplementation(() => Promise.reject(new Error('timeout')));
    const r = setup();
    await r.waitFor(() => expect(r.maybeFind(ErrorState)).not.toBeNull());
    expect(r.findByTestId(Text, 'card-error-message').text).toBe('timeout');
  });

  it('shows the empty state for a contact not judged yet, and judges it on demand', async () => {
    hubspotFetch.mockImplementationOnce(() => ok({ contactId: '123', judged: false }));
    hubspotFetch.mockImplementationOnce(() => ok(cardFixture()));
    const r = setup();
    await r.waitFor(() => expect(r.maybeFind(EmptyState)).not.toBeNull());
    expect(r.find(EmptyState).props.title).toBe('Not judged yet');
    expect(primaries(r)).toHaveLength(1);
    click(r, 'card-judge-now');
    await r.waitFor(() => expect(r.maybeFindByTestId(StatusTag, 'status-tag')).not.toBeNull());
    expect(calls()[1]).toEqual(['/api/portals/123/contacts/123/rejudge', { method: 'POST', body: {} }]);
  });
});

describe('card actions', () => {
  beforeEach(() => { hubspotFetch.mockReset(); });

  async function loaded(locale = 'en-us') {
    hubspotFetch.mockImplementationOnce(() => ok(cardFixture()));
    const r = setup(locale);
    await ready(r);
    return r;
  }

  it('refuses a pre-ticked box or terms acceptance as consent before sending anything', async () => {
    const r = await loaded();
    click(r, 'action-consent');
    await r.waitFor(() => expect(r.maybeFindByTestId(Select, 'consent-method')).not.toBeNull());
    for (const method of ['pre_ticked_checkbox', 'terms_acceptance']) {
      fire(r.findByTestId(Select, 'consent-method'), 'onChange', method);
      await r.waitFor(() => expect(r.maybeFindByTestId(Alert, 'consent-invalid-method')).not.toBeNull());
      expect(r.findByTestId(Alert, 'consent-invalid-method').props.title).toBe('This method is not a valid consent and cannot be recorded.');
      expect(r.findByTestId(Button, 'consent-confirm').props.disabled).toBe(true);
    }
    expect(hubspotFetch).toHaveBeenCalledTimes(1);
    expect(primaries(r)).toHaveLength(1);
  });

  it('records a consent after the confirm step and shows the updated card', async () => {
    const r = await loaded();
    click(r, 'action-consent');
    await r.waitFor(() => expect(r.maybeFindByTestId(Select, 'consent-channel')).not.toBeNull());
    expect(primaries(r)).toHaveLength(1);
    fire(r.findByTestId(Select, 'consent-channel'), 'onChange', 'sms');
    fire(r.findByTestId(Select, 'consent-method'), 'onChange', 'signed_form');
    fire(r.findByTestId(Input, 'consent-proof'), 'onChange', '  FORM-2026-v3  ');
    await r.waitFor(() => expect(r.findByTestId(Input, 'consent-proof').props.value).toBe('  FORM-2026-v3  '));
    expect(r.findByTestId(Button, 'consent-confirm').props.disabled).toBe(true);
    fire(r.findByTestId(Checkbox, 'consent-attest'), 'onChange', true);
    await r.waitFor(() => expect(r.findByTestId(Button, 'consent-confirm').props.disabled).toBe(false));
    hubspotFetch.mockImplementationOnce(() => ok(cardFixture({ status: 'compliant' })));
    click(r, 'consent-confirm');
    await r.waitFor(() => expect(r.maybeFindByTestId(Alert, 'action-done')).not.toBeNull());
    const [url, options] = calls()[1]!;
    expect(url).toBe('/api/portals/123/contacts/123/consents');
    expect(options.method).toBe('POST');
    expect(options.body).toMatchObject({ channel: 'sms', method: 'signed_form', proofRef: 'FORM-2026-v3' });
    expect(options.body?.givenAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(r.findByTestId(StatusTag, 'status-tag').text).toBe('Compliant');
  });

  it('asks for a proof reference before sending a consent', async () => {
    const r = await loaded();
    click(r, 'action-consent');
    await r.waitFor(() => expect(r.maybeFindByTestId(Checkbox, 'consent-attest')).not.toBeNull());
    fire(r.findByTestId(Checkbox, 'consent-attest'), 'onChange', true);
    await r.waitFor(() => expect(r.findByTestId(Button, 'consent-confirm').props.disabled).toBe(false));
    click(r, 'consent-confirm');
    await r.waitFor(() => expect(r.maybeFindByTestId(Alert, 'consent-problem')).not.toBeNull());
    expect(r.findByTestId(Alert, 'consent-problem').props.title).toBe('Fill in every field.');
    expect(hubspotFetch).toHaveBeenCalledTimes(1);
  });

  it('shows the backend refusal in the user language with its citation', async () => {
    const r = await loaded('fr');
    click(r, 'action-consent');
    await r.waitFor(() => expect(r.maybeFindByTestId(Input, 'consent-proof')).not.toBeNull());
    fire(r.findByTestId(Input, 'consent-proof'), 'onChange', 'X-1');
    fire(r.findByTestId(Checkbox, 'consent-attest'), 'onChange', true);
    await r.waitFor(() => expect(r.findByTestId(Button, 'consent-confirm').props.disabled).toBe(false));
    hubspotFetch.mockImplementationOnce(() => Promise.resolve({ status: 422, body: { error: { code: 'consent_method_invalid', message: 'A pre-ticked box is not consent', messageFr: 'Une case pré-cochée ne vaut pas consentement', citation: 'CJEU C-673/17' } } }));
    click(r, 'consent-confirm');
    await r.waitFor(() => expect(r.maybeFindByTestId(Alert, 'action-error')).not.toBeNull());
    expect(r.findByTestId(Alert, 'action-error').text).toBe('Une case pré-cochée ne vaut pas consentement (CJEU C-673/17)');
    expect(r.maybeFindByTestId(Button, 'consent-confirm')).not.toBeNull();
  });

  it('records an objection for one channel after confirmation', async () => {
    const r = await loaded();
    click(r, 'action-objection');
    await r.waitFor(() => expect(r.maybeFindByTestId(Select, 'objection-channel')).not.toBeNull());
    expect(r.findByTestId(Text, 'objection-message').text).toContain('no longer be prospected');
    expect(primaries(r)).toHaveLength(1);
    fire(r.findByTestId(Select, 'objection-channel'), 'onChange', 'email');
    await r.waitFor(() => expect(r.findByTestId(Select, 'objection-channel').props.value).toBe('email'));
    hubspotFetch.mockImplementationOnce(() => ok(cardFixture({ status: 'blocked' })));
    click(r, 'objection-confirm');
    await r.waitFor(() => expect(r.maybeFindByTestId(Alert, 'action-done')).not.toBeNull());
    expect(calls()[1]).toEqual(['/api/portals/123/contacts/123/objections', { method: 'POST', body: { channel: 'email' } }]);
    expect(r.findByTestId(StatusTag, 'status-tag').text).toBe('Blocked');
  });

  it('objects to every channel by default', async () => {
    const r = await loaded();
    click(r, 'action-objection');
    await r.waitFor(() => expect(r.maybeFindByTestId(Button, 'objection-confirm')).not.toBeNull());
    hubspotFetch.mockImplementationOnce(() => ok(cardFixture({ status: 'blocked' })));
    click(r, 'objection-confirm');
    await vi.waitFor(() => expect(hubspotFetch).toHaveBeenCalledTimes(2));
    expect(calls()[1]![1].body).toEqual({ channel: 'all' });
  });

  it('re-judges after confirmation', async () => {
    const r = await loaded();
    click(r, 'action-rejudge');
    await r.waitFor(() => expect(r.maybeFindByTestId(Button, 'rejudge-confirm')).not.toBeNull());
    hubspotFetch.mockImplementationOnce(() => ok(cardFixture({ evaluatedAt: '2026-11-23T09:00:00.000Z' })));
    click(r, 'rejudge-confirm');
    await r.waitFor(() => expect(r.maybeFindByTestId(Alert, 'action-done')).not.toBeNull());
    expect(calls()[1]).toEqual(['/api/portals/123/contacts/123/rejudge', { method: 'POST', body: {} }]);
  });

  it('exports everything held and shows it for copying', async () => {
    const r = await loaded();
    click(r, 'action-export');
    await r.waitFor(() => expect(r.maybeFindByTestId(Button, 'export-confirm')).not.toBeNull());
    hubspotFetch.mockImplementationOnce(() => ok({ format: 'prospect-guard/access-export', contactId: '123', generatedAt: '2026-11-23T08:00:00.000Z', hubspot: { contact: { firstname: 'Ada' } }, app: { consents: [], objections: [], ledger: [{ kind: 'consent' }, { kind: 'objection' }] } }));
    click(r, 'export-confirm');
    await r.waitFor(() => expect(r.maybeFindByTestId(TextArea, 'export-json')).not.toBeNull());
    expect(r.findByTestId(Text, 'export-ready').text).toContain('2 ledger entries');
    expect(JSON.parse(String(r.findByTestId(TextArea, 'export-json').props.value)).hubspot).toEqual({ contact: { firstname: 'Ada' } });
    expect(calls()[1]![0]).toBe('/api/portals/123/contacts/123/export');
    expect(primaries(r)).toHaveLength(1);
    click(r, 'export-done');
    await r.waitFor(() => expect(r.maybeFindByTestId(Button, 'action-consent')).not.toBeNull());
  });

  it('erases only after a destructive confirmation, naming the contact', async () => {
    const r = await loaded();
    click(r, 'action-erase');
    await r.waitFor(() => expect(r.maybeFindByTestId(Button, 'erase-confirm')).not.toBeNull());
    expect(r.findByTestId(Button, 'erase-confirm').props.variant).toBe('destructive');
    expect(r.findByTestId(Text, 'erase-message').text).toContain('hashed entry');
    hubspotFetch.mockImplementationOnce(() => ok({ erased: true, contactId: '123' }));
    click(r, 'erase-confirm');
    await r.waitFor(() => expect(r.maybeFindByTestId(Alert, 'erase-done')).not.toBeNull());
    expect(calls()[1]).toEqual(['/api/portals/123/contacts/123/erase', { method: 'POST', body: { confirmContactId: '123' } }]);
  });

  it('cancelling a confirm step sends nothing', async () => {
    const r = await loaded();
    for (const action of ['erase', 'rejudge', 'export', 'objection']) {
      click(r, `action-${action}`);
      await r.waitFor(() => expect(r.maybeFindByTestId(Button, `${action}-cancel`)).not.toBeNull());
      click(r, `${action}-cancel`);
      await r.waitFor(() => expect(r.maybeFindByTestId(Button, 'action-consent')).not.toBeNull());
    }
    expect(hubspotFetch).toHaveBeenCalledTimes(1);
  });

  it('shows a failed erasure and keeps the card', async () => {
    const r = await loaded();
    click(r, 'action-erase');
    await r.waitFor(() => expect(r.maybeFindByTestId(Button, 'erase-confirm')).not.toBeNull());
    hubspotFetch.mockImplementationOnce(() => Promise.resolve({ status: 502, body: { error: { code: 'hubspot_delete_failed', message: 'HubSpot GDPR delete failed; nothing else was erased, try again' } } }));
    click(r, 'erase-confirm');
    await r.waitFor(() => expect(r.maybeFindByTestId(Alert, 'action-error')).not.toBeNull());
    expect(r.findByTestId(Alert, 'action-error').text).toContain('nothing else was erased');
    expect(r.maybeFindByTestId(Alert, 'erase-done')).toBeNull();
    expect(r.findByTestId(StatusTag, 'status-tag')).toBeDefined();
  });
});
