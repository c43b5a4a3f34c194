// Prepares an account for the app: the property group and every app property (src/hubspot/properties.ts).
// Idempotent: reads what exists, creates only what is missing (409 = someone else just created it), and adds
// enumeration options a newer release introduced. Runs after install and again until it succeeds.
import { createHash } from 'node:crypto';
import type { Client } from '@hubspot/api-client';
import type { PropertyCreate } from '@hubspot/api-client/lib/codegen/crm/properties/models/PropertyCreate.js';
import type { PropertyUpdate } from '@hubspot/api-client/lib/codegen/crm/properties/models/PropertyUpdate.js';
import { APP_PROPERTIES, PROPERTY_GROUP, type PropertyDefinition } from '../hubspot/properties.ts';
import type { InstallationStore } from '../storage/installations.ts';
import { InstallationGoneError, type HubSpotClients } from '../hubspot/client-factory.ts';
import { log } from '../log.ts';

export interface BootstrapResult {
  groupCreated: boolean;
  created: string[];
  existing: string[];
  optionsAdded: string[];
}

const statusOf = (err: unknown): number | null => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : null;
};

function toCreate(p: PropertyDefinition): PropertyCreate {
  return {
    name: p.name,
    label: p.label,
    description: p.description,
    groupName: p.groupName,
    type: p.type as PropertyCreate['type'],
    fieldType: p.fieldType as PropertyCreate['fieldType'],
    formField: p.formField,
    displayOrder: p.displayOrder,
    hasUniqueValue: false,
    ...(p.options ? { options: p.options.map((o) => ({ ...o, hidden: false })) } : {}),
  };
}

/** Fingerprint of the property set: a release that adds properties or options upgrades existing installs. */
export const PROPERTY_SCHEMA = createHash('sha256')
  .update(JSON.stringify(APP_PROPERTIES.map((p) => [p.name, p.type, (p.options ?? []).map((o) => o.value)])))
  .digest('hex').slice(0, 16);

/** Creates the group and the missing properties in the account `client` is bound to. */
export async function bootstrapAccount(client: Client): Promise<BootstrapResult> {
  const props = client.crm.properties;
  let groupCreated = false;
  const groups = await props.groupsApi.getAll('contacts');
  if (!groups.results.some((g) => g.name === PROPERTY_GROUP.name)) {
    try {
      await props.groupsApi.create('contacts', { ...PROPERTY_GROUP });
      groupCreated = true;
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
    }
  }

  const all = await props.coreApi.getAll('contacts', false);
  const byName = new Map(all.results.map((p) => [p.name, p]));
  const result: BootstrapResult = { groupCreated, created: [], existing: [], optionsAdded: [] };
  for (const def of APP_PROPERTIES) {
    const found = byName.get(def.name);
    if (!found) {
      try {
        await props.coreApi.create('contacts', toCreate(def));
        result.created.push(def.name);
      } catch (err) {
        if (statusOf(err) !== 409) throw err;
        result.existing.push(def.name);
      }
      continue;
    }
    result.existing.push(def.name);
    if (def.options && found.type === 'enumeration') {
      const have = new Set(found.options.map((o) => o.value));
      if (def.options.some((o) => !have.has(o.value))) {
        const merged = [...found.options, ...def.options.filter((o) => !have.has(o.value)).map((o) => ({ ...o, hidden: false }))];
        await props.coreApi.update('contacts', def.name, { options: merged } as PropertyUpdate);
        result.optionsAdded.push(def.name);
      }
    }
  }
  return result;
}

/**
 * Runs the bootstrap of installed portals and keeps its state in the installations table. A failure leaves the
 * installation active with bootstrap 'failed' and a next attempt time (backoff 30 s doubling, at most 1 h);
 * `runDue` (called at boot and on a timer) retries. The pipeline waits for `done` before judging contacts.
 */
export class AccountBootstrapper {
  readonly #clients: HubSpotClients;
  readonly #installations: InstallationStore;
  readonly #now: () => Date;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<unknown> = Promise.resolve();
  readonly #doneListeners: ((portalId: number) => void | Promise<void>)[] = [];

  constructor(deps: { clients: HubSpotClients; installations: InstallationStore; now?: () => Date }) {
    this.#clients = deps.clients;
    this.#installations = deps.installations;
    this.#now = deps.now ?? (() => new Date());
  }

  /** Called after a portal's bootstrap succeeds (the pipeline starts its backfill here). */
  onBootstrapped(listener: (portalId: number) => void | Promise<void>): void {
    this.#doneListeners.push(listener);
  }

  /** Bootstraps one portal; returns null when another run holds it or it is already done. */
  async run(portalId: number): Promise<BootstrapResult | null> {
    if (!(await this.#installations.claimBootstrap(portalId))) return null;
    try {
      const result = await bootstrapAccount(await this.#clients.forPortal(portalId));
      await this.#installations.markBootstrapDone(portalId);
      await this.#installations.markBootstrapSchema(portalId, PROPERTY_SCHEMA);
      log.info({ portalId, created: result.created.length, existing: result.existing.length }, 'account bootstrapped');
      for (const l of this.#doneListeners) {
        try {
          await l(portalId);
        } catch (err) {
          log.error({ portalId, err: err instanceof Error ? err.message : String(err) }, 'bootstrap listener failed');
        }
      }
      return result;
    } catch (err) {
      if (err instanceof InstallationGoneError) throw err;
      const attempts = (await this.#installations.get(portalId))?.bootstrap.attempts ?? 1;
      const delayMs = Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3600_000);
      const message = err instanceof Error ? err.message : String(err);
      await this.#installations.markBootstrapFailed(portalId, message, new Date(this.#now().getTime() + delayMs));
      log.warn({ portalId, attempts, retryInMs: delayMs, err: message }, 'account bootstrap failed; will retry');
      throw err;
    }
  }

  /**
   * Installs bootstrapped by an older release get the properties and options added since (idempotent, like the
   * first bootstrap; the status stays 'done', so the pipeline keeps judging). Returns the portals upgraded.
   */
  async upgradeSchemas(): Promise<number> {
    let upgraded = 0;
    for (const portalId of await this.#installations.listBootstrapSchemaStale(PROPERTY_SCHEMA)) {
      try {
        const result = await bootstrapAccount(await this.#clients.forPortal(portalId));
        await this.#installations.markBootstrapSchema(portalId, PROPERTY_SCHEMA);
        log.info({ portalId, created: result.created, optionsAdded: result.optionsAdded }, 'account properties upgraded');
        upgraded += 1;
      } catch (err) {
        log.warn({ portalId, err: err instanceof Error ? err.message : String(err) }, 'account property upgrade failed; will retry');
      }
    }
    return upgraded;
  }

  /** Retries every portal whose bootstrap is pending or failed and due, then upgrades older installs. Never throws. */
  async runDue(): Promise<number> {
    await this.upgradeSchemas().catch(() => 0);
    let done = 0;
    for (const portalId of await this.#installations.listBootstrapDue()) {
      try {
        if (await this.run(portalId)) done += 1;
      } catch {
        // Recorded by run(); the next pass tries again.
      }
    }
    return done;
  }

  start(intervalMs = 60_000): void {
    if (this.#timer) return;
    const tick = () => { this.#running = this.runDue().catch(() => 0); };
    tick();
    this.#timer = setInterval(tick, intervalMs);
    this.#timer.unref();
  }

  /** Stops the timer and waits for a pass under way, at most `waitMs` (a run cut short is reclaimed later). */
  async stop(waitMs = 5_000): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#running, new Promise((resolve) => { timer = setTimeout(resolve, waitMs); })]);
    clearTimeout(timer);
  }
}
