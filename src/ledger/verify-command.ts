// `prospect-guard ledger verify --portal N` and `prospect-guard ledger export --portal N [--contact ID]
// [--format json|html] [--lang en|fr] [--out FILE]`. Exit codes: 0 chain intact / export written, 1 chain broken,
// 2 usage error. The database comes from DATABASE_URL (PostgreSQL) or DATA_DIR (embedded PGlite), like the app.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Db } from './db.ts';
import { createEvidenceLedger } from './ledger.ts';
import { exportLedger, renderLedgerHtml } from './export.ts';

export interface LedgerCommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  openDb?: () => Promise<Db>;
}

async function defaultOpenDb(): Promise<Db> {
  return (await import('../enforcement/open-db.ts')).openAppDb();
}

export const USAGE = 'usage: prospect-guard ledger verify --portal N\n       prospect-guard ledger export --portal N [--contact ID] [--format json|html] [--lang en|fr] [--out FILE]\n';

export async function runLedgerCommand(argv: string[], io: LedgerCommandIo = {
  stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t),
}): Promise<number> {
  const [sub, ...rest] = argv;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(USAGE);
    return 0;
  }
  let values: { portal?: string; contact?: string; format?: string; lang?: string; out?: string };
  try {
    ({ values } = parseArgs({
      args: rest, strict: true, allowPositionals: false,
      options: { portal: { type: 'string' }, contact: { type: 'string' }, format: { type: 'string' }, lang: { type: 'string' }, out: { type: 'string' } },
    }));
  } catch (err) {
    io.stderr(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const portalId = Number(values.portal);
  if ((sub !== 'verify' && sub !== 'export') || !values.portal || !Number.isSafeInteger(portalId) || portalId <= 0) {
    io.stderr(values.portal && !(Number.isSafeInteger(portalId) && portalId > 0) ? `--portal must be a positive integer\n${USAGE}` : USAGE);
    return 2;
  }
  const format = values.format ?? 'json';
  const lang = values.lang ?? 'en';
  if ((format !== 'json' && format !== 'html') || (lang !== 'en' && lang !== 'fr')) {
    io.stderr(`--format must be json or html and --lang en or fr\n${USAGE}`);
    return 2;
  }
  const db = await (io.openDb ?? defaultOpenDb)();
  try {
    const ledger = createEvidenceLedger(db);
    if (sub === 'verify') {
      const result = await ledger.verify(portalId);
      if (result.ok) {
        io.stdout(`ledger of portal ${portalId}: intact, ${result.entries} entries, head ${result.headHash}\n`);
        return 0;
      }
      io.stdout(`ledger of portal ${portalId}: BROKEN at entry ${result.brokenAtSeq}: ${result.reason}\n`);
      return 1;
    }
    const report = await exportLedger(ledger, portalId, values.contact !== undefined ? { contactId: values.contact } : {});
    const text = format === 'html' ? renderLedgerHtml(report, lang) : `${JSON.stringify(report, null, 2)}\n`;
    if (values.out) await writeFile(values.out, text, 'utf8');
    else io.stdout(text);
    return report.verification.ok ? 0 : 1;
  } finally {
    await db.close();
  }
}
