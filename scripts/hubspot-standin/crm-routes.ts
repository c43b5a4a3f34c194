// CRM routes of the stand-in: contacts (v3 and 2026-03 paths), properties and groups, tasks. Each handler runs
// for the portal the bearer token belongs to (res.locals.portalId), so one account never sees another's data.
import type { Request, Response, Router } from 'express';
import express from 'express';
import { ApiError, notFound, validationError } from './errors.ts';
import { FIELD_TYPES, PROPERTY_TYPES, type PropertyDefinition, type PropertyGroup, type PropertyOption, type PropertyType } from './properties.ts';
import { lowerBound, type Account, type ChangeSource, type ContactRecord, type SearchRequest, type StandInState } from './state.ts';

export const CONTACT_PREFIXES = ['/crm/v3/objects/contacts', '/crm/objects/2026-03/contacts', '/crm/v3/objects/0-1'];
const PROPERTY_PREFIXES = ['/crm/v3/properties/:objectType', '/crm/properties/2026-03/:objectType'];
const BATCH_LIMIT = 100;

export function portalOf(res: Response): number {
  return res.locals.portalId as number;
}

function body(req: Request): Record<string, unknown> {
  const b: unknown = req.body;
  if (b === undefined || b === null || typeof b !== 'object' || Array.isArray(b)) {
    throw validationError('Invalid input JSON: expected an object body.');
  }
  return b as Record<string, unknown>;
}

function listParam(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  const parts = (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(',')).map((s) => s.trim()).filter(Boolean);
  return parts;
}

function propertiesObject(v: unknown, where: string): Record<string, unknown> {
  if (v === undefined) return {};
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw validationError(`${where}: properties must be an object`);
  return v as Record<string, unknown>;
}

function inputs(b: Record<string, unknown>): Array<Record<string, unknown>> {
  const list = b.inputs;
  if (!Array.isArray(list)) throw validationError('Invalid input JSON: "inputs" must be an array.');
  if (list.length > BATCH_LIMIT) {
    throw validationError(`Batch input is limited to ${BATCH_LIMIT} inputs; got ${list.length}.`, {
      context: { maxInputs: [String(BATCH_LIMIT)] },
    });
  }
  return list.map((x, i) => {
    if (x === null || typeof x !== 'object' || Array.isArray(x)) throw validationError(`inputs[${i}] must be an object`);
    return x as Record<string, unknown>;
  });
}

function batchResponse(results: unknown[], errors: Array<Record<string, unknown>>, startedAt: string): { status: number; json: Record<string, unknown> } {
  const json: Record<string, unknown> = { status: 'COMPLETE', results, startedAt, completedAt: new Date().toISOString() };
  if (errors.length > 0) {
    json.numErrors = errors.length;
    // StandardError requires errors and links even when HubSpot has nothing to put in them.
    json.errors = errors.map((e) => ({ errors: [], links: {}, context: {}, ...e }));
    return { status: 207, json };
  }
  return { status: 200, json };
}

function objectType(req: Request): void {
  const t = String(req.params.objectType ?? '');
  if (!['contacts', 'contact', '0-1'].includes(t)) throw notFound(`Unable to infer object type from: ${t}`);
}

const NAME_RE = /^[a-z][a-z0-9_]*$/;

export function crmRouter(state: StandInState, source: () => ChangeSource): Router {
  const r = express.Router();
  const acct = (res: Response): Account => state.account(portalOf(res));

  for (const prefix of CONTACT_PREFIXES) {
    r.post(`${prefix}/search`, (req, res) => {
      const b = body(req) as SearchRequest;
      const out = state.search(portalOf(res), b);
      const results = out.results.map((c) => state.view(c, b.properties));
      const json: Record<string, unknown> = { total: out.total, results };
      if (out.nextAfter !== null) {
        json.paging = { next: { after: out.nextAfter, link: `?after=${out.nextAfter}` } };
      }
      res.json(json);
    });

    r.post(`${prefix}/batch/read`, (req, res) => {
      const startedAt = new Date().toISOString();
      const b = body(req);
      const list = inputs(b);
      const account = acct(res);
      const properties = Array.isArray(b.properties) ? b.properties.map(String) : undefined;
      const idProperty = typeof b.idProperty === 'string' ? b.idProperty : undefined;
      const results: unknown[] = [];
      const missing: string[] = [];
      const seen = new Set<string>();
      for (const input of list) {
        const id = String(input.id ?? '');
        const c = state.findContact(account, id, idProperty);
        if (!c) missing.push(id);
        else if (!seen.has(c.id)) {
          seen.add(c.id);
          results.push(state.view(c, properties));
        }
      }
      const errors = missing.length === 0 ? [] : [{
        status: 'error', category: 'OBJECT_NOT_FOUND',
        message: 'Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.',
        context: { ids: missing },
      }];
      const out = batchResponse(results, errors, startedAt);
      res.status(out.status).json(out.json);
    });

    r.post(`${prefix}/batch/update`, (req, res) => {
      const startedAt = new Date().toISOString();
      const list = inputs(body(req));
      const account = acct(res);
      const ids = list.map((i) => String(i.id ?? ''));
      const dup = ids.find((id, i) => ids.indexOf(id) !== i);
      if (dup !== undefined) throw validationError(`Duplicate IDs found in batch input: [${dup}]. IDs must be unique`);
      // Validate the whole batch first: one bad value refuses the batch, as HubSpot does.
      const prepared = list.map((input, i) => {
        const props = propertiesObject(input.properties, `inputs[${i}]`);
        return { id: String(input.id ?? ''), idProperty: typeof input.idProperty === 'string' ? input.idProperty : undefined,
          clean: state.validateProperties(account, props) };
      });
      const results: unknown[] = [];
      const missing: string[] = [];
      for (const p of prepared) {
        const c = state.findContact(account, p.id, p.idProperty);
        if (!c) {
          missing.push(p.id);
          continue;
        }
        state.applyUpdate(account, c, p.clean, source());
        results.push(state.view(c, Object.keys(p.clean)));
      }
      const errors = missing.length === 0 ? [] : [{
        status: 'error', category: 'OBJECT_NOT_FOUND',
        message: 'Could not update some CONTACT objects, they may be deleted or not exist. Check that ids are valid.',
        context: { ids: missing },
      }];
      const out = batchResponse(results, errors, startedAt);
      res.status(out.status).json(out.json);
    });

    r.post(`${prefix}/batch/create`, (req, res) => {
      const startedAt = new Date().toISOString();
      const list = inputs(body(req));
      const account = acct(res);
      const prepared = list.map((input, i) => state.validateProperties(account, propertiesObject(input.properties, `inputs[${i}]`)));
      const results = prepared.map((p) => state.view(state.createContact(portalOf(res), p, source()), Object.keys(p)));
      res.status(201).json({ status: 'COMPLETE', results, startedAt, completedAt: new Date().toISOString() });
    });

    r.post(`${prefix}/batch/upsert`, (req, res) => {
      const startedAt = new Date().toISOString();
      const list = inputs(body(req));
      const account = acct(res);
      const prepared = list.map((input, i) => {
        const idProperty = typeof input.idProperty === 'string' ? input.idProperty : undefined;
        if (!idProperty) throw validationError(`inputs[${i}].idProperty is required for an upsert`);
        return { id: String(input.id ?? ''), idProperty, clean: state.validateProperties(account, propertiesObject(input.properties, `inputs[${i}]`)) };
      });
      const results = prepared.map((p) => {
        const existing = state.findContact(account, p.id, p.idProperty);
        if (existing) {
          state.applyUpdate(account, existing, p.clean, source());
          return { ...state.view(existing, Object.keys(p.clean)), new: false };
        }
        const created = state.createContact(portalOf(res), { ...p.clean, [p.idProperty]: p.id }, source());
        return { ...state.view(created, Object.keys(p.clean)), new: true };
      });
      res.json({ status: 'COMPLETE', results, startedAt, completedAt: new Date().toISOString() });
    });

    r.post(`${prefix}/batch/archive`, (req, res) => {
      const list = inputs(body(req));
      for (const input of list) state.archiveContact(portalOf(res), String(input.id ?? ''), source());
      res.status(204).end();
    });

    r.post(`${prefix}/gdpr-delete`, (req, res) => {
      const b = body(req);
      const objectId = b.objectId;
      if (typeof objectId !== 'string' && typeof objectId !== 'number') throw validationError('objectId is required');
      const idProperty = typeof b.idProperty === 'string' ? b.idProperty : undefined;
      if (idProperty !== undefined && idProperty !== 'email' && idProperty !== 'hs_object_id') {
        throw validationError(`idProperty must be email or hs_object_id, got ${idProperty}`);
      }
      const ok = state.privacyDelete(portalOf(res), String(objectId), source(), idProperty);
      if (!ok) throw notFound('resource not found');
      res.status(204).end();
    });

    r.post(`${prefix}/merge`, (req, res) => {
      const b = body(req);
      const primary = String(b.primaryObjectId ?? '');
      const merged = String(b.objectIdToMerge ?? '');
      const c = state.mergeContacts(portalOf(res), primary, merged, source());
      res.json(state.view(c, undefined));
    });

    r.get(prefix, (req, res) => {
      const account = acct(res);
      const limit = Number(req.query.limit ?? 10);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw validationError('limit must be between 1 and 100');
      const after = req.query.after === undefined ? 0 : Number(req.query.after);
      const properties = listParam(req.query.properties);
      if (!Number.isFinite(after)) throw validationError(`Invalid after: ${String(req.query.after)}`);
      const start = lowerBound(account.order, after);
      const slice = account.order.slice(start, start + limit);
      const results = slice.map((n) => state.view(account.contacts.get(String(n)) as ContactRecord, properties));
      const json: Record<string, unknown> = { results };
      const next = account.order[start + limit];
      if (next !== undefined) json.paging = { next: { after: String(next), link: `?after=${next}` } };
      res.json(json);
    });

    r.post(prefix, (req, res) => {
      const b = body(req);
      const props = propertiesObject(b.properties, 'body');
      const c = state.createContact(portalOf(res), props, source());
      res.status(201).json(state.view(c, Object.keys(props)));
    });

    r.get(`${prefix}/:contactId`, (req, res) => {
      const account = acct(res);
      const idProperty = typeof req.query.idProperty === 'string' ? req.query.idProperty : undefined;
      const id = String(req.params.contactId);
      let c = state.findContact(account, id, idProperty);
      if (!c && req.query.archived === 'true') c = account.archived.get(id);
      if (!c) throw notFound('resource not found');
      res.json(state.view(c, listParam(req.query.properties)));
    });

    r.patch(`${prefix}/:contactId`, (req, res) => {
      const account = acct(res);
      const b = body(req);
      const idProperty = typeof req.query.idProperty === 'string' ? req.query.idProperty : undefined;
      const c = state.findContact(account, String(req.params.contactId), idProperty);
      if (!c) throw notFound('resource not found');
      const clean = state.validateProperties(account, propertiesObject(b.properties, 'body'));
      state.applyUpdate(account, c, clean, source());
      res.json(state.view(c, Object.keys(clean)));
    });

    r.delete(`${prefix}/:contactId`, (req, res) => {
      state.archiveContact(portalOf(res), String(req.params.contactId), source());
      res.status(204).end();
    });
  }

  // ---------- properties and groups ----------
  for (const prefix of PROPERTY_PREFIXES) {
    r.get(`${prefix}/groups`, (req, res) => {
      objectType(req);
      res.json({ results: [...acct(res).groups.values()].filter((g) => !g.archived) });
    });
    r.get(`${prefix}/groups/:groupName`, (req, res) => {
      objectType(req);
      const g = acct(res).groups.get(String(req.params.groupName));
      if (!g || g.archived) throw notFound(`Unable to find property group ${String(req.params.groupName)}`);
      res.json(g);
    });
    r.post(`${prefix}/groups`, (req, res) => {
      objectType(req);
      const b = body(req);
      const account = acct(res);
      const name = typeof b.name === 'string' ? b.name : '';
      if (!NAME_RE.test(name)) throw validationError(`Invalid group name: ${name || '(missing)'}`);
      if (typeof b.label !== 'string' || b.label.trim() === '') throw validationError('label is required');
      const existing = account.groups.get(name);
      if (existing && !existing.archived) {
        throw new ApiError(409, 'OBJECT_ALREADY_EXISTS', `A property group named '${name}' already exists.`,
          { context: { name: [name] } });
      }
      const group: PropertyGroup = { name, label: b.label, displayOrder: typeof b.displayOrder === 'number' ? b.displayOrder : -1, archived: false };
      account.groups.set(name, group);
      res.status(201).json(group);
    });
    r.patch(`${prefix}/groups/:groupName`, (req, res) => {
      objectType(req);
      const b = body(req);
      const g = acct(res).groups.get(String(req.params.groupName));
      if (!g || g.archived) throw notFound(`Unable to find property group ${String(req.params.groupName)}`);
      if (typeof b.label === 'string') g.label = b.label;
      if (typeof b.displayOrder === 'number') g.displayOrder = b.displayOrder;
      res.json(g);
    });

    r.get(prefix, (req, res) => {
      objectType(req);
      const archived = req.query.archived === 'true';
      res.json({ results: [...acct(res).properties.values()].filter((p) => p.archived === archived) });
    });
    r.post(`${prefix}/batch/read`, (req, res) => {
      objectType(req);
      const startedAt = new Date().toISOString();
      const list = inputs(body(req));
      const account = acct(res);
      const results: PropertyDefinition[] = [];
      for (const i of list) {
        const p = account.properties.get(String(i.name ?? ''));
        if (p && !p.archived) results.push(p);
      }
      res.json({ status: 'COMPLETE', results, startedAt, completedAt: new Date().toISOString() });
    });
    r.post(`${prefix}/batch/create`, (req, res) => {
      objectType(req);
      const startedAt = new Date().toISOString();
      const list = inputs(body(req));
      const account = acct(res);
      const results: PropertyDefinition[] = [];
      const errors: Array<Record<string, unknown>> = [];
      for (const input of list) {
        try {
          results.push(createProperty(account, input));
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          errors.push({ status: 'error', category: err.body.category, message: err.body.message, context: err.body.context ?? {}, errors: [], links: {} });
        }
      }
      const json: Record<string, unknown> = { status: 'COMPLETE', results, startedAt, completedAt: new Date().toISOString() };
      if (errors.length > 0) {
        json.numErrors = errors.length;
        json.errors = errors;
      }
      res.status(errors.length > 0 ? 207 : 201).json(json);
    });
    r.get(`${prefix}/:propertyName`, (req, res) => {
      objectType(req);
      const p = acct(res).properties.get(String(req.params.propertyName));
      if (!p || p.archived) throw notFound(`Unable to find property ${String(req.params.propertyName)}`);
      res.json(p);
    });
    r.post(prefix, (req, res) => {
      objectType(req);
      res.status(201).json(createProperty(acct(res), body(req)));
    });
    r.patch(`${prefix}/:propertyName`, (req, res) => {
      objectType(req);
      const account = acct(res);
      const p = account.properties.get(String(req.params.propertyName));
      if (!p || p.archived) throw notFound(`Unable to find property ${String(req.params.propertyName)}`);
      const b = body(req);
      if (p.hubspotDefined && (b.type !== undefined || b.fieldType !== undefined)) {
        throw validationError(`${p.name} is a HubSpot-defined property; its type cannot change.`);
      }
      if (typeof b.label === 'string') p.label = b.label;
      if (typeof b.description === 'string') p.description = b.description;
      if (typeof b.groupName === 'string') {
        if (!account.groups.has(b.groupName)) throw validationError(`Property group ${b.groupName} does not exist`);
        p.groupName = b.groupName;
      }
      if (b.options !== undefined) p.options = parseOptions(b.options);
      if (typeof b.hidden === 'boolean') p.hidden = b.hidden;
      if (typeof b.displayOrder === 'number') p.displayOrder = b.displayOrder;
      if (typeof b.type === 'string' && PROPERTY_TYPES.includes(b.type as PropertyType)) p.type = b.type as PropertyType;
      if (typeof b.fieldType === 'string' && FIELD_TYPES.includes(b.fieldType)) p.fieldType = b.fieldType;
      p.updatedAt = new Date().toISOString();
      res.json(p);
    });
    r.delete(`${prefix}/:propertyName`, (req, res) => {
      objectType(req);
      const p = acct(res).properties.get(String(req.params.propertyName));
      if (!p || p.archived) throw notFound(`Unable to find property ${String(req.params.propertyName)}`);
      if (p.hubspotDefined) throw validationError(`${p.name} is a HubSpot-defined property and cannot be archived.`);
      p.archived = true;
      res.status(204).end();
    });
  }

  // ---------- owners and account details ----------
  const ownerView = (u: { id: string; email: string }, i: number): Record<string, unknown> => ({
    id: u.id, email: u.email, firstName: i === 0 ? 'Camille' : 'Julien', lastName: i === 0 ? 'Lefèvre' : 'Morel', userId: Number(u.id),
    type: 'PERSON', createdAt: '2024-01-15T00:00:00.000Z', updatedAt: '2024-01-15T00:00:00.000Z', archived: false, teams: [],
  });
  r.get('/crm/v3/owners', (_req, res) => {
    res.json({ results: acct(res).users.map(ownerView) });
  });
  r.get('/crm/v3/owners/:ownerId', (req, res) => {
    const users = acct(res).users;
    const i = users.findIndex((u) => u.id === String(req.params.ownerId));
    if (i < 0) throw notFound(`Owner ${String(req.params.ownerId)} not found`);
    res.json(ownerView(users[i] as { id: string; email: string }, i));
  });
  r.get('/account-info/v3/details', (_req, res) => {
    res.json({ portalId: portalOf(res), accountType: 'STANDARD', timeZone: 'Europe/Paris', companyCurrency: 'EUR',
      additionalCurrencies: [], utcOffset: '+01:00', utcOffsetMilliseconds: 3_600_000, uiDomain: 'app-eu1.hubspot.com',
      dataHostingLocation: 'eu1' });
  });

  // ---------- tasks (for owner tasks) ----------
  r.post('/crm/v3/objects/tasks', (req, res) => {
    const b = body(req);
    const props = propertiesObject(b.properties, 'body');
    if (props.hs_timestamp === undefined) {
      throw validationError('Property values were not valid: [{"isValid":false,"message":"hs_timestamp is required","error":"REQUIRED_PROPERTY","name":"hs_timestamp"}]');
    }
    const account = acct(res);
    const associations: Array<{ toObjectId: string; toObjectType: string }> = [];
    if (Array.isArray(b.associations)) {
      for (const a of b.associations as Array<{ to?: { id?: unknown } }>) {
        const to = String(a.to?.id ?? '');
        if (!state.liveContact(account, to)) throw validationError(`Association target ${to} does not exist`);
        associations.push({ toObjectId: to, toObjectType: 'contact' });
      }
    }
    const now = state.now();
    const id = state.newTaskId();
    const properties: Record<string, string> = {};
    for (const [k, v] of Object.entries(props)) if (v !== null && v !== undefined) properties[k] = String(v);
    properties.hs_object_id = id;
    properties.hs_createdate = new Date(now).toISOString();
    properties.hs_lastmodifieddate = new Date(now).toISOString();
    properties.hs_task_status ??= 'NOT_STARTED';
    account.tasks.set(id, { id, properties, createdAt: now, updatedAt: now, associations });
    res.status(201).json({ id, properties, createdAt: new Date(now).toISOString(), updatedAt: new Date(now).toISOString(), archived: false });
  });
  r.get('/crm/v3/objects/tasks/:taskId', (req, res) => {
    const t = acct(res).tasks.get(String(req.params.taskId));
    if (!t) throw notFound('resource not found');
    res.json({ id: t.id, properties: t.properties, createdAt: new Date(t.createdAt).toISOString(),
      updatedAt: new Date(t.updatedAt).toISOString(), archived: false });
  });

  return r;
}

function parseOptions(raw: unknown): PropertyOption[] {
  if (!Array.isArray(raw)) throw validationError('options must be an array');
  const seen = new Set<string>();
  return raw.map((o: unknown, i) => {
    const opt = (o ?? {}) as Record<string, unknown>;
    if (typeof opt.label !== 'string' || typeof opt.value !== 'string' || opt.value === '') {
      throw validationError(`options[${i}] needs a label and a non-empty value`);
    }
    if (seen.has(opt.value)) throw validationError(`Duplicate option value: ${opt.value}`);
    seen.add(opt.value);
    return {
      label: opt.label, value: opt.value, description: typeof opt.description === 'string' ? opt.description : '',
      displayOrder: typeof opt.displayOrder === 'number' ? opt.displayOrder : i, hidden: opt.hidden === true,
    };
  });
}

function createProperty(account: Account, b: Record<string, unknown>): PropertyDefinition {
  const name = typeof b.name === 'string' ? b.name : '';
  if (!NAME_RE.test(name)) throw validationError(`Invalid property name: ${name || '(missing)'}; use lowercase letters, digits and underscores.`);
  const existing = account.properties.get(name);
  if (existing && !existing.archived) {
    throw new ApiError(409, 'OBJECT_ALREADY_EXISTS', `A property named '${name}' already exists.`, { context: { name: [name] } });
  }
  if (typeof b.label !== 'string' || b.label.trim() === '') throw validationError('label is required');
  if (typeof b.type !== 'string' || !PROPERTY_TYPES.includes(b.type as PropertyType)) {
    throw validationError(`Invalid type ${String(b.type)}; one of ${PROPERTY_TYPES.join(', ')}`);
  }
  if (typeof b.fieldType !== 'string' || !FIELD_TYPES.includes(b.fieldType)) {
    throw validationError(`Invalid fieldType ${String(b.fieldType)}; one of ${FIELD_TYPES.join(', ')}`);
  }
  if (typeof b.groupName !== 'string' || !account.groups.get(b.groupName) || account.groups.get(b.groupName)?.archived) {
    throw validationError(`Property group ${String(b.groupName)} does not exist`);
  }
  const type = b.type as PropertyType;
  const options = b.options === undefined ? [] : parseOptions(b.options);
  if (type === 'enumeration' && options.length === 0 && b.fieldType !== 'booleancheckbox') {
    throw validationError('An enumeration property needs options');
  }
  if (type === 'bool' && options.length === 0) {
    options.push({ label: 'Yes', value: 'true', displayOrder: 0, hidden: false }, { label: 'No', value: 'false', displayOrder: 1, hidden: false });
  }
  const now = new Date().toISOString();
  const def: PropertyDefinition = {
    name, label: b.label, type, fieldType: b.fieldType, description: typeof b.description === 'string' ? b.description : '',
    groupName: b.groupName, options, displayOrder: typeof b.displayOrder === 'number' ? b.displayOrder : -1,
    calculated: false, externalOptions: false, hasUniqueValue: b.hasUniqueValue === true, hidden: b.hidden === true,
    hubspotDefined: false, formField: b.formField === true,
    modificationMetadata: { archivable: true, readOnlyDefinition: false, readOnlyValue: false },
    createdAt: now, updatedAt: now, archived: false, createdUserId: '9001',
  };
  account.properties.set(name, def);
  return def;
}
