// Shared helpers of the audit tests: run the real CLI as a child process, collect a library stream.
import { execFile } from 'node:child_process';
import { Readable } from 'node:stream';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { auditStream } from '../../src/audit/audit-stream.ts';
import type { AuditOptions, AuditRecord } from '../../src/audit/audit-stream.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = join(ROOT, 'test', 'audit', 'fixtures');
/** Copy of ../shared/contracts/audit-example.jsonl (the contract's example input), kept in the repo for CI. */
export const CONTRACT_EXAMPLE = join(FIXTURES, 'audit-example.jsonl');
export const AT = new Date('2026-11-23T00:00:00Z');

export interface CliRun { code: number; stdout: string; stderr: string }

export function runCli(args: string[], options: { input?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [join(ROOT, 'src', 'cli.ts'), ...args],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, LOG_LEVEL: 'silent' } },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(error);
          return;
        }
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

export async function collect(text: string, options: Partial<AuditOptions> = {}): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for await (const record of auditStream(Readable.from([text]), {
    input: 'jsonl', at: AT, jurisdiction: 'FR', targetRoles: [], ...options,
  })) out.push(record);
  return out;
}

/** Runs `prospect-guard audit` in this process (no child: faster), collecting both streams. */
export async function runAudit(args: string[], options: { stdin?: string } = {}): Promise<CliRun> {
  const { PassThrough } = await import('node:stream');
  const { runAuditCommand } = await import('../../src/audit/command.ts');
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => { out += c.toString(); });
  stderr.on('data', (c: Buffer) => { err += c.toString(); });
  const stdin = Readable.from(options.stdin === undefined ? [] : [options.stdin]);
  const code = await runAuditCommand(args, { stdin, stdout, stderr, now: () => AT });
  return { code, stdout: out, stderr: err };
}

/** The jsonl results of a run, parsed. */
export function jsonlResults(stdout: string): Record<string, unknown>[] {
  return stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}
