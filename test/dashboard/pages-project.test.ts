// The app pages component in the HubSpot project: generated from app.json in HubSpot's documented shape, and
// accepted by `npm run hubspot:check` only in that shape (a stray key, another type or an entrypoint outside
// src/app/pages/ is refused).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManifestSchema, PagesHsmetaSchema, checkAll, checkHsmetaFiles, checkUiSources, generateProject } from '../../scripts/hubspot-check.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const manifest = ManifestSchema.parse(JSON.parse(readFileSync(path.join(ROOT, 'app.json'), 'utf8')));
const temps: string[] = [];
afterAll(() => { for (const t of temps) rmSync(t, { recursive: true, force: true }); });

describe('app pages component', () => {
  it('is generated as {uid, type: "pages", config: {entrypoint}} in src/app/pages/ and the committed project passes the check', () => {
    const files = generateProject(manifest);
    expect(JSON.parse(files.get('src/app/pages/pages-hsmeta.json') ?? 'null')).toEqual({
      uid: 'prospect_guard_pages', type: 'pages', config: { entrypoint: '/app/pages/Pages.tsx' },
    });
    expect(checkAll(ROOT).problems).toEqual([]);
  });

  it('refuses another shape', () => {
    const good = { uid: 'prospect_guard_pages', type: 'pages', config: { entrypoint: '/app/pages/Pages.tsx' } };
    expect(PagesHsmetaSchema.safeParse(good).success).toBe(true);
    expect(PagesHsmetaSchema.safeParse({ ...good, type: 'page' }).success).toBe(false);
    expect(PagesHsmetaSchema.safeParse({ ...good, config: { ...good.config, location: 'home' } }).success).toBe(false);
    expect(PagesHsmetaSchema.safeParse({ ...good, config: { entrypoint: '/app/cards/Pages.tsx' } }).success).toBe(false);
  });

  it('flags a hand-edited pages hsmeta and an import outside the allowed packages in the pages code', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pg-pages-'));
    temps.push(dir);
    cpSync(path.join(ROOT, 'ui-extensions'), path.join(dir, 'ui-extensions'), { recursive: true });
    const project = path.join(dir, 'ui-extensions');
    writeFileSync(path.join(project, 'src/app/pages/pages-hsmeta.json'), JSON.stringify({ uid: 'prospect_guard_pages', type: 'pages', config: { entrypoint: '/app/pages/Missing.tsx' } }));
    expect(checkHsmetaFiles(project, generateProject(manifest)).join('\n')).toContain('entrypoint /app/pages/Missing.tsx does not exist');
    writeFileSync(path.join(project, 'src/app/pages/components/Bad.tsx'), "import { Chart } from 'chart.js';\nexport const x = Chart;\n");
    expect(checkUiSources(project).join('\n')).toMatch(/pages\/components\/Bad\.tsx:1: import from chart\.js/);
  });
});
