// The "Check prospecting eligibility" custom workflow action, described once: the hsmeta generator
// (scripts/hubspot-check.ts) writes it into the HubSpot project and the endpoint answers with these names.
import { BLOCKERS, CHANNELS, type Blocker, type Channel } from '../engine/types.ts';

/** Blockers the action can report: the engine's, plus two of its own (nothing known, nothing blocking). */
export const ACTION_BLOCKERS = [...BLOCKERS, 'unknown_contact', 'none'] as const;
export type ActionBlocker = Blocker | 'unknown_contact' | 'none';

export const OUTPUT_FIELDS = ['eligible', 'blocker', 'reason', 'expiry_date'] as const;
export type OutputFieldName = (typeof OUTPUT_FIELDS)[number];

const CHANNEL_LABELS: Record<Channel, { en: string; fr: string }> = {
  email: { en: 'Email', fr: 'E-mail' },
  sms: { en: 'SMS', fr: 'SMS' },
  social_dm: { en: 'Social media message', fr: 'Message sur réseau social' },
  automated_call: { en: 'Automated call', fr: 'Appel automatisé' },
  fax: { en: 'Fax', fr: 'Fax' },
  phone: { en: 'Phone call', fr: 'Appel téléphonique' },
  postal: { en: 'Postal mail', fr: 'Courrier postal' },
};

const BLOCKER_LABELS: Record<ActionBlocker, string> = {
  needs_consent: 'Needs consent',
  invalid_consent: 'Consent not valid',
  objected: 'Objected',
  retention_expired: 'Retention expired',
  forbidden: 'Forbidden',
  call_limit: 'Call limit reached (until a date)',
  unknown_contact: 'Not judged yet',
  none: 'None',
};

/** The `config` of workflow-actions/*-hsmeta.json, minus what app.json supplies (uid, actionUrl, objectTypes). */
export function workflowActionConfig(): Record<string, unknown> {
  return {
    supportedClients: [{ client: 'WORKFLOWS' }],
    inputFields: [
      {
        typeDefinition: {
          name: 'channel',
          type: 'enumeration',
          fieldType: 'select',
          options: CHANNELS.map((c) => ({ value: c, label: CHANNEL_LABELS[c].en })),
        },
        supportedValueTypes: ['STATIC_VALUE'],
        isRequired: true,
      },
    ],
    outputFields: [
      { typeDefinition: { name: 'eligible', type: 'bool', fieldType: 'booleancheckbox' } },
      {
        typeDefinition: {
          name: 'blocker',
          type: 'enumeration',
          fieldType: 'select',
          options: ACTION_BLOCKERS.map((b) => ({ value: b, label: BLOCKER_LABELS[b] })),
        },
      },
      { typeDefinition: { name: 'reason', type: 'string', fieldType: 'text' } },
      { typeDefinition: { name: 'expiry_date', type: 'date', fieldType: 'date' } },
    ],
    labels: {
      en: {
        actionName: 'Check prospecting eligibility',
        actionDescription:
          'Asks Prospect Guard whether this contact may lawfully be reached on a channel now. Branch on "eligible" before enrolling in a sequence or sending.',
        appDisplayName: 'Prospect Guard',
        actionCardContent: 'Check eligibility for {{channel}}',
        inputFieldLabels: { channel: 'Channel' },
        outputFieldLabels: {
          eligible: 'Eligible',
          blocker: 'Blocker',
          reason: 'Reason',
          expiry_date: 'Retention expiry date',
        },
      },
      fr: {
        actionName: 'Vérifier l’éligibilité à la prospection',
        actionDescription:
          'Demande à Prospect Guard si ce contact peut être sollicité légalement sur un canal maintenant. Branchez sur « éligible » avant une séquence ou un envoi.',
        appDisplayName: 'Prospect Guard',
        actionCardContent: 'Vérifier l’éligibilité pour {{channel}}',
        inputFieldLabels: { channel: 'Canal' },
        outputFieldLabels: {
          eligible: 'Éligible',
          blocker: 'Blocage',
          reason: 'Motif',
          expiry_date: 'Date de fin de conservation',
        },
      },
    },
  };
}
