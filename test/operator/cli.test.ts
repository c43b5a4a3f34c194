// The command line as an operator meets it: `--help` on every command prints usage and starts nothing, an old
// Node gets a plain message, ./.env is read (the real environment winning).
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli.ts';
import { loadEnvFileIfPresent } from '../../src/env-file.ts';
import { freePort } from '../proof/support/private-redis.ts';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin', 'prospect-guard.js');
const dirs: string[] = [];
const tempDir = () => { const d = mkdtempSync(path.join(tmpdir(), 'pg-cli-')); dirs.push(d); return d; };
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}


describe('prospect-guard <command> --help', () => {
  it.each(COMMANDS.map((c) => [c.words.join(' ')]))('%s --help prints its usage and starts nothing', async (words) => {
    const cwd = tempDir();
    const port = await freePort();
    for (const flag of ['--help', '-h']) {
      const r = spawnSync(process.execPath, [bin, ...words.split(' '), flag], {
        cwd, encoding: 'utf8', timeout: 20_000,
        env: { ...process.env, DATA_DIR: path.join(cwd, 'data'), PORT: String(port), DATABASE_URL: '', REDIS_URL: '', NODE_ENV: 'development' },
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/usage/i);
      expect(r.stdout).toContain(words);
    }
    expect(readdirSync(cwd)).toEqual([]); // no data directory, no key file, no database
    expect(await portFree(port)).toBe(true);
  }, 60_000);

  it('the top-level help lists every command', () => {
    const out = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    for (const c of COMMANDS) expect(out).toContain(c.words.join(' '));
  });
});

describe('an older Node', () => {
  // The machine's own node, if it is older than 24 (it is on these machines); none found: nothing to show.
  const systemNode = ['/usr/local/bin/node', '/usr/bin/node'].find((p) => existsSync(p)
    && Number(spawnSync(p, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).stdout.trim()) < 24);
  it.skipIf(!systemNode)('is told that Node 24 is needed and how to get it, not a loader error', () => {
    const env = { ...process.env };
    delete env.NODE_OPTIONS; // the clock-ahead run preloads a .ts file that an old Node cannot read
    const r = spawnSync(systemNode ?? 'node', [bin, 'audit', '--help'], { encoding: 'utf8', timeout: 20_000, env });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/needs Node\.js 24 or later; this is Node\.js \d+\./);
    expect(r.stderr).toMatch(/npx prospect-guard/);
    expect(r.stderr).not.toMatch(/TypeError|ERR_UNKNOWN_FILE_EXTENSION/);
  });
});

describe('.env', () => {
  it('is loaded when present, and the real environment wins over it', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, '.env'), 'PG_ENV_TEST_A=from-file\nPG_ENV_TEST_B="from file"\n');
    const env = process.env;
    env.PG_ENV_TEST_A = 'from-environment';
    try {
      expect(loadEnvFileIfPresent(env, dir)).toBe(path.join(dir, '.env'));
      expect(env.PG_ENV_TEST_A).toBe('from-environment');
      expect(env.PG_ENV_TEST_B).toBe('from file');
    } finally {
      delete env.PG_ENV_TEST_A;
      delete env.PG_ENV_TEST_B;
    }
    expect(loadEnvFileIfPresent({}, tempDir())).toBeNull();
    expect(() => loadEnvFileIfPresent({ PROSPECT_GUARD_ENV_FILE: 'nope.env' }, dir)).toThrow(/PROSPECT_GUARD_ENV_FILE/);
  });

  it('configures the command line: a bad value in ./.env stops serve with the variable named', () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, '.env'), 'PORT=not-a-port\n');
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development' };
    delete env.PORT;
    const r = spawnSync(process.execPath, [bin, 'serve'], { cwd, encoding: 'utf8', timeout: 20_000, env });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/PORT: must be a port number/);
  });
});
