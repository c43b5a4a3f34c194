// One path for every objection, whatever its origin (preference centre, one-click unsubscribe, card, HubSpot's
// own opt-out, imported file): the objection is stored on the contact, its identifiers go to the portal's hashed
// suppression list (so a duplicate created later is blocked at once), the ledger records it, HubSpot's
// communication preferences are updated for email (GDPR art. 19: passed on), and the contact is judged again.
import type { EvidenceLedger } from '../ledger/ledger.ts';
import { ledgerErrorDetail } from '../ledger/error-detail.ts';
import type { HubSpotApi } from './hubspot-api.ts';
import type { Clock, EvidencePort, ObjectionChannel, RejudgeFn, SuppressionPort } from './ports.ts';
import { systemClock } from './ports.ts';
import type { SubjectHasher } from './subjects.ts';
import { normaliseEmail, normalisePhoneE164 } from './subjects.ts';
import { CHANNELS } from '../engine/types.ts';

export const OBJECTION_ORIGINS = ['preference_centre', 'one_click_unsubscribe', 'card', 'hubspot_email_optout', 'import', 'dsr', 'workflow'] as const;
export type ObjectionOrigin = (typeof OBJECTION_ORIGINS)[number];

export interface ObjectionInput {
  portalId: number;
  contactId: string | null;
  channels: ObjectionChannel[];
  origin: ObjectionOrigin;
  actor: string;
  email?: string | null;
  phone?: string | null;
  defaultCountry?: string;
  /** Skip the write-back to HubSpot (the objection came from HubSpot itself). */
  skipWriteback?: boolean;
  idempotencyKey?: string;
  details?: Record<string, unknown>;
}

export interface WritebackResult {
  lever: 'unsubscribe_all_v4' | 'unsubscribe_v3' | 'none';
  status: 'done' | 'failed' | 'skipped';
  detail?: string;
  subscriptions?: string[];
}

export interface ObjectionResult {
  channels: ObjectionChannel[];
  ledgerSeq: number;
  writeback: WritebackResult;
}

export interface ObjectionServiceDeps {
  ledger: EvidenceLedger;
  evidence: EvidencePort;
  suppression: SuppressionPort;
  hasher: SubjectHasher;
  hubspot?: HubSpotApi | null;
  rejudge?: RejudgeFn | null;
  clock?: Clock;
  log?: { warn(obj: object, msg: string): void };
}

const LEGAL_BASIS_EXPLANATION = 'Objection to direct marketing (GDPR art. 21(2)-(3)) recorded by Prospect Guard';

export function normaliseChannels(channels: readonly string[]): ObjectionChannel[] {
  const valid = new Set<string>([...CHANNELS, 'all']);
  const out = [...new Set(channels.filter((c) => valid.has(c)))] as ObjectionChannel[];
  return out.includes('all') ? ['all'] : out;
}

export function createObjectionService(deps: ObjectionServiceDeps) {
  const clock = deps.clock ?? systemClock;

  async function writeBack(portalId: number, email: string): Promise<WritebackResult> {
    const hubspot = deps.hubspot;
    if (!hubspot) return { lever: 'none', status: 'skipped', detail: 'no HubSpot connection' };
    try {
      await hubspot.unsubscribeAll(portalId, email);
      return { lever: 'unsubscribe_all_v4', status: 'done' };
    } catch (err) {
      // Fall back to v3, one email subscription type at a time (marketing and one-to-one sales alike).
      try {
        const defs = (await hubspot.subscriptionDefinitions(portalId)).filter((d) => d.isActive !== false && (d.communicationMethod ?? 'EMAIL').toUpperCase() === 'EMAIL');
        const done: string[] = [];
        for (const def of defs) {
          await hubspot.unsubscribe(portalId, { emailAddress: email, subscriptionId: def.id, legalBasis: 'LEGITIMATE_INTEREST_OTHER', legalBasisExplanation: LEGAL_BASIS_EXPLANATION });
          done.push(def.id);
        }
        return { lever: 'unsubscribe_v3', status: 'done', subscriptions: done, detail: `v4 failed: ${ledgerErrorDetail(err)}` };
      } catch (err2) {
        deps.log?.warn({ portalId, err: (err2 as Error).message }, 'objection write-back to HubSpot failed');
        return { lever: 'unsubscribe_v3', status: 'failed', detail: ledgerErrorDetail(err2) };
      }
    }
  }

  return {
    async recordObjection(input: ObjectionInput): Promise<ObjectionResult> {
      const channels = normaliseChannels(input.channels);
      if (channels.length === 0) throw new RangeError('an objection names at least one channel (or "all")');
      const at = clock.now();
      const email = normaliseEmail(input.email);
      const phone = normalisePhoneE164(input.phone, input.defaultCountry);
      // The stored objection rows of these channels (found or made now) name the objection in the ledger: a retry
      // after a failure half-way (the row stored, the answer lost) and a second click of the same link record the
      // same objection, once.
      const rowIds: number[] = [];
      if (input.contactId) {
        const existing = await deps.evidence.listObjections(input.portalId, input.contactId);
        for (const channel of channels) {
          const found = existing.find((o) => o.channel === channel);
          rowIds.push(found ? found.id : (await deps.evidence.addObjection(input.portalId, input.contactId, { channel, at: at.toISOString(), origin: input.origin })).id);
        }
      }
      const ledgerKey = input.idempotencyKey
        ?? (input.contactId && rowIds.length > 0 ? `objection:${input.contactId}:${[...rowIds].sort((a, b) => a - b).join(',')}` : undefined);
      // The suppression list normalises on its own, exactly as the pipeline does when it hashes a contact: hand it
      // the phone as given so both sides produce the same hash.
      if (email || phone) await deps.suppression.add(input.portalId, { email, phone: phone ? (input.phone ?? null) : null }, channels, input.origin);
      const subjectHash = await deps.hasher.hash(input.portalId, { email, phone });
      const recorded = await deps.ledger.append(input.portalId, {
        kind: 'objection', contactId: input.contactId, subjectHash, actor: input.actor, at,
        payload: { channels, origin: input.origin, suppressed: { email: email !== null, phone: phone !== null }, ...(input.details ?? {}) },
        ...(ledgerKey ? { idempotencyKey: ledgerKey } : {}),
      });
      let writeback: WritebackResult = { lever: 'none', status: 'skipped' };
      const coversEmail = channels.includes('all') || channels.includes('email');
      if (coversEmail && email && !input.skipWriteback) {
        writeback = await writeBack(input.portalId, email);
        await deps.ledger.append(input.portalId, {
          kind: 'objection', contactId: input.contactId, subjectHash, actor: 'prospect-guard', at: clock.now(),
          payload: { propagatedTo: 'hubspot_communication_preferences', ofSeq: recorded.seq, ...writeback },
          ...(input.idempotencyKey ? { idempotencyKey: `${input.idempotencyKey}:writeback` } : {}),
        });
      }
      if (input.contactId && deps.rejudge) {
        try {
          await deps.rejudge(input.portalId, input.contactId, `objection:${input.origin}`);
        } catch (err) {
          deps.log?.warn({ portalId: input.portalId, contactId: input.contactId, err: (err as Error).message }, 're-judge after objection not queued');
        }
      }
      return { channels, ledgerSeq: recorded.seq, writeback };
    },
  };
}

export type ObjectionService = ReturnType<typeof createObjectionService>;
