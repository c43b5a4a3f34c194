// The settings page's sector field: a closed list mirrored from the engine, saved as an id, judged by the engine.
import { Button, Select } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS, evaluateContact, SECTORS } from '../../src/engine/index.ts';
import { CrmSettingsSchema, DEFAULT_CRM_SETTINGS, toPortalSettings } from '../../src/settings/settings-schema.ts';
import { SettingsView } from '../../ui-extensions/src/app/settings/components/SettingsView.tsx';
import { SECTOR_OPTIONS } from '../../ui-extensions/src/app/shared/sectors.ts';
import { fire, settingsFixture } from './ui-fixtures.ts';

const { hubspotFetch } = vi.hoisted(() => ({ hubspotFetch: vi.fn() }));
vi.mock('../../ui-extensions/src/app/shared/http.ts', () => ({ hubspotFetch }));
type Call = [string, { method: string; body?: Record<string, unknown> }];
const ok = (body: unknown) => Promise.resolve({ status: 200, body });

describe('settings sector', () => {
  beforeEach(() => { hubspotFetch.mockReset(); });

  it('mirrors the engine\'s closed list exactly (ids, labels, which ones are banned)', () => {
    expect(SECTOR_OPTIONS.map((o) => ({ ...o }))).toEqual(SECTORS.map((s) => ({ id: s.id, en: s.en, fr: s.fr, banned: s.ban !== null })));
  });

  it('offers the list with the banned sectors marked, and saves the chosen id', async () => {
    hubspotFetch.mockImplementationOnce(() => ok(settingsFixture()));
    const r = createRenderer('settings');
    r.mocks.context.user.locale = 'fr-fr';
    r.render(<SettingsView />);
    await r.waitFor(() => expect(r.maybeFindByTestId(Select, 'sector')).not.toBeNull());
    const select = r.findByTestId(Select, 'sector');
    expect(select.props.value).toBe('software');
    const options = select.props.options as { value: string; label: string }[];
    expect(options[0]).toEqual({ value: '', label: 'Non précisé' });
    expect(options.find((o) => o.value === 'heat_pumps')?.label).toBe('Pompes à chaleur et climatisation (interdit auprès des consommateurs en France)');
    expect(options.find((o) => o.value === 'software')?.label).toBe('Logiciels et services informatiques');
    fire(select, 'onChange', 'stairlifts');
    await r.waitFor(() => expect(r.findByTestId(Select, 'sector').props.value).toBe('stairlifts'));
    hubspotFetch.mockImplementationOnce(() => ok(settingsFixture()));
    r.findByTestId(Button, 'settings-save').trigger('onClick');
    await r.waitFor(() => expect(hubspotFetch.mock.calls.length).toBe(2));
    expect((hubspotFetch.mock.calls[1] as Call)[1].body).toMatchObject({ sector: 'stairlifts' });
  });

  it('accepts only listed ids on the backend, and hands the sector and the controller name to the engine', () => {
    const valid = { ...DEFAULT_CRM_SETTINGS, sector: 'heat_pumps', controller: { name: 'Acme SAS', address: '', dpoContact: '', logoUrl: '' },
      privacyPolicyUrl: 'https://acme.example/privacy' };
    expect(CrmSettingsSchema.safeParse(valid).success).toBe(true);
    const bad = CrmSettingsSchema.safeParse({ ...valid, sector: 'solar panels' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['sector']);
    const engine = toPortalSettings(valid);
    expect(engine).toMatchObject({ sector: 'heat_pumps', controllerNames: ['Acme SAS'] });
    const v = evaluateContact({ id: 'c', email: 'paul.martin@gmail.com', country: 'FR', source: { kind: 'web_form', collectedAt: '2026-10-01' } },
      { at: new Date('2026-11-23T10:00:00Z'), settings: { ...DEFAULT_SETTINGS, ...engine } });
    expect(v.channels.postal).toMatchObject({ allowed: false, blocker: 'forbidden' });
  });
});
