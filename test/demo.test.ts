// `npm run demo -- --once` is the README's main job: it must run end to end on embedded defaults and say what it did.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

describe('npm run demo -- --once', () => {
  it('installs, backfills, judges live webhooks, blocks enrolled blocked contacts and exits 0', () => {
    const env = { ...process.env };
    delete env.REDIS_URL;
    delete env.DATABASE_URL;
    delete env.DATA_DIR;
    const run = spawnSync(process.execPath, ['scripts/demo.ts', '--once', '--contacts', '120'], {
      cwd: root, env, encoding: 'utf8', timeout: 120_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const out = run.stdout;
    expect(out).toContain('pglite, in-process queue');
    expect(out).toMatch(/Backfill: 120 contacts judged/);
    const judged = Number(/contacts judged:\s+(\d+)/.exec(out)?.[1]);
    expect(judged).toBe(140);
    const live = /(\d+) webhook events in \d+ signed deliveries, judged in \d+ ms with (\d+) API calls/.exec(out);
    const events = Number(live?.[1]);
    expect(events).toBeGreaterThan(50);
    // Coalesced: a handful of batch calls for the whole burst (one per event or two would be the naive cost).
    // How many batches the burst falls into depends on when the deliveries land against the coalescing window
    // (4 usually, 5 at times), so the bound is one call per 10 events, not an exact count.
    expect(Number(live?.[2])).toBeLessThanOrEqual(Math.ceil(events / 10));
    expect(out).toMatch(/3 enrolment\(s\) of blocked contacts detected .*acted on: 3 block\(s\) recorded in the ledger, 3 owner task\(s\) created/);
    expect(out).not.toMatch(/@[a-z0-9-]+\.[a-z]{2,}/i);
  }, 150_000);
});
