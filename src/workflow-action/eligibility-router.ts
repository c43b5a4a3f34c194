// POST /actions/eligibility: HubSpot calls it when a workflow reaches "Check prospecting eligibility".
// Gate, failing closed: every signature HubSpot sent must verify, and the one the app's configuration expects
// must be there (v3 on platform 2025.2+, see signature-policy.ts: a v2-only call is refused then); the portal in
// the payload must be installed; a replay of the same signed call answers the first result (replay-store.ts).
// A temporary failure answers 503 so HubSpot retries (it retries 5xx for up to three days).
import express, { type NextFunction, type Request, type Response } from 'express';
import {
  SIGNATURE_HEADER, SIGNATURE_V3_HEADER, TIMESTAMP_HEADER, headerValue, publicRequestUri,
  verifyHubSpotSignatureV2, verifyHubSpotSignatureV3,
} from '../hubspot/signature.ts';
import { log } from '../log.ts';
import type { CrmBackendDeps } from '../card/ports.ts';
import { bodyBytes, parseJsonBody, rawBody, replayGuard, sendError, signedRequestKey } from '../card/signed-request.ts';
import { ActionRequestSchema, checkEligibility, type ActionRequest } from './check-eligibility.ts';

/** Must equal app.json workflowActions[].actionPath (checked by test/crm/hubspot-project.test.ts). */
export const ELIGIBILITY_ACTION_PATH = '/actions/eligibility';

declare module 'express-serve-static-core' {
  interface Request {
    actionRequest?: ActionRequest;
  }
}

export function createEligibilityActionRouter(deps: CrmBackendDeps): express.Router {
  const router = express.Router();
  const policy = deps.actionSignature ?? 'v3';

  async function verify(req: Request, res: Response, next: NextFunction): Promise<void> {
    const raw = bodyBytes(req);
    if (raw == null) { sendError(res, 500, 'raw_body_unavailable', 'Server misconfiguration: request body was not kept raw'); return; }
    const uri = publicRequestUri(deps.publicBaseUrl, req.originalUrl);
    const v2 = headerValue(req.headers, SIGNATURE_HEADER);
    const v3 = headerValue(req.headers, SIGNATURE_V3_HEADER);
    const timestamp = headerValue(req.headers, TIMESTAMP_HEADER);
    if (v2 == null && v3 == null) { sendError(res, 401, 'bad_signature', 'missing HubSpot signature'); return; }
    if (v3 == null && policy === 'v3') {
      log.warn({ path: req.path }, 'workflow action carried a v2 signature only; v3 expected');
      sendError(res, 401, 'v3_signature_required', 'This app expects X-HubSpot-Signature-v3 on workflow action calls');
      return;
    }
    if (v2 != null) {
      const check = verifyHubSpotSignatureV2({ method: req.method, uri, rawBody: raw, signature: v2, clientSecret: deps.clientSecret });
      if (!check.ok) { log.warn({ reason: check.reason }, 'workflow action v2 signature refused'); sendError(res, check.status, 'bad_signature', check.reason); return; }
    }
    if (v3 != null) {
      const check = verifyHubSpotSignatureV3({
        method: req.method, uri, rawBody: raw, signature: v3, timestamp, clientSecret: deps.clientSecret, now: (deps.now?.() ?? new Date()).getTime(),
      });
      if (!check.ok) { log.warn({ reason: check.reason }, 'workflow action v3 signature refused'); sendError(res, check.status, 'bad_signature', check.reason); return; }
    }
    const json = parseJsonBody(raw);
    const parsed = json.ok ? ActionRequestSchema.safeParse(json.value) : null;
    if (!parsed?.success) {
      sendError(res, 400, 'bad_request', parsed ? `payload: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}` : 'body is not JSON');
      return;
    }
    const portalId = parsed.data.origin.portalId;
    try {
      if (!(await deps.installations.isActive(portalId))) {
        sendError(res, 403, 'not_installed', 'Prospect Guard is not installed in this portal');
        return;
      }
    } catch (error) {
      unavailable(res, portalId, error);
      return;
    }
    req.actionRequest = parsed.data;
    // The signed payload names the portal; the key is the v3 signature and timestamp (v2 alone: its signature).
    const requestKey = v3 != null ? signedRequestKey('v3', v3, timestamp ?? '') : signedRequestKey('v2', v2 ?? '', null);
    req.signedCaller = { portalId, userId: null, appId: null, actor: 'workflow', body: parsed.data, requestKey, portalSource: 'body' };
    next();
  }

  function unavailable(res: Response, portalId: number, error: unknown): void {
    log.error({ portalId, err: (error as Error).message }, 'eligibility check failed; HubSpot will retry');
    res.setHeader('Retry-After', '60');
    sendError(res, 503, 'temporarily_unavailable', 'eligibility could not be checked now');
  }

  router.post(ELIGIBILITY_ACTION_PATH, rawBody, verify, replayGuard(deps), async (req: Request, res: Response) => {
    const request = req.actionRequest as ActionRequest;
    const portalId = request.origin.portalId;
    try {
      const answer = await checkEligibility(deps, request);
      log.info({ portalId, contactId: String(request.object.objectId), eligible: answer.outputFields.eligible, blocker: answer.outputFields.blocker }, 'eligibility checked');
      res.status(200).json(answer);
    } catch (error) {
      unavailable(res, portalId, error);
    }
  });
  return router;
}
