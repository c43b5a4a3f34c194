// Command-line options of `prospect-guard audit` (contract: ../shared/contracts/audit-cli.md), parsed into a
// typed object or a UsageError (exit code 2) with a message that says what to fix.
import { parseArgs } from 'node:util';
import { SECTOR_IDS } from '../engine/rules/sectors.ts';
import type { InputFormat } from './audit-stream.ts';
import { ColumnMapError, parseColumnMap } from './column-names.ts';
import type { FieldSpec } from './column-names.ts';
import { DATE_ORDERS, defaultDateOrder, parseDateOrder } from './date-cells.ts';
import type { DateOrder } from './date-cells.ts';

export const OUTPUT_FORMATS = ['table', 'jsonl', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface AuditCommandOptions {
  /** Path of the input file, or "-" for standard input. */
  file: string;
  input: InputFormat;
  at: Date;
  jurisdiction: string;
  format: OutputFormat;
  targetRoles: string[];
  /** The user's company names (`--controller`, repeatable): third-party consents must name one of them. */
  controllers: string[];
  /** The offer's sector from the closed list (`--sector`), or null. */
  sector: string | null;
  /** Table rows printed before the summary. */
  limit: number;
  quiet: boolean;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/** The sector ids as indented lines (the help stays readable in an 80-120 column terminal). */
function wrapIds(ids: readonly string[], indent: number, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const id of ids) {
    if (line !== '' && indent + line.length + id.length + 2 > width) { lines.push(`${line},`); line = ''; }
    line = line === '' ? id : `${line}, ${id}`;
  }
  if (line !== '') lines.push(line);
  return lines.map((l) => `${' '.repeat(indent)}${l}`).join('\n');
}

export const AUDIT_USAGE = `Usage: prospect-guard audit <file> [options]

Judges every contact of a list (purchased, rented, any CRM export) before you use a single address.

  <file>                     .jsonl (one contact per line), .csv or .xlsx (columns such as Email, Téléphone,
                             Date de collecte, source.kind; HubSpot, Salesforce, Pipedrive exports); "-" reads stdin
Options:
  --at <ISO date>            evaluation instant (default: now), e.g. 2026-11-23 or 2026-11-23T10:00:00Z
  --jurisdiction <CC>        country used when a contact has none (default FR)
  --format table|jsonl|csv   output (default table); jsonl and csv print one result per contact, in input order
  --target-roles "<words>"   comma-separated job keywords the offer is for, e.g. "cto,dsi,directeur technique"
  --controller "<name>"      your company's name as consents name it (repeat for other names); a consent that
                             came with bought, rented, broker or partner data counts only if it names you
  --sector <id>              what the offer sells, from the closed list (French canvassing bans, L.223-8):
${wrapIds(SECTOR_IDS, 29, 112)}
  --input jsonl|csv          input format when the file name does not tell (required for "-" with CSV)
  --limit <n>                table rows printed before the summary (default 100; "all" for every row)
  --quiet                    no summary on stderr after jsonl/csv output
  -h, --help                 this help

Real files:
  --input xlsx               a workbook on standard input (a .xlsx name is enough otherwise)
  --map "<Column>=<field>,…" what a column holds when its name is not recognised, e.g.
                             --map "Date de collecte=source.collectedAt,Origine=source.kind,Notes=ignore"
  --date-format dmy|mdy|ymd  how 03/04/2025 reads (default dmy, mdy for --jurisdiction US); ISO always works
  --suppression <file>       a Prospect Guard suppression export, or an opt-out / do-not-call CSV (repeatable):
                             matching contacts are blocked, the list named as the reason
  --show-contacts            emails and phone numbers in clear in the table and csv (masked by default)
  --fields <a,b,…>           jsonl: only these fields, e.g. id,line,status,usableChannels,channels.email

Exit code: 0 every line evaluated, 1 some lines rejected (each still has a result with "error"), 2 usage error.
`;

export function parseAuditOptions(argv: string[], now: () => Date = () => new Date()): AuditCommandOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        ...FILE_OPTIONS,
        at: { type: 'string' },
        jurisdiction: { type: 'string' },
        format: { type: 'string' },
        'target-roles': { type: 'string' },
        controller: { type: 'string', multiple: true },
        sector: { type: 'string' },
        input: { type: 'string' },
        limit: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length === 0) throw new UsageError('missing <file>: give the path of a .jsonl or .csv file');
  if (positionals.length > 1) throw new UsageError(`one file at a time (got ${positionals.length}: ${positionals.join(', ')})`);
  const file = positionals[0] as string;

  const format = values.format ?? 'table';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be table, jsonl or csv (got "${format}")`);
  }

  let input: InputFormat;
  if (values.input !== undefined) {
    if (values.input !== 'jsonl' && values.input !== 'csv' && values.input !== 'xlsx') throw new UsageError(`--input must be jsonl, csv or xlsx (got "${values.input}")`);
    input = values.input;
  } else if (/\.(jsonl|ndjson)$/i.test(file)) input = 'jsonl';
  else if (/\.(csv|tsv)$/i.test(file)) input = 'csv';
  else if (/\.xlsx$/i.test(file)) input = 'xlsx';
  else if (file === '-') input = 'jsonl';
  else throw new UsageError(`cannot tell the format of "${file}": name it .jsonl, .csv or .xlsx, or pass --input jsonl|csv|xlsx`);

  let at = now();
  if (values.at !== undefined) {
    const text = values.at.trim();
    const ok = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(text);
    at = new Date(/T/.test(text) && !/(Z|[+-]\d{2}:\d{2})$/.test(text) ? `${text}Z` : text);
    if (!ok || Number.isNaN(at.getTime()) || !isCalendarDate(text.slice(0, 10))) {
      throw new UsageError(`--at must be an ISO 8601 date such as 2026-11-23 or 2026-11-23T10:00:00Z (got "${values.at}")`);
    }
  }

  const jurisdiction = (values.jurisdiction ?? 'FR').trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(jurisdiction)) {
    throw new UsageError(`--jurisdiction must be a two-letter country code such as FR or DE (got "${values.jurisdiction}")`);
  }

  const targetRoles = (values['target-roles'] ?? '').split(',').map((r) => r.trim().toLowerCase()).filter(Boolean);

  const controllers = (values.controller ?? []).map((c) => c.trim()).filter(Boolean);
  if (values.controller !== undefined && controllers.length === 0) throw new UsageError('--controller needs a company name');

  let sector: string | null = null;
  if (values.sector !== undefined) {
    sector = values.sector.trim().toLowerCase();
    if (!SECTOR_IDS.includes(sector)) {
      throw new UsageError(`--sector must be one of the listed sectors (got "${values.sector}"); see --help for the list`);
    }
  }

  let limit = 100;
  if (values.limit !== undefined) {
    if (values.limit === 'all') limit = Number.POSITIVE_INFINITY;
    else if (/^\d+$/.test(values.limit)) limit = Number(values.limit);
    else throw new UsageError(`--limit must be a number of rows or "all" (got "${values.limit}")`);
  }

  return {
    file, input, at, jurisdiction, format: format as OutputFormat, targetRoles, controllers, sector, limit, quiet: values.quiet ?? false,
  };
}

/** "2026-02-30" parses (as March 2nd) in JavaScript; a user who typed it made a mistake. */
function isCalendarDate(ymd: string): boolean {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

// ---- Options for real files (issue 13): kept in this block so other flags merge cleanly above. ----

const FILE_OPTIONS = {
  map: { type: 'string' },
  'date-format': { type: 'string' },
  suppression: { type: 'string', multiple: true },
  'show-contacts': { type: 'boolean' },
  fields: { type: 'string' },
} as const;

export interface FileOptions {
  /** `--map`: folded header -> field. */
  columnMap: Map<string, FieldSpec>;
  dateOrder: DateOrder;
  suppressionFiles: string[];
  showContacts: boolean;
  /** `--fields`: jsonl fields to keep (null: every field). */
  fields: string[] | null;
}

export type AuditRunOptions = AuditCommandOptions & FileOptions;

/** Every option of `prospect-guard audit`: the base ones, then the real-file ones. */
export function parseAuditRunOptions(argv: string[], now: () => Date = () => new Date()): AuditRunOptions | 'help' {
  const base = parseAuditOptions(argv, now);
  if (base === 'help') return 'help';
  return { ...base, ...parseFileOptions(argv, base.jurisdiction) };
}

/** The real-file options of `argv` (already checked by parseAuditOptions's strict parse). */
export function parseFileOptions(argv: string[], jurisdiction: string): FileOptions {
  const { values } = parseArgs({ args: argv, allowPositionals: true, strict: false, options: FILE_OPTIONS });
  let columnMap = new Map<string, FieldSpec>();
  if (typeof values.map === 'string') {
    try {
      columnMap = parseColumnMap(values.map);
    } catch (error) {
      if (error instanceof ColumnMapError) throw new UsageError(error.message);
      throw error;
    }
  }
  let dateOrder = defaultDateOrder(jurisdiction);
  if (typeof values['date-format'] === 'string') {
    const order = parseDateOrder(values['date-format']);
    if (order === null) {
      throw new UsageError(`--date-format must be one of ${DATE_ORDERS.join(', ')} (or dd/mm/yyyy, mm/dd/yyyy, yyyy-mm-dd; got "${values['date-format']}")`);
    }
    dateOrder = order;
  }
  const suppressionFiles = (Array.isArray(values.suppression) ? values.suppression : [])
    .filter((f): f is string => typeof f === 'string' && f !== '');
  let fields: string[] | null = null;
  if (typeof values.fields === 'string') {
    fields = values.fields.split(',').map((f) => f.trim()).filter(Boolean);
    const bad = fields.find((f) => !/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/.test(f));
    if (fields.length === 0 || bad !== undefined) {
      throw new UsageError(`--fields takes comma-separated field names such as id,line,status,channels.email (got "${values.fields}")`);
    }
  }
  return { columnMap, dateOrder, suppressionFiles, showContacts: values['show-contacts'] === true, fields };
}
