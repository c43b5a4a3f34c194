import { describe, expect, it } from 'vitest';
import { parseAuditOptions, UsageError } from '../../src/audit/options.ts';

const now = (): Date => new Date('2026-11-23T09:30:00Z');

describe('parseAuditOptions', () => {
  it('applies the contract defaults', () => {
    expect(parseAuditOptions(['list.jsonl'], now)).toEqual({
      file: 'list.jsonl', input: 'jsonl', at: now(), jurisdiction: 'FR', format: 'table', targetRoles: [], controllers: [], sector: null,
      limit: 100, quiet: false,
    });
  });

  it('reads every option', () => {
    const options = parseAuditOptions(['export.CSV', '--at', '2026-07-01', '--jurisdiction', 'de', '--format', 'csv',
      '--target-roles', 'CTO, dsi ,,directeur technique', '--limit', 'all', '--quiet'], now);
    expect(options).toEqual({
      file: 'export.CSV', input: 'csv', at: new Date('2026-07-01T00:00:00Z'), jurisdiction: 'DE', format: 'csv',
      targetRoles: ['cto', 'dsi', 'directeur technique'], controllers: [], sector: null, limit: Number.POSITIVE_INFINITY,
      quiet: true,
    });
  });

  it('takes a date-time without offset as UTC', () => {
    const options = parseAuditOptions(['a.jsonl', '--at', '2026-08-11T10:00'], now);
    expect(options !== 'help' && options.at.toISOString()).toBe('2026-08-11T10:00:00.000Z');
  });

  it.each([
    [[], /missing <file>/],
    [['a.jsonl', 'b.jsonl'], /one file at a time/],
    [['a.txt'], /cannot tell the format/],
    [['a.jsonl', '--format', 'xml'], /--format must be table, jsonl or csv/],
    [['a.jsonl', '--at', '23/11/2026'], /--at must be an ISO 8601 date/],
    [['a.jsonl', '--at', '2026-02-30'], /--at must be an ISO 8601 date/],
    [['a.jsonl', '--jurisdiction', 'France'], /--jurisdiction must be a two-letter/],
    [['a.jsonl', '--limit', 'ten'], /--limit must be/],
    [['a.jsonl', '--colour'], /Unknown option '--colour'/],
  ])('rejects %j with a message saying what to fix', (argv, message) => {
    expect(() => parseAuditOptions(argv as string[], now)).toThrow(UsageError);
    expect(() => parseAuditOptions(argv as string[], now)).toThrow(message);
  });

  it('returns help for --help and -h', () => {
    expect(parseAuditOptions(['--help'], now)).toBe('help');
    expect(parseAuditOptions(['-h'], now)).toBe('help');
  });
});
