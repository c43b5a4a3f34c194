// GET /api/portals/:portalId/backfill -> {state, processed, total, startedAt, updatedAt, ...}: the progress of
// the account's backfill, for the settings page (hubspot.fetch, v3-signed; same gate as the card endpoints).
import express, { type Router } from 'express';
import type { Db } from '../storage/db.ts';
import { rawBody, requireSignedPortalRequest } from '../card/signed-request.ts';
import { getBackfillProgress } from './backfill.ts';

export function createBackfillRouter(deps: {
  db: Db;
  clientSecret: string;
  publicBaseUrl: string;
  installations: { isActive(portalId: number): Promise<boolean> };
}): Router {
  const router = express.Router();
  const signed = requireSignedPortalRequest(deps);
  router.get('/api/portals/:portalId/backfill', rawBody, signed, async (req, res, next) => {
    try {
      const portalId = req.signedCaller?.portalId as number;
      res.set('cache-control', 'no-store').json(await getBackfillProgress(deps.db, portalId));
    } catch (err) {
      next(err);
    }
  });
  return router;
}
