// Free-mail and disposable domains from the maintained `freemail` package. Its own lookup scans a
// 90,000-entry array per call; we load the same lists once into Sets so a lookup is O(labels).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function loadList(file: string): Set<string> {
  const text = readFileSync(require.resolve(`freemail/data/${file}`), 'utf8');
  const set = new Set<string>();
  for (const line of text.split('\n')) {
    const d = line.trim().toLowerCase();
    if (d !== '' && !d.startsWith('#')) set.add(d);
  }
  return set;
}

const DISPOSABLE = loadList('disposable.txt');
const FREE = loadList('free.txt');

export type MailDomainKind = 'free' | 'disposable' | 'other';

/** Classifies a lower-case domain, also matching its parent domains (mail.orange.fr -> orange.fr). */
export function classifyMailDomain(domain: string): MailDomainKind {
  let d = domain;
  for (;;) {
    if (DISPOSABLE.has(d)) return 'disposable';
    if (FREE.has(d)) return 'free';
    const dot = d.indexOf('.');
    if (dot < 0 || d.indexOf('.', dot + 1) < 0) return 'other';
    d = d.slice(dot + 1);
  }
}
