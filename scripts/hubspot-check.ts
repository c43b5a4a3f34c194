// Generates the HubSpot developer project (ui-extensions/) from app.json and checks it offline.
//   node scripts/hubspot-check.ts           check: generated files in sync, hsmeta shapes, uids, entrypoints,
//                                           fetch URLs, UI code uses only @hubspot/ui-extensions, scopes used
//   node scripts/hubspot-check.ts --write   regenerate the hsmeta files first, then check
// app.json is the single source of identity, scopes, URLs and subscriptions; the hsmeta files are derived and
// never edited by hand, so the project uploaded with `hs project upload` cannot drift from the backend.
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isKnownPlatformVersion, validateProjectConfig } from '@hubspot/project-parsing-lib/projects';
import { Components } from '@hubspot/project-parsing-lib/constants';
import { translate } from '@hubspot/project-parsing-lib/translate';
import { mapToUserFacingType } from '@hubspot/project-parsing-lib/transform';
import { validateUid } from '@hubspot/project-parsing-lib/uid';
import ts from 'typescript';
import { z } from 'zod';
import { workflowActionConfig } from '../src/workflow-action/definition.ts';

const UID = z.string().regex(/^[a-z][a-z0-9_-]{2,63}$/, 'uid: lower-case letters, digits, _ or -, 3-64 chars');
const HTTPS_URL = z.string().url().refine((u) => u.startsWith('https://'), 'must be an https URL');

const Subscription = z.object({
  subscriptionType: z.string().min(1),
  objectType: z.string().optional(),
  propertyName: z.string().optional(),
  active: z.boolean(),
}).strict();

export const ManifestSchema = z.object({
  uid: UID,
  name: z.string().min(1),
  description: z.string().min(1),
  platformVersion: z.literal('2026.03'),
  distribution: z.literal('marketplace'),
  backendBaseUrl: HTTPS_URL,
  auth: z.object({
    type: z.literal('oauth'),
    redirectUrls: z.array(z.string().url()).min(1),
    requiredScopes: z.array(z.string().min(1)).min(1),
    optionalScopes: z.array(z.string().min(1)),
  }).strict(),
  permittedUrls: z.object({ fetch: z.array(HTTPS_URL).min(1) }).strict(),
  support: z.object({
    supportEmail: z.string().email(),
    documentationUrl: HTTPS_URL,
    supportUrl: HTTPS_URL,
    privacyPolicyUrl: HTTPS_URL,
  }).strict(),
  cards: z.array(z.object({
    uid: UID,
    name: z.string().min(1),
    description: z.string().min(1),
    location: z.enum(['crm.record.sidebar', 'crm.record.tab', 'crm.preview', 'helpdesk.sidebar']),
    objectTypes: z.array(z.string().min(1)).min(1),
    entrypoint: z.string().regex(/^\/app\/cards\/[A-Za-z0-9_-]+\.tsx$/),
  }).strict()).min(1),
  settings: z.object({
    uid: UID,
    entrypoint: z.string().regex(/^\/app\/settings\/[A-Za-z0-9_-]+\.tsx$/),
  }).strict(),
  // App pages (the compliance dashboard): one component per app, in src/app/pages/.
  pages: z.object({
    uid: UID,
    entrypoint: z.string().regex(/^\/app\/pages\/[A-Za-z0-9_-]+\.tsx$/),
  }).strict().optional(),
  workflowActions: z.array(z.object({
    uid: UID,
    actionPath: z.string().regex(/^\/[A-Za-z0-9/_-]+$/),
    objectTypes: z.array(z.string().min(1)).min(1),
    isPublished: z.boolean(),
  }).strict()),
  webhooks: z.object({
    targetUrl: HTTPS_URL,
    maxConcurrentRequests: z.number().int().min(1).max(100),
    subscriptions: z.object({
      crmObjects: z.array(Subscription),
      legacyCrmObjects: z.array(Subscription),
      hubEvents: z.array(Subscription),
    }).strict(),
  }).strict(),
}).passthrough();
export type Manifest = z.infer<typeof ManifestSchema>;

// Shapes of the 2026.03 *-hsmeta.json files we emit (see docs/HUBSPOT-PROJECT.md for the sources).
export const HsProjectSchema = z.object({ name: z.string().min(1), srcDir: z.literal('src'), platformVersion: z.literal('2026.03') }).strict();
export const AppHsmetaSchema = z.object({
  uid: UID,
  type: z.literal('app'),
  config: z.object({
    name: z.string().min(1),
    description: z.string().min(1),
    distribution: z.literal('marketplace'),
    auth: z.object({
      type: z.literal('oauth'),
      redirectUrls: z.array(z.string().url()).min(1),
      requiredScopes: z.array(z.string()).min(1),
      optionalScopes: z.array(z.string()),
      conditionallyRequiredScopes: z.array(z.string()),
    }).strict(),
    permittedUrls: z.object({ fetch: z.array(HTTPS_URL), iframe: z.array(HTTPS_URL), img: z.array(HTTPS_URL) }).strict(),
    support: z.object({ supportEmail: z.string().email(), documentationUrl: HTTPS_URL, supportUrl: HTTPS_URL }).passthrough(),
  }).strict(),
}).strict();
export const CardHsmetaSchema = z.object({
  uid: UID,
  type: z.literal('card'),
  config: z.object({
    name: z.string().min(1),
    description: z.string().optional(),
    location: z.enum(['crm.record.sidebar', 'crm.record.tab', 'crm.preview', 'helpdesk.sidebar']),
    entrypoint: z.string().startsWith('/app/'),
    objectTypes: z.array(z.string()).min(1),
  }).strict(),
}).strict();
export const SettingsHsmetaSchema = z.object({
  uid: UID,
  type: z.literal('settings'),
  // HubSpot's settings template has the entrypoint only (the page's title is the app's name).
  config: z.object({ entrypoint: z.string().startsWith('/app/') }).strict(),
}).strict();
// App pages, platform 2025.2 / 2026.03 (docs: *App pages reference*): {uid, type: "pages", config: {entrypoint}}.
export const PagesHsmetaSchema = z.object({
  uid: UID,
  type: z.literal('pages'),
  config: z.object({ entrypoint: z.string().startsWith('/app/pages/') }).strict(),
}).strict();
export const WebhooksHsmetaSchema = z.object({
  uid: UID,
  type: z.literal('webhooks'),
  config: z.object({
    settings: z.object({ targetUrl: HTTPS_URL, maxConcurrentRequests: z.number().int().positive() }).strict(),
    subscriptions: z.object({
      crmObjects: z.array(Subscription),
      legacyCrmObjects: z.array(Subscription),
      hubEvents: z.array(Subscription),
    }).strict(),
  }).strict(),
}).strict();
const FieldType = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/),
  type: z.enum(['string', 'number', 'bool', 'date', 'datetime', 'enumeration', 'phone_number']),
  fieldType: z.string().min(1),
  options: z.array(z.object({ value: z.string(), label: z.string() }).strict()).optional(),
}).strict();
export const WorkflowActionHsmetaSchema = z.object({
  uid: UID,
  type: z.literal('workflow-action'),
  config: z.object({
    actionUrl: HTTPS_URL,
    isPublished: z.boolean(),
    supportedClients: z.array(z.object({ client: z.literal('WORKFLOWS') }).strict()).min(1),
    inputFields: z.array(z.object({
      typeDefinition: FieldType,
      supportedValueTypes: z.array(z.enum(['STATIC_VALUE', 'OBJECT_PROPERTY', 'FIELD_DATA'])).min(1),
      isRequired: z.boolean(),
    }).strict()),
    outputFields: z.array(z.object({ typeDefinition: FieldType }).strict()),
    objectTypes: z.array(z.string()).min(1),
    labels: z.record(z.string(), z.object({
      actionName: z.string().min(1),
      actionDescription: z.string().min(1),
      appDisplayName: z.string().min(1),
      actionCardContent: z.string().min(1),
      inputFieldLabels: z.record(z.string(), z.string()),
      outputFieldLabels: z.record(z.string(), z.string()),
    }).strict()).refine((l) => 'en' in l, 'labels.en is required'),
  }).strict(),
}).strict();

export const GENERATED = {
  project: 'hsproject.json',
  app: 'src/app/app-hsmeta.json',
  settings: 'src/app/settings/settings-hsmeta.json',
  pages: 'src/app/pages/pages-hsmeta.json',
  webhooks: 'src/app/webhooks/webhooks-hsmeta.json',
  appConfig: 'src/app/shared/app-config.generated.ts',
} as const;
const cardFile = (uid: string) => `src/app/cards/${uid.replace(/_/g, '-')}-hsmeta.json`;
const actionFile = (uid: string) => `src/app/workflow-actions/${uid.replace(/_/g, '-')}-hsmeta.json`;

const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';

/** Every file of the HubSpot project that is derived from app.json, keyed by path relative to ui-extensions/. */
export function generateProject(manifest: Manifest): Map<string, string> {
  const base = manifest.backendBaseUrl.replace(/\/+$/, '');
  const files = new Map<string, string>();
  files.set(GENERATED.project, json({ name: manifest.uid.replace(/_/g, '-'), srcDir: 'src', platformVersion: manifest.platformVersion }));
  files.set(GENERATED.app, json({
    uid: manifest.uid,
    type: 'app',
    config: {
      name: manifest.name,
      description: manifest.description,
      distribution: manifest.distribution,
      auth: {
        type: manifest.auth.type,
        redirectUrls: manifest.auth.redirectUrls,
        requiredScopes: manifest.auth.requiredScopes,
        optionalScopes: manifest.auth.optionalScopes,
        conditionallyRequiredScopes: [],
      },
      permittedUrls: { fetch: manifest.permittedUrls.fetch, iframe: [], img: [] },
      support: {
        supportEmail: manifest.support.supportEmail,
        documentationUrl: manifest.support.documentationUrl,
        supportUrl: manifest.support.supportUrl,
      },
    },
  }));
  for (const card of manifest.cards) {
    files.set(cardFile(card.uid), json({
      uid: card.uid,
      type: 'card',
      config: { name: card.name, description: card.description, location: card.location, entrypoint: card.entrypoint, objectTypes: card.objectTypes },
    }));
  }
  files.set(GENERATED.settings, json({
    uid: manifest.settings.uid,
    type: 'settings',
    config: { entrypoint: manifest.settings.entrypoint },
  }));
  if (manifest.pages) {
    files.set(GENERATED.pages, json({ uid: manifest.pages.uid, type: 'pages', config: { entrypoint: manifest.pages.entrypoint } }));
  }
  files.set(GENERATED.webhooks, json({
    uid: `${manifest.uid}_webhooks`,
    type: 'webhooks',
    config: {
      settings: { targetUrl: manifest.webhooks.targetUrl, maxConcurrentRequests: manifest.webhooks.maxConcurrentRequests },
      subscriptions: manifest.webhooks.subscriptions,
    },
  }));
  for (const action of manifest.workflowActions) {
    files.set(actionFile(action.uid), json({
      uid: action.uid,
      type: 'workflow-action',
      config: {
        actionUrl: base + action.actionPath,
        isPublished: action.isPublished,
        ...workflowActionConfig(),
        objectTypes: action.objectTypes,
      },
    }));
  }
  files.set(GENERATED.appConfig, [
    '// GENERATED by scripts/hubspot-check.ts from app.json: do not edit (npm run hubspot:generate).',
    `export const BACKEND_BASE_URL = ${JSON.stringify(base)};`,
    `export const PRIVACY_POLICY_URL = ${JSON.stringify(manifest.support.privacyPolicyUrl)};`,
    `export const DOCUMENTATION_URL = ${JSON.stringify(manifest.support.documentationUrl)};`,
    '',
  ].join('\n'));
  return files;
}

export function writeProject(projectDir: string, files: Map<string, string>): string[] {
  const written: string[] = [];
  for (const [rel, content] of files) {
    const file = path.join(projectDir, rel);
    if (existsSync(file) && readFileSync(file, 'utf8') === content) continue;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    written.push(rel);
  }
  return written;
}

function listFiles(dir: string, accept: (f: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listFiles(full, accept));
    else if (accept(full)) out.push(full);
  }
  return out;
}

const SCHEMA_BY_TYPE: Record<string, z.ZodType> = {
  app: AppHsmetaSchema,
  card: CardHsmetaSchema,
  settings: SettingsHsmetaSchema,
  pages: PagesHsmetaSchema,
  webhooks: WebhooksHsmetaSchema,
  'workflow-action': WorkflowActionHsmetaSchema,
};

/** Problems in the hsmeta files on disk: shape, duplicate uids, missing entrypoints, files nobody generated. */
export function checkHsmetaFiles(projectDir: string, expected: Map<string, string>): string[] {
  const problems: string[] = [];
  const hsproject = path.join(projectDir, GENERATED.project);
  if (!existsSync(hsproject)) problems.push(`${GENERATED.project}: missing`);
  else {
    const r = HsProjectSchema.safeParse(JSON.parse(readFileSync(hsproject, 'utf8')));
    if (!r.success) problems.push(`${GENERATED.project}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const uids = new Map<string, string>();
  const srcDir = path.join(projectDir, 'src');
  for (const file of listFiles(srcDir, (f) => f.endsWith('-hsmeta.json'))) {
    const rel = path.relative(projectDir, file);
    if (!expected.has(rel)) problems.push(`${rel}: not generated from app.json (remove it or declare it in app.json)`);
    let doc: unknown;
    try { doc = JSON.parse(readFileSync(file, 'utf8')); } catch (e) { problems.push(`${rel}: invalid JSON (${(e as Error).message})`); continue; }
    const type = (doc as { type?: unknown }).type;
    const schema = typeof type === 'string' ? SCHEMA_BY_TYPE[type] : undefined;
    if (!schema) { problems.push(`${rel}: unknown component type ${JSON.stringify(type)}`); continue; }
    const r = schema.safeParse(doc);
    if (!r.success) { problems.push(`${rel}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`); continue; }
    const { uid, config } = doc as { uid: string; config: { entrypoint?: string } };
    const prior = uids.get(uid);
    if (prior) problems.push(`${rel}: uid ${uid} already used by ${prior}`);
    uids.set(uid, rel);
    if (config.entrypoint && !existsSync(path.join(srcDir, config.entrypoint))) {
      problems.push(`${rel}: entrypoint ${config.entrypoint} does not exist under src/`);
    }
  }
  return problems;
}

/** Generated files that differ from what app.json produces (someone edited an hsmeta by hand, or app.json moved on). */
export function checkDrift(projectDir: string, expected: Map<string, string>): string[] {
  const problems: string[] = [];
  for (const [rel, content] of expected) {
    const file = path.join(projectDir, rel);
    if (!existsSync(file)) problems.push(`${rel}: missing (run npm run hubspot:generate)`);
    else if (readFileSync(file, 'utf8') !== content) problems.push(`${rel}: differs from app.json (run npm run hubspot:generate)`);
  }
  return problems;
}

const ALLOWED_UI_IMPORTS = new Set(['react', 'react/jsx-runtime', '@hubspot/ui-extensions', '@hubspot/ui-extensions/crm', '@hubspot/ui-extensions/pages']);
/** The one module allowed to call hubspot.fetch. */
export const FETCH_MODULE = 'src/app/shared/http.ts';

/**
 * UI extension code runs in HubSpot's sandbox: no DOM elements, no `style`, no `window`/global fetch, and only
 * @hubspot/ui-extensions components. Checked on the TypeScript syntax tree, not with regular expressions.
 */
export function checkUiSources(projectDir: string): string[] {
  const problems: string[] = [];
  const files = listFiles(path.join(projectDir, 'src'), (f) => /\.(ts|tsx)$/.test(f) && !/\.test\.tsx?$/.test(f));
  for (const file of files) {
    const rel = path.relative(projectDir, file);
    const text = readFileSync(file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
    const at = (node: ts.Node) => `${rel}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        const spec = node.moduleSpecifier.text;
        if (!spec.startsWith('.') && !ALLOWED_UI_IMPORTS.has(spec)) problems.push(`${at(node)}: import from ${spec} (only react and @hubspot/ui-extensions)`);
      }
      if (ts.isJsxOpeningElement(node) || ts.isJsxSelfClosingElement(node)) {
        const tag = node.tagName.getText(source);
        if (/^[a-z]/.test(tag)) problems.push(`${at(node)}: DOM element <${tag}> (use @hubspot/ui-extensions components)`);
      }
      if (ts.isJsxAttribute(node) && node.name.getText(source) === 'style') problems.push(`${at(node)}: style attribute is not supported`);
      if (ts.isIdentifier(node) && (node.text === 'window' || node.text === 'document')) problems.push(`${at(node)}: ${node.text} is not available in UI extensions`);
      if (ts.isCallExpression(node)) {
        const callee = node.expression.getText(source);
        if (callee === 'fetch') problems.push(`${at(node)}: global fetch (use hubspot.fetch through ${FETCH_MODULE})`);
        if (callee === 'hubspot.fetch' && rel !== FETCH_MODULE) problems.push(`${at(node)}: hubspot.fetch outside ${FETCH_MODULE}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return problems;
}

export function checkFetchUrls(manifest: Manifest): string[] {
  const covered = (url: string) => manifest.permittedUrls.fetch.some((p) => url === p || url.startsWith(p.replace(/\/?$/, '/')));
  const problems: string[] = [];
  if (!covered(manifest.backendBaseUrl)) problems.push(`backendBaseUrl ${manifest.backendBaseUrl} is not covered by permittedUrls.fetch`);
  for (const u of manifest.permittedUrls.fetch) {
    if (/localhost|127\.0\.0\.1/.test(u)) problems.push(`permittedUrls.fetch ${u}: HubSpot refuses localhost`);
  }
  return problems;
}

/** Where each scope is exercised. A scope with no evidence in the code is one the marketplace will refuse. */
export const SCOPE_EVIDENCE: Record<string, { why: string; pattern: RegExp | 'manifest' }> = {
  oauth: { why: 'OAuth install flow', pattern: 'manifest' },
  'crm.objects.contacts.read': { why: 'read contacts to judge them', pattern: /\/crm\/(?:v3\/objects|objects\/2026-03)\/contacts|contacts\.(?:basicApi\.getById|batchApi\.read|searchApi\.doSearch)/ },
  'crm.objects.contacts.write': { why: 'write verdict properties, GDPR delete', pattern: /contacts\.(?:basicApi\.update|batchApi\.update|gdprApi)|gdpr-delete/ },
  'crm.schemas.contacts.write': { why: 'create the Prospect Guard property group and properties', pattern: /properties\.(?:coreApi|groupsApi|batchApi)\.create|\/crm\/v3\/properties\/contacts/ },
  'communication_preferences.read_write': { why: 'objections written to subscription status', pattern: /communication-preferences\/v[34]/ },
  automation: { why: 'custom workflow action and unenrol workflows (optional: tier-dependent)', pattern: /\/automation\/v4\/(?:actions|flows)|workflowActions/ },
  'automation.sequences.read': { why: 'read sequence enrolments (optional: tier-dependent)', pattern: /\/automation\/v4\/sequences/ },
};

/** Scopes an account has only on some tiers: required, they block the install on the others (HubSpot's scopes doc). */
export const TIER_DEPENDENT_SCOPES = new Set(['automation', 'automation.sequences.read', 'automation.sequences.enrollments.write']);

export function checkScopes(repoRoot: string, manifest: Manifest): string[] {
  const dirs = ['src', 'webhooks', 'ui-extensions/src'];
  const sources = dirs.flatMap((d) => listFiles(path.join(repoRoot, d), (f) => /\.(ts|tsx)$/.test(f)))
    .map((f) => readFileSync(f, 'utf8'));
  const problems: string[] = [];
  for (const scope of manifest.auth.requiredScopes) {
    if (TIER_DEPENDENT_SCOPES.has(scope)) problems.push(`scope ${scope} depends on the account's tier: make it optional, not required`);
  }
  for (const scope of [...manifest.auth.requiredScopes, ...manifest.auth.optionalScopes]) {
    const rule = SCOPE_EVIDENCE[scope];
    if (!rule) { problems.push(`scope ${scope}: no usage rule (add it to SCOPE_EVIDENCE or drop the scope)`); continue; }
    if (rule.pattern === 'manifest') continue;
    const pattern = rule.pattern;
    if (!sources.some((s) => pattern.test(s))) problems.push(`scope ${scope} (${rule.why}): no code uses it`);
  }
  return problems;
}

/**
 * HubSpot's own project parser (@hubspot/project-parsing-lib, what `hs project upload` runs): hsproject.json,
 * the platform version, every *-hsmeta.json turned into HubSpot's intermediate representation, each
 * component's type, uid and folder as HubSpot expects them. The parser's schema validation needs an account (it
 * downloads the component schemas), so it runs with skipValidation and this function applies the offline rules
 * the parser would (uid, config present, known type, folder), the same way its validation step does.
 */
export async function checkWithHubSpotParser(projectDir: string): Promise<string[]> {
  const problems: string[] = [];
  const hsproject = JSON.parse(readFileSync(path.join(projectDir, GENERATED.project), 'utf8')) as { srcDir?: string; platformVersion?: string };
  try {
    validateProjectConfig(hsproject, projectDir);
  } catch (e) {
    problems.push(`HubSpot parser: ${GENERATED.project}: ${(e as Error).message}`);
    return problems;
  }
  const platformVersion = String(hsproject.platformVersion);
  if (!isKnownPlatformVersion(platformVersion)) problems.push(`HubSpot parser: unknown platformVersion ${platformVersion}`);
  const srcDir = path.join(projectDir, hsproject.srcDir ?? 'src');
  let result: Awaited<ReturnType<typeof translate>>;
  try {
    result = await translate({ projectSourceDir: srcDir, platformVersion }, { skipValidation: true });
  } catch (e) {
    problems.push(`HubSpot parser: ${(e as Error).message}`);
    return problems;
  }
  for (const skipped of result.skippedHsMetaFiles) problems.push(`HubSpot parser: skipped ${skipped}`);
  const components = Components as Record<string, { dir: string; parentComponent?: string } | undefined>;
  for (const [uid, node] of Object.entries(result.intermediateRepresentation.intermediateNodesIndexedByUid)) {
    const file = node.metaFilePath ?? uid;
    const uidProblem = validateUid(uid);
    if (uidProblem) problems.push(`HubSpot parser: ${file}: ${uidProblem}`);
    if (!node.config) problems.push(`HubSpot parser: ${file}: no config block`);
    const type = mapToUserFacingType(node.componentType);
    const component = type ? components[type] : undefined;
    if (!component) { problems.push(`HubSpot parser: ${file}: unsupported component type ${node.componentType}`); continue; }
    const parent = component.parentComponent ? components[component.parentComponent]?.dir ?? '' : '';
    const expected = path.join(parent, component.dir);
    if (path.dirname(file) !== expected) problems.push(`HubSpot parser: ${file}: a ${type} belongs in ${expected}/`);
  }
  return problems;
}

export interface CheckOptions { scopes?: boolean }

export function checkAll(repoRoot: string, options: CheckOptions = {}): { problems: string[]; manifest: Manifest | null } {
  const raw = JSON.parse(readFileSync(path.join(repoRoot, 'app.json'), 'utf8')) as unknown;
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) {
    return { manifest: null, problems: parsed.error.issues.map((i) => `app.json ${i.path.join('.')}: ${i.message}`) };
  }
  const manifest = parsed.data;
  const projectDir = path.join(repoRoot, 'ui-extensions');
  const expected = generateProject(manifest);
  const problems = [
    ...checkDrift(projectDir, expected),
    ...checkHsmetaFiles(projectDir, expected),
    ...checkFetchUrls(manifest),
    ...checkUiSources(projectDir),
    ...(options.scopes === false ? [] : checkScopes(repoRoot, manifest)),
  ];
  return { manifest, problems };
}

async function main(argv: string[]): Promise<number> {
  const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
  if (argv.includes('--write')) {
    const raw = JSON.parse(readFileSync(path.join(repoRoot, 'app.json'), 'utf8')) as unknown;
    const manifest = ManifestSchema.parse(raw);
    const written = writeProject(path.join(repoRoot, 'ui-extensions'), generateProject(manifest));
    console.log(written.length ? `wrote ${written.join(', ')}` : 'generated files already up to date');
  }
  const { problems } = checkAll(repoRoot, { scopes: !argv.includes('--no-scopes') });
  problems.push(...await checkWithHubSpotParser(path.join(repoRoot, 'ui-extensions')));
  if (problems.length === 0) {
    console.log('HubSpot project OK: HubSpot\'s parser accepts it, generated files in sync, hsmeta shapes valid, UI code sandbox-safe, scopes used');
    return 0;
  }
  for (const p of problems) console.error(`- ${p}`);
  console.error(`${problems.length} problem(s) in the HubSpot project`);
  return 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
