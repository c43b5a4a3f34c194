// The settings the reports read, straight from the stored settings and profile (the same parse and defaults as
// the settings page: src/storage/settings-schema.ts, portal_profile).
import type { Db } from '../storage/db.ts';
import { SettingsSchema } from '../storage/settings-schema.ts';
import type { Art30Settings } from './art30-record.ts';

export async function loadPortalReportSettings(db: Db, portalId: number): Promise<Art30Settings> {
  const [stored, profile] = await Promise.all([
    db.query<{ settings: unknown }>('select settings from portal_settings where portal_id = $1', [portalId]),
    db.query<{ offer_description: string; activity: string }>('select offer_description, activity from portal_profile where portal_id = $1', [portalId]),
  ]);
  const raw = stored.rows[0]?.settings;
  const doc = typeof raw === 'string' ? JSON.parse(raw) as unknown : raw ?? {};
  const parsed = SettingsSchema.safeParse(doc);
  const s = parsed.success ? parsed.data : SettingsSchema.parse({});
  return {
    controller: s.controller ? { name: s.controller.name, address: s.controller.address, dpoContact: s.controller.dpoContact, privacyPolicyUrl: s.privacyPolicyUrl } : null,
    offerDescription: profile.rows[0]?.offer_description ?? '',
    activity: profile.rows[0]?.activity ?? '',
    targetRoles: [...s.targetRoles],
    defaultJurisdiction: s.defaultJurisdiction,
    retention: { ...s.retention },
    expiryAction: s.expiryAction,
    sequenceBlocking: s.sequenceBlocking,
    preferenceCentreEnabled: s.preferenceCentreEnabled,
  };
}
