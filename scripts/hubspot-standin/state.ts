// In-memory HubSpot accounts: contacts (Maps keyed by portal, then id, plus an id-ordered array so range
// searches on hs_object_id stay cheap at 100,000 contacts), properties and groups, communication preferences,
// sequences and enrolments, tasks, flows. Every mutation reports a change event to the webhook dispatcher.
import { ApiError, notFound, validationError } from './errors.ts';
import {
  BUILT_IN_GROUPS, builtInProperties, normaliseValue, validatePropertyValue,
  type PropertyDefinition, type PropertyGroup,
} from './properties.ts';

export interface ContactRecord {
  id: string;
  num: number;
  properties: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  archivedAt?: number;
  /** When the record entered the store (search only sees it `searchLagMs` later). */
  indexedAt: number;
}

/** Who made a change, as HubSpot reports it in webhook events and property history. */
export interface ChangeSource {
  changeSource: string;   // CRM_UI, INTEGRATION, IMPORT, API, ...
  sourceId: string | null; // "userId:123" for a user, the app id for an app
}

export type ChangeKind = 'creation' | 'propertyChange' | 'deletion' | 'merge' | 'privacyDeletion' | 'restore';

export interface ChangeEvent {
  portalId: number;
  kind: ChangeKind;
  objectId: number;
  occurredAt: number;
  source: ChangeSource;
  propertyName?: string;
  propertyValue?: string;
  primaryObjectId?: number;
  mergedObjectIds?: number[];
  newObjectId?: number;
  numberOfPropertiesMoved?: number;
}

export interface SubscriptionDefinition {
  id: number;
  name: string;
  description: string;
  purpose: string;
  communicationMethod: string;
  isActive: boolean;
  isDefault: boolean;
  isInternal: boolean;
  createdAt: string;
  updatedAt: string;
  businessUnitId: number;
}

export interface SubscriptionState {
  status: 'SUBSCRIBED' | 'NOT_SUBSCRIBED';
  legalBasis: string | null;
  legalBasisExplanation: string | null;
  sourceOfStatus: string;
  timestamp: string;
}

export interface Sequence {
  id: string;
  name: string;
  userId: string;
  createdAt: string;
  updatedAt: string;
  folderId: string | null;
}

export interface Enrollment {
  id: string;
  toObjectId: string;
  toEmail: string;
  sequenceId: string;
  sequenceName: string;
  enrolledAt: string;
  enrolledBy: string;
  enrolledByEmail: string;
  updatedAt: string;
  createdAt: string;
}

export interface Task {
  id: string;
  properties: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  associations: Array<{ toObjectId: string; toObjectType: string }>;
}

export const DEFAULT_PROPERTIES = ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'];
const SYSTEM_PROPERTIES = ['createdate', 'hs_object_id', 'lastmodifieddate'];
const SEARCH_RESULT_CAP = 10_000;

export const LEGAL_BASES = [
  'LEGITIMATE_INTEREST_PQL', 'LEGITIMATE_INTEREST_CLIENT', 'LEGITIMATE_INTEREST_OTHER', 'PERFORMANCE_OF_CONTRACT',
  'CONSENT_WITH_NOTICE', 'NON_GDPR', 'PROCESS_AND_STORE',
] as const;

export class Account {
  readonly portalId: number;
  readonly contacts = new Map<string, ContactRecord>();
  /** Live (not archived) contact ids in ascending numeric order. Ids are issued in ascending order. */
  order: number[] = [];
  readonly archived = new Map<string, ContactRecord>();
  readonly emailIndex = new Map<string, string>();
  readonly properties = new Map<string, PropertyDefinition>();
  readonly groups = new Map<string, PropertyGroup>();
  readonly blocklist = new Set<string>();
  readonly subscriptionDefinitions: SubscriptionDefinition[];
  readonly subscriptions = new Map<string, Map<number, SubscriptionState>>();
  readonly sequences = new Map<string, Sequence>();
  readonly enrollments: Enrollment[] = [];
  readonly tasks = new Map<string, Task>();
  readonly flows = new Map<string, Record<string, unknown>>();
  readonly callbacks = new Map<string, { outputFields: Record<string, unknown>; completedAt: number }>();
  readonly users = [{ id: '9001', email: 'owner.one@example.fr' }, { id: '9002', email: 'owner.two@example.fr' }];
  installed = false;
  /**
   * Whether the account's subscription includes the automation tier (workflows, sequences): without it HubSpot
   * cannot grant the automation scopes, and refuses an install that requires them.
   */
  automationTier = true;
  constructor(portalId: number) {
    this.portalId = portalId;
    for (const p of builtInProperties()) this.properties.set(p.name, p);
    for (const g of BUILT_IN_GROUPS) this.groups.set(g.name, { ...g });
    const now = new Date(Date.UTC(2024, 0, 15)).toISOString();
    const def = (id: number, name: string, purpose: string, isDefault: boolean): SubscriptionDefinition => ({
      id, name, description: name, purpose, communicationMethod: 'Email', isActive: true, isDefault, isInternal: false,
      createdAt: now, updatedAt: now, businessUnitId: 0,
    });
    this.subscriptionDefinitions = [
      def(portalId * 10 + 1, 'Marketing Information', 'Marketing', true),
      def(portalId * 10 + 2, 'Customer Service Communication', 'Customer Service', true),
      def(portalId * 10 + 3, 'One to One', 'Sales', true),
      def(portalId * 10 + 4, 'Newsletter', 'Marketing', false),
    ];
    for (const [i, name] of ['Relance prospects B2B', 'Onboarding clients', 'Salon VivaTech suivi'].entries()) {
      const id = String(portalId * 100 + i + 1);
      this.sequences.set(id, { id, name, userId: this.users[0]?.id ?? '9001', createdAt: now, updatedAt: now, folderId: null });
    }
  }

  oneToOneSubscriptionId(): number {
    return this.subscriptionDefinitions[2]?.id ?? 0;
  }
}

export type ChangeListener = (event: ChangeEvent) => void;

/** Minimal deterministic PRNG (mulberry32), for seeded behaviour without global state. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** First index whose value is >= `value` in an ascending array. */
export function lowerBound(arr: number[], value: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((arr[mid] ?? 0) < value) lo = mid + 1; else hi = mid;
  }
  return lo;
}

export interface SearchFilter {
  propertyName: string;
  operator: string;
  value?: string | number | boolean;
  highValue?: string | number | boolean;
  values?: Array<string | number | boolean>;
}

export interface SearchRequest {
  filterGroups?: Array<{ filters?: SearchFilter[] }>;
  sorts?: Array<string | { propertyName: string; direction?: string }>;
  properties?: string[];
  limit?: number;
  after?: string | number;
  query?: string;
}

const OPERATORS = new Set([
  'EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN',
]);

export class StandInState {
  readonly accounts = new Map<number, Account>();
  private nextContactNum = 1_000_001;
  private nextTaskNum = 5_000_001;
  private nextEnrollmentNum = 7_000_001;
  private nextPortal = 146_000_001;
  private listener: ChangeListener = () => {};
  readonly appId: number;
  private clock: () => number;
  /** HubSpot's search index trails writes: new records become searchable after this delay. */
  searchLagMs: number;

  constructor(options: { appId: number; now?: () => number; searchLagMs?: number }) {
    this.appId = options.appId;
    this.clock = options.now ?? Date.now;
    this.searchLagMs = options.searchLagMs ?? 0;
  }

  now(): number {
    return this.clock();
  }

  onChange(listener: ChangeListener): void {
    this.listener = listener;
  }

  appSource(): ChangeSource {
    return { changeSource: 'INTEGRATION', sourceId: String(this.appId) };
  }

  createAccount(portalId?: number, options: { automationTier?: boolean } = {}): Account {
    const id = portalId ?? this.nextPortal++;
    if (this.accounts.has(id)) throw new Error(`account ${id} already exists`);
    const account = new Account(id);
    account.automationTier = options.automationTier ?? true;
    this.accounts.set(id, account);
    return account;
  }

  account(portalId: number): Account {
    const a = this.accounts.get(portalId);
    if (!a) throw new Error(`unknown portal ${portalId}`);
    return a;
  }

  private emit(event: ChangeEvent): void {
    const account = this.accounts.get(event.portalId);
    if (account?.installed) this.listener(event);
  }

  // ---------- contacts ----------

  validateProperties(account: Account, properties: Record<string, unknown>, options: { allowReadOnly?: boolean } = {}): Record<string, string> {
    const problems: Array<{ isValid: false; message: string; error: string; name: string; localizedErrorMessage: string; portalId: number }> = [];
    const portalId = account.portalId;
    const clean: Record<string, string> = {};
    for (const [name, raw] of Object.entries(properties)) {
      const value = raw === null || raw === undefined ? '' : String(raw);
      const def = account.properties.get(name);
      if (!def || def.archived) {
        const message = `Property "${name}" does not exist`;
        problems.push({ isValid: false, message, error: 'PROPERTY_DOESNT_EXIST', name, localizedErrorMessage: message, portalId });
        continue;
      }
      if (!options.allowReadOnly && (name === 'hs_object_id' || name === 'createdate' || name === 'lastmodifieddate')) {
        const message = `${name} is a read only property; its value cannot be set.`;
        problems.push({ isValid: false, message, error: 'READ_ONLY_VALUE', name, localizedErrorMessage: message, portalId });
        continue;
      }
      const bad = validatePropertyValue(def, value);
      if (bad) {
        problems.push({ isValid: false, message: bad.message, error: bad.error, name, localizedErrorMessage: bad.message, portalId });
        continue;
      }
      clean[name] = normaliseValue(def, value);
    }
    if (problems.length > 0) {
      throw validationError(`Property values were not valid: ${JSON.stringify(problems)}`, {
        errors: problems.map((p) => ({ message: p.message, code: p.error, context: { propertyName: [p.name] } })),
      });
    }
    return clean;
  }

  createContact(portalId: number, properties: Record<string, unknown>, source: ChangeSource, options: { validate?: boolean; createdAt?: number; emit?: boolean; adopt?: boolean } = {}): ContactRecord {
    const account = this.account(portalId);
    // `adopt`: the caller built clean, normalised string values (seeding); take the object as the record's own.
    const clean = options.adopt ? properties as Record<string, string> : options.validate === false
      ? Object.fromEntries(Object.entries(properties).filter(([, v]) => v !== null && v !== undefined && v !== '')
        .map(([k, v]) => [k, normaliseValue(account.properties.get(k), String(v))]))
      : this.validateProperties(account, properties);
    const email = clean.email?.toLowerCase();
    if (email) {
      if (account.blocklist.has(email)) {
        throw validationError(`Cannot create a contact with email ${email}: the address was permanently deleted (GDPR) and is blocked.`,
          { subCategory: 'CrmObjectValidationError.GDPR_BLOCKLISTED' });
      }
      const existing = account.emailIndex.get(email);
      if (existing) {
        throw new ApiError(409, 'CONFLICT', `Contact already exists. Existing ID: ${existing}`);
      }
    }
    const num = this.nextContactNum++;
    const now = this.now();
    const createdAt = options.createdAt ?? now;
    const record: ContactRecord = { id: String(num), num, properties: options.adopt ? clean : {}, createdAt, updatedAt: now, archived: false, indexedAt: now };
    if (!options.adopt) for (const [k, v] of Object.entries(clean)) if (v !== '') record.properties[k] = v;
    if (email) record.properties.email = email;
    record.properties.hs_object_id = record.id;
    record.properties.createdate = new Date(createdAt).toISOString();
    record.properties.lastmodifieddate = new Date(now).toISOString();
    account.contacts.set(record.id, record);
    account.order.push(num);
    if (email) account.emailIndex.set(email, record.id);
    if (options.emit !== false) {
      this.emit({ portalId, kind: 'creation', objectId: num, occurredAt: now, source });
      for (const [name, value] of Object.entries(record.properties)) {
        if (name === 'hs_object_id' || name === 'lastmodifieddate' || name === 'createdate') continue;
        this.emit({ portalId, kind: 'propertyChange', objectId: num, occurredAt: now, source, propertyName: name, propertyValue: value });
      }
    }
    return record;
  }

  liveContact(account: Account, id: string): ContactRecord | undefined {
    const c = account.contacts.get(id);
    return c && !c.archived ? c : undefined;
  }

  findContact(account: Account, id: string, idProperty?: string): ContactRecord | undefined {
    if (!idProperty || idProperty === 'hs_object_id') return this.liveContact(account, id);
    if (idProperty === 'email') {
      const found = account.emailIndex.get(id.toLowerCase());
      return found ? this.liveContact(account, found) : undefined;
    }
    const def = account.properties.get(idProperty);
    if (!def?.hasUniqueValue) throw validationError(`${idProperty} is not a unique identifier property`);
    for (const num of account.order) {
      const c = account.contacts.get(String(num));
      if (c?.properties[idProperty] === id) return c;
    }
    return undefined;
  }

  /** Applies validated values; returns the names whose value changed. */
  applyUpdate(account: Account, record: ContactRecord, clean: Record<string, string>, source: ChangeSource): string[] {
    const changed: string[] = [];
    const now = this.now();
    for (const [name, value] of Object.entries(clean)) {
      const before = record.properties[name] ?? '';
      if (before === value) continue;
      if (name === 'email') {
        const lower = value.toLowerCase();
        if (lower && account.blocklist.has(lower)) {
          throw validationError(`Cannot set email ${lower}: the address was permanently deleted (GDPR) and is blocked.`);
        }
        const other = lower ? account.emailIndex.get(lower) : undefined;
        if (other && other !== record.id) throw new ApiError(409, 'CONFLICT', `Contact already exists. Existing ID: ${other}`);
      }
      changed.push(name);
    }
    for (const name of changed) {
      const value = clean[name] ?? '';
      if (name === 'email') {
        const old = record.properties.email;
        if (old) account.emailIndex.delete(old.toLowerCase());
        if (value) account.emailIndex.set(value.toLowerCase(), record.id);
      }
      if (value === '') delete record.properties[name];
      else record.properties[name] = name === 'email' ? value.toLowerCase() : value;
    }
    if (changed.length > 0) {
      record.updatedAt = now;
      record.properties.lastmodifieddate = new Date(now).toISOString();
      for (const name of changed) {
        this.emit({ portalId: account.portalId, kind: 'propertyChange', objectId: record.num, occurredAt: now, source,
          propertyName: name, propertyValue: record.properties[name] ?? '' });
      }
    }
    return changed;
  }

  updateContact(portalId: number, id: string, properties: Record<string, unknown>, source: ChangeSource, options: { validate?: boolean } = {}): ContactRecord {
    const account = this.account(portalId);
    const record = this.liveContact(account, id);
    if (!record) throw notFound(`resource not found`);
    const clean = options.validate === false
      ? Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, normaliseValue(account.properties.get(k), v == null ? '' : String(v))]))
      : this.validateProperties(account, properties);
    this.applyUpdate(account, record, clean, source);
    return record;
  }

  private removeFromOrder(account: Account, num: number): void {
    const i = lowerBound(account.order, num);
    if (account.order[i] === num) account.order.splice(i, 1);
  }

  archiveContact(portalId: number, id: string, source: ChangeSource): boolean {
    const account = this.account(portalId);
    const record = this.liveContact(account, id);
    if (!record) return false;
    const now = this.now();
    record.archived = true;
    record.archivedAt = now;
    account.contacts.delete(id);
    account.archived.set(id, record);
    this.removeFromOrder(account, record.num);
    if (record.properties.email) account.emailIndex.delete(record.properties.email.toLowerCase());
    this.emit({ portalId, kind: 'deletion', objectId: record.num, occurredAt: now, source });
    return true;
  }

  /** GDPR delete: permanent, blocklists the address, fires privacyDeletion then deletion. */
  privacyDelete(portalId: number, id: string, source: ChangeSource, idProperty?: string): boolean {
    const account = this.account(portalId);
    let record: ContactRecord | undefined;
    if (idProperty === 'email') {
      const email = id.toLowerCase();
      account.blocklist.add(email);
      account.subscriptions.delete(email);
      record = this.findContact(account, email, 'email');
      if (!record) return true; // the address is blocked even when no contact holds it
    } else {
      record = this.liveContact(account, id) ?? account.archived.get(id);
    }
    if (!record) return false;
    const email = record.properties.email?.toLowerCase();
    if (email) {
      account.blocklist.add(email);
      account.emailIndex.delete(email);
      account.subscriptions.delete(email);
    }
    const now = this.now();
    const wasLive = account.contacts.delete(record.id);
    account.archived.delete(record.id);
    if (wasLive) this.removeFromOrder(account, record.num);
    record.archived = true;
    record.properties = {};
    this.emit({ portalId, kind: 'privacyDeletion', objectId: record.num, occurredAt: now, source });
    this.emit({ portalId, kind: 'deletion', objectId: record.num, occurredAt: now + 1, source });
    return true;
  }

  /** Merges `mergedId` into `primaryId`: the primary keeps its values and gains the ones it lacked. */
  mergeContacts(portalId: number, primaryId: string, mergedId: string, source: ChangeSource): ContactRecord {
    const account = this.account(portalId);
    const primary = this.liveContact(account, primaryId);
    const merged = this.liveContact(account, mergedId);
    if (!primary || !merged) throw notFound('resource not found');
    if (primary === merged) throw validationError('Cannot merge a contact with itself');
    const moved: Record<string, string> = {};
    for (const [k, v] of Object.entries(merged.properties)) {
      if (k === 'hs_object_id' || k === 'createdate' || k === 'lastmodifieddate' || k === 'email') continue;
      if (primary.properties[k] === undefined) moved[k] = v;
    }
    const now = this.now();
    if (merged.properties.email) account.emailIndex.delete(merged.properties.email.toLowerCase());
    account.contacts.delete(merged.id);
    this.removeFromOrder(account, merged.num);
    merged.archived = true;
    merged.archivedAt = now;
    for (const [k, v] of Object.entries(moved)) primary.properties[k] = v;
    if (merged.createdAt < primary.createdAt) {
      primary.createdAt = merged.createdAt;
      primary.properties.createdate = new Date(merged.createdAt).toISOString();
    }
    primary.updatedAt = now;
    primary.properties.lastmodifieddate = new Date(now).toISOString();
    this.emit({
      portalId, kind: 'merge', objectId: primary.num, occurredAt: now, source, primaryObjectId: primary.num,
      mergedObjectIds: [merged.num], newObjectId: primary.num, numberOfPropertiesMoved: Object.keys(moved).length,
    });
    return primary;
  }

  /** The API view of a contact: requested properties (null when unset) plus the system ones. */
  view(record: ContactRecord, requested: string[] | undefined): { id: string; properties: Record<string, string | null>; createdAt: string; updatedAt: string; archived: boolean } {
    const names = requested && requested.length > 0 ? [...new Set([...requested, ...SYSTEM_PROPERTIES])] : DEFAULT_PROPERTIES;
    const properties: Record<string, string | null> = {};
    for (const n of names) properties[n] = record.properties[n] ?? null;
    return {
      id: record.id,
      properties,
      createdAt: new Date(record.createdAt).toISOString(),
      updatedAt: new Date(record.updatedAt).toISOString(),
      archived: record.archived,
    };
  }

  // ---------- search ----------

  search(portalId: number, request: SearchRequest): { total: number; results: ContactRecord[]; nextAfter: string | null } {
    const account = this.account(portalId);
    const groups = request.filterGroups ?? [];
    if (!Array.isArray(groups)) throw validationError('filterGroups must be an array');
    if (groups.length > 5) {
      throw validationError(`Too many filter groups (${groups.length}); the limit is 5.`, { subCategory: 'FILTER_GROUPS_LIMIT' });
    }
    let total = 0;
    for (const g of groups) {
      const n = g.filters?.length ?? 0;
      if (n > 10) throw validationError(`Too many filters in a group (${n}); the limit is 10 per group.`, { subCategory: 'FILTERS_PER_GROUP_LIMIT' });
      total += n;
    }
    if (total > 25) throw validationError(`Too many filters (${total}); the limit is 25 across all groups.`, { subCategory: 'FILTERS_LIMIT' });
    for (const g of groups) {
      for (const f of g.filters ?? []) {
        if (!f || typeof f.propertyName !== 'string' || !OPERATORS.has(f.operator)) {
          throw validationError(`Invalid filter: ${JSON.stringify(f)}; operator must be one of ${[...OPERATORS].join(', ')}`);
        }
        if ((f.operator === 'IN' || f.operator === 'NOT_IN') && !Array.isArray(f.values)) {
          throw validationError(`Filter on ${f.propertyName} with operator ${f.operator} needs "values"`);
        }
        if (f.operator === 'BETWEEN' && (f.value === undefined || f.highValue === undefined)) {
          throw validationError(`Filter on ${f.propertyName} with operator BETWEEN needs "value" and "highValue"`);
        }
      }
    }
    const limit = request.limit ?? 10;
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
      throw validationError(`limit must be between 1 and 200, got ${String(request.limit)}`);
    }
    const offset = request.after === undefined || request.after === '' ? 0 : Number(request.after);
    if (!Number.isInteger(offset) || offset < 0) throw validationError(`Invalid after: ${String(request.after)}`);
    if (offset >= SEARCH_RESULT_CAP) {
      throw validationError(`Paging past ${SEARCH_RESULT_CAP} results is not supported (after=${offset}); narrow the query, e.g. by hs_object_id ranges.`);
    }
    if ((request.sorts?.length ?? 0) > 1) {
      // HubSpot honours one sort; it accepts more but only applies the first.
    }
    const sortSpec = request.sorts?.[0];
    const sort = typeof sortSpec === 'string'
      ? { propertyName: sortSpec.replace(/^-/, ''), direction: sortSpec.startsWith('-') ? 'DESCENDING' : 'ASCENDING' }
      : sortSpec ? { propertyName: sortSpec.propertyName, direction: (sortSpec.direction ?? 'ASCENDING').toUpperCase() } : null;

    // Narrow the scan with hs_object_id bounds when every group has one.
    let lo = 0;
    let hi = account.order.length;
    const bounds = groups.map((g) => idBounds(g.filters ?? []));
    if (groups.length > 0 && bounds.every((b) => b !== null)) {
      const min = Math.min(...bounds.map((b) => b?.min ?? -Infinity));
      const max = Math.max(...bounds.map((b) => b?.max ?? Infinity));
      lo = Number.isFinite(min) ? lowerBound(account.order, min) : 0;
      hi = Number.isFinite(max) ? lowerBound(account.order, max + 1) : account.order.length;
    }
    const onlyIdFilters = groups.length === 1 && (groups[0]?.filters ?? []).every((f) => f.propertyName === 'hs_object_id' && ['GT', 'GTE', 'LT', 'LTE', 'BETWEEN'].includes(f.operator));
    const idSort = !sort || (sort.propertyName === 'hs_object_id' && sort.direction !== 'DESCENDING');
    const query = request.query?.trim().toLowerCase();

    const visibleBefore = this.searchLagMs > 0 ? this.now() - this.searchLagMs : Infinity;
    if ((groups.length === 0 || onlyIdFilters) && idSort && !query && this.searchLagMs <= 0) {
      const count = Math.max(0, hi - lo);
      const end = Math.min(offset + limit, count, SEARCH_RESULT_CAP);
      const results: ContactRecord[] = [];
      for (let i = lo + offset; i < lo + end; i++) {
        const c = account.contacts.get(String(account.order[i]));
        if (c) results.push(c);
      }
      return { total: count, results, nextAfter: end < count ? String(end) : null };
    }

    const matches: ContactRecord[] = [];
    for (let i = lo; i < hi; i++) {
      const c = account.contacts.get(String(account.order[i]));
      if (!c || c.indexedAt > visibleBefore) continue;
      if (groups.length > 0 && !groups.some((g) => (g.filters ?? []).every((f) => matchFilter(account, c, f)))) continue;
      if (query && !matchQuery(c, query)) continue;
      matches.push(c);
    }
    if (sort && !idSort) {
      const def = account.properties.get(sort.propertyName);
      const dir = sort.direction === 'DESCENDING' ? -1 : 1;
      matches.sort((a, b) => dir * compareValues(def, a.properties[sort.propertyName], b.properties[sort.propertyName]) || a.num - b.num);
    }
    const end = Math.min(offset + limit, matches.length, SEARCH_RESULT_CAP);
    return { total: matches.length, results: matches.slice(offset, end), nextAfter: end < matches.length ? String(end) : null };
  }

  // ---------- ids ----------

  newTaskId(): string {
    return String(this.nextTaskNum++);
  }

  newEnrollmentId(): string {
    return String(this.nextEnrollmentNum++);
  }

  /** Records an enrolment and sets the contact's sequence properties (which fire property-change events). */
  enroll(portalId: number, contactId: string, sequenceId: string, userId: string, source: ChangeSource): Enrollment {
    const account = this.account(portalId);
    const contact = this.liveContact(account, contactId);
    if (!contact) throw notFound(`Contact ${contactId} not found`);
    const sequence = account.sequences.get(sequenceId);
    if (!sequence) throw notFound(`Sequence ${sequenceId} not found`);
    const active = account.enrollments.find((e) => e.toObjectId === contactId);
    if (active) {
      throw validationError(`Contact ${contactId} is already enrolled in sequence ${active.sequenceId}.`,
        { subCategory: 'SequenceError.CONTACT_ALREADY_ENROLLED' });
    }
    if (contact.properties.email && account.blocklist.has(contact.properties.email)) {
      throw validationError('This contact cannot be enrolled.');
    }
    const now = new Date(this.now()).toISOString();
    const user = account.users.find((u) => u.id === userId);
    const enrollment: Enrollment = {
      id: this.newEnrollmentId(), toObjectId: contactId, toEmail: contact.properties.email ?? '', sequenceId, sequenceName: sequence.name, enrolledAt: now,
      enrolledBy: userId, enrolledByEmail: user?.email ?? '', updatedAt: now, createdAt: now,
    };
    account.enrollments.push(enrollment);
    const count = Number(contact.properties.hs_sequences_enrolled_count ?? '0') + 1;
    this.applyUpdate(account, contact, {
      hs_sequences_is_enrolled: 'true',
      hs_latest_sequence_enrolled: sequenceId,
      hs_latest_sequence_enrolled_date: now,
      hs_sequences_enrolled_count: String(count),
      hs_sequences_actively_enrolled_count: '1',
    }, source);
    return enrollment;
  }

  /** HubSpot unenrols on reply, bounce or unsubscribe; the stand-in exposes that as a test-side action. */
  endEnrollment(portalId: number, contactId: string, source: ChangeSource): boolean {
    const account = this.account(portalId);
    const i = account.enrollments.findIndex((e) => e.toObjectId === contactId);
    if (i < 0) return false;
    account.enrollments.splice(i, 1);
    const contact = this.liveContact(account, contactId);
    if (contact) this.applyUpdate(account, contact, { hs_sequences_is_enrolled: 'false', hs_sequences_actively_enrolled_count: '0' }, source);
    return true;
  }
}

function idBounds(filters: SearchFilter[]): { min: number; max: number } | null {
  let min = -Infinity;
  let max = Infinity;
  let found = false;
  for (const f of filters) {
    if (f.propertyName !== 'hs_object_id') continue;
    const v = Number(f.value);
    switch (f.operator) {
      case 'GT': min = Math.max(min, Math.floor(v) + 1); found = true; break;
      case 'GTE': min = Math.max(min, Math.ceil(v)); found = true; break;
      case 'LT': max = Math.min(max, Math.ceil(v) - 1); found = true; break;
      case 'LTE': max = Math.min(max, Math.floor(v)); found = true; break;
      case 'EQ': min = Math.max(min, v); max = Math.min(max, v); found = true; break;
      case 'BETWEEN': min = Math.max(min, v); max = Math.min(max, Number(f.highValue)); found = true; break;
      default: break;
    }
  }
  return found && !Number.isNaN(min) && !Number.isNaN(max) ? { min, max } : null;
}

function comparable(def: PropertyDefinition | undefined, raw: string | number | boolean | undefined): number | string | null {
  if (raw === undefined || raw === null) return null;
  const s = String(raw);
  if (def && (def.type === 'number')) {
    const n = Number(s);
    return Number.isNaN(n) ? s.toLowerCase() : n;
  }
  if (def && (def.type === 'date' || def.type === 'datetime')) {
    if (/^-?\d+$/.test(s)) return Number(s);
    const ms = Date.parse(s.length === 10 ? `${s}T00:00:00.000Z` : s);
    return Number.isNaN(ms) ? s.toLowerCase() : ms;
  }
  return s.toLowerCase();
}

function compareValues(def: PropertyDefinition | undefined, a: string | undefined, b: string | undefined): number {
  const x = comparable(def, a);
  const y = comparable(def, b);
  if (x === null && y === null) return 0;
  if (x === null) return 1;
  if (y === null) return -1;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  return String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
}

function matchFilter(account: Account, c: ContactRecord, f: SearchFilter): boolean {
  const raw = c.properties[f.propertyName];
  const def = account.properties.get(f.propertyName) ?? (f.propertyName === 'hs_object_id' ? undefined : undefined);
  const effectiveDef = f.propertyName === 'hs_object_id' ? { type: 'number' } as PropertyDefinition : def;
  const has = raw !== undefined && raw !== '';
  switch (f.operator) {
    case 'HAS_PROPERTY': return has;
    case 'NOT_HAS_PROPERTY': return !has;
    case 'IN': return has && (f.values ?? []).some((v) => compareValues(effectiveDef, raw, String(v)) === 0);
    case 'NOT_IN': return !has || !(f.values ?? []).some((v) => compareValues(effectiveDef, raw, String(v)) === 0);
    case 'NEQ': return !has || compareValues(effectiveDef, raw, String(f.value)) !== 0;
    case 'CONTAINS_TOKEN': return has && tokenMatch(raw ?? '', String(f.value ?? ''));
    case 'NOT_CONTAINS_TOKEN': return !has || !tokenMatch(raw ?? '', String(f.value ?? ''));
    default: break;
  }
  if (!has) return false;
  if (f.operator === 'EQ' && effectiveDef?.fieldType === 'checkbox') {
    return (raw ?? '').split(';').some((v) => v.toLowerCase() === String(f.value).toLowerCase());
  }
  const cmp = compareValues(effectiveDef, raw, String(f.value));
  switch (f.operator) {
    case 'EQ': return cmp === 0;
    case 'LT': return cmp < 0;
    case 'LTE': return cmp <= 0;
    case 'GT': return cmp > 0;
    case 'GTE': return cmp >= 0;
    case 'BETWEEN': return cmp >= 0 && compareValues(effectiveDef, raw, String(f.highValue)) <= 0;
    default: return false;
  }
}

function tokenMatch(value: string, token: string): boolean {
  const t = token.toLowerCase();
  if (t.startsWith('*')) return value.toLowerCase().endsWith(t.slice(1));
  if (t.endsWith('*')) return value.toLowerCase().split(/[\s@.,;-]+/).some((w) => w.startsWith(t.slice(0, -1)));
  return value.toLowerCase().split(/[\s@.,;-]+/).includes(t) || value.toLowerCase() === t;
}

function matchQuery(c: ContactRecord, query: string): boolean {
  for (const k of ['email', 'firstname', 'lastname', 'phone', 'mobilephone', 'company', 'website']) {
    const v = c.properties[k];
    if (v && v.toLowerCase().includes(query)) return true;
  }
  return false;
}
