// The settings form: offer and activity, rules, retention and expiry, sequence blocking, controller identity.
// Validated on the client before sending; the backend's field errors are merged into the same display.
import { useState } from 'react';
import { Alert, Button, Checkbox, Divider, Flex, Form, Input, NumberInput, Select, Text, TextArea } from '@hubspot/ui-extensions';
import { translate, type Lang } from '../../shared/i18n.ts';
import { JURISDICTIONS, type CrmSettings, type ExpiryAction, type Jurisdiction, type SequenceBlocking } from '../../shared/types.ts';
import { SECTOR_OPTIONS } from '../../shared/sectors.ts';
import { BACKEND_BASE_URL } from '../../shared/app-config.generated.ts';
import type { SaveOutcome } from '../hooks/useSettings.ts';
import { normaliseSettings, parseRoles, validateSettings, type FieldErrors } from '../utils/validate.ts';

export function SettingsForm({ lang, initial, save, onSubmit }: {
  lang: Lang; initial: CrmSettings; save: SaveOutcome; onSubmit: (settings: CrmSettings) => void;
}) {
  const [draft, setDraft] = useState<CrmSettings>(initial);
  const [rolesText, setRolesText] = useState(initial.targetRoles.join(', '));
  const [errors, setErrors] = useState<FieldErrors>({});
  const set = (patch: Partial<CrmSettings>) => setDraft((d) => ({ ...d, ...patch }));
  const serverErrors = save.kind === 'failed' ? save.error.fields ?? {} : {};
  const shown: FieldErrors = { ...serverErrors, ...errors };
  const err = (key: string) => (shown[key] ? { error: true, validationMessage: shown[key] } : {});

  const submit = () => {
    const candidate = normaliseSettings({ ...draft, targetRoles: parseRoles(rolesText) });
    const found = validateSettings(lang, candidate);
    setErrors(found);
    if (Object.keys(found).length === 0) onSubmit(candidate);
  };

  return (
    <Form onSubmit={submit} preventDefault>
      <Flex direction="column" gap="small">
        <Text format={{ fontWeight: 'bold' }}>{translate(lang, 'settings.section.company')}</Text>
        <TextArea testId="offer" name="offerDescription" label={translate(lang, 'settings.offer')} value={draft.offerDescription}
          onChange={(v) => set({ offerDescription: v })} {...err('offerDescription')} />
        <Input testId="activity" name="activity" label={translate(lang, 'settings.activity')} value={draft.activity}
          onChange={(v) => set({ activity: v })} {...err('activity')} />
        <Select testId="sector" name="sector" label={translate(lang, 'settings.sector')} description={translate(lang, 'settings.sector.help')}
          value={draft.sector} onChange={(v) => set({ sector: String(v ?? '') })} {...err('sector')}
          options={[{ value: '', label: translate(lang, 'settings.sector.none') }, ...SECTOR_OPTIONS.map((s) => ({
            value: s.id, label: s.banned ? `${s[lang]} (${translate(lang, 'settings.sector.banned')})` : s[lang],
          }))]} />
        <Input testId="target-roles" name="targetRoles" label={translate(lang, 'settings.targetRoles')}
          description={translate(lang, 'settings.targetRoles.help')} value={rolesText} onChange={setRolesText} {...err('targetRoles')} />
        <Divider />
        <Text format={{ fontWeight: 'bold' }}>{translate(lang, 'settings.section.rules')}</Text>
        <Select testId="jurisdiction" name="defaultJurisdiction" label={translate(lang, 'settings.jurisdiction')} value={draft.defaultJurisdiction}
          options={JURISDICTIONS.map((j) => ({ value: j, label: j }))} onChange={(v) => set({ defaultJurisdiction: v as Jurisdiction })}
          {...err('defaultJurisdiction')} />
        <NumberInput testId="prospect-years" name="prospectYears" label={translate(lang, 'settings.prospectYears')} value={draft.retention.prospectYears}
          onChange={(v) => set({ retention: { ...draft.retention, prospectYears: v } })} {...err('retention.prospectYears')} />
        <NumberInput testId="customer-years" name="customerYears" label={translate(lang, 'settings.customerYears')} value={draft.retention.customerYears}
          onChange={(v) => set({ retention: { ...draft.retention, customerYears: v } })} {...err('retention.customerYears')} />
        <NumberInput testId="warning-days" name="warningDays" label={translate(lang, 'settings.warningDays')} value={draft.retention.warningDays}
          onChange={(v) => set({ retention: { ...draft.retention, warningDays: v } })} {...err('retention.warningDays')} />
        <Select testId="expiry-action" name="expiryAction" label={translate(lang, 'settings.expiryAction')} value={draft.expiryAction}
          options={(['notify', 'archive', 'delete'] as ExpiryAction[]).map((a) => ({ value: a, label: translate(lang, `settings.expiry.${a}`) }))}
          onChange={(v) => set({ expiryAction: v as ExpiryAction })} />
        <Select testId="sequence-blocking" name="sequenceBlocking" label={translate(lang, 'settings.sequenceBlocking')} value={draft.sequenceBlocking}
          options={(['enforce', 'flag_only', 'off'] as SequenceBlocking[]).map((m) => ({ value: m, label: translate(lang, `settings.blocking.${m}`) }))}
          onChange={(v) => set({ sequenceBlocking: v as SequenceBlocking })} />
        <Checkbox testId="notify-owner" name="notifyOwnerOnBlock" checked={draft.notifyOwnerOnBlock} onChange={(checked) => set({ notifyOwnerOnBlock: checked })}>
          {translate(lang, 'settings.notifyOwnerOnBlock')}
        </Checkbox>
        <Divider />
        <Text format={{ fontWeight: 'bold' }}>{translate(lang, 'settings.section.controller')}</Text>
        <Input testId="controller-name" name="controllerName" label={translate(lang, 'settings.controllerName')} value={draft.controller.name} required
          onChange={(v) => set({ controller: { ...draft.controller, name: v } })} {...err('controller.name')} />
        <Input testId="controller-address" name="controllerAddress" label={translate(lang, 'settings.controllerAddress')} value={draft.controller.address}
          onChange={(v) => set({ controller: { ...draft.controller, address: v } })} {...err('controller.address')} />
        <Input testId="dpo-contact" name="dpoContact" label={translate(lang, 'settings.dpoContact')} value={draft.controller.dpoContact}
          onChange={(v) => set({ controller: { ...draft.controller, dpoContact: v } })} {...err('controller.dpoContact')} />
        <Input testId="controller-logo" name="controllerLogoUrl" label={translate(lang, 'settings.controllerLogoUrl')} value={draft.controller.logoUrl}
          onChange={(v) => set({ controller: { ...draft.controller, logoUrl: v } })} {...err('controller.logoUrl')} />
        <Input testId="privacy-url" name="privacyPolicyUrl" label={translate(lang, 'settings.privacyPolicyUrl')} value={draft.privacyPolicyUrl} required
          onChange={(v) => set({ privacyPolicyUrl: v })} {...err('privacyPolicyUrl')} />
        <Checkbox testId="preference-centre" name="preferenceCentreEnabled" checked={draft.preferenceCentreEnabled}
          onChange={(checked) => set({ preferenceCentreEnabled: checked })}>
          {translate(lang, 'settings.preferenceCentreEnabled')}
        </Checkbox>
        <Text testId="preference-link" variant="microcopy">{translate(lang, 'settings.preferenceLink', { url: `${BACKEND_BASE_URL}/p/…` })}</Text>
        {Object.keys(shown).length > 0 ? (
          <Alert testId="settings-invalid" variant="error" title={translate(lang, 'settings.invalid')}>
            {save.kind === 'failed' && !save.error.fields ? save.error.message : Object.values(shown)[0] ?? ''}
          </Alert>
        ) : null}
        {save.kind === 'failed' && !save.error.fields && Object.keys(shown).length === 0 ? (
          <Alert testId="settings-save-failed" variant="error" title={translate(lang, 'action.failed')}>{save.error.message}</Alert>
        ) : null}
        {save.kind === 'saved' ? <Alert testId="settings-saved" variant="success" title={translate(lang, 'settings.saved')}>{''}</Alert> : null}
        <Button testId="settings-save" type="button" variant="primary" disabled={save.kind === 'saving'} onClick={submit}>{translate(lang, 'settings.save')}</Button>
      </Flex>
    </Form>
  );
}
