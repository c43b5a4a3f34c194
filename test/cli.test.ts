import { describe, expect, it } from 'vitest';
import { COMMANDS, findCommand } from '../src/cli.ts';

describe('the prospect-guard command table', () => {
  it('offers every command the README documents', () => {
    const names = COMMANDS.map((c) => c.words.join(' '));
    expect(names).toEqual(expect.arrayContaining(['audit', 'serve', 'ledger verify', 'ledger export', 'suppression import']));
  });

  it('matches multi-word commands on their words and passes the rest on', () => {
    const found = findCommand(['ledger', 'verify', '--portal', '7']);
    expect(found?.command.words).toEqual(['ledger', 'verify']);
    expect(found?.rest).toEqual(['--portal', '7']);
    expect(findCommand(['ledger'])).toBeNull();
  });
});
