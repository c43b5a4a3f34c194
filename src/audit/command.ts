// `prospect-guard audit`: wires options, the input file, the audit pipeline and a formatter to the process's
// streams. Returns the exit code instead of exiting so tests can drive it in-process.
import { stat } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import type { AuditRecord } from './audit-stream.ts';
import type { ColumnUse } from './csv-contact.ts';
import { dateOrderLabel } from './date-cells.ts';
import { AUDIT_USAGE, parseAuditRunOptions, UsageError } from './options.ts';
import type { AuditRunOptions } from './options.ts';

export interface CommandIo {
  stdin: Readable;
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  now?: () => Date;
  /** Clock of the progress line (tests drive it). */
  monotonicMs?: () => number;
}

export const processIo = (): CommandIo => ({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });

export async function runAuditCommand(argv: string[], io: CommandIo = processIo()): Promise<number> {
  let options: AuditRunOptions | 'help';
  try {
    options = parseAuditRunOptions(argv, io.now);
    if (options !== 'help') {
      await checkReadable(options.file);
      for (const list of options.suppressionFiles) await checkReadable(list, '--suppression ');
    }
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
  const [{ createReadStream }, { basename }, { auditStream }, { formatCsv }, { formatJsonl },
    { formatTable, renderBriefSummary }, { AuditSummariser }, { SuppressionLists, SuppressionFileError },
    { recycleBlock }] = await Promise.all([
    import('node:fs'), import('node:path'),
    import('./audit-stream.ts'), import('./format-csv.ts'), import('./format-jsonl.ts'), import('./format-table.ts'),
    import('./summary.ts'), import('./suppression-file.ts'), import('./verdict-json.ts'),
  ]);

  let suppression = null;
  if (opts.suppressionFiles.length > 0) {
    suppression = new SuppressionLists(opts.jurisdiction);
    try {
      for (const file of opts.suppressionFiles) {
        const report = await suppression.load(file);
        if (!opts.quiet) {
          const what = report.kind === 'hashed' ? 'hashed suppression export' : report.kind === 'opt-out' ? 'opt-out list (blocks every channel)' : 'do-not-call list (blocks phone calls)';
          io.stderr.write(`Suppression list ${report.file}: ${report.entries.toLocaleString('en-US')} entries, ${what}${report.skippedLines > 0 ? `; ${report.skippedLines} unreadable lines skipped` : ''}\n`);
        }
      }
    } catch (error) {
      if (!(error instanceof SuppressionFileError)) throw error;
      io.stderr.write(`prospect-guard audit: ${error.message}\n`);
      return 2;
    }
  }

  const fileStream = opts.file === '-' ? null : createReadStream(opts.file, { highWaterMark: 256 * 1024 });
  const input = fileStream ?? io.stdin;
  const totalBytes = opts.file === '-' ? null : (await stat(opts.file)).size;
  const rows = opts.input === 'xlsx' ? (await import('./xlsx-rows.ts')).readXlsxRows(input) : undefined;
  const records = auditStream(input, {
    input: opts.input, at: opts.at, jurisdiction: opts.jurisdiction, targetRoles: opts.targetRoles,
    controllerNames: opts.controllers, sector: opts.sector,
    dateOrder: opts.dateOrder, columnMap: opts.columnMap, suppression, rows,
    onCsvLayout: (info) => {
      if (opts.quiet) return;
      io.stderr.write(describeLayout(info, opts));
    },
  });
  const observed = opts.quiet ? records : withProgress(records, io.stderr, {
    tty: io.stderr.isTTY === true && (opts.format === 'table' || io.stdout.isTTY !== true),
    totalBytes, bytesRead: fileStream ? () => fileStream.bytesRead : undefined, now: io.monotonicMs,
  });
  const summariser = new AuditSummariser();
  const output = opts.format === 'jsonl' ? formatJsonl(observed, summariser, { fields: opts.fields })
    : opts.format === 'csv' ? formatCsv(observed, summariser, { showContacts: opts.showContacts })
      : formatTable(observed, { limit: opts.limit, at: opts.at, jurisdiction: opts.jurisdiction,
        fileName: opts.file === '-' ? undefined : basename(opts.file), showContacts: opts.showContacts }, summariser);

  try {
    // Blocks of jsonl output go back to the pool once written, but only to a real file or pipe: a stream in
    // the same process (tests) may still hold them.
    const ownsBytes = typeof (io.stdout as { fd?: unknown }).fd === 'number';
    await writeAll(output, io.stdout, ownsBytes && opts.format === 'jsonl' ? recycleBlock : undefined);
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

/** Writes every chunk, waiting for 'drain' when the stream asks; `written` gets each chunk once it is out. */
export async function writeAll(chunks: AsyncIterable<string | Buffer>, out: Writable,
  written?: (chunk: Buffer) => void): Promise<void> {
  let failure: Error | null = null;
  const onError = (error: Error): void => { failure ??= error; };
  out.on('error', onError);
  try {
    for await (const chunk of chunks) {
      if (failure) throw failure;
      const done = written && typeof chunk !== 'string' ? (error?: Error | null) => { if (!error) written(chunk); } : undefined;
      if (!out.write(chunk, done)) await drained(out);
    }
    if (failure) throw failure;
  } finally {
    out.off('error', onError);
  }
}

/** Resolves on 'drain' or 'close', whichever comes first, and leaves no listener behind. */
function drained(out: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}

/** "Reading a CSV file: Email -> email, Date de collecte -> source.collectedAt (--map); not used: Prénom". */
export function describeLayout(info: { layout: 'flat' | 'hubspot'; columns: ColumnUse[]; hasIdColumn: boolean },
  opts: Pick<AuditRunOptions, 'dateOrder' | 'input'>): string {
  const kind = info.layout === 'hubspot' ? 'a HubSpot contacts export' : opts.input === 'xlsx' ? 'a spreadsheet' : 'a CSV file';
  const mapped = info.columns.filter((c) => c.field !== null);
  const ignored = info.columns.filter((c) => c.field === null).map((c) => c.column);
  const lines = [`Reading ${kind}: ${mapped.length} of ${info.columns.length} columns used, dates read as ${dateOrderLabel(opts.dateOrder)} or ISO`];
  if (mapped.length > 0) {
    lines.push(`  mapped: ${mapped.map((c) => `${c.column} -> ${c.field}${c.how === 'map' ? ' (--map)' : ''}`).join(', ')}`);
  }
  if (ignored.length > 0) lines.push(`  not used: ${ignored.slice(0, 20).join(', ')}${ignored.length > 20 ? ` … (+${ignored.length - 20})` : ''} (--map "Column=field" to use one)`);
  if (!info.hasIdColumn) lines.push('  no id column: each result is named after its line (line-2, line-3, …)');
  return `${lines.join('\n')}\n`;
}

async function checkReadable(file: string, what = ''): Promise<void> {
  if (file === '-' && what === '') return;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new UsageError(`${what}"${file}" is not a file`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${what}"${file}": ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}

export interface ProgressOptions {
  /** A terminal: one line rewritten in place; otherwise a plain line every `logEveryMs`. */
  tty?: boolean;
  totalBytes?: number | null;
  bytesRead?: () => number;
  everyRecords?: number;
  /** Rewrites of the terminal line (default 4 a second). */
  everyMs?: number;
  /** Lines written when stderr is not a terminal (default every 5 s). */
  logEveryMs?: number;
  now?: () => number;
}

const seconds = (ms: number): string => {
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 60 ? `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s` : `${s} s`;
};

/** "Auditing… 41% · 410,000 contacts (82,000/s) · about 7 s left". */
export function progressText(count: number, elapsedMs: number, done: number | null, total: number | null): string {
  const rate = Math.round((count * 1000) / Math.max(1, elapsedMs));
  let text = `Auditing… ${count.toLocaleString('en-US')} contacts (${rate.toLocaleString('en-US')}/s)`;
  if (total !== null && total > 0 && done !== null) {
    const share = Math.min(1, done / total);
    const left = share > 0 ? (elapsedMs * (1 - share)) / share : Number.NaN;
    text = `Auditing… ${Math.floor(share * 100)}% · ${count.toLocaleString('en-US')} contacts (${rate.toLocaleString('en-US')}/s)` +
      (Number.isFinite(left) ? ` · about ${seconds(left)} left` : '');
  }
  return text;
}

/**
 * Progress on stderr, whether or not it is a terminal: on a terminal one line rewritten at most four times a
 * second and cleared at the end; otherwise (a log, CI) a plain line every few seconds. With the file size known
 * it says the share done and the time left.
 */
export async function* withProgress(records: AsyncIterable<AuditRecord>, stderr: Writable,
  options: ProgressOptions = {}): AsyncGenerator<AuditRecord> {
  const tty = options.tty ?? true;
  const everyRecords = options.everyRecords ?? 1024;
  const everyMs = tty ? options.everyMs ?? 250 : options.logEveryMs ?? 5000;
  const now = options.now ?? (() => performance.now());
  const total = options.totalBytes ?? null;
  const started = now();
  let last = started;
  let shown = false;
  let count = 0;
  try {
    for await (const record of records) {
      count += 1;
      if (count % everyRecords === 0) {
        const t = now();
        if (t - last >= everyMs) {
          last = t;
          const text = progressText(count, t - started, options.bytesRead ? options.bytesRead() : null, total);
          stderr.write(tty ? `\r\x1b[K${text}` : `${text}\n`);
          shown = true;
        }
      }
      yield record;
    }
  } finally {
    if (shown && tty) stderr.write('\r\x1b[K');
  }
}
