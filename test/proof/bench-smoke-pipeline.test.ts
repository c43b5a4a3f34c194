// CI smoke run of the pipeline benchmark sections (owned by the pipeline part; the audit suite covers engine and
// audit, bench-smoke.test.ts covers scaling): each runs in --quick mode, emits its JSON, reports every metric it
// declares a target on, and its naive baseline beside it. Never asserts timings. About 50 s on two cores.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { describeWithServices } from '../support/services.ts';
import { loadSections } from '../../bench/run.ts';

const ROOT = path.resolve('.');

describeWithServices('bench --quick: pipeline sections', { postgres: true, redis: true }, () => {
  it('pipeline-intake, pipeline-latency and pipeline-backfill run and report their targeted metrics and baselines', async () => {
    const sections = (await loadSections()).filter((s) => s.name.startsWith('pipeline'));
    expect(sections.map((s) => s.name)).toEqual(expect.arrayContaining(['pipeline-backfill', 'pipeline-intake', 'pipeline-latency']));
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(path.join(ROOT, 'node_modules/.bin/node'), [path.join(ROOT, 'bench', 'run.ts'), '--quick', '--json', '--only', sections.map((s) => s.name).join(',')],
        { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, LOG_LEVEL: 'silent' }, timeout: 240_000, killSignal: 'SIGKILL' },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err.slice(-4000)}`)) : resolve(out)));
    });
    // Sections may log before the document: the JSON report is the last top-level object.
    const report = JSON.parse(stdout.startsWith('{\n') ? stdout : stdout.slice(stdout.lastIndexOf('\n{\n') + 1)) as {
      quick: boolean; failures: Record<string, string>; sections: Record<string, Record<string, unknown>>;
    };
    expect(report.quick).toBe(true);
    expect(report.failures).toEqual({});
    for (const s of sections) {
      const r = report.sections[s.name] ?? {};
      for (const t of s.targets ?? []) expect(r[t.metric], `${s.name}.${t.metric}`).toEqual(expect.any(Number));
      // The naive baseline is measured in the same run, beside each figure.
      expect(Object.keys(r).some((k) => k.startsWith('naive')), `${s.name} has a naive baseline`).toBe(true);
    }
  }, 300_000);
});
