// HubSpot's webhook wire format (an array of up to 100 events) and what each event means to the pipeline.
// Both the legacy names (contact.creation) and the generic ones (object.creation with objectTypeId 0-1) arrive.
import { z } from 'zod';
import { OWN_WRITTEN_PROPERTIES, ownValueDigest } from '../hubspot/contact-mapping.ts';

const id = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,20}$/)]).transform((v) => String(v));

export const ZWebhookEvent = z.object({
  eventId: z.union([z.number().int(), z.string().min(1).max(100)]),
  subscriptionId: z.number().int().optional(),
  portalId: z.number().int().positive(),
  appId: z.number().int().optional(),
  occurredAt: z.number().int().nonnegative(),
  subscriptionType: z.string().min(1).max(100),
  attemptNumber: z.number().int().nonnegative().optional(),
  objectId: id,
  objectTypeId: z.string().max(20).optional(),
  propertyName: z.string().max(200).optional(),
  propertyValue: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional()
    .transform((v) => (v == null ? v : String(v))),
  changeSource: z.string().max(100).optional(),
  sourceId: z.string().max(200).nullable().optional(),
  changeFlag: z.string().max(50).optional(),
  primaryObjectId: id.optional(),
  mergedObjectIds: z.array(id).max(1000).optional(),
  newObjectId: id.optional(),
});

export type WebhookEvent = z.output<typeof ZWebhookEvent>;

/**
 * An event as the queue and the webhook inbox keep it: ids, types, times and property names, never a value
 * (HubSpot's current values are read when judging). For the properties this app writes, a digest of the value
 * stands in for it, so an echo of our own write is still recognised. Unknown keys (a value in a job queued by an
 * older version) are stripped when the job is read.
 */
export const ZQueuedEvent = ZWebhookEvent.omit({ propertyValue: true }).extend({
  propertyValueDigest: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});

export type QueuedEvent = z.output<typeof ZQueuedEvent>;

/** What of a received event is stored: everything but the value (a digest for the properties we write). */
export function toQueuedEvent(e: WebhookEvent): QueuedEvent {
  const { propertyValue, ...rest } = e;
  const out: QueuedEvent = { ...rest };
  if (e.propertyName && propertyValue != null && OWN_WRITTEN_PROPERTIES.has(e.propertyName)) {
    out.propertyValueDigest = ownValueDigest(e.propertyName, propertyValue);
  }
  return out;
}

/** Every contact id an event names (the object, a merge's survivor and absorbed records). */
export function contactIdsOf(e: { objectId: string | number; primaryObjectId?: string | number; newObjectId?: string | number; mergedObjectIds?: (string | number)[] }): string[] {
  return [e.objectId, e.primaryObjectId, e.newObjectId, ...(e.mergedObjectIds ?? [])].filter((x) => x !== undefined).map(String);
}

/** The ingest job's payload: the events themselves (BullMQ), or the id of the inbox row holding them (embedded). */
export const ZIngestPayload = z.object({
  events: z.array(ZQueuedEvent).max(100).optional(),
  inboxId: z.number().int().positive().optional(),
}).refine((p) => (p.events === undefined) !== (p.inboxId === undefined), 'exactly one of events or inboxId');
export type IngestPayload = z.input<typeof ZIngestPayload>;

export const MAX_EVENTS_PER_DELIVERY = 100;
export const ZWebhookBatch = z.array(ZWebhookEvent).max(MAX_EVENTS_PER_DELIVERY);

export type EventKind = 'creation' | 'propertyChange' | 'deletion' | 'privacyDeletion' | 'merge' | 'restore' | 'ignored';

const CONTACT_TYPE_ID = '0-1';

/** What the pipeline does with an event; anything not about a contact, or not understood, is ignored. */
export function eventKind(e: Pick<WebhookEvent, 'subscriptionType' | 'objectTypeId'>): EventKind {
  const [scope, action] = e.subscriptionType.split('.', 2);
  const aboutContact = scope === 'contact' || (scope === 'object' && (e.objectTypeId === undefined || e.objectTypeId === CONTACT_TYPE_ID));
  if (!aboutContact) return 'ignored';
  switch (action) {
    case 'creation': return 'creation';
    case 'propertyChange': return 'propertyChange';
    case 'deletion': return 'deletion';
    case 'privacyDeletion': return 'privacyDeletion';
    case 'merge': return 'merge';
    case 'restore': return 'restore';
    default: return 'ignored';
  }
}
