// `prospect-guard ledger report --portal N [--contact ID] [--lang fr|en] [--format html|pdf] --out FILE` and
// `prospect-guard report art30 --portal N [--lang fr|en] [--format html|pdf] --out FILE`: the documents a DPO
// hands over, from the app's database, keys and checkpoint file (as `ledger verify` finds them). The language
// defaults to French for a French or Belgian controller, English otherwise; times are in the controller's zone.
// Exit 0 written, 1 written but the register is broken (or cannot be rendered), 2 usage error.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Db } from '../storage/db.ts';
import type { LedgerSecrets } from '../ledger/secrets.ts';
import { ledgerWithAnchor } from '../ledger/verify-command.ts';
import { buildReport } from './build-report.ts';
import type { ReportLang } from './vocabulary.ts';

export interface ReportCommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  openDb?: () => Promise<Db>;
  secrets?: LedgerSecrets;
  now?: () => Date;
  renderPdf?: (html: string, options: { footerTitle: string; lang: ReportLang }) => Promise<Buffer>;
}

export const USAGE = `usage: prospect-guard ledger report --portal N [--contact ID] [--lang fr|en] [--format html|pdf] [--tz ZONE] --out FILE
       prospect-guard report art30 --portal N [--lang fr|en] [--format html|pdf] [--tz ZONE] --out FILE
`;

function validZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export async function runReportCommand(kind: 'evidence' | 'art30', argv: string[], io: ReportCommandIo = {
  stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t),
}): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(USAGE);
    return 0;
  }
  let values: { portal?: string; contact?: string; lang?: string; format?: string; out?: string; tz?: string };
  try {
    ({ values } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: { portal: { type: 'string' }, contact: { type: 'string' }, lang: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, tz: { type: 'string' } },
    }));
  } catch (err) {
    io.stderr(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const portalId = Number(values.portal);
  const format = values.format ?? 'pdf';
  if (!values.portal || !Number.isSafeInteger(portalId) || portalId <= 0) { io.stderr(`--portal must be a positive integer\n${USAGE}`); return 2; }
  if (format !== 'html' && format !== 'pdf') { io.stderr(`--format must be html or pdf\n${USAGE}`); return 2; }
  if (values.lang !== undefined && values.lang !== 'fr' && values.lang !== 'en') { io.stderr(`--lang must be fr or en\n${USAGE}`); return 2; }
  if (values.tz !== undefined && !validZone(values.tz)) { io.stderr(`--tz must be an IANA time zone such as Europe/Paris\n${USAGE}`); return 2; }
  if (kind === 'art30' && values.contact !== undefined) { io.stderr(`--contact applies to the evidence report only\n${USAGE}`); return 2; }
  if (!values.out) { io.stderr(`--out FILE is required\n${USAGE}`); return 2; }

  const db = await (io.openDb ?? (async () => (await import('../enforcement/open-db.ts')).openAppDb()))();
  try {
    const secrets = io.secrets ?? (await import('../ledger/secrets.ts')).ledgerSecretsFromEnv();
    const { ledger, anchor } = ledgerWithAnchor(db, secrets);
    const built = await buildReport({ db, ledger, anchor }, {
      kind, portalId, now: io.now?.() ?? new Date(),
      ...(values.contact !== undefined ? { contactId: values.contact } : {}),
      ...(values.lang !== undefined ? { lang: values.lang as ReportLang } : {}),
      ...(values.tz !== undefined ? { timeZone: values.tz } : {}),
    });
    const { html, lang, timeZone, ok, footerTitle } = built;
    if (format === 'html') {
      await writeFile(values.out, html, 'utf8');
    } else {
      const render = io.renderPdf ?? (async (h: string, o: { footerTitle: string; lang: ReportLang }) => (await import('./pdf.ts')).renderPdf(h, o));
      try {
        await writeFile(values.out, await render(html, { footerTitle, lang }));
      } catch (err) {
        io.stderr(`${(err as Error).message}\n`);
        return 1;
      }
    }
    io.stdout(`${kind === 'evidence' ? 'evidence report' : 'art. 30 record'} written to ${values.out} (${format}, ${lang}, ${timeZone})${ok ? '' : '; the register is BROKEN: see section 4'}\n`);
    return ok ? 0 : 1;
  } finally {
    await db.close();
  }
}
