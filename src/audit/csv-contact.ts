// Turns a CSV (or spreadsheet) row into the audit contract's contact object. Two layouts, told apart by the header:
// - named columns: the contract's fields (`source.kind`, `source_kind`, `sourceKind`), the human and CRM names
//   column-names.ts knows ("Email", "Date de collecte", "Lead Source"), and what `--map` says;
//   `consents` / `objections` as JSON arrays when present;
// - HubSpot contacts export with internal property names (`hs_object_id`, `jobtitle`, `hs_legal_basis`, `pg_*`...)
//   or the labels of HubSpot's export ("Record ID", "Phone Number", ...).
// Typing errors name the contract field; the engine's schema checks everything else (enums, shapes).
import { toCountryCode } from './country.ts';
import { hubSpotPropertyForLabel, isHubSpotHeader, isHubSpotLabelHeader, isReadHubSpotProperty, mapHubSpotRow } from './hubspot-export.ts';
import type { RowExtras, RowMapping } from './cells.ts';
import { clip, parseBooleanCell } from './cells.ts';
import { foldHeader, recogniseHeader } from './column-names.ts';
import type { FieldSpec, FieldType } from './column-names.ts';
import { parseDateCell } from './date-cells.ts';
import type { DateOrder } from './date-cells.ts';
import { recogniseSourceKind } from './source-kinds.ts';

/** The old name of the folding (lower case, letters and digits): kept for callers of the first version. */
export function foldColumn(name: string): string {
  return foldHeader(name);
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const dot = path.indexOf('.');
  if (dot === -1) {
    target[path] = value;
    return;
  }
  const head = path.slice(0, dot);
  const child = (target[head] ??= {}) as Record<string, unknown>;
  child[path.slice(dot + 1)] = value;
}

function hasPath(target: Record<string, unknown>, path: string): boolean {
  const dot = path.indexOf('.');
  if (dot === -1) return target[path] !== undefined;
  const child = target[path.slice(0, dot)] as Record<string, unknown> | undefined;
  return child !== undefined && child[path.slice(dot + 1)] !== undefined;
}

/** How one column is read, for the "columns mapped" report. */
export interface ColumnUse {
  column: string;
  /** Contract field (or `optout.email`, `address`...), null when ignored. */
  field: string | null;
  how: 'name' | 'map' | 'hubspot' | 'ignored';
}

export interface CsvContactMapper {
  layout: 'flat' | 'hubspot';
  /** Every column and what it was read as. */
  columns: ColumnUse[];
  /** Columns that mean nothing to the audit (ignored, reported once). */
  ignoredColumns: string[];
  /** Whether a column holds the contact's id (else the line number stands in: `line-12`). */
  hasIdColumn: boolean;
  map(fields: string[], context: MapContext): RowMapping;
  /** Best-effort id of a row, for error results. */
  idOf(fields: string[]): string | null;
}

export interface MapContext { at: Date; line?: number }

export interface MapperOptions {
  /** How ambiguous numeric dates read (default dd/mm/yyyy). */
  dateOrder?: DateOrder;
  /** `--map`: folded header -> field, before any recognition. */
  columnMap?: Map<string, FieldSpec>;
}

export function lineId(line: number | undefined): string {
  return `line-${line ?? 0}`;
}

export function createCsvContactMapper(header: string[], options: MapperOptions = {}): CsvContactMapper {
  const mapper = createLayoutMapper(header, options);
  const width = header.length;
  return {
    ...mapper,
    map(fields, context) {
      // Trailing empty cells (spreadsheet habit) are tolerated; any other difference means a broken line.
      if (fields.length !== width) {
        const extra = fields.slice(width);
        if (fields.length < width || extra.some((cell) => cell.trim() !== '')) {
          const id = mapper.hasIdColumn ? mapper.idOf(fields) : lineId(context.line);
          return { ok: false, id, error: `CSV: expected ${width} columns, found ${fields.length}` };
        }
      }
      return mapper.map(fields, context);
    },
  };
}

function createLayoutMapper(header: string[], options: MapperOptions): CsvContactMapper {
  const userMap = options.columnMap ?? new Map<string, FieldSpec>();
  const dateOrder = options.dateOrder ?? 'dmy';
  const userSpecs = header.map((name) => userMap.get(foldHeader(name)) ?? null);
  const internal = header.map((name, i) => (userSpecs[i] ? null : hubSpotPropertyForLabel(name)));
  if (isHubSpotHeader(header) || isHubSpotLabelHeader(internal)) {
    return hubSpotLayout(header, internal, userSpecs, dateOrder);
  }

  const plan = header.map((name, i) => userSpecs[i] ?? recogniseHeader(name));
  const idIndex = plan.findIndex((p) => p?.path === 'id');
  const columns: ColumnUse[] = header.map((column, i) => {
    const spec = plan[i];
    if (!spec || spec.type === 'unused') return { column, field: null, how: 'ignored' };
    return { column, field: spec.path, how: userSpecs[i] ? 'map' : 'name' };
  });
  return {
    layout: 'flat',
    columns,
    ignoredColumns: columns.filter((c) => c.field === null).map((c) => c.column),
    hasIdColumn: idIndex >= 0,
    map(fields, context) {
      const value: Record<string, unknown> = {};
      let extras: RowExtras | undefined;
      for (let i = 0; i < plan.length; i += 1) {
        const spec = plan[i];
        const cell = fields[i];
        if (!spec || cell === undefined) continue;
        const text = cell.trim();
        if (text === '') continue;
        const failed = readCell(value, spec, text, context, dateOrder, (e) => { extras = { ...extras, ...e }; });
        if (failed !== null) {
          return { ok: false, id: cellOrNull(fields, idIndex) ?? lineId(context.line), error: `${spec.path}: ${failed}` };
        }
      }
      if (value.id === undefined) value.id = lineId(context.line);
      keepUnrecognisedSource(value, extras);
      return extras ? { ok: true, value, extras } : { ok: true, value };
    },
    idOf: (fields) => cellOrNull(fields, idIndex),
  };
}

/** Reads one non-empty cell into `value`; returns an error text or null. The first non-empty column of a field wins. */
function readCell(value: Record<string, unknown>, spec: FieldSpec, text: string, context: MapContext,
  dateOrder: DateOrder, extra: (e: RowExtras) => void): string | null {
  const { path, type } = spec;
  if (type === 'unused') return null;
  if (type === 'postal-address') { extra({ hasPostalAddress: true }); return null; }
  if (type === 'social-profile') { extra({ hasSocialProfile: true }); return null; }
  if (type === 'optout-email' || type === 'optout-phone') {
    const flag = parseBooleanCell(text);
    if (flag === null) return `expected yes or no, got "${clip(text)}"`;
    if (flag) {
      const at = context.at.toISOString();
      const list = (value.objections ??= []) as { channel: string; at: string }[];
      const channels = type === 'optout-email' ? ['email'] : ['phone', 'automated_call'];
      for (const channel of channels) list.push({ channel, at });
    }
    return null;
  }
  if (path === 'objections' && Array.isArray(value.objections)) {
    const parsed = typeCell(text, type, dateOrder);
    if (!parsed.ok) return parsed.error;
    (value.objections as unknown[]).push(...(parsed.value as unknown[]));
    return null;
  }
  if (hasPath(value, path)) return null;
  if (type === 'source-kind') {
    const kind = recogniseSourceKind(text);
    if (kind === null) extra({ unrecognisedSource: clip(text, 60) });
    setPath(value, path, kind ?? 'unknown');
    return null;
  }
  const parsed = typeCell(text, type, dateOrder);
  if (!parsed.ok) return parsed.error;
  setPath(value, path, parsed.value);
  return null;
}

/** A source text nobody recognised stays visible as the source's detail (unless a detail column says more). */
function keepUnrecognisedSource(value: Record<string, unknown>, extras: RowExtras | undefined): void {
  if (!extras?.unrecognisedSource) return;
  const source = value.source as Record<string, unknown>;
  source.detail ??= extras.unrecognisedSource;
}

function hubSpotLayout(header: string[], internal: (string | null)[], userSpecs: (FieldSpec | null)[],
  dateOrder: DateOrder): CsvContactMapper {
  const names = header.map((h, i) => (internal[i] ?? h.trim()).toLowerCase());
  const idIndex = names.findIndex((h, i) => !userSpecs[i] && ['hs_object_id', 'record id', 'vid', 'id'].includes(h));
  const columns: ColumnUse[] = header.map((column, i) => {
    const spec = userSpecs[i];
    if (spec) return { column, field: spec.type === 'unused' ? null : spec.path, how: spec.type === 'unused' ? 'ignored' : 'map' };
    const name = names[i] ?? '';
    return isReadHubSpotProperty(name) ? { column, field: name, how: 'hubspot' } : { column, field: null, how: 'ignored' };
  });
  return {
    layout: 'hubspot',
    columns,
    ignoredColumns: columns.filter((c) => c.how === 'ignored').map((c) => c.column),
    hasIdColumn: idIndex >= 0,
    map(fields, context) {
      const row: Record<string, string> = {};
      for (let i = 0; i < names.length; i += 1) {
        const value = fields[i];
        if (!userSpecs[i] && value !== undefined && value.trim() !== '') row[names[i] as string] = value.trim();
      }
      if (idIndex < 0) row.hs_object_id = lineId(context.line);
      const mapped = mapHubSpotRow(row, { at: context.at, dateOrder });
      if (!mapped.ok) return mapped;
      let extras: RowExtras | undefined;
      for (let i = 0; i < userSpecs.length; i += 1) {
        const spec = userSpecs[i];
        const text = fields[i]?.trim();
        if (!spec || !text) continue;
        // --map beats what the export itself says for that field.
        if (spec.type !== 'optout-email' && spec.type !== 'optout-phone' && spec.path !== 'objections') deletePath(mapped.value, spec.path);
        const failed = readCell(mapped.value, spec, text, context, dateOrder, (e) => { extras = { ...extras, ...e }; });
        if (failed !== null) return { ok: false, id: String(mapped.value.id), error: `${spec.path}: ${failed}` };
      }
      keepUnrecognisedSource(mapped.value, extras);
      return extras ? { ...mapped, extras } : mapped;
    },
    idOf: (fields) => cellOrNull(fields, idIndex),
  };
}

function deletePath(target: Record<string, unknown>, path: string): void {
  const dot = path.indexOf('.');
  if (dot === -1) { delete target[path]; return; }
  const child = target[path.slice(0, dot)] as Record<string, unknown> | undefined;
  if (child) delete child[path.slice(dot + 1)];
}

function cellOrNull(fields: string[], index: number): string | null {
  if (index < 0) return null;
  const cell = fields[index]?.trim();
  return cell ? cell : null;
}

function typeCell(cell: string, type: FieldType, dateOrder: DateOrder): { ok: true; value: unknown } | { ok: false; error: string } {
  switch (type) {
    case 'country':
      return { ok: true, value: toCountryCode(cell) ?? cell };
    case 'boolean': {
      const value = parseBooleanCell(cell);
      return value === null ? { ok: false, error: `expected true or false, got "${clip(cell)}"` } : { ok: true, value };
    }
    case 'count': {
      if (!/^\d{1,9}$/.test(cell)) return { ok: false, error: `expected a whole number, got "${clip(cell)}"` };
      return { ok: true, value: Number(cell) };
    }
    case 'date': {
      const parsed = parseDateCell(cell, dateOrder);
      return parsed.ok ? { ok: true, value: parsed.iso } : { ok: false, error: parsed.error };
    }
    case 'json-array': {
      let value: unknown;
      try {
        value = JSON.parse(cell);
      } catch {
        return { ok: false, error: 'expected a JSON array' };
      }
      return Array.isArray(value) ? { ok: true, value } : { ok: false, error: 'expected a JSON array' };
    }
    default:
      return { ok: true, value: cell };
  }
}
