// What a portal can configure: the engine's settings (src/engine/types.ts PortalSettings) plus the app's own.
// Stored as one JSON document per portal; every read is parsed, so an old document gains new defaults.
import { z } from 'zod';
import { SECTOR_IDS } from '../engine/rules/sectors.ts';
import { DEFAULT_SETTINGS, type PortalSettings } from '../engine/types.ts';

export const SEQUENCE_BLOCKING_MODES = ['enforce', 'flag_only', 'off'] as const;
export const EXPIRY_ACTIONS = ['notify', 'archive', 'delete'] as const;

export const PortalSettingsSchema = z.object({
  defaultJurisdiction: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code').default(DEFAULT_SETTINGS.defaultJurisdiction),
  targetRoles: z.array(z.string().trim().min(1).max(100)).max(200).default([]),
  retention: z.object({
    prospectYears: z.number().int().min(1).max(10).default(DEFAULT_SETTINGS.retention.prospectYears),
    customerYears: z.number().int().min(1).max(10).default(DEFAULT_SETTINGS.retention.customerYears),
    warningDays: z.number().int().min(0).max(365).default(DEFAULT_SETTINGS.retention.warningDays),
  }).prefault({}),
  /** What the portal sells, from the engine's closed sector list (French canvassing bans); null = not said. */
  sector: z.string().refine((v) => SECTOR_IDS.includes(v), 'not a listed sector').nullable().default(null),
});

export const AppSettingsSchema = z.object({
  /** enforce: use every blocking lever; flag_only: tag and alert, never act; off: no sequence checks. */
  sequenceBlocking: z.enum(SEQUENCE_BLOCKING_MODES).default('enforce'),
  /** What the retention sweep does with an expired contact. */
  expiryAction: z.enum(EXPIRY_ACTIONS).default('notify'),
  /** The data controller named in the Art. 14 notice and the preference centre. */
  controller: z.object({
    name: z.string().trim().min(1).max(200),
    address: z.string().trim().max(500).nullable().default(null),
    dpoContact: z.string().trim().max(200).nullable().default(null),
    /** https URL of the controller's logo, shown on the preference centre. */
    logoUrl: z.url({ protocol: /^https$/ }).max(500).nullable().default(null),
  }).nullable().default(null),
  privacyPolicyUrl: z.url({ protocol: /^https?$/ }).nullable().default(null),
  preferenceCentreEnabled: z.boolean().default(true),
  /** Create a task for the contact owner when the app blocks a sequence. */
  notifyOwnerOnBlock: z.boolean().default(true),
});

export const SettingsSchema = PortalSettingsSchema.extend(AppSettingsSchema.shape);

export type AppSettings = z.output<typeof AppSettingsSchema>;
export type Settings = PortalSettings & AppSettings;
export type SettingsInput = z.input<typeof SettingsSchema>;

export const DEFAULT_APP_SETTINGS: Settings = SettingsSchema.parse({});

/** The engine's view of stored settings: the controller's name is the company third-party consents must name. */
export function toEngineSettings(s: Settings): PortalSettings {
  return { ...s, controllerNames: s.controller?.name ? [s.controller.name] : [] };
}
