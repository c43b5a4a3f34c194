// `--suppression <file>`: contacts on a suppression list are blocked, with the list named as the reason.
// Two kinds of file:
// - the app's hashed export (`prospect-guard suppression export`, JSON lines): a header line
//   {"format":"prospect-guard/suppression-export","version":1,"salt":"…",…} then one entry a line
//   {"kind":"email"|"phone","hash":"…","channels":["all"]}. Hashes are HMAC-SHA256 with the portal's salt over
//   "email:<trimmed, lower-cased>" or "phone:<E.164, else digits>" (src/contacts/suppression-list.ts), so a
//   contact is hashed the same way and nothing in clear is needed;
// - a plain opt-out or do-not-call CSV (any delimiter, a header naming the email and/or phone column, or none).
//   A file with emails is an opt-out list: a match blocks every channel. A phone-only file is a do-not-call
//   registry extract: a match blocks phone calls (as `suppression import` treats Bloctel, TPS, Robinson...).
// Entries are kept as 64-bit fingerprints (fingerprints.ts), so a list of millions stays small.
import { createHmac } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'csv-parse';
import { normaliseEmail, normalisePhoneForMatch } from '../contacts/suppression-list.ts';
import { SUPPRESSION_EXPORT_FORMAT } from '../contacts/suppression-export.ts';
import type { Reason } from '../engine/types.ts';
import type { SuppressionHit, SuppressionMatcher } from './cleaning.ts';
import { recogniseHeader } from './column-names.ts';
import { FingerprintTable } from './fingerprints.ts';
import { readLines } from './line-reader.ts';

export { SUPPRESSION_EXPORT_FORMAT };

export class SuppressionFileError extends Error {
  override name = 'SuppressionFileError';
}

interface LoadedList {
  name: string;
  /** Hashed export: HMAC key; plain: null (values are fingerprinted as they are). */
  salt: string | null;
  emails: FingerprintTable;
  phones: FingerprintTable;
  /** Channel sets, indexed by the fingerprint table's value - 1. */
  channelSets: string[][];
  entries: number;
}

export interface SuppressionLoadReport { file: string; kind: 'hashed' | 'opt-out' | 'do-not-call'; entries: number; skippedLines: number }

export class SuppressionLists implements SuppressionMatcher {
  private readonly lists: LoadedList[] = [];
  private readonly reasons = new Map<string, Reason>();
  readonly reports: SuppressionLoadReport[] = [];
  private defaultCountry: string;

  constructor(defaultCountry = 'FR') {
    this.defaultCountry = defaultCountry;
  }

  get size(): number {
    return this.lists.length;
  }

  async load(path: string): Promise<SuppressionLoadReport> {
    const first = await firstLine(path);
    const report = first.trimStart().startsWith('{') ? await this.loadHashed(path) : await this.loadCsv(path);
    this.reports.push(report);
    return report;
  }

  private async loadHashed(path: string): Promise<SuppressionLoadReport> {
    const list: LoadedList = { name: basename(path), salt: null, emails: new FingerprintTable(), phones: new FingerprintTable(), channelSets: [], entries: 0 };
    const setIndex = new Map<string, number>();
    let skipped = 0;
    for await (const item of readLines(createReadStream(path))) {
      if (item.tooLong || item.text.trim() === '') continue;
      let value: Record<string, unknown>;
      try {
        value = JSON.parse(item.text) as Record<string, unknown>;
      } catch {
        if (list.salt === null) throw new SuppressionFileError(`${list.name}: line ${item.line} is not JSON`);
        skipped += 1;
        continue;
      }
      if (list.salt === null) {
        if (value.format !== SUPPRESSION_EXPORT_FORMAT || typeof value.salt !== 'string' || value.salt === '') {
          throw new SuppressionFileError(`${list.name}: not a Prospect Guard suppression export (its first line must name format "${SUPPRESSION_EXPORT_FORMAT}" and the salt)`);
        }
        list.salt = value.salt;
        continue;
      }
      const channels = Array.isArray(value.channels) ? value.channels.filter((c): c is string => typeof c === 'string').sort() : [];
      if ((value.kind !== 'email' && value.kind !== 'phone') || typeof value.hash !== 'string' || channels.length === 0) {
        skipped += 1;
        continue;
      }
      const key = channels.join(',');
      let index = setIndex.get(key);
      if (index === undefined) {
        list.channelSets.push(channels);
        index = list.channelSets.length;
        setIndex.set(key, index);
      }
      (value.kind === 'email' ? list.emails : list.phones).firstLine(value.hash, index);
      list.entries += 1;
    }
    if (list.salt === null) throw new SuppressionFileError(`${list.name}: empty file`);
    this.lists.push(list);
    return { file: list.name, kind: 'hashed', entries: list.entries, skippedLines: skipped };
  }

  private async loadCsv(path: string): Promise<SuppressionLoadReport> {
    const list: LoadedList = { name: basename(path), salt: null, emails: new FingerprintTable(), phones: new FingerprintTable(), channelSets: [], entries: 0 };
    const parser = createReadStream(path).pipe(parse({
      bom: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: true, trim: true, delimiter: [',', ';', '\t', '|'],
    }));
    let columns: { email: number; phone: number } | null = null;
    let skipped = 0;
    let sawEmail = false;
    for await (const cells of parser as AsyncIterable<string[]>) {
      if (columns === null) {
        const specs = cells.map((c) => recogniseHeader(c)?.path ?? null);
        columns = { email: specs.indexOf('email'), phone: specs.indexOf('phone') };
        if (columns.email >= 0 || columns.phone >= 0) continue; // a header line
      }
      const candidates = columns.email < 0 && columns.phone < 0 ? cells
        : [columns.email >= 0 ? cells[columns.email] ?? '' : '', columns.phone >= 0 ? cells[columns.phone] ?? '' : ''];
      let added = false;
      for (const raw of candidates) {
        if (!raw) continue;
        if (raw.includes('@')) {
          const email = normaliseEmail(raw);
          if (email) { list.emails.firstLine(email, 1); added = true; sawEmail = true; }
        } else {
          const phone = normalisePhoneForMatch(raw, this.defaultCountry);
          if (phone) { list.phones.firstLine(phone, 1); added = true; }
        }
      }
      if (added) list.entries += 1;
      else skipped += 1;
    }
    list.channelSets.push(sawEmail ? ['all'] : ['phone']);
    this.lists.push(list);
    return { file: list.name, kind: sawEmail ? 'opt-out' : 'do-not-call', entries: list.entries, skippedLines: skipped };
  }

  match(email: string | null, e164: string | null, rawPhone?: string | null): SuppressionHit | null {
    if (this.lists.length === 0) return null;
    const phone = e164 ?? (rawPhone ? normalisePhoneForMatch(rawPhone, this.defaultCountry) : null);
    for (const list of this.lists) {
      const hmac = (kind: string, value: string): string => createHmac('sha256', list.salt as string).update(`${kind}:${value}`).digest('base64url');
      if (email !== null) {
        const index = list.emails.has(list.salt === null ? email : hmac('email', email));
        if (index !== 0) return { by: 'email', list: list.name, channels: list.channelSets[index - 1] ?? ['all'] };
      }
      if (phone !== null) {
        const index = list.phones.has(list.salt === null ? phone : hmac('phone', phone));
        if (index !== 0) return { by: 'phone', list: list.name, channels: list.channelSets[index - 1] ?? ['all'] };
      }
    }
    return null;
  }

  reason(hit: SuppressionHit): Reason {
    const key = `${hit.list}\u0000${hit.by}\u0000${hit.channels.join(',')}`;
    let reason = this.reasons.get(key);
    if (reason === undefined) {
      const what = hit.channels.includes('all') ? 'every channel' : hit.channels.join(', ');
      const quoi = hit.channels.includes('all') ? 'tous les canaux' : hit.channels.join(', ');
      reason = Object.freeze({
        rule: 'audit.suppression_list', citation: 'GDPR Art. 21(2)-(3); CPCE L.34-5; Code de la consommation L.223-1',
        text: `On the suppression list ${hit.list} (matched by ${hit.by}): the person objected or is registered not to be contacted on ${what}.`,
        textFr: `Présent dans la liste d\u2019opposition ${hit.list} (par ${hit.by === 'email' ? 'email' : 'téléphone'}) : la personne s\u2019est opposée ou est inscrite pour ne pas être démarchée sur ${quoi}.`,
      });
      this.reasons.set(key, reason);
    }
    return reason;
  }
}

async function firstLine(path: string): Promise<string> {
  try {
    for await (const item of readLines(createReadStream(path, { end: 64 * 1024 }))) {
      if (!item.tooLong && item.text.trim() !== '') return item.text;
    }
  } catch (error) {
    throw new SuppressionFileError(`cannot read suppression list "${path}": ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  return '';
}
