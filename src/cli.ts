// Entry of the `prospect-guard` command (bin/prospect-guard.js). Subcommands are a table: add a row, with a
// lazy import so one command never loads another's dependencies. Multi-word commands ("ledger verify") match
// on their words, longest first. A command may ask for V8 heap flags (they cannot be set once Node runs):
// the CLI then re-runs itself once with them, stdio inherited, and passes the exit code through.
// `<command> --help` prints the row's usage and returns: it never runs the command (a test holds every row to it).
// ./.env is loaded first when present (src/env-file.ts); the real environment wins over it.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadEnvFileIfPresent } from './env-file.ts';

export interface CliCommand {
  /** Words typed after `prospect-guard`, e.g. ['audit'] or ['ledger', 'verify']. */
  words: string[];
  summary: string;
  /** The command's usage text, printed for `--help`/`-h` without running anything. */
  usage(): Promise<string>;
  /** Receives the arguments after the command words; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
  /** V8 flags the command needs, e.g. a small young generation to keep a streaming run's memory flat. */
  v8Flags?: string[];
}

export const COMMANDS: CliCommand[] = [
  {
    words: ['audit'],
    summary: 'judge every contact of a .jsonl or .csv file (a purchased list, a CRM export) before use',
    usage: async () => (await import('./audit/options.ts')).AUDIT_USAGE,
    run: async (argv) => (await import('./audit/command.ts')).runAuditCommand(argv),
    // The live set of a run is ~35 MB, but uncapped V8 lets garbage pile up: 369 MB RSS on a 1M-line file.
    // Measured on that file: semi 16 MB + old 256 MB -> 190 MB and the least CPU of the settings tried
    // (semi 8 MB: 168 MB but ~12% more CPU in GC).
    v8Flags: ['--max-semi-space-size=16', '--max-old-space-size=256'],
  },
  {
    words: ['serve'],
    summary: 'run the app (OAuth install, webhooks, card backend, preference centre, enforcement jobs) until SIGTERM',
    usage: async () => (await import('./serve.ts')).SERVE_USAGE,
    run: async (argv) => (await import('./serve.ts')).serve(argv),
  },
  {
    words: ['ledger', 'verify'],
    summary: 'check a portal\'s evidence ledger: keyed hash chain and signed checkpoints (exit 1 when broken)',
    usage: async () => (await import('./ledger/verify-command.ts')).USAGE,
    run: async (argv) => (await import('./ledger/verify-command.ts')).runLedgerCommand(['verify', ...argv]),
  },
  {
    words: ['ledger', 'export'],
    summary: 'export a portal\'s (or one contact\'s) evidence ledger for an audit, as JSON or an HTML report',
    usage: async () => (await import('./ledger/verify-command.ts')).USAGE,
    run: async (argv) => (await import('./ledger/verify-command.ts')).runLedgerCommand(['export', ...argv]),
  },
  {
    words: ['ledger', 'report'],
    summary: 'the evidence register as a document a DPO can sign (per portal or contact, FR/EN, PDF or HTML)',
    usage: async () => (await import('./reports/report-command.ts')).USAGE,
    run: async (argv) => (await import('./reports/report-command.ts')).runReportCommand('evidence', argv),
  },
  {
    words: ['report', 'art30'],
    summary: 'the GDPR art. 30 record of the prospecting processing, from a portal\'s settings (PDF or HTML)',
    usage: async () => (await import('./reports/report-command.ts')).USAGE,
    run: async (argv) => (await import('./reports/report-command.ts')).runReportCommand('art30', argv),
  },
  {
    words: ['ledger', 'checkpoint'],
    summary: 'sign the evidence ledger\'s chain head(s) and append them to LEDGER_CHECKPOINT_PATH, outside the database',
    usage: async () => (await import('./ledger/verify-command.ts')).USAGE,
    run: async (argv) => (await import('./ledger/verify-command.ts')).runLedgerCommand(['checkpoint', ...argv]),
  },
  {
    words: ['ledger', 'rekey'],
    summary: 'rewrite an evidence ledger chain from before keyed hashing under LEDGER_HMAC_KEY (after checking it)',
    usage: async () => (await import('./ledger/verify-command.ts')).USAGE,
    run: async (argv) => (await import('./ledger/verify-command.ts')).runLedgerCommand(['rekey', ...argv]),
  },
  {
    words: ['suppression', 'import'],
    summary: 'import an opt-out file or a do-not-call registry extract into a portal\'s hashed suppression list',
    usage: async () => (await import('./enforcement/import-command.ts')).USAGE,
    run: async (argv) => (await import('./enforcement/import-command.ts')).runSuppressionImportCommand(argv),
  },
  {
    words: ['suppression', 'export'],
    summary: 'export a portal\'s hashed suppression list (JSON lines) for `audit --suppression`',
    usage: async () => (await import('./contacts/suppression-export.ts')).USAGE,
    run: async (argv) => (await import('./contacts/suppression-export.ts')).runSuppressionExportCommand(argv),
  },
];

export const USAGE_EXIT = 2;

export function cliUsage(commands: CliCommand[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => c.words.join(' ').length));
  return [
    'Usage: prospect-guard <command> [options]',
    '',
    'Keeps commercial prospecting lawful (GDPR, CPCE L.34-5, Code de la consommation L.223-1).',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.words.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    'Run "prospect-guard <command> --help" for the options of a command.',
    '',
  ].join('\n');
}

export function findCommand(argv: string[], commands: CliCommand[] = COMMANDS):
  { command: CliCommand; rest: string[] } | null {
  const sorted = [...commands].sort((a, b) => b.words.length - a.words.length);
  for (const command of sorted) {
    if (command.words.every((word, i) => argv[i] === word)) return { command, rest: argv.slice(command.words.length) };
  }
  return null;
}

export async function main(argv: string[]): Promise<number> {
  const first = argv[0];
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    (first === undefined ? process.stderr : process.stdout).write(cliUsage());
    return first === undefined ? USAGE_EXIT : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    process.stderr.write(`prospect-guard: unknown command "${first}"\n\n${cliUsage()}`);
    return USAGE_EXIT;
  }
  if (found.rest.includes('--help') || found.rest.includes('-h')) {
    process.stdout.write(await found.command.usage());
    return 0;
  }
  try {
    loadEnvFileIfPresent();
  } catch (err) {
    process.stderr.write(`prospect-guard: ${(err as Error).message}\n`);
    return 1;
  }
  const flags = found.command.v8Flags ?? [];
  if (flags.length > 0 && process.env.PROSPECT_GUARD_REEXEC !== '1' && !flags.every((f) => process.execArgv.includes(f))) {
    return rerunWithFlags(flags, argv);
  }
  return found.command.run(found.rest);
}

function rerunWithFlags(flags: string[], argv: string[]): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, ...flags, fileURLToPath(import.meta.url), ...argv], {
    stdio: 'inherit', env: { ...process.env, PROSPECT_GUARD_REEXEC: '1' },
  });
  const forward = (signal: NodeJS.Signals): void => { child.kill(signal); };
  process.on('SIGINT', forward).on('SIGTERM', forward);
  return new Promise((resolve) => {
    child.on('error', (error) => {
      process.stderr.write(`prospect-guard: could not start: ${error.message}\n`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
}

process.exitCode = await main(process.argv.slice(2));
