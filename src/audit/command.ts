// `prospect-guard audit`: wires options, the input file, the audit pipeline and a formatter to the process's
// streams. Returns the exit code instead of exiting so tests can drive it in-process.
import { stat } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import type { AuditRecord } from './audit-stream.ts';
import { AUDIT_USAGE, parseAuditOptions, UsageError } from './options.ts';
import type { AuditCommandOptions } from './options.ts';

export interface CommandIo {
  stdin: Readable;
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  now?: () => Date;
}

export const processIo = (): CommandIo => ({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });

export async function runAuditCommand(argv: string[], io: CommandIo = processIo()): Promise<number> {
  let options: AuditCommandOptions | 'help';
  try {
    options = parseAuditOptions(argv, io.now);
    if (options !== 'help') await checkReadable(options.file);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`prospect-guard audit: ${error.message}\nRun "prospect-guard audit --help" for usage.\n`);
    return 2;
  }
  if (options === 'help') {
    io.stdout.write(AUDIT_USAGE);
    return 0;
  }
  const opts = options;
  // Loaded only now: a usage error or --help answers without loading the engine and its data.
  const [{ createReadStream }, { basename }, { Readable }, { pipeline }, { auditStream }, { formatCsv }, { formatJsonl },
    { formatTable, renderBriefSummary }, { AuditSummariser }] = await Promise.all([
    import('node:fs'), import('node:path'), import('node:stream'), import('node:stream/promises'),
    import('./audit-stream.ts'), import('./format-csv.ts'), import('./format-jsonl.ts'), import('./format-table.ts'),
    import('./summary.ts'),
  ]);

  const input = opts.file === '-' ? io.stdin : createReadStream(opts.file, { highWaterMark: 256 * 1024 });
  const records = auditStream(input, {
    input: opts.input, at: opts.at, jurisdiction: opts.jurisdiction, targetRoles: opts.targetRoles,
    controllerNames: opts.controllers, sector: opts.sector,
    onCsvLayout: ({ layout, ignoredColumns }) => {
      if (opts.quiet) return;
      const ignored = ignoredColumns.length > 0 ? `; ignored columns: ${ignoredColumns.slice(0, 10).join(', ')}` : '';
      io.stderr.write(`Reading ${layout === 'hubspot' ? 'a HubSpot contacts export' : 'a CSV file'}${ignored}\n`);
    },
  });
  const showProgress = io.stderr.isTTY === true && (opts.format === 'table' || io.stdout.isTTY !== true);
  const observed = showProgress ? withProgress(records, io.stderr) : records;
  const summariser = new AuditSummariser();
  const output = opts.format === 'jsonl' ? formatJsonl(observed, summariser)
    : opts.format === 'csv' ? formatCsv(observed, summariser)
      : formatTable(observed, { limit: opts.limit, at: opts.at, jurisdiction: opts.jurisdiction,
        fileName: opts.file === '-' ? undefined : basename(opts.file) }, summariser);

  try {
    await pipeline(Readable.from(output), io.stdout, { end: false });
  } catch (error) {
    // A reader that stops early (`| head`) is not a failure of the audit.
    if ((error as NodeJS.ErrnoException).code !== 'EPIPE') {
      io.stderr.write(`prospect-guard audit: ${(error as Error).message}\n`);
      return 1;
    }
  }
  if (opts.format !== 'table' && !opts.quiet) io.stderr.write(renderBriefSummary(summariser.summary));
  return summariser.summary.rejected > 0 ? 1 : 0;
}

async function checkReadable(file: string): Promise<void> {
  if (file === '-') return;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new UsageError(`"${file}" is not a file`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read "${file}": ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}

/** Progress on a terminal's stderr: a single line rewritten at most four times a second, cleared at the end. */
export async function* withProgress(records: AsyncIterable<AuditRecord>, stderr: Writable,
  options: { everyRecords?: number; everyMs?: number; now?: () => number } = {}): AsyncGenerator<AuditRecord> {
  const everyRecords = options.everyRecords ?? 1024;
  const everyMs = options.everyMs ?? 250;
  const now = options.now ?? Date.now;
  const started = now();
  let last = started;
  let shown = false;
  let count = 0;
  try {
    for await (const record of records) {
      count += 1;
      if (count % everyRecords === 0 && now() - last >= everyMs) {
        last = now();
        const rate = Math.round((count * 1000) / Math.max(1, last - started));
        stderr.write(`\rAuditing… ${count.toLocaleString('en-US')} contacts (${rate.toLocaleString('en-US')}/s)`);
        shown = true;
      }
      yield record;
    }
  } finally {
    if (shown) stderr.write('\r\x1b[K');
  }
}
