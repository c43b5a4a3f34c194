// The whole product in one process: the app core (`startApp`: storage, OAuth, webhook pipeline) plus the parts
// that act on verdicts (enforcement: preference centre, sequence blocking, requests, retention sweeps) and the
// CRM backend (card, settings, eligibility workflow action). The command line, the demo and end-to-end tests
// start it the same way, so what is tested is what runs.
import { startApp, type RunningApp, type StartOverrides } from './main.ts';
import type { Config } from './config/config.ts';
import { createEnforcementRuntime, type EnforcementRuntimeOptions } from './enforcement/runtime.ts';
import { createCrmRuntime } from './card/runtime.ts';

export type RunningProduct = RunningApp & {
  enforcement: Awaited<ReturnType<ReturnType<typeof createEnforcementRuntime>['attach']>>;
};

export type ProductOverrides = StartOverrides & {
  /** Enforcement options; `schedule: false` leaves the periodic tick to other processes (the web role). */
  enforcement?: EnforcementRuntimeOptions;
};

export async function startProduct(config: Config, overrides: ProductOverrides = {}): Promise<RunningProduct> {
  const enforcementRuntime = createEnforcementRuntime(overrides.enforcement);
  const crmRuntime = createCrmRuntime();
  const running = await startApp(config, {
    ...overrides,
    routers: [...(overrides.routers ?? []), enforcementRuntime.router, crmRuntime.router],
  });
  try {
    const enforcement = await enforcementRuntime.attach(running);
    running.onStop(() => enforcement.stop());
    crmRuntime.attach(running, enforcement.enforcement);
    // HubSpot's own opt-out becomes an objection everywhere (ledger, hashed suppression list), not only a verdict.
    const pipeline = running.pipeline?.pipeline ?? null;
    pipeline?.setEmailOptOutHandler((portalId, contactId, email) => enforcement.hooks.onHubSpotEmailOptOut(portalId, contactId, email));
    running.onStop(async () => pipeline?.setEmailOptOutHandler(null));
    running.onStop(async () => crmRuntime.detach());
    return Object.assign(running, { enforcement });
  } catch (err) {
    await running.stop();
    throw err;
  }
}
