// The `audit` command end to end on a generated file: 1,000,000 JSON lines (20,000 with --quick) audited by
// the real CLI in a child process (`--format jsonl`, every verdict serialised and read back; the figure before
// issue 13 is printed beside it), then the table, `--fields`, and a file of distinct people. Timing the wall
// clock, the CPU time (user + system: the figure that stays meaningful on a shared, loaded machine) and the
// child's peak resident memory (GNU time's max RSS, else VmHWM polled from /proc).
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateContacts } from '../../scripts/generate-sample.ts';
import type { BenchSection } from '../types.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** "+33 6 12 34 56 78" with its last digits replaced by `digits` (spacing kept). */
function withLastDigits(phone: string, digits: string): string {
  const chars = [...phone];
  let k = digits.length - 1;
  for (let i = chars.length - 1; i >= 0 && k >= 0; i -= 1) {
    if (/\d/.test(chars[i] as string)) { chars[i] = digits[k] as string; k -= 1; }
  }
  return chars.join('');
}

/**
 * Writes `lines` contacts, cycling through a pool of generated ones with fresh ids; returns the byte size.
 * With `distinct`, from the second pass over the pool each email gets a `+N` tag and each phone other last
 * digits, so every line is a distinct person: the duplicate tables then hold a million keys, and every number
 * is parsed (the engine's phone cache no longer hits). The tag keeps the audience as it was: generic local
 * parts (`contact+3@`) and free-mail domains still read so. Without it the file is the one of the first figure.
 */
export async function writeAuditFile(path: string, lines: number, seed = 777, distinct = false): Promise<number> {
  const pool = generateContacts(5000, seed).map((c) => {
    const { id: _id, email, phone, ...rest } = c;
    return { email: email ?? null, phone: phone ?? null, rest: JSON.stringify(rest).slice(1) };
  });
  const out = createWriteStream(path);
  let chunk = '';
  for (let i = 0; i < lines; i += 1) {
    const item = pool[i % pool.length] as (typeof pool)[number];
    const round = distinct ? Math.floor(i / pool.length) : 0;
    let head = `{"id":"b-${i + 1}"`;
    if (item.email !== null) {
      const at = item.email.lastIndexOf('@');
      const email = round === 0 || at <= 0 ? item.email : `${item.email.slice(0, at)}+${round}${item.email.slice(at)}`;
      head += `,"email":${JSON.stringify(email)}`;
    }
    if (item.phone !== null) {
      const phone = round === 0 ? item.phone : withLastDigits(item.phone, String(round % 1000).padStart(3, '0'));
      head += `,"phone":${JSON.stringify(phone)}`;
    }
    chunk += `${head}${item.rest === '}' ? '}' : `,${item.rest}`}\n`;
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

/** The figure before issue 13's work (docs/PERFORMANCE.md, run of 2026-11-23 at commit 579fb87), same file. */
export const JSONL_SECONDS_BEFORE = 50.0;

const section: BenchSection = {
  name: 'audit',
  description: 'prospect-guard audit on a generated 1,000,000-line file (child process): jsonl, table, jsonl --fields, jsonl of distinct people',
  targets: [
    { metric: 'jsonlSeconds', max: 30, fullRunOnly: true },
    { metric: 'jsonlPeakRssMb', max: 300 },
    { metric: 'tableSeconds', max: 30, fullRunOnly: true },
    { metric: 'tablePeakRssMb', max: 300 },
    { metric: 'distinctJsonlPeakRssMb', max: 300 },
  ],
  async run({ quick, tmpDir, log }) {
    const lines = quick ? 20_000 : 1_000_000;
    const file = join(tmpDir, 'contacts.jsonl');
    const at = ['--at', '2026-11-23'];
    const time = join(tmpDir, 'time.txt');
    log(`generating ${lines.toLocaleString('en-US')} lines (the pool of 5,000 generated contacts repeated, as for the first figure)`);
    const bytes = await writeAuditFile(file, lines);
    log('auditing, --format jsonl (every verdict written)');
    const jsonl = await runAuditChild(file, ['--format', 'jsonl', ...at, '--quiet'], time);
    if (jsonl.exitCode !== 0) throw new Error(`audit exited with ${jsonl.exitCode}: ${jsonl.stderr.slice(0, 2000)}`);
    if (jsonl.outputLines !== lines) throw new Error(`expected ${lines} result lines, got ${jsonl.outputLines}`);
    log('auditing, --format table (the default: rows up to the limit, then the summary)');
    const table = await runAuditChild(file, at, time);
    if (table.exitCode !== 0) throw new Error(`audit exited with ${table.exitCode}: ${table.stderr.slice(0, 2000)}`);
    log('auditing, --format jsonl --fields id,line,status,usableChannels');
    const fields = await runAuditChild(file, ['--format', 'jsonl', '--fields', 'id,line,status,usableChannels', ...at, '--quiet'], time);
    if (fields.exitCode !== 0 || fields.outputLines !== lines) throw new Error(`audit --fields: exit ${fields.exitCode}, ${fields.outputLines} lines`);
    log('generating the same number of distinct people (every email and number different) and auditing to jsonl');
    const distinctFile = join(tmpDir, 'distinct.jsonl');
    await writeAuditFile(distinctFile, lines, 777, true);
    const distinct = await runAuditChild(distinctFile, ['--format', 'jsonl', ...at, '--quiet'], time);
    if (distinct.exitCode !== 0 || distinct.outputLines !== lines) throw new Error(`audit distinct: exit ${distinct.exitCode}, ${distinct.outputLines} lines`);
    const cpu = (run: ChildRun, key: string): Record<string, number> => (run.cpuSeconds === null ? {} : { [key]: Number(run.cpuSeconds.toFixed(2)) });
    return {
      lines,
      inputMb: Number((bytes / 2 ** 20).toFixed(1)),
      jsonlOutputMb: Number((jsonl.outputBytes / 2 ** 20).toFixed(1)),
      jsonlBytesPerContact: Math.round(jsonl.outputBytes / lines),
      jsonlSeconds: Number(jsonl.seconds.toFixed(2)),
      jsonlSecondsBefore: JSONL_SECONDS_BEFORE,
      jsonlLinesPerSecond: Math.round(lines / jsonl.seconds),
      jsonlPeakRssMb: jsonl.peakRssMb,
      ...cpu(jsonl, 'jsonlCpuSeconds'),
      tableSeconds: Number(table.seconds.toFixed(2)),
      tableLinesPerSecond: Math.round(lines / table.seconds),
      tablePeakRssMb: table.peakRssMb,
      ...cpu(table, 'tableCpuSeconds'),
      fieldsJsonlSeconds: Number(fields.seconds.toFixed(2)),
      fieldsJsonlBytesPerContact: Math.round(fields.outputBytes / lines),
      ...cpu(fields, 'fieldsJsonlCpuSeconds'),
      distinctJsonlSeconds: Number(distinct.seconds.toFixed(2)),
      distinctJsonlPeakRssMb: distinct.peakRssMb,
      ...cpu(distinct, 'distinctJsonlCpuSeconds'),
      loadAverage1m: Number(loadavg()[0]?.toFixed(2) ?? 0),
    };
  },
};

export default section;
