// Checks the stand-in's traffic against HubSpot's own OpenAPI specs (vendored in spec/hubspot/): every request
// the app sends and every JSON answer the stand-in gives. The stand-in and the app were written by the same
// hands, so neither may be the judge of the other; HubSpot's published specs are.
//  - A request that breaks its operation's schema (missing required field, wrong type, unknown query parameter,
//    or a body field the schema does not define) is refused with HubSpot's 400 VALIDATION_ERROR and recorded.
//  - An answer that breaks the response schema of its status is recorded (and sent, so the caller sees it).
//  - A request to a route no vendored spec has is recorded, unless HubSpot documents it elsewhere (DOCUMENTED_ELSEWHERE).
// Recorded violations go to a process-wide list that test/support/spec-violations.setup.ts drains after each
// test: a violation fails the test that caused it.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import express from 'express';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { OpenAPIRouter, type Document, type Operation } from 'openapi-backend';
import { ApiError, oauthError, sendError } from './errors.ts';
import { recordSpecViolation, type SpecViolation } from './spec-violations.ts';

export { takeSpecViolations, formatViolation, type SpecViolation } from './spec-violations.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export const SPEC_DIR = fileURLToPath(new URL('../../spec/hubspot/', import.meta.url));

/**
 * Routes the stand-in serves that no vendored spec describes, each with where HubSpot documents it. Anything not
 * here and not in a spec is a violation: the app must not call routes HubSpot does not publish.
 */
export const DOCUMENTED_ELSEWHERE: Array<{ method: string; pattern: RegExp; source: string }> = [
  { method: 'GET', pattern: /^\/oauth\/authorize$/, source: 'OAuth guide: the browser install URL, not an API call' },
  { method: 'POST', pattern: /^\/oauth\/v3\/token(?:\/introspect|\/revoke)?$/, source: 'OAuth v3 token endpoints (docs: "OAuth v3"), superseded by 2026-03' },
  { method: 'GET', pattern: /^\/crm\/v3\/owners(?:\/[^/]+)?$/, source: 'CRM Owners v3 (docs: "CRM API | Owners")' },
  { method: 'GET', pattern: /^\/account-info\/v3\/details$/, source: 'Account information v3 (docs: "Account information API")' },
  { method: 'DELETE', pattern: /^\/appinstalls\/(?:v3|2026-03)\/external-install$/, source: 'App uninstall (docs: "Uninstall an app" / appinstalls)' },
];

function listJson(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listJson(full));
    else if (name.endsWith('.json')) out.push(full);
  }
  return out;
}

type Json = Record<string, unknown>;

/**
 * The request-side copy of a document: every object schema that lists its properties and does not combine
 * others is closed (`additionalProperties: false`), so a body field the spec does not define is an error, as
 * HubSpot answers 400 to it. Answers keep the open schemas (HubSpot adds fields over time).
 */
function closeObjectSchemas(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjectSchemas);
  if (!node || typeof node !== 'object') return node;
  const o = node as Json;
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) out[k] = k === 'example' ? v : closeObjectSchemas(v);
  const props = o.properties;
  const combines = 'oneOf' in o || 'anyOf' in o || 'allOf' in o;
  if (props && typeof props === 'object' && !Array.isArray(props) && Object.keys(props).length > 0 && !combines && !('additionalProperties' in o)) {
    out.additionalProperties = false;
  }
  return out;
}

/**
 * Where HubSpot's documentation says its API answers differently from its generated spec, the answer side
 * follows the documentation. Each entry names its source; docs/HUBSPOT-STANDIN.md lists them.
 */
export const RESPONSE_ERRATA = [
  'CRM objects: "If a requested property is defined but [the record] doesn\'t have a value, it will be returned as null" '
  + '(CRM object guides, properties parameter): SimplePublicObject*.properties values may be null.',
] as const;

/** The request side's counterpart: where HubSpot's guides document a form the generated spec types otherwise. */
export const REQUEST_ERRATA = [
  'CRM search: sorts are documented as [{propertyName, direction: ASCENDING|DESCENDING}] (CRM search guide, "Sort search '
  + 'results"), the generated spec types them as strings: both forms are accepted.',
] as const;

function applyRequestErrata(doc: Json): Json {
  const schemas = ((doc.components as Json | undefined)?.schemas ?? {}) as Record<string, Json>;
  const search = schemas.PublicObjectSearchRequest;
  const sorts = (search?.properties as Json | undefined)?.sorts as Json | undefined;
  if (sorts && (sorts.items as Json | undefined)?.type === 'string') {
    sorts.items = { oneOf: [{ type: 'string' }, {
      type: 'object', required: ['propertyName'], additionalProperties: false,
      properties: { propertyName: { type: 'string' }, direction: { type: 'string', enum: ['ASCENDING', 'DESCENDING'] } },
    }] };
  }
  return doc;
}

function applyResponseErrata(doc: Json): Json {
  const schemas = ((doc.components as Json | undefined)?.schemas ?? {}) as Record<string, Json>;
  for (const [name, schema] of Object.entries(schemas)) {
    if (!name.startsWith('SimplePublicObject')) continue;
    const values = ((schema.properties as Json | undefined)?.properties as Json | undefined)?.additionalProperties as Json | undefined;
    if (values && values.type === 'string') values.nullable = true;
  }
  return doc;
}

interface LoadedSpec {
  file: string;
  /** Ajv schema ids of the request-side (closed) and answer-side (errata applied) documents. */
  requestId: string;
  responseId: string;
  doc: Json;
  router: OpenAPIRouter;
}

// One Ajv for bodies (HubSpot's $refs stay references, so the recursive filter branches compile once) and one that
// coerces query and path strings to the parameter types. OpenAPI 3.0 keywords Ajv does not know (example,
// xml, x-*) are ignored; `nullable` is Ajv's own.
const bodyAjv = addFormats(new Ajv({ strict: false, allErrors: true, validateFormats: true }));
const paramAjv = addFormats(new Ajv({ strict: false, allErrors: true, coerceTypes: 'array' }));
const compiled = new Map<string, ValidateFunction>();

function validator(ajv: Ajv, key: string, schema: object): ValidateFunction {
  const cacheKey = `${ajv === paramAjv ? 'p' : 'b'}:${key}`;
  let fn = compiled.get(cacheKey);
  if (!fn) compiled.set(cacheKey, (fn = ajv.compile(schema)));
  return fn;
}

let loaded: LoadedSpec[] | null = null;

function loadSpecs(dir = SPEC_DIR): LoadedSpec[] {
  if (loaded) return loaded;
  loaded = listJson(dir).map((file) => {
    const rel = path.relative(dir, file);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Json;
    const requestId = `spec-request:${rel}`;
    const responseId = `spec-response:${rel}`;
    const requestDoc = applyRequestErrata(closeObjectSchemas(structuredClone(doc)) as Json);
    const responseDoc = applyResponseErrata(structuredClone(doc));
    bodyAjv.addSchema({ $id: requestId, components: requestDoc.components ?? {} });
    bodyAjv.addSchema({ $id: responseId, components: responseDoc.components ?? {} });
    paramAjv.addSchema({ $id: requestId, components: requestDoc.components ?? {} });
    // The router only matches method and path; it needs no dereferenced document.
    return { file: rel, requestId, responseId, doc, router: new OpenAPIRouter({ definition: doc as unknown as Document }) };
  });
  return loaded;
}

interface Match { spec: LoadedSpec; operation: Operation }

function match(specs: LoadedSpec[], method: string, urlPath: string): Match | null {
  for (const spec of specs) {
    const operation = spec.router.matchOperation({ method, path: urlPath, headers: {} });
    if (operation) return { spec, operation };
  }
  return null;
}

/** A schema of the document, with its local $refs pointed at the document's Ajv id. */
function rebase(schema: unknown, id: string): unknown {
  if (Array.isArray(schema)) return schema.map((x) => rebase(x, id));
  if (!schema || typeof schema !== 'object') return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema as Json)) {
    out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${id}${v}` : rebase(v, id);
  }
  return out;
}

function resolveLocal(doc: Json, value: unknown): Json | undefined {
  let v = value as Json | undefined;
  for (let i = 0; i < 5 && v && typeof v.$ref === 'string'; i += 1) {
    const parts = (v.$ref as string).replace(/^#\//, '').split('/').map((x) => x.replace(/~1/g, '/').replace(/~0/g, '~'));
    v = parts.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Json)[k] : undefined), doc) as Json | undefined;
  }
  return v;
}

function messages(errors: ErrorObject[] | null | undefined, prefix = ''): string[] {
  return (errors ?? []).slice(0, 8).map((e) => {
    const extra = e.params && 'additionalProperty' in e.params ? ` '${String(e.params.additionalProperty)}'` : '';
    return `${prefix}${e.instancePath || '/'} ${e.message ?? 'invalid'}${extra}`;
  });
}

interface RequestParts { query: Record<string, unknown>; pathParams: Record<string, string>; body: unknown }

function checkRequest(spec: LoadedSpec, operation: Operation, req: RequestParts): string[] {
  const errors: string[] = [];
  const key = `${spec.file}:${operation.method}:${operation.path}`;
  const params = [...((spec.doc.paths as Json)[operation.path] as Json | undefined)?.parameters as unknown[] ?? [], ...(operation.parameters ?? [])]
    .map((p) => resolveLocal(spec.doc, p)).filter((p): p is Json => Boolean(p));
  const query = params.filter((p) => p.in === 'query');
  for (const p of query) {
    const name = String(p.name);
    const value = req.query[name];
    if (value === undefined) {
      if (p.required === true) errors.push(`/query must have required property '${name}'`);
      continue;
    }
    const fn = validator(paramAjv, `${key}:q:${name}`, { type: 'object', properties: { v: rebase(p.schema ?? {}, spec.requestId) } });
    const holder = { v: Array.isArray(value) || (p.schema as Json | undefined)?.type !== 'array' ? value : String(value).split(',') };
    if (!fn(holder)) errors.push(...messages(fn.errors, `/query/${name}`).map((m) => m.replace('/query/' + name + '/v', '/query/' + name)));
  }
  const known = new Set(query.map((p) => String(p.name)));
  for (const name of Object.keys(req.query)) if (!known.has(name)) errors.push(`/query must NOT have additional properties '${name}'`);
  for (const p of params.filter((x) => x.in === 'path')) {
    const value = req.pathParams[String(p.name)];
    if (value === undefined) continue;
    const fn = validator(paramAjv, `${key}:p:${String(p.name)}`, { type: 'object', properties: { v: rebase(p.schema ?? {}, spec.requestId) } });
    if (!fn({ v: value })) errors.push(...messages(fn.errors, `/path/${String(p.name)}`));
  }
  const requestBody = resolveLocal(spec.doc, operation.requestBody);
  if (requestBody) {
    const content = (requestBody.content ?? {}) as Record<string, Json>;
    const media = content['application/json'] ?? content['application/x-www-form-urlencoded'] ?? content['*/*'];
    if (req.body === undefined) {
      if (requestBody.required === true) errors.push('/requestBody is required');
    } else if (media?.schema) {
      const fn = validator(bodyAjv, `${key}:body`, rebase(media.schema, spec.requestId) as object);
      if (!fn(req.body)) errors.push(...messages(fn.errors, '/requestBody'));
    }
  }
  return errors;
}

function checkResponse(spec: LoadedSpec, operation: Operation, status: number, body: unknown): string[] {
  const responses = (operation.responses ?? {}) as Record<string, unknown>;
  const response = resolveLocal(spec.doc, responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default);
  if (!response) return [`status ${status} is not an answer this operation documents`];
  const content = (response.content ?? {}) as Record<string, Json>;
  const media = content['application/json'] ?? content['*/*'];
  if (!media?.schema) return [];
  const fn = validator(bodyAjv, `${spec.file}:${operation.method}:${operation.path}:${status}`, rebase(media.schema, spec.responseId) as object);
  return fn(body) ? [] : messages(fn.errors);
}

export interface SpecValidationOptions {
  /** Called for every violation besides the process-wide record (the stand-in keeps its own list too). */
  onViolation?: (v: SpecViolation) => void;
  specDir?: string;
}

/**
 * The one middleware the stand-in mounts first: it parses the body (JSON or form), validates the request, and
 * wraps `res.json` to validate the answer. Parsing here leaves `req.body` set, so later parsers skip.
 */
export function specValidation(options: SpecValidationOptions = {}): RequestHandler {
  const specs = loadSpecs(options.specDir);
  const record = (v: SpecViolation): void => {
    recordSpecViolation(v);
    options.onViolation?.(v);
  };
  const json = express.json({ limit: '5mb' });
  const form = express.urlencoded({ extended: false });

  return (req: Request, res: Response, next: NextFunction) => {
    const found = match(specs, req.method, req.path);
    if (!found) {
      const documented = DOCUMENTED_ELSEWHERE.some((d) => d.method === req.method && d.pattern.test(req.path));
      if (!documented) {
        record({ kind: 'unspecified_route', method: req.method, path: req.path, errors: ['no operation in the vendored HubSpot specs'] });
      }
      return next();
    }
    const { spec, operation } = found;
    const operationId = operation.operationId ?? `${operation.method} ${operation.path}`;
    // The OAuth scope sets any one of which authorises the call (the stand-in's token check enforces them).
    res.locals.requiredScopes = (operation.security ?? [])
      .map((entry) => (entry as Record<string, string[]>).oauth2)
      .filter((scopes): scopes is string[] => Array.isArray(scopes) && scopes.length > 0);

    const originalJson = res.json.bind(res);
    res.json = (body: unknown) => {
      if (!documentedDeviation(req.path, res.statusCode, body)) {
        const errors = checkResponse(spec, operation, res.statusCode, body);
        if (errors.length > 0) {
          record({ kind: 'response', method: req.method, path: req.path, status: res.statusCode, operationId, spec: spec.file, errors });
        }
      }
      return originalJson(body);
    };

    const validate = (err?: unknown): void => {
      if (err) return next(err);
      const errors = checkRequest(spec, operation, {
        query: req.query as Record<string, unknown>, pathParams: pathParams(operation.path, req.path), body: req.body,
      });
      if (errors.length > 0) {
        record({ kind: 'request', method: req.method, path: req.path, operationId, spec: spec.file, errors });
        // The OAuth endpoints answer errors in RFC 6749's form, the others in HubSpot's.
        if (req.path.startsWith('/oauth/')) return oauthError(res, 400, 'invalid_request', `Invalid input: ${errors.join('; ')}`);
        return sendError(res, new ApiError(400, 'VALIDATION_ERROR', `Invalid input: ${errors.join('; ')}`));
      }
      next();
    };
    const type = req.headers['content-type'] ?? '';
    if (/application\/x-www-form-urlencoded/i.test(type)) form(req, res, validate);
    else json(req, res, validate);
  };
}

function pathParams(template: string, actual: string): Record<string, string> {
  const names = template.split('/');
  const values = actual.split('/');
  const out: Record<string, string> = {};
  names.forEach((n, i) => {
    const m = /^\{(.+)\}$/.exec(n);
    if (m?.[1] && values[i] !== undefined) out[m[1]] = decodeURIComponent(values[i]);
  });
  return out;
}

/**
 * Answers whose documented form differs from the spec's schema: HubSpot's 429 body, and the RFC 7662 answer
 * `{active: false}` for an unknown or expired token at the introspection endpoint.
 */
function documentedDeviation(urlPath: string, status: number, body: unknown): boolean {
  if (status === 429) return isRateLimitBody(body);
  if (status === 200 && /\/token\/introspect$/.test(urlPath)) return JSON.stringify(body) === '{"active":false}';
  return false;
}

/**
 * HubSpot documents its 429 body as `{status, message, errorType: "RATE_LIMIT", correlationId, policyName,
 * groupName}`, which lacks the `category` its specs' Error schema requires; the documented shape is checked instead.
 */
function isRateLimitBody(body: unknown): boolean {
  if (!body || typeof body !== 'object') return false;
  const b = body as Json;
  return b.errorType === 'RATE_LIMIT' && typeof b.policyName === 'string' && typeof b.correlationId === 'string' && typeof b.message === 'string';
}
