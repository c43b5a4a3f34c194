// The real `prospect-guard` entry point, run as a child process.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTRACT_EXAMPLE, FIXTURES, runCli } from './helpers.ts';

describe('prospect-guard CLI', () => {
  it('prints the command list with --help (exit 0) and fails on no or unknown command (exit 2)', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^\s+audit\s+judge every contact/m);
    expect((await runCli([])).code).toBe(2);
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });

  it('exits 2 with a clear message on a usage error', async () => {
    const missing = await runCli(['audit', join(FIXTURES, 'nope.jsonl')]);
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toContain('cannot read');
    const badFormat = await runCli(['audit', CONTRACT_EXAMPLE, '--format', 'xml']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('--format must be table, jsonl or csv');
    expect((await runCli(['audit', CONTRACT_EXAMPLE, '--at', 'tomorrow'])).code).toBe(2);
  });

  it('--format jsonl: stdout holds exactly one result per line, in input order; the summary goes to stderr', async () => {
    const run = await runCli(['audit', CONTRACT_EXAMPLE, '--at', '2026-11-23', '--format', 'jsonl']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines.pop()).toBe('');
    const ids = lines.map((l) => (JSON.parse(l) as { id: string }).id);
    const inputIds = readFileSync(CONTRACT_EXAMPLE, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids).toEqual(inputIds);
    expect(run.stderr).toContain('5 contacts, 5 evaluated');
  });

  it('exits 1 when lines were rejected, still printing a result for every line', async () => {
    const run = await runCli(['audit', join(FIXTURES, 'malformed.jsonl'), '--at', '2026-11-23', '--format', 'jsonl', '--quiet']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    const results = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { line?: number; error?: string });
    expect(results).toHaveLength(8);
    expect(results.filter((r) => r.error).map((r) => r.line)).toEqual([2, 3, 4, 6, 7, 8]);
  });

  it('reads CSV from standard input with --input csv', async () => {
    const csv = 'id,email,source.kind,source.collectedAt\ns-1,contact@acme.fr,web_form,2026-01-01\n';
    const run = await runCli(['audit', '-', '--input', 'csv', '--format', 'csv', '--at', '2026-11-23', '--quiet'], { input: csv });
    expect(run.code).toBe(0);
    const [header, row] = run.stdout.trim().split('\n');
    expect(header?.startsWith('line,id,status,audience')).toBe(true);
    expect(row?.startsWith('2,s-1,')).toBe(true);
  });

  it('prints the table and the summary by default', async () => {
    const run = await runCli(['audit', join('samples', 'contacts-sample.jsonl'), '--at', '2026-11-23', '--limit', '10']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('… 290 more rows not shown');
    expect(run.stdout).toContain('SUMMARY of contacts-sample.jsonl');
    expect(run.stdout).toMatch(/Delete now \(retention over\): \d+ contacts/);
  });
});

describe('progress on a terminal', () => {
  it('rewrites one stderr line while records flow and clears it at the end, passing every record through', async () => {
    const { withProgress } = await import('../../src/audit/command.ts');
    const { PassThrough } = await import('node:stream');
    const stderr = new PassThrough();
    let written = '';
    stderr.on('data', (chunk: Buffer) => { written += chunk.toString(); });
    let clock = 0;
    async function* records() {
      for (let i = 1; i <= 5; i += 1) yield { line: i, error: { id: `r-${i}`, line: i, error: 'x' } };
    }
    const seen: number[] = [];
    for await (const r of withProgress(records(), stderr, { everyRecords: 2, everyMs: 0, now: () => (clock += 100) })) seen.push(r.line);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(written).toContain('\r\x1b[KAuditing… 2 contacts');
    expect(written).toContain('\r\x1b[KAuditing… 4 contacts');
    expect(written.endsWith('\r\x1b[K')).toBe(true);
  });

  it('off a terminal: a plain line every few seconds with the share done and the time left, nothing to clear', async () => {
    const { withProgress } = await import('../../src/audit/command.ts');
    const { PassThrough } = await import('node:stream');
    const stderr = new PassThrough();
    let written = '';
    stderr.on('data', (chunk: Buffer) => { written += chunk.toString(); });
    let clock = 0;
    let bytes = 0;
    async function* records() {
      for (let i = 1; i <= 10; i += 1) {
        bytes += 100;
        yield { line: i, error: { id: `r-${i}`, line: i, error: 'x' } };
      }
    }
    for await (const _ of withProgress(records(), stderr, {
      tty: false, everyRecords: 1, logEveryMs: 5000, totalBytes: 1000, bytesRead: () => bytes, now: () => (clock += 1000),
    })) { /* drain */ }
    const lines = written.split('\n').filter(Boolean);
    // One line per 5 s of the fake clock (1 s per record): after records 5 and 10.
    expect(lines).toEqual([
      'Auditing… 50% · 5 contacts (1/s) · about 5 s left',
      'Auditing… 100% · 10 contacts (1/s) · about 0 s left',
    ]);
    expect(written).not.toContain('\r');
  });
});
