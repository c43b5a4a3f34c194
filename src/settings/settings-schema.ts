// The portal settings an admin edits on the settings page. Validated here (the authority) and mirrored on the
// client for instant feedback (ui-extensions/src/app/settings/utils/validate.ts).
import { z } from 'zod';
import { SECTOR_IDS } from '../engine/rules/sectors.ts';
import { DEFAULT_SETTINGS, type PortalSettings } from '../engine/types.ts';

/** Jurisdictions the engine's rule packs cover (test/crm holds this equal to SUPPORTED_JURISDICTIONS). */
export const JURISDICTIONS = ['FR', 'BE', 'DE', 'ES', 'IT', 'GB'] as const;
export const EXPIRY_ACTIONS = ['notify', 'archive', 'delete'] as const;
// Same vocabulary as install's stored settings (src/storage/settings-schema.ts), which the enforcement reads.
/** enforce: every blocking lever; flag_only: tag and alert, never act; off: no sequence checks. */
export const SEQUENCE_BLOCKING_MODES = ['enforce', 'flag_only', 'off'] as const;

const httpsUrl = z.string().trim().max(500).url('must be a URL').refine((u) => u.startsWith('https://'), 'must start with https://');

export const CrmSettingsSchema = z.object({
  offerDescription: z.string().trim().max(1000, 'at most 1000 characters'),
  activity: z.string().trim().max(200, 'at most 200 characters'),
  /** What the portal sells, from the engine's closed list ('' = not said); decides the French sector bans. */
  sector: z.string().trim().refine((v) => v === '' || SECTOR_IDS.includes(v), 'pick a sector from the list').default(''),
  targetRoles: z.array(z.string().trim().min(1, 'empty role').max(80, 'at most 80 characters')).max(50, 'at most 50 roles'),
  defaultJurisdiction: z.enum(JURISDICTIONS),
  retention: z.object({
    prospectYears: z.number().int().min(1, 'at least 1 year').max(5, 'at most 5 years'),
    customerYears: z.number().int().min(1, 'at least 1 year').max(5, 'at most 5 years'),
    warningDays: z.number().int().min(7, 'at least 7 days').max(180, 'at most 180 days'),
  }).strict(),
  expiryAction: z.enum(EXPIRY_ACTIONS),
  sequenceBlocking: z.enum(SEQUENCE_BLOCKING_MODES),
  controller: z.object({
    name: z.string().trim().min(1, 'required').max(200, 'at most 200 characters'),
    address: z.string().trim().max(500, 'at most 500 characters'),
    /** Where people exercise their rights: a DPO email address or a URL. */
    dpoContact: z.string().trim().max(200, 'at most 200 characters'),
    /** Logo shown on the preference centre: an https URL, or empty. */
    logoUrl: z.string().trim().max(500, 'at most 500 characters')
      .refine((u) => u === '' || (/^https:\/\/[^\s]+$/.test(u) && URL.canParse(u)), 'must be an https:// URL').default(''),
  }).strict(),
  privacyPolicyUrl: httpsUrl,
  /** Whether first messages and unsubscribe headers carry the per-contact preference-centre link. */
  preferenceCentreEnabled: z.boolean(),
  /** A task for the contact owner whenever the app blocks a sequence. */
  notifyOwnerOnBlock: z.boolean(),
}).strict();
export type CrmSettings = z.infer<typeof CrmSettingsSchema>;

export const DEFAULT_CRM_SETTINGS: CrmSettings = {
  offerDescription: '',
  activity: '',
  sector: '',
  targetRoles: [],
  // Retention defaults (the CNIL three years) live once, in the engine.
  defaultJurisdiction: 'FR',
  retention: { ...DEFAULT_SETTINGS.retention },
  expiryAction: 'notify',
  sequenceBlocking: 'enforce',
  controller: { name: '', address: '', dpoContact: '', logoUrl: '' },
  privacyPolicyUrl: '',
  preferenceCentreEnabled: true,
  notifyOwnerOnBlock: true,
};

/** The part of the settings the engine reads. */
export function toPortalSettings(s: CrmSettings): PortalSettings {
  return {
    defaultJurisdiction: s.defaultJurisdiction, targetRoles: [...s.targetRoles], retention: { ...s.retention },
    controllerNames: s.controller.name ? [s.controller.name] : [], sector: s.sector || null,
  };
}

/** Field path -> message, the shape both the API's 422 and the settings form use. */
export function settingsErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || '_';
    out[key] ??= issue.message;
  }
  return out;
}
