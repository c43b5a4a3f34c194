// Free-mail and disposable domains from the maintained `freemail` package. Its own lookup scans a
// 90,000-entry array per call; we load the same lists once into Sets so a lookup is O(labels).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export type MailDomainKind = 'free' | 'disposable' | 'other';

/** One map for both lists (a single lookup per domain label); disposable wins over free. */
const DOMAINS = new Map<string, MailDomainKind>();
function load(file: string, kind: MailDomainKind): void {
  const text = readFileSync(require.resolve(`freemail/data/${file}`), 'utf8');
  for (const line of text.split('\n')) {
    const d = line.trim().toLowerCase();
    if (d !== '' && !d.startsWith('#')) DOMAINS.set(d, kind);
  }
}
load('free.txt', 'free');
load('disposable.txt', 'disposable');

/** Classifies a lower-case domain, also matching its parent domains (mail.orange.fr -> orange.fr). */
export function classifyMailDomain(domain: string): MailDomainKind {
  let d = domain;
  for (;;) {
    const kind = DOMAINS.get(d);
    if (kind !== undefined) return kind;
    const dot = d.indexOf('.');
    if (dot < 0 || d.indexOf('.', dot + 1) < 0) return 'other';
    d = d.slice(dot + 1);
  }
}
