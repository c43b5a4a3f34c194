// Contact property definitions of the stand-in: HubSpot's built-in contact properties the app reads, in the
// shape of HubSpot's properties API (v3 `Property`), plus the groups they belong to. A portal starts with a
// copy of these; the app adds its own group and properties through the API.

export type PropertyType = 'bool' | 'date' | 'datetime' | 'enumeration' | 'number' | 'phone_number' | 'string';

export interface PropertyOption {
  label: string;
  value: string;
  description?: string;
  displayOrder: number;
  hidden: boolean;
}

export interface PropertyDefinition {
  name: string;
  label: string;
  type: PropertyType;
  fieldType: string;
  description: string;
  groupName: string;
  options: PropertyOption[];
  displayOrder: number;
  calculated: boolean;
  externalOptions: boolean;
  hasUniqueValue: boolean;
  hidden: boolean;
  hubspotDefined: boolean;
  formField: boolean;
  modificationMetadata: { archivable: boolean; readOnlyDefinition: boolean; readOnlyValue: boolean };
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  createdUserId?: string;
}

export interface PropertyGroup {
  name: string;
  label: string;
  displayOrder: number;
  archived: boolean;
}

export const PROPERTY_TYPES: readonly PropertyType[] = ['bool', 'date', 'datetime', 'enumeration', 'number', 'phone_number', 'string'];
export const FIELD_TYPES: readonly string[] = [
  'booleancheckbox', 'calculation_equation', 'checkbox', 'date', 'file', 'html', 'number', 'phonenumber', 'radio',
  'select', 'text', 'textarea',
];

/** HubSpot's option values for `hs_legal_basis`, dashes as HubSpot spells them (en dash in two, hyphen in one). */
export const LEGAL_BASIS_OPTIONS: readonly string[] = [
  'Legitimate interest – prospect/lead',
  'Legitimate interest – existing customer',
  'Legitimate interest - other',
  'Performance of a contract',
  'Freely given consent from contact',
  'Not applicable',
];

export const LIFECYCLE_STAGES: readonly string[] = [
  'subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other',
];

export const ANALYTICS_SOURCES: readonly string[] = [
  'ORGANIC_SEARCH', 'PAID_SEARCH', 'EMAIL_MARKETING', 'SOCIAL_MEDIA', 'REFERRALS', 'OTHER_CAMPAIGNS', 'DIRECT_TRAFFIC',
  'OFFLINE', 'PAID_SOCIAL', 'AI_REFERRALS',
];

const EPOCH = '2019-08-06T16:00:00.000Z';

function options(values: readonly string[], labels?: readonly string[]): PropertyOption[] {
  return values.map((value, i) => ({ label: labels?.[i] ?? value, value, displayOrder: i, hidden: false }));
}

const BOOL_OPTIONS: PropertyOption[] = [
  { label: 'Yes', value: 'true', displayOrder: 0, hidden: false },
  { label: 'No', value: 'false', displayOrder: 1, hidden: false },
];

interface Spec {
  name: string;
  label: string;
  type: PropertyType;
  fieldType?: string;
  group?: string;
  options?: PropertyOption[];
  readOnlyValue?: boolean;
  calculated?: boolean;
  unique?: boolean;
}

const FIELD_FOR: Record<PropertyType, string> = {
  bool: 'booleancheckbox', date: 'date', datetime: 'date', enumeration: 'select', number: 'number',
  phone_number: 'phonenumber', string: 'text',
};

const BUILT_IN: Spec[] = [
  { name: 'email', label: 'Email', type: 'string', unique: true },
  { name: 'firstname', label: 'First Name', type: 'string' },
  { name: 'lastname', label: 'Last Name', type: 'string' },
  { name: 'phone', label: 'Phone Number', type: 'phone_number' },
  { name: 'mobilephone', label: 'Mobile Phone Number', type: 'phone_number' },
  { name: 'country', label: 'Country/Region', type: 'string' },
  { name: 'city', label: 'City', type: 'string' },
  { name: 'company', label: 'Company Name', type: 'string' },
  { name: 'website', label: 'Website URL', type: 'string' },
  { name: 'jobtitle', label: 'Job Title', type: 'string' },
  { name: 'hs_language', label: 'Preferred language', type: 'string' },
  { name: 'lifecyclestage', label: 'Lifecycle Stage', type: 'enumeration', fieldType: 'radio',
    options: options(LIFECYCLE_STAGES, ['Subscriber', 'Lead', 'Marketing Qualified Lead', 'Sales Qualified Lead',
      'Opportunity', 'Customer', 'Evangelist', 'Other']) },
  { name: 'hs_legal_basis', label: "Legal basis for processing contact's data", type: 'enumeration', fieldType: 'checkbox',
    group: 'contactinformation', options: options(LEGAL_BASIS_OPTIONS) },
  { name: 'hs_email_optout', label: 'Unsubscribed from all email', type: 'bool', group: 'emailinformation',
    options: BOOL_OPTIONS, readOnlyValue: true },
  { name: 'hs_analytics_source', label: 'Original Traffic Source', type: 'enumeration', group: 'analyticsinformation',
    options: options(ANALYTICS_SOURCES), readOnlyValue: true },
  { name: 'hs_latest_source', label: 'Latest Traffic Source', type: 'enumeration', group: 'analyticsinformation',
    options: options(ANALYTICS_SOURCES), readOnlyValue: true },
  { name: 'createdate', label: 'Create Date', type: 'datetime', readOnlyValue: true },
  { name: 'lastmodifieddate', label: 'Last Modified Date', type: 'datetime', readOnlyValue: true },
  { name: 'hs_object_id', label: 'Record ID', type: 'number', readOnlyValue: true, unique: true },
  { name: 'hubspot_owner_id', label: 'Contact owner', type: 'enumeration', fieldType: 'select' },
  { name: 'hs_email_last_click_date', label: 'Last marketing email click date', type: 'datetime',
    group: 'emailinformation', readOnlyValue: true },
  { name: 'hs_email_last_open_date', label: 'Last marketing email open date', type: 'datetime',
    group: 'emailinformation', readOnlyValue: true },
  { name: 'hs_email_last_reply_date', label: 'Last marketing email reply date', type: 'datetime',
    group: 'emailinformation', readOnlyValue: true },
  { name: 'hs_email_last_send_date', label: 'Last marketing email send date', type: 'datetime',
    group: 'emailinformation', readOnlyValue: true },
  { name: 'hs_email_open', label: 'Marketing emails opened', type: 'number', group: 'emailinformation', readOnlyValue: true },
  { name: 'hs_email_click', label: 'Marketing emails clicked', type: 'number', group: 'emailinformation', readOnlyValue: true },
  { name: 'hs_email_hard_bounce_reason_enum', label: 'Email hard bounce reason', type: 'enumeration',
    group: 'emailinformation', readOnlyValue: true,
    options: options(['MAILBOX_FULL', 'UNKNOWN_USER', 'POLICY', 'SPAM', 'OTHER']) },
  { name: 'hs_sales_email_last_replied', label: 'Recent Sales Email Replied Date', type: 'datetime',
    group: 'sales_properties', readOnlyValue: true },
  { name: 'hs_last_sales_activity_timestamp', label: 'Last Engagement Date', type: 'datetime',
    group: 'sales_properties', readOnlyValue: true },
  { name: 'notes_last_contacted', label: 'Last Contacted', type: 'datetime', group: 'sales_properties', readOnlyValue: true },
  { name: 'notes_last_updated', label: 'Last Activity Date', type: 'datetime', group: 'sales_properties', readOnlyValue: true },
  { name: 'num_contacted_notes', label: 'Number of Sales Activities', type: 'number', group: 'sales_properties', readOnlyValue: true },
  { name: 'hs_sequences_is_enrolled', label: 'Currently in Sequence', type: 'bool', group: 'sales_properties',
    options: BOOL_OPTIONS, readOnlyValue: true },
  { name: 'hs_latest_sequence_enrolled', label: 'Last sequence enrolled', type: 'enumeration', group: 'sales_properties',
    options: [], readOnlyValue: true },
  { name: 'hs_latest_sequence_enrolled_date', label: 'Last sequence enrolled date', type: 'datetime',
    group: 'sales_properties', readOnlyValue: true },
  { name: 'hs_sequences_enrolled_count', label: 'Number of sequences enrolled', type: 'number',
    group: 'sales_properties', readOnlyValue: true },
  { name: 'hs_sequences_actively_enrolled_count', label: 'Number of sequences actively enrolled', type: 'number',
    group: 'sales_properties', readOnlyValue: true },
  { name: 'hs_lead_status', label: 'Lead Status', type: 'enumeration', group: 'sales_properties',
    options: options(['NEW', 'OPEN', 'IN_PROGRESS', 'OPEN_DEAL', 'UNQUALIFIED', 'ATTEMPTED_TO_CONTACT', 'CONNECTED', 'BAD_TIMING']) },
];

export const BUILT_IN_GROUPS: PropertyGroup[] = [
  { name: 'contactinformation', label: 'Contact information', displayOrder: 0, archived: false },
  { name: 'emailinformation', label: 'Email information', displayOrder: 1, archived: false },
  { name: 'analyticsinformation', label: 'Web analytics history', displayOrder: 2, archived: false },
  { name: 'sales_properties', label: 'Sales properties', displayOrder: 3, archived: false },
];

export function builtInProperties(): PropertyDefinition[] {
  return BUILT_IN.map((s, i) => ({
    name: s.name,
    label: s.label,
    type: s.type,
    fieldType: s.fieldType ?? FIELD_FOR[s.type],
    description: '',
    groupName: s.group ?? 'contactinformation',
    options: (s.options ?? []).map((o) => ({ ...o })),
    displayOrder: i,
    calculated: s.calculated ?? false,
    externalOptions: false,
    hasUniqueValue: s.unique ?? false,
    hidden: false,
    hubspotDefined: true,
    formField: !s.readOnlyValue,
    modificationMetadata: { archivable: false, readOnlyDefinition: true, readOnlyValue: s.readOnlyValue ?? false },
    createdAt: EPOCH,
    updatedAt: EPOCH,
    archived: false,
  }));
}

/** Checks one value against a property definition; returns the reason when HubSpot would refuse it. */
export function validatePropertyValue(def: PropertyDefinition, raw: string): { error: string; message: string } | null {
  if (raw === '') return null; // an empty string clears the value
  switch (def.type) {
    case 'enumeration': {
      const allowed = def.options.map((o) => o.value);
      if (def.externalOptions || def.name === 'hubspot_owner_id' || def.name === 'hs_latest_sequence_enrolled') return null;
      const values = def.fieldType === 'checkbox' ? raw.split(';') : [raw];
      const bad = values.find((v) => !allowed.includes(v));
      if (bad !== undefined) {
        return { error: 'INVALID_OPTION', message: `${bad} was not one of the allowed options: [${allowed.join(', ')}]` };
      }
      return null;
    }
    case 'bool':
      if (raw !== 'true' && raw !== 'false') return { error: 'INVALID_BOOLEAN', message: `${raw} is not a valid boolean` };
      return null;
    case 'number':
      if (!Number.isFinite(Number(raw))) return { error: 'INVALID_LONG', message: `${raw} is not a valid number` };
      return null;
    case 'date':
    case 'datetime':
      if (toEpochMs(raw) === null) return { error: 'INVALID_DATE', message: `${raw} is not a valid date` };
      if (def.type === 'date') {
        const ms = toEpochMs(raw) ?? 0;
        if (ms % 86_400_000 !== 0) {
          return { error: 'INVALID_DATE', message: `${raw} is at ${new Date(ms).toISOString()}, which is not midnight!` };
        }
      }
      return null;
    default:
      return null;
  }
}

/** HubSpot accepts epoch milliseconds or ISO 8601 for date and datetime values. */
export function toEpochMs(raw: string): number | null {
  if (/^-?\d+$/.test(raw)) return Number(raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw)) return null;
  const ms = Date.parse(raw.length === 10 ? `${raw}T00:00:00.000Z` : raw);
  return Number.isNaN(ms) ? null : ms;
}

/** The stored form of a value: datetimes as ISO 8601, dates as YYYY-MM-DD, everything else as sent. */
export function normaliseValue(def: PropertyDefinition | undefined, raw: string): string {
  if (!def || raw === '') return raw;
  if (def.type === 'datetime') {
    const ms = toEpochMs(raw);
    return ms === null ? raw : new Date(ms).toISOString();
  }
  if (def.type === 'date') {
    const ms = toEpochMs(raw);
    return ms === null ? raw : new Date(ms).toISOString().slice(0, 10);
  }
  return raw;
}
