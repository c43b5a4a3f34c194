// Starting and killing worker processes (support/worker-process.ts) from a proof suite: the child runs the app's
// pipeline against the suite's Redis and PostgreSQL schema, reports "ready" and then its judgement count.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { CLIENT_ID, CLIENT_SECRET, type ProofDb, type Stack } from './stack.ts';

const NODE = path.resolve('node_modules/.bin/node');
const WORKER = path.resolve('test/proof/support/worker-process.ts');

export interface WorkerProcess { child: ChildProcess; judged: number; exited: Promise<number | null> }

export interface WorkerOptions {
  redisUrl: string;
  /** Reconciliation sweep period in the worker (default: the app's, 10 minutes). */
  reconcileMs?: number;
}

export async function startWorker(s: Stack, db: ProofDb, options: WorkerOptions): Promise<WorkerProcess> {
  const child = spawn(NODE, [WORKER], {
    env: {
      ...process.env, PROOF_DB_URL: db.url, PROOF_SCHEMA: db.schema, PROOF_PUBLIC_URL: s.baseUrl, PROOF_HUBSPOT_URL: s.standIn.url,
      PROOF_CLIENT_ID: CLIENT_ID, PROOF_CLIENT_SECRET: CLIENT_SECRET, PROOF_APP_ID: String(s.standIn.appId),
      PROOF_TOKEN_KEY: s.tokenKey, PROOF_REDIS_URL: options.redisUrl, PROOF_PREFIX: s.keyPrefix,
      ...(options.reconcileMs !== undefined ? { PROOF_RECONCILE_MS: String(options.reconcileMs) } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const w: WorkerProcess = { child, judged: 0, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  let buffer = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') resolve();
        else if (line.startsWith('{')) w.judged = (JSON.parse(line) as { judged: number }).judged;
      }
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before ready: ${stderr.slice(-2000)}`)));
  });
  await ready;
  return w;
}

export function isRunning(w: WorkerProcess): boolean {
  return w.child.exitCode === null && w.child.signalCode === null;
}

/** SIGTERM and wait (the graceful stop), for cleanup. */
export async function stopWorker(w: WorkerProcess): Promise<void> {
  if (isRunning(w)) { w.child.kill('SIGTERM'); await w.exited; }
}
