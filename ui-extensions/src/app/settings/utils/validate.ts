// Client-side mirror of the backend's settings schema (src/settings/settings-schema.ts) for instant feedback.
// The backend stays the authority: its 422 field errors are shown the same way.
import { translate, type Lang } from '../../shared/i18n.ts';
import { JURISDICTIONS, type CrmSettings } from '../../shared/types.ts';
import { SECTOR_OPTIONS } from '../../shared/sectors.ts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function isHttpsUrl(value: string): boolean {
  if (!value.startsWith('https://') || value.length > 500) return false;
  return /^https:\/\/[^\s/$.?#][^\s]*\.[^\s]+$/.test(value) || /^https:\/\/[a-z0-9-]+(\.[a-z0-9-]+)+(\/[^\s]*)?$/i.test(value);
}

export type FieldErrors = Record<string, string>;

export function validateSettings(lang: Lang, s: CrmSettings): FieldErrors {
  const errors: FieldErrors = {};
  const range = (key: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) errors[key] = translate(lang, 'validation.range', { min, max });
  };
  if (s.offerDescription.trim().length > 1000) errors.offerDescription = translate(lang, 'validation.tooLong', { max: 1000 });
  if (s.activity.trim().length > 200) errors.activity = translate(lang, 'validation.tooLong', { max: 200 });
  if (s.sector !== '' && !SECTOR_OPTIONS.some((o) => o.id === s.sector)) errors.sector = translate(lang, 'validation.required');
  if (s.targetRoles.length > 50 || s.targetRoles.some((r) => r.length === 0 || r.length > 80)) errors.targetRoles = translate(lang, 'validation.roles');
  if (!JURISDICTIONS.includes(s.defaultJurisdiction)) errors.defaultJurisdiction = translate(lang, 'validation.required');
  range('retention.prospectYears', s.retention.prospectYears, 1, 5);
  range('retention.customerYears', s.retention.customerYears, 1, 5);
  range('retention.warningDays', s.retention.warningDays, 7, 180);
  if (!s.controller.name.trim()) errors['controller.name'] = translate(lang, 'validation.required');
  if (s.controller.address.trim().length > 500) errors['controller.address'] = translate(lang, 'validation.tooLong', { max: 500 });
  const dpo = s.controller.dpoContact.trim();
  if (dpo.length > 200) errors['controller.dpoContact'] = translate(lang, 'validation.tooLong', { max: 200 });
  else if (dpo !== '' && !EMAIL.test(dpo) && !isHttpsUrl(dpo)) errors['controller.dpoContact'] = translate(lang, 'validation.contact');
  const logo = s.controller.logoUrl.trim();
  if (logo !== '' && !isHttpsUrl(logo)) errors['controller.logoUrl'] = translate(lang, 'validation.https');
  if (!isHttpsUrl(s.privacyPolicyUrl.trim())) errors.privacyPolicyUrl = translate(lang, 'validation.https');
  return errors;
}

/** "Sales Director, CTO ,," -> ["Sales Director", "CTO"] */
export function parseRoles(text: string): string[] {
  return text.split(',').map((r) => r.trim()).filter((r) => r.length > 0);
}

/** What is sent: trimmed strings. */
export function normaliseSettings(s: CrmSettings): CrmSettings {
  return {
    ...s,
    offerDescription: s.offerDescription.trim(),
    activity: s.activity.trim(),
    controller: { name: s.controller.name.trim(), address: s.controller.address.trim(), dpoContact: s.controller.dpoContact.trim(), logoUrl: s.controller.logoUrl.trim() },
    privacyPolicyUrl: s.privacyPolicyUrl.trim(),
  };
}
