// The durable intake the webhook receiver calls: events of portals that never installed the app are dropped (and
// counted) before anything is stored; the rest is stored as ids, types, times and property names only (a BullMQ
// job, or in embedded mode a webhook_inbox row plus an in-process nudge), and only then does the receiver answer.
import type { Logger } from 'pino';
import type { Db } from '../storage/db.ts';
import type { JobDefinition, JobQueue } from '../queue/job.ts';
import { toQueuedEvent, type IngestPayload, type WebhookEvent } from './webhook-events.ts';
import { recordUnknownPortalEvents } from '../metrics/metrics.ts';

/** What the receiver calls: resolves only once the batch is durably stored (Redis job or webhook_inbox row). */
export interface WebhookIntake {
  accept(events: WebhookEvent[]): Promise<IntakeResult | void>;
}

export interface IntakeResult {
  stored: number;
  /** Events dropped because their portal never installed the app. */
  unknownPortal: number;
}

export interface IntakeCounters {
  deliveries: number;
  /** Webhook events dropped at intake because their portal never installed the app, in all and per portal id. */
  unknownPortalEvents: number;
  unknownPortals: Record<string, number>;
}

const KNOWN_FOR_MS = 60_000;
const MAX_PORTALS_COUNTED = 1000;

export function createWebhookIntake(deps: {
  db: Db;
  queue: JobQueue;
  ingest: JobDefinition<IngestPayload>;
  /** Of these portals, the ones with an installation row; absent: every portal counts as installed. */
  installedPortals?: ((portalIds: number[]) => Promise<Set<number>>) | undefined;
  counters: IntakeCounters;
  log: Logger;
}): WebhookIntake {
  const { db, queue, ingest, counters, log } = deps;
  // Portals known to have installed the app, asked again after a minute; a portal not found is asked at its
  // next delivery (an account installing right now must not lose its first events). While the database cannot
  // answer, what is known still lets deliveries in.
  const known = new Map<number, number>();
  const lastLog = new Map<number, number>();

  async function dropNeverInstalled(events: WebhookEvent[]): Promise<{ kept: WebhookEvent[]; dropped: number }> {
    if (!deps.installedPortals) return { kept: events, dropped: 0 };
    const at = Date.now();
    const portals = [...new Set(events.map((e) => e.portalId))];
    const ask = portals.filter((p) => (known.get(p) ?? 0) < at - KNOWN_FOR_MS);
    if (ask.length > 0) {
      try {
        const installed = await deps.installedPortals(ask);
        for (const p of ask) {
          if (installed.has(p)) known.set(p, at);
          else known.delete(p);
        }
      } catch (err) {
        if (!ask.every((p) => known.has(p))) throw err; // unknown portal and no database: 503, HubSpot retries
      }
    }
    const kept = events.filter((e) => known.has(e.portalId));
    const dropped = events.length - kept.length;
    if (dropped > 0) {
      const perPortal = new Map<number, number>();
      for (const e of events) if (!known.has(e.portalId)) perPortal.set(e.portalId, (perPortal.get(e.portalId) ?? 0) + 1);
      counters.unknownPortalEvents += dropped;
      recordUnknownPortalEvents(dropped);
      for (const [p, n] of perPortal) {
        if (counters.unknownPortals[p] !== undefined || Object.keys(counters.unknownPortals).length < MAX_PORTALS_COUNTED) {
          counters.unknownPortals[p] = (counters.unknownPortals[p] ?? 0) + n;
        }
        // One line per portal a minute at most: a misrouted subscription must not flood the log.
        if ((lastLog.get(p) ?? 0) < at - 60_000) {
          lastLog.set(p, at);
          log.warn({ portalId: p, events: n, droppedSoFar: counters.unknownPortals[p] ?? n }, 'webhook events for a portal that never installed the app: dropped');
        }
      }
    }
    return { kept, dropped };
  }

  return {
    async accept(received) {
      if (received.length === 0) return { stored: 0, unknownPortal: 0 };
      const { kept, dropped } = await dropNeverInstalled(received);
      if (kept.length === 0) return { stored: 0, unknownPortal: dropped };
      // Ids and property names only: no value of a contact reaches Redis or the inbox.
      const events = kept.map(toQueuedEvent);
      if (queue.kind === 'bullmq') {
        await queue.enqueue(ingest, { events });
      } else {
        // Embedded: the row is the durable copy; the in-process job is only a nudge (replayed at start-up).
        const { rows } = await db.query<{ id: number }>(`insert into webhook_inbox (events) values ($1::jsonb) returning id`, [JSON.stringify(events)]);
        const id = Number(rows[0]?.id);
        await queue.enqueue(ingest, { inboxId: id }).catch((err: unknown) => log.warn({ inboxId: id, err: String(err) }, 'inbox row will be replayed at start-up'));
      }
      counters.deliveries += 1;
      return { stored: events.length, unknownPortal: dropped };
    },
  };
}
