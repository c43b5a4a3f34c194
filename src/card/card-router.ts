// Routes hubspot.fetch calls from the contact card to the use cases, behind the signed-request gate.
//   GET  /api/portals/:portalId/contacts/:contactId/card
//   POST /api/portals/:portalId/contacts/:contactId/{consents,objections,rejudge,export,erase}  (replay-guarded)
import express, { type Request, type Response } from 'express';
import { log } from '../log.ts';
import { eraseContact } from './erase-contact.ts';
import { exportContact } from './export-contact.ts';
import { getCard, isContactId } from './get-card.ts';
import type { CrmBackendDeps } from './ports.ts';
import { recordConsent } from './record-consent.ts';
import { recordObjection } from './record-objection.ts';
import { rejudgeContact } from './rejudge-contact.ts';
import { rawBody, replayGuard, requireSignedPortalRequest, sendError, type SignedCaller } from './signed-request.ts';

type Handler = (caller: SignedCaller, contactId: string) => Promise<{ status: number; body: unknown }>;

function route(handler: Handler) {
  return async (req: Request, res: Response): Promise<void> => {
    const caller = req.signedCaller;
    const contactId = String(req.params.contactId ?? '');
    if (!caller) { sendError(res, 401, 'unsigned', 'signed request required'); return; }
    if (!isContactId(contactId)) { sendError(res, 400, 'bad_contact', 'contactId must be a HubSpot record id'); return; }
    try {
      const { status, body } = await handler(caller, contactId);
      res.status(status).json(body);
    } catch (error) {
      // Temporary failures (database, HubSpot): 503 so hubspot.fetch retries once and the card offers a retry.
      log.error({ portalId: caller.portalId, contactId, err: (error as Error).message }, 'card request failed');
      sendError(res, 503, 'temporarily_unavailable', 'Prospect Guard could not answer; try again in a moment');
    }
  };
}

/** Mounted at the app root (createHttpApp's `routers`); owns the /api/portals/:portalId/contacts/... paths. */
export function createCardRouter(deps: CrmBackendDeps): express.Router {
  const router = express.Router();
  const signed = requireSignedPortalRequest(deps);
  // Every state-changing call answers a replay of the same signed request with its first result.
  const once = replayGuard(deps);
  const base = '/api/portals/:portalId/contacts/:contactId';
  router.use(base, rawBody);
  router.get(`${base}/card`, signed, route(async (c, id) => ({ status: 200, body: await getCard(deps, c.portalId, id) })));
  router.post(`${base}/consents`, signed, once, route((c, id) => recordConsent(deps, c.portalId, id, c.actor, c.body)));
  router.post(`${base}/objections`, signed, once, route((c, id) => recordObjection(deps, c.portalId, id, c.actor, c.body)));
  router.post(`${base}/rejudge`, signed, once, route(async (c, id) => ({ status: 200, body: await rejudgeContact(deps, c.portalId, id, c.actor) })));
  router.post(`${base}/export`, signed, once, route((c, id) => exportContact(deps, c.portalId, id, c.actor)));
  router.post(`${base}/erase`, signed, once, route((c, id) => eraseContact(deps, c.portalId, id, c.actor, c.body)));
  return router;
}
