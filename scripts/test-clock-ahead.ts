// `npm run test:clock-ahead`: the whole test suite with the wall clock a year ahead (PG_TEST_CLOCK_SKEW_DAYS,
// default 365), preloaded into vitest and every process it spawns. Every time-dependent test must carry an
// explicit clock; one that reads today's date where it assumes a fixed one fails here.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const preload = pathToFileURL(path.join(root, 'test', 'support', 'clock-skew.ts')).href;
const env = {
  ...process.env,
  PG_TEST_CLOCK_SKEW_DAYS: process.env.PG_TEST_CLOCK_SKEW_DAYS ?? '365',
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${preload}`.trim(),
};
const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const result = spawnSync(process.execPath, [vitest, 'run', ...process.argv.slice(2)], { stdio: 'inherit', env, cwd: root });
process.exitCode = result.status ?? 1;
