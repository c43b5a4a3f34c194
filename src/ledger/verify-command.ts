// `prospect-guard ledger verify|export|checkpoint|rekey`. The database comes from DATABASE_URL (PostgreSQL) or
// DATA_DIR (embedded PGlite), the keys and the checkpoint file from LEDGER_HMAC_KEY, LEDGER_SIGNING_KEY and
// LEDGER_CHECKPOINT_PATH, like the app. Exit codes: 0 intact / done, 1 broken (or an export of a broken chain),
// 2 usage error.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Db } from './db.ts';
import { createEvidenceLedger, LedgerIntegrityError, type EvidenceLedger } from './ledger.ts';
import { exportLedger } from './export.ts';
import { createCheckpointSigner, createFileCheckpointStore } from './checkpoints.ts';
import { createLedgerAnchor, rekeyUnanchoredChain, verifyPortalEvidence, type LedgerAnchor, type LedgerIntegrity } from './integrity.ts';
import type { LedgerSecrets } from './secrets.ts';

export interface LedgerCommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  openDb?: () => Promise<Db>;
  /** Keys and checkpoint file; default: from the environment, as the app resolves them. */
  secrets?: LedgerSecrets;
}

async function defaultOpenDb(): Promise<Db> {
  return (await import('../enforcement/open-db.ts')).openAppDb();
}

export const USAGE = `usage: prospect-guard ledger verify --portal N
       prospect-guard ledger export --portal N [--contact ID] [--format json|html] [--lang en|fr] [--out FILE]
       prospect-guard ledger checkpoint --portal N|--all      sign and append the chain head to LEDGER_CHECKPOINT_PATH
       prospect-guard ledger rekey --portal N|--all           rewrite a chain from before keyed hashing under LEDGER_HMAC_KEY
`;

/** Human-readable lines of a verification, for the terminal. */
export function describeIntegrity(r: LedgerIntegrity): string {
  const lines: string[] = [];
  const c = r.checkpoints;
  if (r.chain.ok) lines.push(`ledger of portal ${r.portalId}: chain intact, ${r.chain.entries} entries, head ${r.chain.headHash}`);
  else lines.push(`ledger of portal ${r.portalId}: BROKEN at entry ${r.chain.brokenAtSeq}: ${r.chain.reason}`);
  if (c.location === null) lines.push('checkpoints: none configured (LEDGER_CHECKPOINT_PATH): a removed tail would not be seen');
  else if (c.last) lines.push(`checkpoints: ${c.valid} valid of ${c.found} in ${c.location}; last at entry ${c.last.seq} on ${c.last.at}${c.entriesAfterLast ? `; ${c.entriesAfterLast} newer entries wait for the next checkpoint` : ''}`);
  else lines.push(`checkpoints: none yet in ${c.location}`);
  for (const p of c.problems) lines.push(`BROKEN: ${p.reason}`);
  lines.push(`state: ${r.state}`);
  return `${lines.join('\n')}\n`;
}

async function portalsOf(db: Db): Promise<number[]> {
  const { rows } = await db.query<{ portal_id: unknown }>('select portal_id from evidence_ledger_head order by portal_id');
  return rows.map((r) => Number(r.portal_id));
}

export function ledgerWithAnchor(db: Db, secrets: LedgerSecrets, clock?: { now(): Date }): { ledger: EvidenceLedger; anchor: LedgerAnchor } {
  const ledger = createEvidenceLedger(db, { keys: secrets.hmacKeys });
  const anchor = createLedgerAnchor({
    ledger, signer: createCheckpointSigner(secrets.signingKeys), ...(clock ? { clock } : {}),
    store: secrets.checkpointPath ? createFileCheckpointStore(secrets.checkpointPath) : null,
  });
  return { ledger, anchor };
}

export async function runLedgerCommand(argv: string[], io: LedgerCommandIo = {
  stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t),
}): Promise<number> {
  const [sub, ...rest] = argv;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(USAGE);
    return 0;
  }
  let values: { portal?: string; contact?: string; format?: string; lang?: string; out?: string; all?: boolean };
  try {
    ({ values } = parseArgs({
      args: rest, strict: true, allowPositionals: false,
      options: { portal: { type: 'string' }, contact: { type: 'string' }, format: { type: 'string' }, lang: { type: 'string' }, out: { type: 'string' }, all: { type: 'boolean' } },
    }));
  } catch (err) {
    io.stderr(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const portalId = Number(values.portal);
  const many = sub === 'checkpoint' || sub === 'rekey';
  const portalOk = values.portal !== undefined && Number.isSafeInteger(portalId) && portalId > 0;
  if (!['verify', 'export', 'checkpoint', 'rekey'].includes(sub ?? '') || (!portalOk && !(many && values.all && values.portal === undefined))) {
    io.stderr(values.portal && !portalOk ? `--portal must be a positive integer\n${USAGE}` : USAGE);
    return 2;
  }
  const format = values.format ?? 'json';
  const lang = values.lang ?? 'en';
  if ((format !== 'json' && format !== 'html') || (lang !== 'en' && lang !== 'fr')) {
    io.stderr(`--format must be json or html and --lang en or fr\n${USAGE}`);
    return 2;
  }
  const secrets = io.secrets ?? (await import('./secrets.ts')).ledgerSecretsFromEnv();
  const db = await (io.openDb ?? defaultOpenDb)();
  try {
    const { ledger, anchor } = ledgerWithAnchor(db, secrets);
    const portals = portalOk ? [portalId] : await portalsOf(db);
    if (sub === 'verify') {
      const result = await verifyPortalEvidence({ ledger, anchor }, portalId);
      io.stdout(describeIntegrity(result));
      return result.ok ? 0 : 1;
    }
    if (sub === 'checkpoint') {
      if (!anchor.location) {
        io.stderr('no checkpoint file: set LEDGER_CHECKPOINT_PATH\n');
        return 2;
      }
      for (const p of portals) {
        const cp = await anchor.checkpoint(p);
        io.stdout(cp ? `portal ${p}: checkpoint of entry ${cp.seq} written to ${anchor.location}\n` : `portal ${p}: head already anchored (or empty)\n`);
      }
      return 0;
    }
    if (sub === 'rekey') {
      let failed = 0;
      for (const p of portals) {
        try {
          const r = await rekeyUnanchoredChain({ ledger, anchor }, p);
          io.stdout(r.legacyHead ? `portal ${p}: ${r.rekeyed} entries rekeyed; legacy head ${r.legacyHead.seq} / ${r.legacyHead.hash}\n` : `portal ${p}: already keyed\n`);
        } catch (err) {
          if (!(err instanceof LedgerIntegrityError)) throw err;
          failed += 1;
          io.stdout(`portal ${p}: not rekeyed: ${err.message}\n`);
        }
      }
      return failed > 0 ? 1 : 0;
    }
    const contact = values.contact !== undefined ? { contactId: values.contact } : {};
    if (format === 'html') {
      // The readable document (src/reports), the same as `ledger report --format html`.
      const { buildReport } = await import('../reports/build-report.ts');
      const built = await buildReport({ db, ledger, anchor }, { kind: 'evidence', portalId, lang, now: new Date(), ...contact });
      if (values.out) await writeFile(values.out, built.html, 'utf8');
      else io.stdout(built.html);
      return built.ok ? 0 : 1;
    }
    const report = await exportLedger(ledger, portalId, { anchor, ...contact });
    const text = `${JSON.stringify(report, null, 2)}\n`;
    if (values.out) await writeFile(values.out, text, 'utf8');
    else io.stdout(text);
    return report.integrity.ok ? 0 : 1;
  } finally {
    await db.close();
  }
}
