// CI smoke run of the benchmark: the machinery works and emits its JSON. Never asserts timings.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.ts';

describe('npm run bench -- --quick --json', () => {
  it('runs the engine and audit sections and prints one JSON document with their metrics', async () => {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [join(ROOT, 'bench', 'run.ts'), '--quick', '--json', '--only', 'engine,audit'],
        { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }, (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)));
    });
    const report = JSON.parse(stdout) as { quick: boolean; failures: object; sections: Record<string, Record<string, unknown>> };
    expect(report.quick).toBe(true);
    expect(report.failures).toEqual({});
    expect(Object.keys(report.sections).sort()).toEqual(['audit', 'engine']);
    expect(report.sections.engine).toEqual(expect.objectContaining({
      evaluationsPerSecond: expect.any(Number), parsesPerSecond: expect.any(Number) }));
    expect(report.sections.audit).toEqual(expect.objectContaining({
      lines: 20_000, jsonlSeconds: expect.any(Number), jsonlSecondsBefore: 50, jsonlPeakRssMb: expect.any(Number),
      tableSeconds: expect.any(Number), tablePeakRssMb: expect.any(Number), fieldsJsonlSeconds: expect.any(Number),
      distinctJsonlSeconds: expect.any(Number), distinctJsonlPeakRssMb: expect.any(Number) }));
    // --fields id,line,status,usableChannels writes a small fraction of a full verdict.
    const audit = report.sections.audit as Record<string, number>;
    expect(audit.fieldsJsonlBytesPerContact).toBeLessThan((audit.jsonlBytesPerContact ?? 0) / 10);
  }, 300_000);
});
