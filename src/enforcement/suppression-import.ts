// Imports opt-out files into the portal's hashed suppression list: partners' and brokers' opt-out CSVs and
// do-not-call registry extracts (historic Bloctel for calls before 2026-08-11, TPS in the UK, Lista Robinson in
// Spain, the Registro Pubblico delle Opposizioni in Italy, "Ne m'appelez plus" in Belgium). The file is streamed;
// each value is normalised and hashed as soon as it is read (nothing in clear is kept or logged); a bad line is
// reported by number and skipped; the import is recorded in the evidence ledger with its counts.
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { Db } from '../storage/db.ts';
import { SuppressionList } from '../contacts/suppression-list.ts';
import type { EvidenceLedger } from '../ledger/ledger.ts';
import type { ObjectionChannel } from './ports.ts';
import { normaliseEmail } from './subjects.ts';
import { normaliseChannels } from './objections.ts';

export interface SourceProfile {
  label: string;
  country: string | null;
  defaultChannels: ObjectionChannel[];
  registry: boolean;
  note?: string;
}

export const IMPORT_SOURCES: Record<string, SourceProfile> = {
  partner_optout: { label: 'Partner opt-out file', country: null, defaultChannels: ['all'], registry: false },
  broker_optout: { label: 'Data broker opt-out file', country: null, defaultChannels: ['all'], registry: false },
  bloctel: {
    label: 'Bloctel extract (France, historic)', country: 'FR', defaultChannels: ['phone'], registry: true,
    note: 'Bloctel governed B2C calls until 2026-08-11; since then such calls need consent. Imported numbers stay objections.',
  },
  tps: { label: 'Telephone Preference Service (United Kingdom)', country: 'GB', defaultChannels: ['phone'], registry: true },
  robinson: { label: 'Lista Robinson (Spain)', country: 'ES', defaultChannels: ['phone'], registry: true },
  rpo: { label: 'Registro Pubblico delle Opposizioni (Italy)', country: 'IT', defaultChannels: ['phone', 'postal'], registry: true },
  ne_m_appelez_plus: { label: 'Ne m’appelez plus / Bel me niet meer (Belgium)', country: 'BE', defaultChannels: ['phone'], registry: true },
};

export interface ImportReport {
  source: string;
  channels: ObjectionChannel[];
  linesRead: number;
  added: number;
  emails: number;
  phones: number;
  skipped: number;
  errors: { line: number; error: string }[];
  fileSha256: string;
  ledgerSeq: number | null;
}

const EMAIL_HEADERS = new Set(['email', 'e-mail', 'mail', 'courriel', 'email_address', 'emailaddress', 'adresse_email', 'correo']);
const PHONE_HEADERS = new Set(['phone', 'telephone', 'téléphone', 'tel', 'tél', 'numero', 'numéro', 'number', 'phone_number', 'msisdn', 'mobile', 'telefono', 'teléfono', 'numero_telefono']);
const MAX_LISTED_ERRORS = 200;
const BATCH = 500;

export async function importSuppressionFile(input: {
  db: Db;
  ledger: EvidenceLedger;
  portalId: number;
  source: string;
  channels?: string[];
  country?: string;
  stream: Readable;
  actor?: string;
  fileName?: string;
}): Promise<ImportReport> {
  const profile = IMPORT_SOURCES[input.source];
  if (!profile) throw new RangeError(`unknown --source "${input.source}" (one of ${Object.keys(IMPORT_SOURCES).join(', ')})`);
  const channels = input.channels?.length ? normaliseChannels(input.channels) : profile.defaultChannels;
  if (channels.length === 0) throw new RangeError('--channels names no known channel');
  const country = (input.country ?? profile.country ?? 'FR').toUpperCase();
  const report: ImportReport = { source: input.source, channels, linesRead: 0, added: 0, emails: 0, phones: 0, skipped: 0, errors: [], fileSha256: '', ledgerSeq: null };
  const digest = createHash('sha256');
  const tap = new Transform({ transform(chunk: Buffer, _enc, cb) { digest.update(chunk); cb(null, chunk); } });
  const parser = input.stream.pipe(tap).pipe(parse({
    bom: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: true, trim: true,
    delimiter: [',', ';', '\t', '|'], info: true,
  }));

  let columns: { email: number | null; phone: number | null } | null = null;
  let batch: { email: string | null; phone: string | null }[] = [];
  const skip = (line: number, error: string) => {
    report.skipped += 1;
    if (report.errors.length < MAX_LISTED_ERRORS) report.errors.push({ line, error });
  };
  const flush = async () => {
    if (batch.length === 0) return;
    const items = batch;
    batch = [];
    await input.db.transaction(async (tx) => {
      const list = new SuppressionList(tx);
      for (const ids of items) {
        const hashes = await list.hash(input.portalId, ids, country);
        await list.addHashes(input.portalId, hashes, channels, `import:${input.source}`);
      }
    });
    report.added += items.length;
  };

  for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    const cells = rec.record;
    const line = rec.info.lines;
    report.linesRead += 1;
    if (columns === null) {
      const lower = cells.map((c) => c.toLowerCase().replace(/[\s"]/g, ''));
      const e = lower.findIndex((c) => EMAIL_HEADERS.has(c));
      const p = lower.findIndex((c) => PHONE_HEADERS.has(c));
      if (e >= 0 || p >= 0) {
        columns = { email: e >= 0 ? e : null, phone: p >= 0 ? p : null };
        continue;
      }
      columns = { email: null, phone: null }; // no header: every cell is looked at
    }
    let email: string | null = null;
    let phone: string | null = null;
    const candidates = columns.email === null && columns.phone === null ? cells
      : [columns.email === null ? '' : cells[columns.email] ?? '', columns.phone === null ? '' : cells[columns.phone] ?? ''];
    let sawValue = false;
    for (const raw of candidates) {
      if (!raw) continue;
      sawValue = true;
      if (raw.includes('@')) {
        email ??= normaliseEmail(raw);
      } else {
        const parsed = parsePhoneNumberFromString(raw, country as CountryCode);
        if (parsed?.isPossible()) phone ??= parsed.number;
      }
    }
    if (!email && !phone) {
      skip(line, sawValue ? 'no valid email address or phone number on this line' : 'empty line');
      continue;
    }
    if (email) report.emails += 1;
    if (phone) report.phones += 1;
    batch.push({ email, phone });
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  report.fileSha256 = digest.digest('hex');
  const entry = await input.ledger.append(input.portalId, {
    kind: 'suppression_import', actor: input.actor ?? 'cli', payload: {
      source: input.source, sourceLabel: profile.label, registry: profile.registry, country, channels,
      linesRead: report.linesRead, added: report.added, emails: report.emails, phones: report.phones, skipped: report.skipped,
      fileSha256: report.fileSha256, ...(profile.note ? { note: profile.note } : {}),
    },
    idempotencyKey: `suppression-import:${input.source}:${report.fileSha256}:${channels.join(',')}`,
  });
  report.ledgerSeq = entry.seq;
  return report;
}

export function openImportFile(path: string): Readable {
  return createReadStream(path);
}
