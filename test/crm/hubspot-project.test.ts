// The HubSpot developer project is derived from app.json and checked offline: these tests hold the generator and
// the checks to what they promise, and the committed project to app.json.
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ManifestSchema, checkAll, checkDrift, checkHsmetaFiles, checkScopes, checkUiSources, checkWithHubSpotParser, generateProject,
} from '../../scripts/hubspot-check.ts';
import { OUTPUT_FIELDS } from '../../src/workflow-action/definition.ts';
import { ELIGIBILITY_ACTION_PATH } from '../../src/workflow-action/eligibility-router.ts';
import type { CardView as BackendCardView, CardResponse as BackendCardResponse } from '../../src/card/card-view.ts';
import type { CardView as UiCardView, CardResponse as UiCardResponse, CrmSettings as UiSettings, SettingsResponse as UiSettingsResponse } from '../../ui-extensions/src/app/shared/types.ts';
import { JURISDICTIONS as BACKEND_JURISDICTIONS, type CrmSettings as BackendSettings } from '../../src/settings/settings-schema.ts';
import { JURISDICTIONS as UI_JURISDICTIONS } from '../../ui-extensions/src/app/shared/types.ts';
import { SUPPORTED_JURISDICTIONS } from '../../src/engine/index.ts';
import type { SettingsResponse as BackendSettingsResponse } from '../../src/settings/settings-router.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const manifest = ManifestSchema.parse(JSON.parse(readFileSync(path.join(ROOT, 'app.json'), 'utf8')));
const temps: string[] = [];
afterAll(() => { for (const t of temps) rmSync(t, { recursive: true, force: true }); });
function tempCopy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-hsproject-'));
  temps.push(dir);
  cpSync(path.join(ROOT, 'ui-extensions'), path.join(dir, 'ui-extensions'), { recursive: true });
  return path.join(dir, 'ui-extensions');
}
const json = (files: Map<string, string>, rel: string) => JSON.parse(files.get(rel) ?? 'null') as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('HubSpot project generated from app.json', () => {
  const files = generateProject(manifest);

  it('the committed project is in sync with app.json and passes every offline check but scope usage', () => {
    expect(checkAll(ROOT, { scopes: false }).problems).toEqual([]);
  });

  it('app-hsmeta carries the identity, exactly the scopes and the backend fetch URL of app.json', () => {
    const app = json(files, 'src/app/app-hsmeta.json');
    expect(app.uid).toBe(manifest.uid);
    expect(app.config.distribution).toBe('marketplace');
    expect(app.config.auth.requiredScopes).toEqual(manifest.auth.requiredScopes);
    expect(app.config.auth.redirectUrls).toEqual(manifest.auth.redirectUrls);
    expect(app.config.permittedUrls.fetch).toEqual([manifest.backendBaseUrl]);
    expect(json(files, 'hsproject.json')).toEqual({ name: 'prospect-guard', srcDir: 'src', platformVersion: '2026.03' });
  });

  it('webhooks-hsmeta subscribes to exactly what app.json lists', () => {
    const hooks = json(files, 'src/app/webhooks/webhooks-hsmeta.json');
    expect(hooks.config.settings.targetUrl).toBe(manifest.webhooks.targetUrl);
    expect(hooks.config.subscriptions).toEqual(manifest.webhooks.subscriptions);
  });

  it('the workflow action points at the backend route and declares the outputs the endpoint returns', () => {
    const action = json(files, 'src/app/workflow-actions/check-prospecting-eligibility-hsmeta.json');
    expect(action.config.actionUrl).toBe(manifest.backendBaseUrl + ELIGIBILITY_ACTION_PATH);
    expect(action.config.objectTypes).toEqual(['CONTACT']);
    expect(action.config.outputFields.map((f: { typeDefinition: { name: string } }) => f.typeDefinition.name)).toEqual([...OUTPUT_FIELDS]);
    expect(action.config.inputFields[0].typeDefinition.options.map((o: { value: string }) => o.value)).toContain('phone');
    expect(Object.keys(action.config.labels)).toEqual(['en', 'fr']);
  });

  it('the card sits in the contact sidebar and the settings page has its entrypoint', () => {
    const card = json(files, 'src/app/cards/prospect-guard-contact-card-hsmeta.json');
    expect(card.config).toMatchObject({ location: 'crm.record.sidebar', objectTypes: ['contacts'], entrypoint: '/app/cards/ComplianceCard.tsx' });
    expect(json(files, 'src/app/settings/settings-hsmeta.json').type).toBe('settings');
  });

  it('detects a hand edit (drift), a stray hsmeta file and a missing entrypoint', () => {
    const dir = tempCopy();
    const hooks = path.join(dir, 'src/app/webhooks/webhooks-hsmeta.json');
    writeFileSync(hooks, readFileSync(hooks, 'utf8').replace('"maxConcurrentRequests": 10', '"maxConcurrentRequests": 5'));
    writeFileSync(path.join(dir, 'src/app/cards/extra-hsmeta.json'), JSON.stringify({ uid: 'prospect_guard_contact_card', type: 'card', config: { name: 'x', location: 'crm.record.tab', entrypoint: '/app/cards/Nope.tsx', objectTypes: ['contacts'] } }));
    const problems = [...checkDrift(dir, files), ...checkHsmetaFiles(dir, files)];
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringContaining('webhooks-hsmeta.json: differs from app.json'),
      expect.stringContaining('extra-hsmeta.json: not generated from app.json'),
      expect.stringContaining('uid prospect_guard_contact_card already used'),
      expect.stringContaining('entrypoint /app/cards/Nope.tsx does not exist'),
    ]));
  });

  it('rejects an hsmeta file of the wrong shape', () => {
    const dir = tempCopy();
    const rel = 'src/app/settings/settings-hsmeta.json';
    writeFileSync(path.join(dir, rel), JSON.stringify({ uid: 'prospect_guard_settings', type: 'settings', config: { entrypoint: '/app/settings/SettingsPage.tsx', colour: 'red' } }));
    const problems = checkHsmetaFiles(dir, files);
    expect(problems.some((p) => p.startsWith(rel) && p.includes('colour'))).toBe(true);
  });

  it('refuses UI code that would not run in the HubSpot sandbox', () => {
    const dir = tempCopy();
    mkdirSync(path.join(dir, 'src/app/cards/bad'), { recursive: true });
    writeFileSync(path.join(dir, 'src/app/cards/bad/Bad.tsx'), [
      "import _ from 'lodash';",
      "import { hubspot } from '@hubspot/ui-extensions';",
      'export function Bad() {',
      "  void fetch('https://evil.example');",
      "  void hubspot.fetch('https://api.prospect-guard.app/x');",
      "  const n = useState<boolean>(false);",
      "  return <div style={{ color: 'red' }}>{String(window)}{String(n)}</div>;",
      '}',
    ].join('\n'));
    const problems = checkUiSources(dir).filter((p) => p.includes('Bad.tsx'));
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringContaining('import from lodash'),
      expect.stringContaining('global fetch'),
      expect.stringContaining('hubspot.fetch outside'),
      expect.stringContaining('DOM element <div>'),
      expect.stringContaining('style attribute'),
      expect.stringContaining('window is not available'),
    ]));
    expect(problems.some((p) => p.includes('boolean'))).toBe(false);
    expect(checkUiSources(path.join(ROOT, 'ui-extensions'))).toEqual([]);
  });

  it('reports a scope no code uses and a scope it has no rule for', () => {
    const repo = mkdtempSync(path.join(tmpdir(), 'pg-scopes-'));
    temps.push(repo);
    mkdirSync(path.join(repo, 'src'), { recursive: true });
    writeFileSync(path.join(repo, 'src/read.ts'), "export const url = '/crm/v3/objects/contacts/batch/read';\n");
    const m = { ...manifest, auth: { ...manifest.auth, requiredScopes: ['oauth', 'crm.objects.contacts.read', 'tickets'], optionalScopes: ['automation.sequences.read'] } };
    expect(checkScopes(repo, m)).toEqual([
      'scope tickets: no usage rule (add it to SCOPE_EVIDENCE or drop the scope)',
      'scope automation.sequences.read (read sequence enrolments (optional: tier-dependent)): no code uses it',
    ]);
  });

  it('refuses a tier-dependent scope among the required ones (it would block installs on lower tiers)', () => {
    const m = { ...manifest, auth: { ...manifest.auth, requiredScopes: [...manifest.auth.requiredScopes, 'automation'], optionalScopes: ['automation.sequences.read'] } };
    expect(checkScopes(ROOT, m)).toEqual(['scope automation depends on the account\'s tier: make it optional, not required']);
  });
});

describe("HubSpot's own project parser (@hubspot/project-parsing-lib)", () => {
  it('accepts the project as generated, settings without the extra name as in HubSpot\'s template', async () => {
    expect(await checkWithHubSpotParser(path.join(ROOT, 'ui-extensions'))).toEqual([]);
    const settings = JSON.parse(readFileSync(path.join(ROOT, 'ui-extensions/src/app/settings/settings-hsmeta.json'), 'utf8')) as { config: Record<string, unknown> };
    expect(Object.keys(settings.config)).toEqual(['entrypoint']);
  });

  it('reports a component in the wrong folder, a bad uid, and an unknown platform version', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pg-parser-'));
    temps.push(dir);
    cpSync(path.join(ROOT, 'ui-extensions'), dir, { recursive: true, filter: (f) => !f.includes('node_modules') });
    const card = path.join(dir, 'src/app/cards/prospect-guard-contact-card-hsmeta.json');
    const doc = JSON.parse(readFileSync(card, 'utf8')) as { uid: string };
    rmSync(card);
    writeFileSync(path.join(dir, 'src/app/settings/misplaced-card-hsmeta.json'), JSON.stringify({ ...doc, uid: 'Bad UID!' }));
    const problems = await checkWithHubSpotParser(dir);
    expect(problems.some((p) => /misplaced-card-hsmeta\.json: a card belongs in app\/cards\//.test(p))).toBe(true);
    expect(problems.some((p) => /misplaced-card-hsmeta\.json: .*(uid|UID)/.test(p))).toBe(true);
    writeFileSync(path.join(dir, 'hsproject.json'), JSON.stringify({ name: 'x', srcDir: 'src', platformVersion: '2019.01' }));
    expect((await checkWithHubSpotParser(dir)).join('\n')).toMatch(/2019\.01/);
  });
});

describe('backend and UI agree on the payloads (checked by the compiler)', () => {
  it('offers exactly the jurisdictions the engine has rule packs for, on both sides', () => {
    expect([...BACKEND_JURISDICTIONS].sort()).toEqual([...SUPPORTED_JURISDICTIONS].sort());
    expect([...UI_JURISDICTIONS].sort()).toEqual([...SUPPORTED_JURISDICTIONS].sort());
  });

  it('every backend card and settings response is a valid UI value', () => {
    const card = (v: BackendCardView): UiCardView => v;
    const response = (v: BackendCardResponse): UiCardResponse => v;
    const settings = (v: BackendSettings): UiSettings => v;
    const settingsBack = (v: UiSettings): BackendSettings => v;
    const page = (v: BackendSettingsResponse): UiSettingsResponse => v;
    expect([card, response, settings, settingsBack, page].every((f) => typeof f === 'function')).toBe(true);
  });
});
