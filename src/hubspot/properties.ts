// The app's contact properties, declared once: the bootstrap creates them, the pipeline writes the outputs and
// reads the inputs, docs/PROPERTIES.md is generated from this list. Labels in English, descriptions in French.
// Internal names are fixed (INTERFACES.md): renaming one breaks every installed account.
import { AUDIENCES, BASES, BLOCKERS, PURPOSES, SOURCE_KINDS, STATUSES, type Basis } from '../engine/types.ts';

export type HubSpotPropertyType = 'bool' | 'date' | 'datetime' | 'enumeration' | 'number' | 'string';
export type HubSpotFieldType = 'booleancheckbox' | 'date' | 'number' | 'radio' | 'select' | 'text' | 'textarea';

export interface PropertyOptionDefinition {
  label: string;
  value: string;
  displayOrder: number;
}

export interface PropertyDefinition {
  name: string;
  label: string;
  /** French, shown under the field in HubSpot. */
  description: string;
  type: HubSpotPropertyType;
  fieldType: HubSpotFieldType;
  groupName: string;
  options?: PropertyOptionDefinition[];
  /** output: the app writes it; input: a user or import may set it, the app reads it. */
  role: 'output' | 'input';
  /** Shown on forms (inputs only). */
  formField: boolean;
  displayOrder: number;
}

export const PROPERTY_GROUP = {
  name: 'prospect_guard',
  label: 'Prospect Guard',
  displayOrder: -1,
} as const;

export const PROPERTY_NAMES = {
  audience: 'pg_audience',
  status: 'pg_status',
  basisEmail: 'pg_basis_email',
  basisSms: 'pg_basis_sms',
  basisSocialDm: 'pg_basis_social_dm',
  basisAutomatedCall: 'pg_basis_automated_call',
  basisFax: 'pg_basis_fax',
  basisPhone: 'pg_basis_phone',
  basisPostal: 'pg_basis_postal',
  blockers: 'pg_blockers',
  sourceRisk: 'pg_source_risk',
  retentionAnchor: 'pg_retention_anchor',
  retentionExpiresAt: 'pg_retention_expires_at',
  retentionState: 'pg_retention_state',
  sequenceBlocked: 'pg_sequence_blocked',
  sequenceBlockReason: 'pg_sequence_block_reason',
  noticeDue: 'pg_notice_due',
  firstContactNotice: 'pg_first_contact_notice',
  rulesVersion: 'pg_rules_version',
  evaluatedAt: 'pg_evaluated_at',
  preferenceUrl: 'pg_preference_url',
  preferenceUrlExpiresAt: 'pg_preference_url_expires_at',
  sourceKind: 'pg_source_kind',
  sourceDetail: 'pg_source_detail',
  collectedAt: 'pg_collected_at',
  lastProspectContactAt: 'pg_last_prospect_contact_at',
  isProfessional: 'pg_is_professional',
  offerRelated: 'pg_offer_related',
  purpose: 'pg_purpose',
  sector: 'pg_sector',
  contractActive: 'pg_contract_active',
  soleTrader: 'pg_sole_trader',
} as const;

export type PropertyName = (typeof PROPERTY_NAMES)[keyof typeof PROPERTY_NAMES];

/** Property per channel holding its basis (or blocker). */
export const BASIS_PROPERTY_BY_CHANNEL = {
  email: PROPERTY_NAMES.basisEmail,
  sms: PROPERTY_NAMES.basisSms,
  social_dm: PROPERTY_NAMES.basisSocialDm,
  automated_call: PROPERTY_NAMES.basisAutomatedCall,
  fax: PROPERTY_NAMES.basisFax,
  phone: PROPERTY_NAMES.basisPhone,
  postal: PROPERTY_NAMES.basisPostal,
} as const;

const LABELS: Record<string, string> = {
  b2c: 'B2C (consumer)', b2b_nominative: 'B2B, named person', b2b_generic: 'B2B, generic address', unknown: 'Unknown',
  compliant: 'Compliant', at_risk: 'At risk', blocked: 'Blocked', expired: 'Retention expired',
  consent: 'Consent', legitimate_interest: 'Legitimate interest', soft_opt_in: 'Soft opt-in (existing customer)',
  contract: 'Contract', not_personal_data: 'Not personal data', needs_consent: 'Blocked: consent needed',
  invalid_consent: 'Blocked: consent not valid', objected: 'Blocked: objection', retention_expired: 'Blocked: retention expired',
  forbidden: 'Blocked: forbidden', call_limit: 'Blocked for now: call limit', low: 'Low', medium: 'Medium', high: 'High',
  collected: 'Collection date', last_prospect_contact: 'Last contact initiated by the prospect', relationship_end: 'End of customer relationship',
  active: 'Active', expiring_soon: 'Expiring soon', true: 'Yes', false: 'No',
  commercial: 'Commercial', charity: 'Charity', political: 'Political',
};

function enumOptions(values: readonly string[]): PropertyOptionDefinition[] {
  return values.map((value, displayOrder) => ({
    value,
    label: LABELS[value] ?? value.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()),
    displayOrder,
  }));
}

const BASIS_VALUES: readonly string[] = [...BASES, ...BLOCKERS];
const BOOL_OPTIONS = enumOptions(['true', 'false']);

type Spec = Omit<PropertyDefinition, 'groupName' | 'formField' | 'displayOrder'>;

const basis = (name: string, channelEn: string, channelFr: string): Spec => ({
  name, label: `Legal basis: ${channelEn}`, type: 'enumeration', fieldType: 'select', role: 'output',
  description: `Base légale retenue pour prospecter ce contact par ${channelFr}, ou le motif de blocage.`,
  options: enumOptions(BASIS_VALUES),
});

const SPECS: Spec[] = [
  { name: PROPERTY_NAMES.audience, label: 'Audience', type: 'enumeration', fieldType: 'select', role: 'output',
    description: 'Public du contact : particulier (B2C), professionnel nommé ou adresse générique d\u2019entreprise.',
    options: enumOptions(AUDIENCES) },
  { name: PROPERTY_NAMES.status, label: 'Compliance status', type: 'enumeration', fieldType: 'select', role: 'output',
    description: 'Statut global de conformité de la prospection envers ce contact.', options: enumOptions(STATUSES) },
  basis(PROPERTY_NAMES.basisEmail, 'email', 'e-mail'),
  basis(PROPERTY_NAMES.basisSms, 'SMS', 'SMS'),
  basis(PROPERTY_NAMES.basisSocialDm, 'social media DM', 'message privé sur les réseaux sociaux'),
  basis(PROPERTY_NAMES.basisAutomatedCall, 'automated call', 'appel automatisé'),
  basis(PROPERTY_NAMES.basisFax, 'fax', 'télécopie'),
  basis(PROPERTY_NAMES.basisPhone, 'phone call', 'téléphone'),
  basis(PROPERTY_NAMES.basisPostal, 'postal mail', 'courrier postal'),
  { name: PROPERTY_NAMES.blockers, label: 'Blockers', type: 'string', fieldType: 'text', role: 'output',
    description: 'Identifiants des motifs de blocage, séparés par des virgules.' },
  { name: PROPERTY_NAMES.sourceRisk, label: 'Data source risk', type: 'enumeration', fieldType: 'select', role: 'output',
    description: 'Niveau de risque lié à l\u2019origine des données (liste achetée, formulaire, salon...).',
    options: enumOptions(['low', 'medium', 'high']) },
  { name: PROPERTY_NAMES.retentionAnchor, label: 'Retention anchor', type: 'enumeration', fieldType: 'select', role: 'output',
    description: 'Point de départ de la durée de conservation : collecte, dernier contact à l\u2019initiative du prospect ou fin de la relation client.',
    options: enumOptions(['collected', 'last_prospect_contact', 'relationship_end']) },
  { name: PROPERTY_NAMES.retentionExpiresAt, label: 'Retention expiry date', type: 'date', fieldType: 'date', role: 'output',
    description: 'Date à laquelle les données de prospection doivent être supprimées ou archivées (3 ans par défaut). Une ouverture d\u2019e-mail ne prolonge jamais ce délai.' },
  { name: PROPERTY_NAMES.retentionState, label: 'Retention state', type: 'enumeration', fieldType: 'select', role: 'output',
    description: 'État de la durée de conservation : active, bientôt expirée ou expirée.',
    options: enumOptions(['active', 'expiring_soon', 'expired']) },
  { name: PROPERTY_NAMES.sequenceBlocked, label: 'Sequence blocked', type: 'bool', fieldType: 'booleancheckbox', role: 'output',
    description: 'Oui lorsque l\u2019inscription de ce contact dans une séquence commerciale n\u2019est pas autorisée.', options: BOOL_OPTIONS },
  { name: PROPERTY_NAMES.sequenceBlockReason, label: 'Sequence block reason', type: 'string', fieldType: 'text', role: 'output',
    description: 'Motif du blocage des séquences, en clair.' },
  { name: PROPERTY_NAMES.noticeDue, label: 'First-contact notice due', type: 'bool', fieldType: 'booleancheckbox', role: 'output',
    description: 'Oui lorsque l\u2019information de l\u2019article 14 du RGPD (source des données) doit accompagner le premier contact.',
    options: BOOL_OPTIONS },
  { name: PROPERTY_NAMES.firstContactNotice, label: 'First-contact notice', type: 'string', fieldType: 'textarea', role: 'output',
    description: 'Texte de l\u2019information de l\u2019article 14 du RGPD, utilisable comme jeton de personnalisation dans les modèles de séquence.' },
  { name: PROPERTY_NAMES.rulesVersion, label: 'Rules version', type: 'string', fieldType: 'text', role: 'output',
    description: 'Version des règles juridiques appliquées lors de la dernière évaluation.' },
  { name: PROPERTY_NAMES.evaluatedAt, label: 'Evaluated at', type: 'datetime', fieldType: 'date', role: 'output',
    description: 'Date et heure de la dernière évaluation du contact.' },
  { name: PROPERTY_NAMES.preferenceUrl, label: 'Preference centre link', type: 'string', fieldType: 'text', role: 'output',
    description: 'Lien personnel, signé et à durée limitée, vers le centre de préférences du contact (opposition, consentement, droits). À insérer dans les e-mails et modèles de séquence avec le jeton {{ contact.pg_preference_url }} ; renouvelé automatiquement avant son expiration.' },
  { name: PROPERTY_NAMES.preferenceUrlExpiresAt, label: 'Preference link expiry date', type: 'date', fieldType: 'date', role: 'output',
    description: 'Date d\u2019expiration du lien du centre de préférences ; l\u2019application en émet un nouveau au moins 60 jours avant.' },
  { name: PROPERTY_NAMES.sourceKind, label: 'Data source', type: 'enumeration', fieldType: 'select', role: 'input',
    description: 'Origine des données du contact (formulaire, salon, liste achetée ou louée, courtier...).',
    options: enumOptions(SOURCE_KINDS) },
  { name: PROPERTY_NAMES.sourceDetail, label: 'Data source detail', type: 'string', fieldType: 'text', role: 'input',
    description: 'Précision sur la source : nom du fichier, du salon, du fournisseur de la liste.' },
  { name: PROPERTY_NAMES.collectedAt, label: 'Collected on', type: 'date', fieldType: 'date', role: 'input',
    description: 'Date de collecte des données du contact.' },
  { name: PROPERTY_NAMES.lastProspectContactAt, label: 'Last contact initiated by the prospect', type: 'date', fieldType: 'date', role: 'input',
    description: 'Dernier contact à l\u2019initiative du prospect (réponse, demande, clic), qui relance la durée de conservation.' },
  { name: PROPERTY_NAMES.isProfessional, label: 'Is a professional', type: 'enumeration', fieldType: 'radio', role: 'input',
    description: 'Le contact est-il sollicité en sa qualité professionnelle ?', options: BOOL_OPTIONS },
  { name: PROPERTY_NAMES.offerRelated, label: 'Offer related to their profession', type: 'enumeration', fieldType: 'radio', role: 'input',
    description: 'L\u2019offre est-elle en rapport avec la profession du contact (condition de la prospection B2B sans consentement) ?',
    options: BOOL_OPTIONS },
  { name: PROPERTY_NAMES.purpose, label: 'Purpose of the outreach', type: 'enumeration', fieldType: 'select', role: 'input',
    description: 'Finalité de la sollicitation : commerciale, caritative ou politique.', options: enumOptions(PURPOSES) },
  { name: PROPERTY_NAMES.sector, label: 'Regulated sector', type: 'string', fieldType: 'text', role: 'input',
    description: 'Secteur de l\u2019offre faite à ce contact : un identifiant de la liste des réglages (heat_pumps, stairlifts...) ou un texte libre, lu par mots-clés (interdictions de démarchage L.223-8).' },
  { name: PROPERTY_NAMES.contractActive, label: 'Contract in force', type: 'bool', fieldType: 'booleancheckbox', role: 'input',
    description: 'Oui lorsqu\u2019un contrat est en cours avec ce contact.', options: BOOL_OPTIONS },
  { name: PROPERTY_NAMES.soleTrader, label: 'Sole trader or partnership', type: 'enumeration', fieldType: 'radio', role: 'input',
    description: 'Entrepreneur individuel ou société de personnes sans personnalité morale (au Royaume-Uni, un abonné individuel : consentement requis pour l\u2019email et le SMS).',
    options: BOOL_OPTIONS },
];

export const APP_PROPERTIES: PropertyDefinition[] = SPECS.map((s, displayOrder) => ({
  ...s,
  groupName: PROPERTY_GROUP.name,
  formField: s.role === 'input',
  displayOrder,
}));

/** HubSpot's own properties the pipeline reads, followed by every app property. */
export const READ_PROPERTIES: string[] = [
  'email', 'phone', 'mobilephone', 'country', 'company', 'jobtitle', 'lifecyclestage', 'hs_legal_basis', 'hs_email_optout',
  'hs_analytics_source', 'hs_latest_source', 'createdate', 'hs_email_last_click_date', 'hs_email_last_reply_date',
  'hs_sales_email_last_replied', 'notes_last_contacted', 'hs_email_last_open_date', 'hs_sequences_is_enrolled',
  'hs_latest_sequence_enrolled', 'hs_latest_sequence_enrolled_date', 'hubspot_owner_id',
  ...APP_PROPERTIES.map((p) => p.name),
];

/** The `hs_legal_basis` option each basis maps to, as HubSpot labels it (dash style varies: match with `findLegalBasisOption`). */
export const HS_LEGAL_BASIS_FOR: Partial<Record<Basis, string>> = {
  consent: 'Freely given consent from contact',
  legitimate_interest: 'Legitimate interest – prospect/lead',
  soft_opt_in: 'Legitimate interest – existing customer',
  contract: 'Performance of a contract',
};

const normaliseOption = (s: string) => s.toLowerCase().replace(/[\u2010-\u2015\u2212-]/g, '-').replace(/\s+/g, ' ').trim();

/**
 * The account's actual option value for a basis, read from the properties API (`options`), tolerant of
 * HubSpot's mixed hyphens and en dashes. Null when the basis has no HubSpot equivalent or the option is absent.
 */
export function findLegalBasisOption(basisValue: Basis, accountOptions: readonly { value: string; label?: string }[]): string | null {
  const wanted = HS_LEGAL_BASIS_FOR[basisValue];
  if (!wanted) return null;
  const key = normaliseOption(wanted);
  const hit = accountOptions.find((o) => normaliseOption(o.value) === key || (o.label !== undefined && normaliseOption(o.label) === key));
  return hit ? hit.value : null;
}
