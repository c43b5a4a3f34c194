// "Re-judge now": judges the contact again through the pipeline (properties written back to HubSpot), records
// the request and the verdict in the ledger, and answers with the verdict computed from the current state.
import type { CardResponse } from './card-view.ts';
import { getCard } from './get-card.ts';
import type { CrmBackendDeps } from './ports.ts';

export async function rejudgeContact(deps: CrmBackendDeps, portalId: number, contactId: string, actor: string): Promise<CardResponse> {
  const view = await getCard(deps, portalId, contactId);
  if (view.judged) {
    await deps.judge.contact(portalId, contactId);
    await deps.ledger.append(portalId, {
      kind: 'verdict_change', contactId, actor, at: deps.now?.() ?? new Date(),
      payload: { trigger: 'rejudge_requested', origin: 'card', status: view.status, rulesVersion: view.rulesVersion },
    });
  }
  return view;
}
