// `npm run bench [-- --json] [--quick] [--only a,b] [--strict]`: runs every section in bench/sections/
// (alphabetical order), prints a table (or one JSON document with --json) and checks the targets.
// Exit code 1 when a section failed, or with --strict when a target was missed.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { BenchResult, BenchSection, BenchTarget } from './types.ts';

const here = dirname(fileURLToPath(import.meta.url));

export interface TargetCheck { section: string; metric: string; value: number | string | undefined; min?: number; max?: number; ok: boolean }

/**
 * Imports the section modules, alphabetically. With `only`, just the files named like the wanted sections are
 * imported (a section may pull heavy dependencies); a name matching no file makes it import them all and match
 * on the sections' own names.
 */
export async function loadSections(directory = join(here, 'sections'), only: string[] | null = null): Promise<BenchSection[]> {
  let files = (await readdir(directory)).filter((f) => f.endsWith('.ts')).sort();
  if (only && only.every((name) => files.includes(`${name}.ts`))) files = files.filter((f) => only.includes(f.slice(0, -3)));
  const sections: BenchSection[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(directory, file)).href)) as { default?: BenchSection };
    if (!mod.default || typeof mod.default.run !== 'function') throw new Error(`bench/sections/${file}: no default BenchSection export`);
    sections.push(mod.default);
  }
  return sections;
}

export function checkTargets(section: string, targets: BenchTarget[], result: BenchResult, quick: boolean): TargetCheck[] {
  return targets.filter((t) => !(quick && t.fullRunOnly)).map((t) => {
    const value = result[t.metric];
    const ok = typeof value === 'number' && (t.min === undefined || value >= t.min) && (t.max === undefined || value <= t.max);
    return { section, metric: t.metric, value, min: t.min, max: t.max, ok };
  });
}

function formatValue(value: number | string): string {
  if (typeof value === 'string') return value;
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

async function main(argv: string[]): Promise<number> {
  // Sections start the app in-process: its logs must not mix with the table or the --json document.
  process.env.LOG_LEVEL ??= 'error';
  const { values } = parseArgs({ args: argv, options: {
    json: { type: 'boolean', default: false }, quick: { type: 'boolean', default: false },
    only: { type: 'string' }, strict: { type: 'boolean', default: false },
  } });
  const wanted = values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : null;
  const all = await loadSections(undefined, wanted);
  const unknown = wanted?.filter((name) => !all.some((s) => s.name === name)) ?? [];
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown section(s) ${unknown.join(', ')}; known: ${all.map((s) => s.name).join(', ')}\n`);
    return 2;
  }
  const sections = wanted ? all.filter((s) => wanted.includes(s.name)) : all;
  const results: Record<string, BenchResult> = {};
  const failures: Record<string, string> = {};
  const checks: TargetCheck[] = [];
  for (const section of sections) {
    const tmpDir = await mkdtemp(join(tmpdir(), `pg-bench-${section.name}-`));
    const log = (message: string): void => { process.stderr.write(`[${section.name}] ${message}\n`); };
    try {
      log(section.description);
      results[section.name] = await section.run({ quick: values.quick, tmpDir, log });
      checks.push(...checkTargets(section.name, section.targets ?? [], results[section.name] as BenchResult, values.quick));
    } catch (error) {
      failures[section.name] = (error as Error).stack ?? String(error);
      log(`FAILED: ${(error as Error).message}`);
    } finally {
      await rm(tmpDir, { recursive: true, force: true });
    }
  }
  const ok = Object.keys(failures).length === 0 && checks.every((c) => c.ok);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({
      generatedAt: new Date().toISOString(), node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null,
      quick: values.quick, sections: results, failures, targets: checks, ok,
    }, null, 2)}\n`);
  } else {
    const rows: string[][] = [['section', 'metric', 'value', 'target']];
    for (const [name, result] of Object.entries(results)) {
      for (const [metric, value] of Object.entries(result)) {
        const check = checks.find((c) => c.section === name && c.metric === metric);
        const target = check ? `${check.min !== undefined ? `>= ${formatValue(check.min)}` : `<= ${formatValue(check.max ?? 0)}`} ${check.ok ? 'ok' : 'MISSED'}` : '';
        rows.push([name, metric, formatValue(value), target]);
      }
    }
    for (const name of Object.keys(failures)) rows.push([name, 'FAILED', '(see stderr)', '']);
    const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
    const lines = rows.map((r) => r.map((cell, i) => (i === 2 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
    lines.splice(1, 0, '-'.repeat(lines[0]?.length ?? 10));
    process.stdout.write(`${lines.join('\n')}\n${values.quick ? '(quick run: sizes too small for the targets to mean anything)\n' : ''}`);
  }
  if (Object.keys(failures).length > 0) return 1;
  return values.strict && !ok ? 1 : 0;
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
