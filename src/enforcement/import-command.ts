// `prospect-guard suppression import <file> --portal N --source <kind> [--channels phone,email] [--country FR]`.
// Prints a JSON report (counts and the numbers of skipped lines, never their content). Exit 0 when done (even with
// skipped lines), 1 when the file cannot be read, 2 on a usage error.
import { access } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Db } from '../storage/db.ts';
import { createEvidenceLedger } from '../ledger/ledger.ts';
import { ledgerSecretsFromEnv, type LedgerSecrets } from '../ledger/secrets.ts';
import { IMPORT_SOURCES, importSuppressionFile, openImportFile } from './suppression-import.ts';

export const USAGE = `usage: prospect-guard suppression import <file> --portal N --source <${Object.keys(IMPORT_SOURCES).join('|')}> [--channels phone,email,...|all] [--country CC]\n`;

export async function runSuppressionImportCommand(argv: string[], io: { stdout(t: string): void; stderr(t: string): void; openDb?: () => Promise<Db>; ledgerSecrets?: LedgerSecrets } = {
  stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t),
}): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(USAGE);
    return 0;
  }
  let parsed: ReturnType<typeof parseArgs<{ options: { portal: { type: 'string' }; source: { type: 'string' }; channels: { type: 'string' }; country: { type: 'string' } }; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { portal: { type: 'string' }, source: { type: 'string' }, channels: { type: 'string' }, country: { type: 'string' } } });
  } catch (err) {
    io.stderr(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const file = positionals[0];
  const portalId = Number(values.portal);
  if (!file || positionals.length !== 1 || !Number.isSafeInteger(portalId) || portalId <= 0 || !values.source) {
    io.stderr(USAGE);
    return 2;
  }
  if (!IMPORT_SOURCES[values.source]) {
    io.stderr(`unknown --source "${values.source}"\n${USAGE}`);
    return 2;
  }
  if (values.country && !/^[A-Za-z]{2}$/.test(values.country)) {
    io.stderr(`--country must be an ISO 3166-1 alpha-2 code\n${USAGE}`);
    return 2;
  }
  try {
    await access(file);
  } catch {
    io.stderr(`cannot read ${file}\n`);
    return 1;
  }
  const db = io.openDb ? await io.openDb() : await (await import('./open-db.ts')).openAppDb();
  try {
    // An entry for a portal that never installed (a typo in --portal) would sit where no verdict ever reads it.
    const { rows } = await db.query<{ status: string }>('select status from installations where portal_id = $1', [portalId]);
    const status = rows[0]?.status;
    if (status !== 'active') {
      io.stderr(status === undefined
        ? `portal ${portalId} has not installed Prospect Guard: nothing imported (check --portal)\n`
        : `portal ${portalId} is ${status}: nothing imported (reinstall the app first)\n`);
      return 1;
    }
    const report = await importSuppressionFile({
      db, ledger: createEvidenceLedger(db, { keys: (io.ledgerSecrets ?? ledgerSecretsFromEnv()).hmacKeys }), portalId, source: values.source, stream: openImportFile(file), fileName: file,
      ...(values.channels ? { channels: values.channels.split(',').map((c) => c.trim()) } : {}),
      ...(values.country ? { country: values.country } : {}),
    });
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  } catch (err) {
    io.stderr(`import failed: ${(err as Error).message}\n`);
    return err instanceof RangeError ? 2 : 1;
  } finally {
    await db.close();
  }
}
