// CI smoke run of benchmark sections owned here: they run in --quick mode and emit their JSON, and every metric
// a section declares a target on is present as a number (unless the section reports itself skipped for a
// missing service). Never asserts timings: speed is for `npm run bench`. PROOF_BENCH_SECTIONS widens the set
// (e.g. "scaling,pipeline-intake"); the default keeps this file to seconds on two cores.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeWithServices } from '../support/services.ts';
import { loadSections } from '../../bench/run.ts';

const ROOT = path.resolve('.');

describeWithServices('bench --quick: scaling (and any section named in PROOF_BENCH_SECTIONS)', { postgres: true, redis: true }, () => {
  it('runs the sections and reports each targeted metric', async () => {
    const wanted = (process.env.PROOF_BENCH_SECTIONS ?? 'scaling').split(',').map((x) => x.trim());
    const sections = (await loadSections()).filter((s) => wanted.includes(s.name));
    expect(sections.map((s) => s.name)).toContain('scaling');
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(path.join(ROOT, 'node_modules/.bin/node'), [path.join(ROOT, 'bench', 'run.ts'), '--quick', '--json', '--only', sections.map((s) => s.name).join(',')],
        { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, LOG_LEVEL: 'silent' }, timeout: 200_000, killSignal: 'SIGKILL' },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err.slice(-4000)}`)) : resolve(out)));
    });
    // Tolerate stray log lines before the document: the JSON report is the last top-level object.
    const report = JSON.parse(stdout.slice(stdout.lastIndexOf('\n{\n') + 1)) as { quick: boolean; failures: Record<string, string>; sections: Record<string, Record<string, unknown>> };
    expect(report.quick).toBe(true);
    expect(report.failures).toEqual({});
    for (const s of sections) {
      const r = report.sections[s.name];
      expect(r, s.name).toBeDefined();
      if (r && typeof r.skipped === 'string') continue;
      for (const t of s.targets ?? []) expect(r?.[t.metric], `${s.name}.${t.metric}`).toEqual(expect.any(Number));
    }
    const scaling = report.sections.scaling ?? {};
    expect(scaling).toEqual(expect.objectContaining({ eventsPerSecond_1w: expect.any(Number), eventsPerSecond_2w: expect.any(Number), speedup_2w: expect.any(Number) }));
  }, 240_000);
});

describe('benchmark sections the issue asks for', () => {
  it('exist and declare targets on the issue\'s figures (intake, acknowledgement, event-to-tag, API calls, backfill floor)', async () => {
    const sections = new Map((await loadSections()).map((s) => [s.name, s]));
    const targeted = (name: string, pattern: RegExp) => (sections.get(name)?.targets ?? []).some((t) => pattern.test(t.metric));
    expect(targeted('pipeline-intake', /^eventsPerSecond/)).toBe(true);
    expect(targeted('pipeline-intake', /^ackP99/)).toBe(true);
    expect(targeted('pipeline-latency', /^latencyP95/)).toBe(true);
    expect(targeted('pipeline-latency', /^callsPerEvent/)).toBe(true);
    expect(targeted('pipeline-backfill', /^callsPerContact/)).toBe(true);
    expect(targeted('pipeline-backfill', /^timeOverFloor/)).toBe(true);
    expect(targeted('engine', /^evaluationsPerSecond/)).toBe(true);
    expect(sections.has('scaling')).toBe(true);
  });
});
