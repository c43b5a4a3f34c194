// Webhook delivery as HubSpot does it: events matched against the app's subscriptions, posted as JSON arrays of
// up to 100 events per request, signed (v3, plus the v1 header), retried with backoff on a non-2xx answer or a
// timeout with `attemptNumber` incremented, optionally duplicated and reordered, at most N requests in flight
// per account.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ChangeEvent } from './state.ts';

export interface WebhookOptions {
  targetUrl: string;
  batchSize?: number;        // default 100 (HubSpot's maximum)
  flushIntervalMs?: number;  // default 100: how long events gather before a batch leaves
  duplicateRate?: number;    // 0..1: share of events delivered a second time in a later batch
  reorder?: boolean;         // shuffle events before batching
  maxAttempts?: number;      // default 10 (HubSpot retries up to 10 times)
  retryDelayMs?: number;     // default 1000, doubled per attempt (HubSpot spreads retries over 24 hours)
  timeoutMs?: number;        // default 5000 (HubSpot's timeout)
  maxConcurrentRequests?: number; // default 10 per account
}

export interface Subscription {
  id: number;
  subscriptionType: string; // as declared: object.creation, contact.propertyChange, contact.privacyDeletion...
  objectType: string;       // contact
  propertyName?: string;
  active: boolean;
  style: 'object' | 'legacy' | 'hub';
}

/** The `subscriptions` object of app.json / webhooks-hsmeta.json. */
export interface SubscriptionsConfig {
  crmObjects?: Array<{ subscriptionType: string; objectType?: string; objectName?: string; propertyName?: string; active?: boolean }>;
  legacyCrmObjects?: Array<{ subscriptionType: string; propertyName?: string; active?: boolean }>;
  hubEvents?: Array<{ subscriptionType: string; active?: boolean }>;
}

export function loadSubscriptions(config: SubscriptionsConfig): Subscription[] {
  const out: Subscription[] = [];
  let id = 3_000_001;
  for (const s of config.crmObjects ?? []) {
    out.push({ id: id++, subscriptionType: s.subscriptionType, objectType: s.objectType ?? s.objectName ?? 'contact',
      propertyName: s.propertyName, active: s.active !== false, style: 'object' });
  }
  for (const s of config.legacyCrmObjects ?? []) {
    out.push({ id: id++, subscriptionType: s.subscriptionType, objectType: s.subscriptionType.split('.')[0] ?? 'contact',
      propertyName: s.propertyName, active: s.active !== false, style: 'legacy' });
  }
  for (const s of config.hubEvents ?? []) {
    out.push({ id: id++, subscriptionType: s.subscriptionType, objectType: 'contact', active: s.active !== false, style: 'hub' });
  }
  return out;
}

export function subscriptionsFromAppJson(path: string): Subscription[] {
  const app = JSON.parse(readFileSync(path, 'utf8')) as { webhooks?: { subscriptions?: SubscriptionsConfig } };
  return loadSubscriptions(app.webhooks?.subscriptions ?? {});
}

/** X-HubSpot-Signature-v3: base64 HMAC-SHA256 of method + uri + body + timestamp, keyed by the client secret. */
export function signV3(clientSecret: string, method: string, uri: string, body: string, timestamp: number): string {
  return createHmac('sha256', clientSecret).update(`${method}${uri}${body}${timestamp}`, 'utf8').digest('base64');
}

/** X-HubSpot-Signature v1 (webhooks): hex SHA-256 of client secret + body. */
export function signV1(clientSecret: string, body: string): string {
  return createHash('sha256').update(`${clientSecret}${body}`, 'utf8').digest('hex');
}

/** X-HubSpot-Signature v2 (workflow actions, CRM cards): hex SHA-256 of secret + method + uri + body. */
export function signV2(clientSecret: string, method: string, uri: string, body: string): string {
  return createHash('sha256').update(`${clientSecret}${method}${uri}${body}`, 'utf8').digest('hex');
}

export type WebhookEventPayload = Record<string, string | number | number[] | boolean | undefined>;

interface Batch {
  portalId: number;
  events: WebhookEventPayload[];
  attempt: number;
}

const KIND_SUFFIX: Record<ChangeEvent['kind'], string> = {
  creation: 'creation', propertyChange: 'propertyChange', deletion: 'deletion', merge: 'merge',
  privacyDeletion: 'privacyDeletion', restore: 'restore',
};

export interface DispatcherStats {
  batches: number;
  events: number;
  failures: number;
}

export class WebhookDispatcher {
  private options: Required<WebhookOptions>;
  private readonly subscriptions: Subscription[];
  private readonly byKey = new Map<string, Subscription[]>();
  private readonly clientSecret: string;
  private readonly appId: number;
  private readonly random: () => number;
  private nextEventId: number;
  private readonly pending = new Map<number, WebhookEventPayload[]>();
  private readonly ready = new Map<number, Batch[]>();
  private readonly active = new Map<number, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly retries = new Map<NodeJS.Timeout, Batch>();
  private flushTimer: NodeJS.Timeout | null = null;
  private closed = false;
  readonly perPortal = new Map<number, DispatcherStats>();
  readonly failed: Array<{ portalId: number; events: WebhookEventPayload[]; reason: string }> = [];

  constructor(input: { options: WebhookOptions; subscriptions: Subscription[]; clientSecret: string; appId: number; random: () => number }) {
    this.options = withDefaults(input.options);
    this.subscriptions = input.subscriptions;
    this.clientSecret = input.clientSecret;
    this.appId = input.appId;
    this.random = input.random;
    this.nextEventId = 100_000_000 + Math.floor(this.random() * 1_000_000);
  }

  configure(patch: Partial<WebhookOptions>): void {
    this.options = withDefaults({ ...this.options, ...patch });
  }

  stats(portalId: number): DispatcherStats {
    let s = this.perPortal.get(portalId);
    if (!s) this.perPortal.set(portalId, (s = { batches: 0, events: 0, failures: 0 }));
    return s;
  }

  private matching(change: ChangeEvent): Subscription[] {
    const key = `${change.kind}:${change.kind === 'propertyChange' ? change.propertyName ?? '' : ''}`;
    let subs = this.byKey.get(key);
    if (!subs) {
      subs = this.subscriptions.filter((sub) => {
        if (!sub.active || sub.objectType !== 'contact') return false;
        const [prefix, suffix] = sub.subscriptionType.split('.');
        if (suffix !== KIND_SUFFIX[change.kind]) return false;
        if (sub.style === 'object' ? prefix !== 'object' : prefix !== 'contact') return false;
        return change.kind !== 'propertyChange' || sub.propertyName === change.propertyName;
      });
      this.byKey.set(key, subs);
    }
    return subs;
  }

  /** Turns one change into the events its matching subscriptions produce, and queues them. */
  publish(change: ChangeEvent): void {
    if (this.closed) return;
    for (const sub of this.matching(change)) {
      const event: WebhookEventPayload = {
        eventId: this.nextEventId++,
        subscriptionId: sub.id,
        portalId: change.portalId,
        appId: this.appId,
        occurredAt: change.occurredAt,
        subscriptionType: sub.subscriptionType,
        attemptNumber: 0,
        objectId: change.objectId,
      };
      if (sub.style === 'object') event.objectTypeId = '0-1';
      if (change.kind === 'propertyChange') {
        event.propertyName = change.propertyName;
        event.propertyValue = change.propertyValue ?? '';
      }
      if (change.kind === 'creation') event.changeFlag = 'CREATED';
      if (change.kind === 'deletion') event.changeFlag = 'DELETED';
      if (change.kind === 'merge') {
        event.changeFlag = 'MERGED';
        event.primaryObjectId = change.primaryObjectId;
        event.mergedObjectIds = change.mergedObjectIds;
        event.newObjectId = change.newObjectId;
        event.numberOfPropertiesMoved = change.numberOfPropertiesMoved;
      }
      event.changeSource = change.source.changeSource;
      if (change.source.sourceId !== null) event.sourceId = change.source.sourceId;
      let queue = this.pending.get(change.portalId);
      if (!queue) this.pending.set(change.portalId, (queue = []));
      queue.push(event);
    }
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.closed) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      this.cutBatches();
    }, this.options.flushIntervalMs);
    this.flushTimer.unref();
  }

  private shuffle<T>(items: T[]): void {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
  }

  private cutBatches(): void {
    for (const [portalId, queue] of this.pending) {
      if (queue.length === 0) continue;
      const events = queue.splice(0, queue.length);
      const duplicates: WebhookEventPayload[] = [];
      if (this.options.duplicateRate > 0) {
        for (const e of events) if (this.random() < this.options.duplicateRate) duplicates.push({ ...e });
      }
      if (this.options.reorder) {
        this.shuffle(events);
        this.shuffle(duplicates);
      }
      // Duplicates leave in their own, later batches, as HubSpot's redeliveries do.
      for (const list of [events, duplicates]) {
        for (let i = 0; i < list.length; i += this.options.batchSize) {
          this.enqueueBatch({ portalId, events: list.slice(i, i + this.options.batchSize), attempt: 0 });
        }
      }
    }
    this.pump();
  }

  private enqueueBatch(batch: Batch): void {
    let r = this.ready.get(batch.portalId);
    if (!r) this.ready.set(batch.portalId, (r = []));
    r.push(batch);
  }

  private pump(): void {
    for (const [portalId, batches] of this.ready) {
      while (batches.length > 0 && (this.active.get(portalId) ?? 0) < this.options.maxConcurrentRequests) {
        const batch = batches.shift() as Batch;
        this.active.set(portalId, (this.active.get(portalId) ?? 0) + 1);
        const p: Promise<void> = this.deliver(batch).finally(() => {
          this.inFlight.delete(p);
          this.active.set(portalId, (this.active.get(portalId) ?? 1) - 1);
          this.pump();
        });
        this.inFlight.add(p);
      }
    }
  }

  private async deliver(batch: Batch): Promise<void> {
    const events = batch.events.map((e) => ({ ...e, attemptNumber: batch.attempt }));
    const body = JSON.stringify(events);
    const timestamp = Date.now();
    const uri = this.options.targetUrl;
    const stats = this.stats(batch.portalId);
    stats.batches += 1;
    stats.events += events.length;
    let reason = '';
    try {
      const res = await fetch(uri, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/) - WebhooksExecutorDaemon (stand-in)',
          'X-HubSpot-Signature-v3': signV3(this.clientSecret, 'POST', uri, body, timestamp),
          'X-HubSpot-Request-Timestamp': String(timestamp),
          'X-HubSpot-Signature': signV1(this.clientSecret, body),
          'X-HubSpot-Signature-Version': 'v1',
          'X-HubSpot-Timeout-Millis': String(this.options.timeoutMs),
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return;
      reason = `HTTP ${res.status}`;
    } catch (err) {
      reason = err instanceof Error ? `${err.name}: ${err.message}` : 'network error';
    }
    if (this.closed) return;
    if (batch.attempt + 1 >= this.options.maxAttempts) {
      stats.failures += 1;
      this.failed.push({ portalId: batch.portalId, events, reason });
      return;
    }
    const delay = Math.min(this.options.retryDelayMs * 2 ** batch.attempt, 3_600_000);
    const next: Batch = { ...batch, attempt: batch.attempt + 1 };
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      this.enqueueBatch(next);
      this.pump();
    }, delay);
    timer.unref();
    this.retries.set(timer, next);
  }

  /** Delivers everything pending now (retries included, without waiting for their backoff) and resolves once
   *  every batch is acknowledged or has failed for good. */
  async flush(): Promise<void> {
    for (let guard = 0; guard < 100_000; guard++) {
      if (this.flushTimer) {
        clearTimeout(this.flushTimer);
        this.flushTimer = null;
      }
      this.cutBatches();
      for (const [timer, batch] of this.retries) {
        clearTimeout(timer);
        this.retries.delete(timer);
        this.enqueueBatch(batch);
      }
      this.pump();
      const anyReady = [...this.ready.values()].some((b) => b.length > 0);
      const anyPending = [...this.pending.values()].some((q) => q.length > 0);
      if (this.inFlight.size === 0 && !anyReady && !anyPending && this.retries.size === 0) return;
      if (this.inFlight.size > 0) await Promise.race(this.inFlight);
      else await new Promise((r) => setImmediate(r));
    }
  }

  pendingCount(): number {
    let n = 0;
    for (const q of this.pending.values()) n += q.length;
    for (const b of this.ready.values()) for (const x of b) n += x.events.length;
    for (const b of this.retries.values()) n += b.events.length;
    return n;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const timer of this.retries.keys()) clearTimeout(timer);
    this.retries.clear();
    await Promise.allSettled([...this.inFlight]);
  }
}

function withDefaults(o: WebhookOptions): Required<WebhookOptions> {
  const batchSize = Math.min(Math.max(1, o.batchSize ?? 100), 100);
  return {
    targetUrl: o.targetUrl,
    batchSize,
    flushIntervalMs: o.flushIntervalMs ?? 100,
    duplicateRate: o.duplicateRate ?? 0,
    reorder: o.reorder ?? false,
    maxAttempts: o.maxAttempts ?? 10,
    retryDelayMs: o.retryDelayMs ?? 1000,
    timeoutMs: o.timeoutMs ?? 5000,
    maxConcurrentRequests: o.maxConcurrentRequests ?? 10,
  };
}
