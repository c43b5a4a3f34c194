// Entry of the `prospect-guard` command (bin/prospect-guard.js). Subcommands are a table: add a row, with a
// lazy import so one command never loads another's dependencies. Multi-word commands ("ledger verify") match
// on their words, longest first.
export interface CliCommand {
  /** Words typed after `prospect-guard`, e.g. ['audit'] or ['ledger', 'verify']. */
  words: string[];
  summary: string;
  /** Receives the arguments after the command words; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
}

export const COMMANDS: CliCommand[] = [
  {
    words: ['audit'],
    summary: 'judge every contact of a .jsonl or .csv file (a purchased list, a CRM export) before use',
    run: async (argv) => (await import('./audit/command.ts')).runAuditCommand(argv),
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
  return found.command.run(found.rest);
}

process.exitCode = await main(process.argv.slice(2));
