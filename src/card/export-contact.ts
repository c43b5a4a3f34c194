// Access request (GDPR Art. 15) from the card: the enforcement's DSR service opens a tracked request, gathers
// what HubSpot and the app hold (ledgered as an access export) and closes it; the card shows the JSON for copying.
import { notFound } from './get-card.ts';
import type { CrmBackendDeps } from './ports.ts';

export async function exportContact(
  deps: CrmBackendDeps, portalId: number, contactId: string, actor: string,
): Promise<{ status: 200; body: Record<string, unknown> } | typeof notFound> {
  const facts = await deps.contacts.readFacts(portalId, contactId);
  if (!facts) return notFound;
  return { status: 200, body: await deps.requests.accessExport(portalId, contactId, actor) };
}
