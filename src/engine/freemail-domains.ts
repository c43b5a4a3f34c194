// Free-mail and disposable domains from two maintained lists without install scripts:
// `free-email-domains-list` (free providers, updated weekly; it also holds many disposable domains) and
// `disposable-email-domains` (disposable and temporary providers). Loaded once into one Map so a lookup is
// O(labels). The `freemail` package used before pulled an old `tldjs` with a network install script; the
// `free-email-domains` package fetches its data in a postinstall script (fails offline) and lacks 332 of the
// domains freemail knew, so neither is used (docs/RULES.md, "Audience").
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export type MailDomainKind = 'free' | 'disposable' | 'other';

/** French consumer ISP domains missing from both lists (checked 2026-12-02). */
const EXTRA_FREE = ['bbox.fr'];

/** One map for both lists (a single lookup per domain label); disposable wins over free. */
const DOMAINS = new Map<string, MailDomainKind>();
function add(domains: Iterable<unknown>, kind: MailDomainKind): void {
  for (const entry of domains) {
    if (typeof entry !== 'string') continue;
    const d = entry.trim().toLowerCase();
    if (d !== '' && !d.includes(' ')) DOMAINS.set(d, kind);
  }
}
// The package's entry point also loads `validator` for its own helpers: read the data module alone.
add((require('free-email-domains-list/build/src/constants.js') as { DOMAINS: Set<unknown> }).DOMAINS, 'free');
add(EXTRA_FREE, 'free');
add(require('disposable-email-domains') as unknown[], 'disposable');

/** Number of domains known (for tests and docs). */
export const MAIL_DOMAIN_COUNT = DOMAINS.size;

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
