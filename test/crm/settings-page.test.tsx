// The settings page in every state, with client-side validation and the backend's field errors.
import { Alert, Button, Checkbox, ErrorState, Input, LoadingSpinner, NumberInput, ProgressBar, Select, StatisticsItem, Text, TextArea } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { SettingsView } from '../../ui-extensions/src/app/settings/components/SettingsView.tsx';
import { fire, settingsFixture } from './ui-fixtures.ts';

const { hubspotFetch } = vi.hoisted(() => ({ hubspotFetch: vi.fn() }));
vi.mock('../../ui-extensions/src/app/shared/http.ts', () => ({ hubspotFetch }));

type Call = [string, { method: string; body?: Record<string, unknown> }];
const calls = () => hubspotFetch.mock.calls as Call[];
const ok = (body: unknown) => Promise.resolve({ status: 200, body });

function setup(locale = 'en') {
  const r = createRenderer('settings');
  r.mocks.context.user.locale = locale;
  r.render(<SettingsView />);
  return r;
}
type R = ReturnType<typeof setup>;
async function ready(r: R) { await r.waitFor(() => expect(r.maybeFind(LoadingSpinner)).toBeNull()); }
const primaries = (r: R) => r.findAll(Button).filter((b) => b.props.variant === 'primary');

describe('settings page', () => {
  beforeEach(() => { hubspotFetch.mockReset(); });

  it('loads the settings of this portal behind a spinner', async () => {
    hubspotFetch.mockReturnValue(new Promise(() => {}));
    const r = setup();
    expect(r.findByTestId(LoadingSpinner, 'settings-loading')).toBeDefined();
    await vi.waitFor(() => expect(calls()[0]).toEqual(['/api/portals/123/settings', { method: 'GET' }]));
  });

  it('shows the saved settings and only configuration: the counters live on the dashboard', async () => {
    hubspotFetch.mockImplementation(() => ok(settingsFixture()));
    const r = setup();
    await ready(r);
    expect(r.maybeFind(ProgressBar)).toBeNull();
    expect(r.maybeFind(StatisticsItem)).toBeNull();
    expect(r.findByTestId(Text, 'settings-dashboard-hint').text).toContain('Prospect Guard dashboard');
    expect(r.findByTestId(TextArea, 'offer').props.value).toBe('Payroll software for SMEs');
    expect(r.findByTestId(Input, 'target-roles').props.value).toBe('DRH, Payroll manager');
    expect(r.findByTestId(Select, 'expiry-action').props.value).toBe('notify');
    expect(r.findByTestId(Select, 'sequence-blocking').props.value).toBe('enforce');
    expect(r.findByTestId(Checkbox, 'preference-centre').props.checked).toBe(true);
    expect(r.findByTestId(Text, 'preference-link').text).toContain('https://api.prospect-guard.app/p/');
    expect(r.maybeFindByTestId(Alert, 'settings-not-configured')).toBeNull();
    expect(primaries(r)).toHaveLength(1);
  });

  it('warns when the portal was never configured (French)', async () => {
    hubspotFetch.mockImplementation(() => ok(settingsFixture({
      configured: false,
      summary: { total: 0, byStatus: { compliant: 0, at_risk: 0, blocked: 0, expired: 0 }, byBlocker: {} },
      backfill: { state: 'not_started', processed: 0, total: null, updatedAt: null },
    })));
    const r = setup('fr-fr');
    await ready(r);
    expect(r.findByTestId(Alert, 'settings-not-configured').props.title).toContain('pas encore configuré');
    expect(r.findByTestId(Text, 'settings-dashboard-hint').text).toContain('tableau de bord');
    expect(r.maybeFind(ProgressBar)).toBeNull();
  });

  it('shows an error state and retries', async () => {
    hubspotFetch.mockImplementationOnce(() => Promise.resolve({ status: 403, body: { error: { code: 'not_installed', message: 'Prospect Guard is not installed in this portal' } } }));
    hubspotFetch.mockImplementationOnce(() => ok(settingsFixture()));
    const r = setup();
    await r.waitFor(() => expect(r.maybeFind(ErrorState)).not.toBeNull());
    expect(r.findByTestId(Text, 'settings-error-message').text).toBe('Prospect Guard is not installed in this portal');
    r.findByTestId(Button, 'settings-retry').trigger('onClick');
    await r.waitFor(() => expect(r.maybeFindByTestId(Button, 'settings-save')).not.toBeNull());
  });

  it('validates on the client and sends nothing while a field is wrong', async () => {
    hubspotFetch.mockImplementation(() => ok(settingsFixture()));
    const r = setup();
    await ready(r);
    fire(r.findByTestId(Input, 'privacy-url'), 'onChange', 'http://acme.example/privacy');
    fire(r.findByTestId(Input, 'dpo-contact'), 'onChange', 'not-an-email');
    fire(r.findByTestId(NumberInput, 'warning-days'), 'onChange', 400);
    await r.waitFor(() => expect(r.findByTestId(Input, 'privacy-url').props.value).toBe('http://acme.example/privacy'));
    r.findByTestId(Button, 'settings-save').trigger('onClick');
    await r.waitFor(() => expect(r.maybeFindByTestId(Alert, 'settings-invalid')).not.toBeNull());
    expect(r.findByTestId(Input, 'privacy-url').props.validationMessage).toBe('Must be an https:// URL');
    expect(r.findByTestId(Input, 'dpo-contact').props.validationMessage).toBe('An email address or an https:// URL');
    expect(r.findByTestId(NumberInput, 'warning-days').props.validationMessage).toBe('Between 7 and 180');
    expect(hubspotFetch).toHaveBeenCalledTimes(1);
  });

  it('saves normalised settings and confirms', async () => {
    hubspotFetch.mockImplementationOnce(() => ok(settingsFixture()));
    const r = setup();
    await ready(r);
    fire(r.findByTestId(Input, 'target-roles'), 'onChange', ' CFO, ,Head of payroll ');
    fire(r.findByTestId(Select, 'expiry-action'), 'onChange', 'delete');
    fire(r.findByTestId(Checkbox, 'notify-owner'), 'onChange', false);
    fire(r.findByTestId(Input, 'controller-name'), 'onChange', '  Acme Group  ');
    await r.waitFor(() => expect(r.findByTestId(Select, 'expiry-action').props.value).toBe('delete'));
    hubspotFetch.mockImplementationOnce(() => ok(settingsFixture()));
    r.findByTestId(Button, 'settings-save').trigger('onClick');
    await r.waitFor(() => expect(r.maybeFindByTestId(Alert, 'settings-saved')).not.toBeNull());
    const [url, options] = calls()[1]!;
    expect(url).toBe('/api/portals/123/settings');
    expect(options.method).toBe('PUT');
    expect(options.body).toMatchObject({ targetRoles: ['CFO', 'Head of payroll'], expiryAction: 'delete', notifyOwnerOnBlock: false, controller: { name: 'Acme Group' } });
  });

  it('shows the backend field errors from a 422', async () => {
    hubspotFetch.mockImplementationOnce(() => ok(settingsFixture()));
    const r = setup();
    await ready(r);
    hubspotFetch.mockImplementationOnce(() => Promise.resolve({ status: 422, body: { error: { code: 'invalid_settings', message: 'Some settings are not valid', fields: { 'controller.name': 'required' } } } }));
    r.findByTestId(Button, 'settings-save').trigger('onClick');
    await r.waitFor(() => expect(r.maybeFindByTestId(Alert, 'settings-invalid')).not.toBeNull());
    expect(r.findByTestId(Input, 'controller-name').props.validationMessage).toBe('required');
    expect(r.maybeFindByTestId(Alert, 'settings-saved')).toBeNull();
  });

  it('reports a failed save that is not a validation problem', async () => {
    hubspotFetch.mockImplementationOnce(() => ok(settingsFixture()));
    const r = setup();
    await ready(r);
    hubspotFetch.mockImplementationOnce(() => Promise.resolve({ status: 503, body: { error: { code: 'temporarily_unavailable', message: 'try again in a moment' } } }));
    r.findByTestId(Button, 'settings-save').trigger('onClick');
    await r.waitFor(() => expect(r.maybeFindByTestId(Alert, 'settings-save-failed')).not.toBeNull());
    expect(r.findByTestId(Alert, 'settings-save-failed').text).toBe('try again in a moment');
  });
});
