// The `audit` command end to end on a generated file: 1,000,000 JSON lines (20,000 with --quick) audited by
// the real CLI in a child process (`--format jsonl`, every verdict serialised and read back), timing the wall
// clock, the CPU time (user + system: the figure that stays meaningful on a shared, loaded machine) and the
// child's peak resident memory (GNU time's max RSS, else VmHWM polled from /proc).
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateContacts } from '../../scripts/generate-sample.ts';
import type { BenchSection } from '../types.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Writes `lines` contacts, cycling through a pool of generated ones with fresh ids; returns the byte size. */
export async function writeAuditFile(path: string, lines: number, seed = 777): Promise<number> {
  const pool = generateContacts(5000, seed).map((c) => {
    const { id: _id, ...rest } = c;
    return JSON.stringify(rest).slice(1);
  });
  const out = createWriteStream(path);
  let chunk = '';
  for (let i = 0; i < lines; i += 1) {
    const restOfObject = pool[i % pool.length] as string;
    chunk += `{"id":"b-${i + 1}"${restOfObject === '}' ? '' : ','}${restOfObject}\n`;
    if (chunk.length >= 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return (await stat(path)).size;
}

export interface ChildRun { seconds: number; cpuSeconds: number | null; peakRssMb: number; exitCode: number | null; outputLines: number; outputBytes: number; stderr: string }

/** Runs the CLI on `file` and measures it. */
export async function runAuditChild(file: string, args: string[], timeFile: string): Promise<ChildRun> {
  const node = process.execPath;
  const cli = [join(root, 'src', 'cli.ts'), 'audit', file, ...args];
  const useTime = existsSync('/usr/bin/time');
  const started = performance.now();
  const child = useTime
    ? spawn('/usr/bin/time', ['-f', '%M %U %S', '-o', timeFile, node, ...cli], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(node, cli, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let peakKb = 0;
  const poll = useTime ? null : setInterval(() => {
    readFile(`/proc/${child.pid}/status`, 'utf8').then((status) => {
      const hwm = /VmHWM:\s+(\d+)/.exec(status);
      if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
    }, () => undefined);
  }, 50);
  let outputLines = 0;
  let outputBytes = 0;
  child.stdout.on('data', (data: Buffer) => {
    outputBytes += data.length;
    for (let i = data.indexOf(10); i !== -1; i = data.indexOf(10, i + 1)) outputLines += 1;
  });
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => { if (stderr.length < 10_000) stderr += data.toString(); });
  const [exitCode] = (await once(child, 'close')) as [number | null];
  const seconds = (performance.now() - started) / 1000;
  if (poll) clearInterval(poll);
  let cpuSeconds: number | null = null;
  if (useTime) {
    const [kb, user, system] = ((await readFile(timeFile, 'utf8')).trim().split('\n').pop() ?? '').split(' ').map(Number);
    peakKb = kb ?? 0;
    cpuSeconds = (user ?? 0) + (system ?? 0);
  }
  return { seconds, cpuSeconds, peakRssMb: Math.round(peakKb / 1024), exitCode, outputLines, outputBytes, stderr };
}

const section: BenchSection = {
  name: 'audit',
  description: 'prospect-guard audit (jsonl, then table) on a generated 1,000,000-line file (child process)',
  targets: [
    { metric: 'jsonlSeconds', max: 30, fullRunOnly: true },
    { metric: 'jsonlPeakRssMb', max: 300 },
    { metric: 'tableSeconds', max: 30, fullRunOnly: true },
    { metric: 'tablePeakRssMb', max: 300 },
  ],
  async run({ quick, tmpDir, log }) {
    const lines = quick ? 20_000 : 1_000_000;
    const file = join(tmpDir, 'contacts.jsonl');
    log(`generating ${lines.toLocaleString('en-US')} lines`);
    const bytes = await writeAuditFile(file, lines);
    log('auditing, --format jsonl (every verdict written)');
    const jsonl = await runAuditChild(file, ['--format', 'jsonl', '--at', '2026-11-23', '--quiet'], join(tmpDir, 'time.txt'));
    if (jsonl.exitCode !== 0) throw new Error(`audit exited with ${jsonl.exitCode}: ${jsonl.stderr.slice(0, 2000)}`);
    if (jsonl.outputLines !== lines) throw new Error(`expected ${lines} result lines, got ${jsonl.outputLines}`);
    log('auditing, --format table (the default: rows up to the limit, then the summary)');
    const table = await runAuditChild(file, ['--at', '2026-11-23'], join(tmpDir, 'time.txt'));
    if (table.exitCode !== 0) throw new Error(`audit exited with ${table.exitCode}: ${table.stderr.slice(0, 2000)}`);
    return {
      lines,
      inputMb: Number((bytes / 2 ** 20).toFixed(1)),
      jsonlOutputMb: Number((jsonl.outputBytes / 2 ** 20).toFixed(1)),
      jsonlSeconds: Number(jsonl.seconds.toFixed(2)),
      jsonlLinesPerSecond: Math.round(lines / jsonl.seconds),
      jsonlPeakRssMb: jsonl.peakRssMb,
      ...(jsonl.cpuSeconds === null ? {} : { jsonlCpuSeconds: Number(jsonl.cpuSeconds.toFixed(2)) }),
      tableSeconds: Number(table.seconds.toFixed(2)),
      tableLinesPerSecond: Math.round(lines / table.seconds),
      tablePeakRssMb: table.peakRssMb,
      ...(table.cpuSeconds === null ? {} : { tableCpuSeconds: Number(table.cpuSeconds.toFixed(2)) }),
    };
  },
};

export default section;
