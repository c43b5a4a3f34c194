// Access request (GDPR Art. 15): everything the app holds or derives about the contact, in one JSON document
// the card shows for copying. The export itself is ledgered (who asked, when, what sections).
import type { CrmBackendDeps } from './ports.ts';
import { buildCardView } from './card-view.ts';
import { judgeContactNow } from './get-card.ts';

export interface ContactExport {
  contactId: string;
  portalId: number;
  generatedAt: string;
  facts: Record<string, unknown>;
  verdict: ReturnType<typeof buildCardView>;
  ledger: Array<Record<string, unknown>>;
}

export async function exportContact(
  deps: CrmBackendDeps, portalId: number, contactId: string, actor: string,
): Promise<ContactExport | null> {
  const judged = await judgeContactNow(deps, portalId, contactId);
  if (!judged) return null;
  const now = deps.now?.() ?? new Date();
  const ledger = await deps.ledger.listForContact(portalId, contactId);
  const result: ContactExport = {
    contactId,
    portalId,
    generatedAt: now.toISOString(),
    facts: { ...judged.facts },
    verdict: buildCardView(judged.facts, judged.verdict),
    ledger,
  };
  await deps.ledger.append(portalId, {
    kind: 'access_export', contactId, actor, at: now,
    payload: { sections: ['facts', 'verdict', 'ledger'], ledgerEntries: ledger.length },
  });
  return result;
}
