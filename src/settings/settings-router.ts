// Settings page backend (mounted at the app root):
//   GET /api/portals/:portalId/settings  -> { settings, configured, summary, backfill, levers }
//   PUT /api/portals/:portalId/settings  -> validates, saves, ledgers what changed, re-judges the portal (a replay
//                                           of the same signed PUT answers the first result and changes nothing)
import express, { type Request, type Response } from 'express';
import { log } from '../log.ts';
import type { CrmBackendDeps, BackfillProgress, PortalSummary } from '../card/ports.ts';
import { rawBody, replayGuard, requireSignedPortalRequest, sendError } from '../card/signed-request.ts';
import { portalLevers } from '../card/get-card.ts';
import type { LeverAvailability } from '../enforcement/levers.ts';
import { CrmSettingsSchema, settingsErrors, type CrmSettings } from './settings-schema.ts';

export interface SettingsResponse {
  settings: CrmSettings;
  configured: boolean;
  summary: PortalSummary;
  backfill: BackfillProgress;
  levers?: LeverAvailability[];
}

export async function getSettingsPage(deps: CrmBackendDeps, portalId: number): Promise<SettingsResponse> {
  const [saved, summary, backfill, levers] = await Promise.all([
    deps.settings.get(portalId), deps.stats.summary(portalId), deps.stats.backfill(portalId), portalLevers(deps, portalId),
  ]);
  return { settings: saved.settings, configured: saved.configured, summary, backfill, ...(levers ? { levers } : {}) };
}

/** Top-level keys whose value changed (the ledger records what changed, not the values). */
function changedKeys(before: CrmSettings | null, after: CrmSettings): string[] {
  return (Object.keys(after) as Array<keyof CrmSettings>)
    .filter((k) => JSON.stringify(before?.[k]) !== JSON.stringify(after[k]));
}

export async function saveSettings(
  deps: CrmBackendDeps, portalId: number, actor: string, input: unknown,
): Promise<{ status: 200; body: SettingsResponse } | { status: 422; body: { error: { code: string; message: string; fields: Record<string, string> } } }> {
  const parsed = CrmSettingsSchema.safeParse(input);
  if (!parsed.success) {
    return { status: 422, body: { error: { code: 'invalid_settings', message: 'Some settings are not valid', fields: settingsErrors(parsed.error) } } };
  }
  const before = await deps.settings.get(portalId);
  await deps.settings.save(portalId, parsed.data);
  const changed = changedKeys(before.configured ? before.settings : null, parsed.data);
  await deps.ledger.append(portalId, { kind: 'settings_change', contactId: null, actor, at: deps.now?.() ?? new Date(), payload: { changed } });
  if (changed.length > 0) await deps.judge.portal(portalId);
  return { status: 200, body: await getSettingsPage(deps, portalId) };
}

export function createSettingsRouter(deps: CrmBackendDeps): express.Router {
  const router = express.Router();
  const signed = requireSignedPortalRequest(deps);
  const path = '/api/portals/:portalId/settings';
  router.use(path, rawBody);
  const guard = (fn: (req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response) => {
    try {
      await fn(req, res);
    } catch (error) {
      log.error({ portalId: req.signedCaller?.portalId, err: (error as Error).message }, 'settings request failed');
      sendError(res, 503, 'temporarily_unavailable', 'Prospect Guard could not answer; try again in a moment');
    }
  };
  router.get(path, signed, guard(async (req, res) => {
    res.json(await getSettingsPage(deps, req.signedCaller!.portalId));
  }));
  router.put(path, signed, replayGuard(deps), guard(async (req, res) => {
    const caller = req.signedCaller!;
    const { status, body } = await saveSettings(deps, caller.portalId, caller.actor, caller.body);
    res.status(status).json(body);
  }));
  return router;
}
