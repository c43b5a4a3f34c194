// A Redis server of our own for fault tests: the machine's shared Redis (6379) is never stopped. Started in a temp
// directory on a free port; `stop()` kills it (SIGKILL: an abrupt loss, not a polite shutdown), `start()` brings
// it back on the same port. With `persist: true` it runs with an append-only file fsynced on every write, the
// way a production Redis behind BullMQ must run, so a restart keeps what was acknowledged before the crash.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(300, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface PrivateRedis {
  url: string;
  port: number;
  start(): Promise<void>;
  /** Kills the server (SIGKILL) and waits until the port refuses connections. */
  stop(): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. `resume()` thaws it. */
  pause(): void;
  resume(): void;
  /** Stops it for good and removes its directory. */
  dispose(): Promise<void>;
}

export async function startPrivateRedis(options: { persist?: boolean } = {}): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-proof-redis-'));
  let child: ChildProcess | null = null;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--protected-mode', 'no',
    ...(options.persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'])];

  async function start(): Promise<void> {
    if (child) return;
    const c = spawn('redis-server', args, { stdio: 'ignore' });
    child = c;
    c.once('exit', () => { if (child === c) child = null; });
    const until = Date.now() + 10_000;
    while (!(await canConnect(port))) {
      if (Date.now() > until) throw new Error(`private redis-server on ${port} did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function stop(): Promise<void> {
    const c = child;
    if (!c) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill('SIGKILL');
    await exited;
    child = null;
    while (await canConnect(port)) await new Promise((r) => setTimeout(r, 20));
  }

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    pause() { child?.kill('SIGSTOP'); },
    resume() { child?.kill('SIGCONT'); },
    async dispose() {
      child?.kill('SIGCONT');
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
