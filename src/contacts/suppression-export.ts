// `prospect-guard suppression export --portal N [--out file]`: a portal's hashed suppression list as JSON lines,
// for `prospect-guard audit --suppression <file>` to block listed people in a file before it is imported.
// Line 1: {"format":"prospect-guard/suppression-export","version":1,"portalId":N,"exportedAt":…,"salt":…,
// "hash":"HMAC-SHA256(salt, kind:value) base64url","normalisation":{…}}; then one entry a line:
// {"kind":"email"|"phone","hash":"…","channels":["all"],"origin":"objection"}.
// No address or number is in the file, but the salt is: with it a guessed value can be tested, so the file is
// the portal's personal data (kept like the list itself, never published).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import type { Writable } from 'node:stream';
import type { Db } from '../storage/db.ts';
import { SuppressionList } from './suppression-list.ts';

export const SUPPRESSION_EXPORT_FORMAT = 'prospect-guard/suppression-export';
const PAGE = 5000;

function channelsOf(v: unknown): string[] {
  const arr = typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
  return Array.isArray(arr) ? arr.filter((x): x is string => typeof x === 'string') : [];
}

/** The export's lines (each without its newline), paged through the table by key. */
export async function* suppressionExportLines(db: Db, portalId: number, at: Date): AsyncGenerator<string> {
  await new SuppressionList(db).hash(portalId, {}); // makes sure the portal has its salt
  const { rows } = await db.query<{ salt: string }>('select salt from suppression_salts where portal_id = $1', [portalId]);
  const salt = rows[0]?.salt;
  if (!salt) throw new Error(`no suppression salt for portal ${portalId}`);
  yield JSON.stringify({
    format: SUPPRESSION_EXPORT_FORMAT, version: 1, portalId, exportedAt: at.toISOString(), salt,
    hash: 'HMAC-SHA256(salt, "<kind>:<value>"), base64url',
    normalisation: { email: 'trimmed, lower case', phone: 'E.164 when the number is valid, else its digits' },
  });
  let after = { kind: '', hash: '' };
  for (;;) {
    const page = await db.query<{ kind: string; hash: string; channels: unknown; origin: string }>(
      `select kind, hash, channels, origin from suppression_entries
        where portal_id = $1 and (kind, hash) > ($2, $3) order by kind, hash limit ${PAGE}`,
      [portalId, after.kind, after.hash]);
    for (const r of page.rows) yield JSON.stringify({ kind: r.kind, hash: r.hash, channels: channelsOf(r.channels), origin: r.origin });
    const last = page.rows[page.rows.length - 1];
    if (!last || page.rows.length < PAGE) return;
    after = { kind: last.kind, hash: last.hash };
  }
}

export const USAGE = 'usage: prospect-guard suppression export --portal N [--out <file>]   (JSON lines; stdout without --out)\n';

export async function runSuppressionExportCommand(argv: string[], io: {
  stdout: Writable; stderr(t: string): void; openDb?: () => Promise<Db>; now?: () => Date;
} = { stdout: process.stdout, stderr: (t) => process.stderr.write(t) }): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(USAGE);
    return 0;
  }
  let values: { portal?: string; out?: string };
  try {
    ({ values } = parseArgs({ args: argv, strict: true, options: { portal: { type: 'string' }, out: { type: 'string' } } }));
  } catch (error) {
    io.stderr(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const portalId = Number(values.portal);
  if (!Number.isSafeInteger(portalId) || portalId <= 0) {
    io.stderr(USAGE);
    return 2;
  }
  const db = io.openDb ? await io.openDb() : await (await import('../enforcement/open-db.ts')).openAppDb();
  const out = values.out ? createWriteStream(values.out, { mode: 0o600 }) : io.stdout;
  let count = -1;
  try {
    for await (const line of suppressionExportLines(db, portalId, (io.now ?? (() => new Date()))())) {
      count += 1;
      if (!out.write(`${line}\n`)) await once(out, 'drain');
    }
    if (values.out) {
      out.end();
      await once(out, 'finish');
    }
    io.stderr(`exported ${count} suppression entries of portal ${portalId}${values.out ? ` to ${values.out}` : ''}\n`);
    return 0;
  } catch (error) {
    io.stderr(`export failed: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await db.close();
  }
}
