// "Re-judge now": answers with a verdict computed on the spot and queues the pipeline's judge job, which writes
// the properties back to HubSpot (the card shows the fresh verdict without waiting for that write).
import type { CardResponse } from './card-view.ts';
import { getCard } from './get-card.ts';
import type { CrmBackendDeps } from './ports.ts';

export async function rejudgeContact(deps: CrmBackendDeps, portalId: number, contactId: string, actor: string): Promise<CardResponse> {
  const view = await getCard(deps, portalId, contactId);
  if (view.judged) {
    await deps.judge.contact(portalId, contactId);
    await deps.ledger.append(portalId, {
      kind: 'rejudge_requested', contactId, actor, at: deps.now?.() ?? new Date(),
      payload: { status: view.status, rulesVersion: view.rulesVersion },
    });
  }
  return view;
}
