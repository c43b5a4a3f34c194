import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readLines } from '../../src/audit/line-reader.ts';
import type { TextLine } from '../../src/audit/line-reader.ts';

async function lines(chunks: (string | Buffer)[], maxLineChars?: number): Promise<TextLine[]> {
  const out: TextLine[] = [];
  for await (const line of readLines(Readable.from(chunks), { maxLineChars })) out.push(line);
  return out;
}

describe('readLines', () => {
  it('numbers lines across chunk boundaries, strips CR and a BOM, keeps a last line without newline', async () => {
    const result = await lines(['\uFEFFfirst\r\nsec', 'ond\n\nthi', 'rd']);
    expect(result).toEqual([
      { line: 1, text: 'first' }, { line: 2, text: 'second' }, { line: 3, text: '' }, { line: 4, text: 'third' },
    ]);
  });

  it('decodes a multi-byte character split between two buffers', async () => {
    const bytes = Buffer.from('{"name":"Zoé"}\n', 'utf8');
    const cut = bytes.indexOf(0xa9); // second byte of "é"
    const result = await lines([bytes.subarray(0, cut), bytes.subarray(cut)]);
    expect(result).toEqual([{ line: 1, text: '{"name":"Zoé"}' }]);
  });

  it('reports an over-long line without buffering it, then resumes on the next line', async () => {
    const long = 'x'.repeat(50);
    const result = await lines([`ok\n${long.slice(0, 20)}`, `${long.slice(20)}\nafter\n`], 30);
    expect(result).toEqual([{ line: 1, text: 'ok' }, { line: 2, tooLong: true }, { line: 3, text: 'after' }]);
  });

  it('reads a Windows-1252 file (French Excel\'s plain CSV) when its first chunk is not UTF-8', async () => {
    const cp1252 = Buffer.from([...Buffer.from('Soci'), 0xe9, ...Buffer.from('t'), 0xe9, 0x3b, ...Buffer.from('T'), 0xe9, ...Buffer.from('l'), 0xe9, ...Buffer.from('phone\n')]);
    expect(await lines([cp1252])).toEqual([{ line: 1, text: 'Société;Téléphone' }]);
    expect(await lines([Buffer.from('Société;Téléphone\n', 'utf8')])).toEqual([{ line: 1, text: 'Société;Téléphone' }]);
  });
});
