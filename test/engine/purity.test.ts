// The engine imports nothing from HTTP, HubSpot, queues or storage, and never reads the clock.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', 'src', 'engine');
const ALLOWED_PACKAGES = new Set(['zod', 'libphonenumber-js/max', 'date-holidays', 'node:fs', 'node:module']);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

describe('engine purity', () => {
  const sources = files(root).map((f) => ({ file: relative(root, f), text: readFileSync(f, 'utf8') }));

  it('imports only its own files and the allowed libraries', () => {
    for (const { file, text } of sources) {
      for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)) {
        const spec = m[1]!;
        if (spec.startsWith('./') || spec.startsWith('../')) {
          expect(spec.startsWith('../../'), `${file} reaches outside src/engine: ${spec}`).toBe(false);
        } else {
          expect(ALLOWED_PACKAGES.has(spec), `${file} imports ${spec}`).toBe(true);
        }
      }
    }
  });

  it('only reads files to load the free-mail lists', () => {
    for (const { file, text } of sources) {
      if (text.includes("from 'node:fs'")) expect(file).toBe('freemail-domains.ts');
    }
  });

  it('never reads the clock', () => {
    for (const { file, text } of sources) {
      expect(text, file).not.toMatch(/Date\.now\(|new Date\(\)|performance\.now\(/);
    }
  });
});
