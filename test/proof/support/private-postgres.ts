// A PostgreSQL server of our own for the restart test (the machine's shared one on 5432 is never stopped):
// initdb in a temp directory, started on a free port with pg_ctl, stopped with `-m immediate` (a crash: no
// checkpoint, recovery from the WAL at the next start) and started again on the same port and data.
// Needs the server binaries (/usr/lib/postgresql/*/bin); as root it runs them as the `postgres` user.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { freePort } from './private-redis.ts';

function binDir(): string | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base).filter((v) => existsSync(path.join(base, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(base, versions[0], 'bin') : null;
}

const asRoot = userInfo().uid === 0;

/** Whether a private server can be started here (binaries present; a non-root user to run them as). */
export function privatePostgresAvailable(): boolean {
  if (!binDir()) return false;
  if (!asRoot) return true;
  try {
    execFileSync('id', ['postgres'], { stdio: 'ignore' });
    return existsSync('/usr/sbin/runuser') || existsSync('/sbin/runuser');
  } catch {
    return false;
  }
}

function run(bin: string, args: string[]): void {
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] as const : [bin, args] as const;
  execFileSync(cmd, argv, { stdio: 'pipe', timeout: 60_000 });
}

export interface PrivatePostgres {
  url: string;
  start(): void;
  /** Immediate shutdown: every connection drops, no checkpoint. */
  crash(): void;
  dispose(): void;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found');
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-proof-postgres-'));
  chmodSync(dir, 0o777);
  const data = path.join(dir, 'data');
  run(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const pgCtl = path.join(bin, 'pg_ctl');
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=60`;
  let running = false;
  const start = () => {
    if (running) return;
    run(pgCtl, ['-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-w', '-t', '30', 'start']);
    running = true;
  };
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    crash() {
      if (!running) return;
      run(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
      running = false;
    },
    dispose() {
      try { if (running) run(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']); } catch { /* already gone */ }
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
