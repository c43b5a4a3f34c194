// Which contract field a column of a real file holds. Files come from Excel sheets and CRM exports with human
// headers ("Email", "Téléphone", "Date de collecte"), HubSpot/Salesforce/Pipedrive export labels ("Phone Number",
// "Lead Source", "Person - Email - Work"), or the contract's own names (`source.kind`, `source_kind`). A header
// is folded (accents, case and punctuation dropped) and looked up; `--map "Header=field,..."` decides the rest.

export type FieldType = 'string' | 'boolean' | 'count' | 'json-array' | 'country' | 'date' | 'source-kind'
  /** A yes/no opt-out column: yes is an objection on the channels named after the colon. */
  | 'optout-email' | 'optout-phone'
  /** Known and useful to say so, but not read by the engine (names, address parts). */
  | 'unused' | 'postal-address' | 'social-profile';

export interface FieldSpec { path: string; type: FieldType }

/** Contract fields: path and type. A column named after one of them (any folding) maps to it. */
export const CONTRACT_FIELDS: readonly FieldSpec[] = [
  { path: 'id', type: 'string' }, { path: 'email', type: 'string' }, { path: 'phone', type: 'string' },
  { path: 'country', type: 'country' }, { path: 'timeZone', type: 'string' }, { path: 'company', type: 'string' },
  { path: 'jobTitle', type: 'string' }, { path: 'isProfessional', type: 'boolean' },
  { path: 'offerRelatedToProfession', type: 'boolean' }, { path: 'purpose', type: 'string' },
  { path: 'sector', type: 'string' }, { path: 'source.kind', type: 'source-kind' },
  { path: 'source.collectedAt', type: 'date' }, { path: 'source.detail', type: 'string' },
  { path: 'source.proofOfConsentFromProvider', type: 'boolean' }, { path: 'source.noticeSentAt', type: 'date' },
  { path: 'consents', type: 'json-array' }, { path: 'objections', type: 'json-array' },
  { path: 'customer.lastPurchaseAt', type: 'date' }, { path: 'customer.contractActive', type: 'boolean' },
  { path: 'customer.relationshipEndedAt', type: 'date' }, { path: 'customer.offerSimilarToPurchase', type: 'boolean' },
  { path: 'lastProspectContactAt', type: 'date' }, { path: 'lastEmailOpenAt', type: 'date' },
  { path: 'callsLast30Days', type: 'count' }, { path: 'lastCallRefusalAt', type: 'date' },
];

/** Audit-only targets a column can be mapped to with --map (the engine does not read them). */
const AUDIT_TARGETS: Record<string, FieldSpec> = {
  'optout.email': { path: 'optout.email', type: 'optout-email' },
  'optout.phone': { path: 'optout.phone', type: 'optout-phone' },
  address: { path: 'address', type: 'postal-address' },
  social: { path: 'social', type: 'social-profile' },
  ignore: { path: 'ignore', type: 'unused' },
};

const BY_PATH = new Map<string, FieldSpec>([...CONTRACT_FIELDS.map((f) => [f.path, f] as const), ...Object.entries(AUDIT_TARGETS)]);

/** Lower case, accents removed, only letters and digits: "Date de collecte" -> "datedecollecte". */
export function foldHeader(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]/g, '');
}

// Synonyms, written as people write them; folded at load. FR and EN, plus the labels the HubSpot UI export,
// Salesforce (report and Data Loader API names) and Pipedrive (person export) put in their headers.
const SYNONYMS: Record<string, string[]> = {
  id: ['ID', 'Identifiant', 'Référence', 'Ref', 'Contact ID', 'Lead ID', 'Record ID', 'Person ID', 'Person - ID',
    'Id contact', 'Numéro client', 'Code client', 'External ID'],
  email: ['E-mail', 'Mail', 'Courriel', 'Adresse e-mail', 'Adresse email', 'Adresse mail', 'Email address',
    'E-mail address', 'Work email', 'Email professionnel', 'Email - Work', 'Person - Email', 'Person - Email - Work',
    'Primary email', 'Email 1'],
  phone: ['Téléphone', 'Tél', 'Tel', 'Phone number', 'Numéro de téléphone', 'Téléphone fixe', 'Téléphone portable',
    'Portable', 'Mobile', 'Mobile phone', 'Mobile phone number', 'MobilePhone', 'Téléphone mobile', 'Work phone',
    'Phone - Work', 'Phone - Mobile', 'Person - Phone', 'Person - Phone - Work', 'Person - Phone - Mobile',
    'Business phone', 'Telephone 1', 'Ligne directe', 'GSM'],
  country: ['Pays', 'Country/Region', 'Country / Region', 'Mailing Country', 'Billing Country', 'Pays/Région',
    'Person - Country', 'Land', 'País', 'Paese', 'Nation'],
  company: ['Société', 'Entreprise', 'Raison sociale', 'Company name', 'Account name', 'Account', 'Company / Account',
    'Organization', 'Organisation', 'Organization - Name', 'Person - Organization', 'Employeur', 'Employer',
    'Nom de l\'entreprise', 'Nom de la société', 'Structure'],
  jobTitle: ['Fonction', 'Poste', 'Titre', 'Intitulé de poste', 'Intitulé du poste', 'Job title', 'Title', 'Position',
    'Role', 'Rôle', 'Person - Job title', 'Job function', 'Métier'],
  timeZone: ['Fuseau horaire', 'Time zone', 'Timezone', 'IANA time zone'],
  isProfessional: ['Professionnel', 'B2B', 'Is professional', 'Pro'],
  offerRelatedToProfession: ['Offre liée à la profession', 'Offre en rapport avec la profession', 'Offer related',
    'Relevant offer', 'Pertinent'],
  purpose: ['Finalité', 'Objet', 'Purpose'],
  sector: ['Secteur', 'Secteur d\'activité', 'Industry', 'Sector', 'Activité', 'Branche'],
  'source.kind': ['Source', 'Origine', 'Provenance', 'Lead source', 'Source du contact', 'Type de source',
    'Origine du contact', 'Canal d\'acquisition', 'Original source', 'Source de collecte', 'Person - Source',
    'Lead origin', 'Source type'],
  'source.collectedAt': ['Date de collecte', 'Date collecte', 'Collecté le', 'Date d\'ajout', 'Date de création',
    'Créé le', 'Date d\'entrée', 'Collected at', 'Collection date', 'Date collected', 'Created date', 'Create date',
    'Created', 'Date created', 'CreatedDate', 'Person created', 'Person - Person created', 'Added on', 'Date acquired'],
  'source.detail': ['Détail de la source', 'Détail source', 'Précision source', 'Nom du salon', 'Campagne',
    'Campaign', 'Source detail', 'Source details', 'Lead source detail', 'Événement', 'Event', 'Fournisseur',
    'Provider', 'List provider', 'Fichier'],
  'source.proofOfConsentFromProvider': ['Preuve de consentement', 'Preuve du fournisseur', 'Proof of consent',
    'Consent proof', 'Provider proof of consent'],
  'source.noticeSentAt': ['Information art 14 envoyée le', 'Notice sent at', 'Art 14 notice sent', 'Date information'],
  'customer.lastPurchaseAt': ['Dernier achat', 'Date du dernier achat', 'Last purchase', 'Last purchase date',
    'Last order date', 'Dernière commande'],
  'customer.contractActive': ['Contrat en cours', 'Contrat actif', 'Client actif', 'Active contract', 'Contract active',
    'Active customer'],
  'customer.relationshipEndedAt': ['Fin de relation', 'Fin du contrat', 'Relationship ended', 'Contract end date',
    'Churn date', 'Date de résiliation'],
  'customer.offerSimilarToPurchase': ['Offre similaire', 'Produit similaire', 'Similar offer', 'Offer similar to purchase'],
  lastProspectContactAt: ['Dernier contact du prospect', 'Dernière réponse', 'Dernière demande', 'Last reply',
    'Last reply date', 'Last inbound contact', 'Last contact from prospect', 'Last prospect contact'],
  lastEmailOpenAt: ['Dernière ouverture', 'Date de dernière ouverture', 'Last open', 'Last email open',
    'Last open date', 'Last marketing email open date'],
  callsLast30Days: ['Appels 30 jours', 'Nombre d\'appels (30 j)', 'Calls last 30 days', 'Calls (30 days)'],
  lastCallRefusalAt: ['Dernier refus d\'appel', 'Refus d\'appel le', 'Last call refusal'],
  'optout.email': ['Email opt out', 'Email opt-out', 'HasOptedOutOfEmail', 'Opt-out email', 'Désabonné',
    'Désinscrit', 'Désabonnement', 'Unsubscribed', 'Unsubscribed from all email', 'Opted out of email',
    'Ne pas envoyer d\'email', 'Do not email', 'Opposition email', 'Email - Opted out'],
  'optout.phone': ['Do not call', 'DoNotCall', 'Ne pas appeler', 'Opposition téléphone', 'Opposition appel',
    'Liste rouge', 'Opted out of calls'],
  address: ['Adresse', 'Adresse postale', 'Rue', 'Address', 'Street', 'Street address', 'Mailing street',
    'Billing street', 'Adresse 1', 'Address line 1', 'Person - Address', 'Organization - Address'],
  social: ['LinkedIn', 'Profil LinkedIn', 'LinkedIn URL', 'LinkedIn profile', 'Twitter', 'Social profile'],
  ignore: ['Prénom', 'Nom', 'Nom de famille', 'Nom complet', 'Civilité', 'First name', 'Last name', 'Full name',
    'Name', 'Salutation', 'Person - Name', 'Person - First name', 'Person - Last name', 'Code postal', 'CP', 'Ville',
    'Postal code', 'Zip', 'Zip code', 'City', 'Mailing city', 'Mailing postal code', 'Owner', 'Propriétaire',
    'Contact owner', 'Lead owner', 'Lifecycle stage', 'Lead status', 'Statut', 'Status', 'Commentaire', 'Notes',
    'Comments', 'Description', 'Site web', 'Website'],
};

const LOOKUP = new Map<string, FieldSpec>();
for (const field of [...CONTRACT_FIELDS, ...Object.values(AUDIT_TARGETS)]) {
  if (field.path !== 'ignore') LOOKUP.set(foldHeader(field.path), field);
}
for (const [path, names] of Object.entries(SYNONYMS)) {
  const spec = BY_PATH.get(path);
  if (!spec) throw new Error(`column synonyms: unknown target ${path}`);
  for (const name of names) if (!LOOKUP.has(foldHeader(name))) LOOKUP.set(foldHeader(name), spec);
}

// CRM exports wrap a field name in an object prefix and a kind suffix ("Person - Email - Work").
const PREFIXES = ['person', 'contact', 'lead', 'primary'];
const SUFFIXES = ['work', 'home', 'other', 'main', 'principal', 'pro', 'professionnel', '1'];

/** The field a header names, or null. */
export function recogniseHeader(header: string): FieldSpec | null {
  const folded = foldHeader(header);
  if (folded === '') return null;
  const direct = LOOKUP.get(folded);
  if (direct) return direct;
  for (const prefix of ['', ...PREFIXES]) {
    if (!folded.startsWith(prefix)) continue;
    const base = folded.slice(prefix.length);
    const hit = LOOKUP.get(base);
    if (hit) return hit;
    for (const suffix of SUFFIXES) {
      if (base.endsWith(suffix) && base.length > suffix.length) {
        const trimmed = LOOKUP.get(base.slice(0, -suffix.length));
        if (trimmed) return trimmed;
      }
    }
  }
  return null;
}

/** The fields --map may name (contract paths and the audit's own targets). */
export function mapTargets(): string[] {
  return [...BY_PATH.keys()];
}

export class ColumnMapError extends Error {
  override name = 'ColumnMapError';
}

/**
 * Parses `--map "Date de collecte=source.collectedAt,Origine=source.kind"`: header (as written, any case)
 * to field. A header may hold commas when quoted: `"Nom, prénom"=ignore`.
 */
export function parseColumnMap(text: string): Map<string, FieldSpec> {
  const out = new Map<string, FieldSpec>();
  const pairs: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) { pairs.push(current); current = ''; }
    else current += ch;
  }
  pairs.push(current);
  for (const pair of pairs.map((p) => p.trim()).filter(Boolean)) {
    const eq = pair.lastIndexOf('=');
    if (eq <= 0 || eq === pair.length - 1) throw new ColumnMapError(`--map: "${pair}" should read "Column header=field"`);
    const header = pair.slice(0, eq).trim();
    const target = pair.slice(eq + 1).trim();
    const spec = BY_PATH.get(target) ?? [...BY_PATH.values()].find((f) => foldHeader(f.path) === foldHeader(target));
    if (!spec) {
      throw new ColumnMapError(`--map: unknown field "${target}" for column "${header}" (fields: ${mapTargets().join(', ')})`);
    }
    out.set(foldHeader(header), spec);
  }
  return out;
}
