// The settings page's store over install's per-portal settings (the vocabulary enforcement and the pipeline read)
// plus portal_profile (offer and activity). "Configured" means the controller and privacy policy, which every
// first-contact notice needs, have been given.
import type { Db } from '../storage/db.ts';
import type { Settings, SettingsInput } from '../storage/settings-schema.ts';
import type { SettingsStore } from '../card/ports.ts';
import { JURISDICTIONS, type CrmSettings } from './settings-schema.ts';

export interface InstallSettings {
  getSettings(portalId: number): Promise<Settings>;
  saveSettings(portalId: number, patch: Partial<SettingsInput>): Promise<Settings>;
}

export function toCrmSettings(s: Settings, profile: { offerDescription: string; activity: string }): CrmSettings {
  const jurisdiction = (JURISDICTIONS as readonly string[]).includes(s.defaultJurisdiction) ? s.defaultJurisdiction as CrmSettings['defaultJurisdiction'] : 'FR';
  return {
    offerDescription: profile.offerDescription,
    activity: profile.activity,
    sector: s.sector ?? '',
    targetRoles: [...s.targetRoles],
    defaultJurisdiction: jurisdiction,
    retention: { ...s.retention },
    expiryAction: s.expiryAction,
    sequenceBlocking: s.sequenceBlocking,
    controller: { name: s.controller?.name ?? '', address: s.controller?.address ?? '', dpoContact: s.controller?.dpoContact ?? '', logoUrl: s.controller?.logoUrl ?? '' },
    privacyPolicyUrl: s.privacyPolicyUrl ?? '',
    preferenceCentreEnabled: s.preferenceCentreEnabled,
    notifyOwnerOnBlock: s.notifyOwnerOnBlock,
  };
}

export function toInstallPatch(s: CrmSettings): Partial<SettingsInput> {
  return {
    defaultJurisdiction: s.defaultJurisdiction,
    sector: s.sector || null,
    targetRoles: s.targetRoles,
    retention: s.retention,
    expiryAction: s.expiryAction,
    sequenceBlocking: s.sequenceBlocking,
    controller: { name: s.controller.name, address: s.controller.address || null, dpoContact: s.controller.dpoContact || null, logoUrl: s.controller.logoUrl || null },
    privacyPolicyUrl: s.privacyPolicyUrl,
    preferenceCentreEnabled: s.preferenceCentreEnabled,
    notifyOwnerOnBlock: s.notifyOwnerOnBlock,
  };
}

export function createSettingsStore(db: Db, installations: InstallSettings): SettingsStore {
  return {
    async get(portalId) {
      const [settings, profile] = await Promise.all([
        installations.getSettings(portalId),
        db.query<{ offer_description: string; activity: string }>('select offer_description, activity from portal_profile where portal_id = $1', [portalId]),
      ]);
      const row = profile.rows[0];
      return {
        settings: toCrmSettings(settings, { offerDescription: row?.offer_description ?? '', activity: row?.activity ?? '' }),
        configured: settings.controller != null && settings.privacyPolicyUrl != null,
      };
    },
    async save(portalId, s) {
      await installations.saveSettings(portalId, toInstallPatch(s));
      await db.query(
        `insert into portal_profile (portal_id, offer_description, activity, updated_at) values ($1, $2, $3, $4)
         on conflict (portal_id) do update set offer_description = excluded.offer_description, activity = excluded.activity, updated_at = excluded.updated_at`,
        [portalId, s.offerDescription, s.activity, new Date().toISOString()]);
    },
  };
}
