// POST /actions/eligibility: HubSpot calls it when a workflow reaches "Check prospecting eligibility".
// Gate: every signature HubSpot sent must verify (v2 is what HubSpot documents for workflow actions; v3 is
// checked too when its headers are present) and at least one must be present; the portal in the payload must be
// installed. A temporary failure answers 503 so HubSpot retries (it retries 5xx for up to three days).
import express, { type Request, type Response } from 'express';
import {
  SIGNATURE_HEADER, SIGNATURE_V3_HEADER, TIMESTAMP_HEADER, headerValue, publicRequestUri,
  verifyHubSpotSignatureV2, verifyHubSpotSignatureV3,
} from '../hubspot/signature.ts';
import { log } from '../log.ts';
import type { CrmBackendDeps } from '../card/ports.ts';
import { bodyBytes, parseJsonBody, rawBody, sendError } from '../card/signed-request.ts';
import { ActionRequestSchema, checkEligibility } from './check-eligibility.ts';

/** Must equal app.json workflowActions[].actionPath (checked by test/crm/hubspot-project.test.ts). */
export const ELIGIBILITY_ACTION_PATH = '/actions/eligibility';

export function createEligibilityActionRouter(deps: CrmBackendDeps): express.Router {
  const router = express.Router();
  router.post(ELIGIBILITY_ACTION_PATH, rawBody, async (req: Request, res: Response) => {
    const raw = bodyBytes(req);
    if (raw == null) { sendError(res, 500, 'raw_body_unavailable', 'Server misconfiguration: request body was not kept raw'); return; }
    const uri = publicRequestUri(deps.publicBaseUrl, req.originalUrl);
    const v2 = headerValue(req.headers, SIGNATURE_HEADER);
    const v3 = headerValue(req.headers, SIGNATURE_V3_HEADER);
    if (v2 == null && v3 == null) { sendError(res, 401, 'bad_signature', 'missing HubSpot signature'); return; }
    if (v2 != null) {
      const check = verifyHubSpotSignatureV2({ method: req.method, uri, rawBody: raw, signature: v2, clientSecret: deps.clientSecret });
      if (!check.ok) { log.warn({ reason: check.reason }, 'workflow action v2 signature refused'); sendError(res, check.status, 'bad_signature', check.reason); return; }
    }
    if (v3 != null) {
      const check = verifyHubSpotSignatureV3({
        method: req.method, uri, rawBody: raw, signature: v3, timestamp: headerValue(req.headers, TIMESTAMP_HEADER),
        clientSecret: deps.clientSecret, now: (deps.now?.() ?? new Date()).getTime(),
      });
      if (!check.ok) { log.warn({ reason: check.reason }, 'workflow action v3 signature refused'); sendError(res, check.status, 'bad_signature', check.reason); return; }
    }
    const json = parseJsonBody(raw);
    const parsed = json.ok ? ActionRequestSchema.safeParse(json.value) : null;
    if (!parsed?.success) {
      sendError(res, 400, 'bad_request', parsed ? `payload: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}` : 'body is not JSON');
      return;
    }
    const request = parsed.data;
    const portalId = request.origin.portalId;
    try {
      if (!(await deps.installations.isActive(portalId))) {
        sendError(res, 403, 'not_installed', 'Prospect Guard is not installed in this portal');
        return;
      }
      const answer = await checkEligibility(deps, request);
      log.info({ portalId, contactId: String(request.object.objectId), eligible: answer.outputFields.eligible, blocker: answer.outputFields.blocker }, 'eligibility checked');
      res.status(200).json(answer);
    } catch (error) {
      log.error({ portalId, err: (error as Error).message }, 'eligibility check failed; HubSpot will retry');
      res.setHeader('Retry-After', '60');
      sendError(res, 503, 'temporarily_unavailable', 'eligibility could not be checked now');
    }
  });
  return router;
}
