// Turns a CSV row into the audit contract's contact object. Two layouts, told apart by the header:
// - flat: the contract's fields as columns, nested ones flattened (`source.kind`, `source_kind`, `sourceKind`),
//   `consents` / `objections` as JSON arrays when present;
// - HubSpot contacts export with internal property names (`hs_object_id`, `jobtitle`, `hs_legal_basis`, `pg_*`...).
// Typing errors name the contract field; the engine's schema checks everything else (dates, enums).
import { toCountryCode } from './country.ts';
import { mapHubSpotRow, isHubSpotHeader } from './hubspot-export.ts';
import type { RowMapping } from './cells.ts';
import { clip, parseBooleanCell } from './cells.ts';

type FieldType = 'string' | 'boolean' | 'count' | 'json-array' | 'country';

/** Contract field path and type, keyed by the folded column name (lower case, letters and digits only). */
const FLAT_FIELDS: Record<string, [string, FieldType]> = {};
for (const [path, type] of [
  ['id', 'string'], ['email', 'string'], ['phone', 'string'], ['country', 'country'], ['timeZone', 'string'],
  ['company', 'string'], ['jobTitle', 'string'], ['isProfessional', 'boolean'],
  ['offerRelatedToProfession', 'boolean'], ['purpose', 'string'], ['sector', 'string'],
  ['source.kind', 'string'], ['source.collectedAt', 'string'], ['source.detail', 'string'],
  ['source.proofOfConsentFromProvider', 'boolean'], ['source.noticeSentAt', 'string'],
  ['consents', 'json-array'], ['objections', 'json-array'],
  ['customer.lastPurchaseAt', 'string'], ['customer.contractActive', 'boolean'],
  ['customer.relationshipEndedAt', 'string'], ['customer.offerSimilarToPurchase', 'boolean'],
  ['lastProspectContactAt', 'string'], ['lastEmailOpenAt', 'string'], ['callsLast30Days', 'count'],
  ['lastCallRefusalAt', 'string'],
] as const) {
  FLAT_FIELDS[foldColumn(path)] = [path, type];
}

export function foldColumn(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
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

export interface CsvContactMapper {
  layout: 'flat' | 'hubspot';
  /** Columns that mean nothing to the audit (ignored, reported once). */
  ignoredColumns: string[];
  map(fields: string[], context: { at: Date }): RowMapping;
  /** Best-effort id of a row, for error results. */
  idOf(fields: string[]): string | null;
}

export function createCsvContactMapper(header: string[]): CsvContactMapper {
  const mapper = createLayoutMapper(header);
  const width = header.length;
  return {
    ...mapper,
    map(fields, context) {
      // Trailing empty cells (spreadsheet habit) are tolerated; any other difference means a broken line.
      const extra = fields.slice(width);
      if (fields.length < width || extra.some((cell) => cell.trim() !== '')) {
        return { ok: false, id: mapper.idOf(fields), error: `CSV: expected ${width} columns, found ${fields.length}` };
      }
      return mapper.map(fields, context);
    },
  };
}

function createLayoutMapper(header: string[]): CsvContactMapper {
  if (isHubSpotHeader(header)) {
    const columns = header.map((h) => h.trim());
    const idIndex = columns.findIndex((h) => ['hs_object_id', 'record id', 'vid', 'id'].includes(h.toLowerCase()));
    return {
      layout: 'hubspot',
      ignoredColumns: [],
      map(fields, context) {
        const row: Record<string, string> = {};
        columns.forEach((name, i) => {
          const value = fields[i];
          if (value !== undefined && value.trim() !== '') row[name.toLowerCase()] = value.trim();
        });
        return mapHubSpotRow(row, context);
      },
      idOf: (fields) => cellOrNull(fields, idIndex),
    };
  }

  const plan = header.map((name) => FLAT_FIELDS[foldColumn(name)] ?? null);
  const idIndex = plan.findIndex((p) => p?.[0] === 'id');
  return {
    layout: 'flat',
    ignoredColumns: header.filter((_, i) => plan[i] === null),
    map(fields) {
      const value: Record<string, unknown> = {};
      for (let i = 0; i < plan.length; i += 1) {
        const entry = plan[i];
        const cell = fields[i];
        if (!entry || cell === undefined || cell.trim() === '') continue;
        const [path, type] = entry;
        const parsed = typeCell(cell.trim(), type);
        if (!parsed.ok) return { ok: false, id: cellOrNull(fields, idIndex), error: `${path}: ${parsed.error}` };
        setPath(value, path, parsed.value);
      }
      return { ok: true, value };
    },
    idOf: (fields) => cellOrNull(fields, idIndex),
  };
}

function cellOrNull(fields: string[], index: number): string | null {
  if (index < 0) return null;
  const cell = fields[index]?.trim();
  return cell ? cell : null;
}

function typeCell(cell: string, type: FieldType): { ok: true; value: unknown } | { ok: false; error: string } {
  switch (type) {
    case 'string':
      return { ok: true, value: cell };
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
    case 'json-array': {
      let value: unknown;
      try {
        value = JSON.parse(cell);
      } catch {
        return { ok: false, error: 'expected a JSON array' };
      }
      return Array.isArray(value) ? { ok: true, value } : { ok: false, error: 'expected a JSON array' };
    }
  }
}
