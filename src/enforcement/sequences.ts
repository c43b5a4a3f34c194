// Stopping sequences for contacts the law does not let the company email. HubSpot has no unenroll endpoint, so
// the app uses every lever HubSpot does offer (docs/ENFORCEMENT.md records what was verified):
//  1. detection: the pipeline's property-change webhooks on the sequence properties call
//     `onSequenceEnrolmentDetected`; a polling pass (`pollPortal`) searches blocked contacts that are enrolled;
//  2. the block flag and reason properties (pg_sequence_blocked, pg_sequence_block_reason), shown by the card;
//  3. a workflow created through the Workflows v4 API whose only action is HubSpot's own "unenroll from
//     sequence" action, enrolling contacts whose pg_sequence_blocked becomes true (when the account has the
//     action type and the automation scope);
//  4. when the person objected to email: unsubscribing the address from the one-to-one (sales) email
//     subscription type, which HubSpot honours for sequence emails;
//  5. always: a task for the contact owner.
// Each detected enrolment is acted on once (sequence_blocks), and recorded in the ledger: what, which lever, when.
import type { Db } from '../storage/db.ts';
import type { EvidenceLedger } from '../ledger/ledger.ts';
import { ledgerErrorDetail } from '../ledger/error-detail.ts';
import type { HubSpotApi } from './hubspot-api.ts';
import type { Clock } from './ports.ts';
import { systemClock } from './ports.ts';
import type { Verdict } from '../engine/types.ts';
import { hasScope } from './levers.ts';

export const BLOCKED_EMAIL_BASES = ['needs_consent', 'invalid_consent', 'objected', 'retention_expired', 'forbidden'] as const;

/** What sequence enforcement needs to know of a verdict (a full engine Verdict fits). */
export interface EmailVerdict {
  allowed: boolean;
  blocker: string | null;
  reason: string | null;
}

export function emailVerdictOf(verdict: Verdict | EmailVerdict | null | undefined): EmailVerdict | null {
  if (!verdict) return null;
  if ('channels' in verdict) {
    const ch = verdict.channels.email;
    return { allowed: ch.allowed, blocker: ch.blocker ?? null, reason: ch.reasons[0]?.text ?? null };
  }
  return verdict;
}

export function emailVerdictFromProperties(props: Record<string, string | null>): EmailVerdict | null {
  const basis = props.pg_basis_email;
  if (!basis) return null;
  const blocked = (BLOCKED_EMAIL_BASES as readonly string[]).includes(basis);
  return { allowed: !blocked, blocker: blocked ? basis : null, reason: null };
}

export interface LeverResult {
  lever: 'block_properties' | 'workflow_unenroll' | 'one_to_one_unsubscribe' | 'owner_task';
  status: 'done' | 'unavailable' | 'failed' | 'skipped';
  at: string;
  detail?: string;
  id?: string;
}

export interface BlockOutcome {
  contactId: string;
  enrollmentKey: string;
  sequenceId: string | null;
  detectedBy: 'webhook' | 'poll' | 'card';
  levers: LeverResult[];
  ledgerSeq: number;
}

export interface SequenceSettings {
  sequenceBlocking: 'enforce' | 'flag_only' | 'off';
  notifyOwnerOnBlock: boolean;
}

const CONTACT_PROPS = ['email', 'hubspot_owner_id', 'hs_sequences_is_enrolled', 'hs_latest_sequence_enrolled', 'hs_latest_sequence_enrolled_date', 'pg_basis_email', 'pg_sequence_blocked'];

const REASONS: Record<string, string> = {
  needs_consent: 'email needs the person’s consent / l’e-mail exige le consentement de la personne',
  invalid_consent: 'the recorded consent is not valid / le consentement enregistré n’est pas valable',
  objected: 'the person objected to email / la personne s’est opposée aux e-mails',
  retention_expired: 'the retention period has ended / la durée de conservation est écoulée',
  forbidden: 'email prospecting is not allowed for this contact / prospection par e-mail interdite pour ce contact',
};

export function blockReasonText(v: EmailVerdict): string {
  return `Sequence blocked by Prospect Guard: ${REASONS[v.blocker ?? ''] ?? v.reason ?? 'not eligible / non éligible'}`;
}

export interface SequenceEnforcerDeps {
  db: Db;
  ledger: EvidenceLedger;
  hubspot: HubSpotApi;
  settings: (portalId: number) => Promise<SequenceSettings>;
  clock?: Clock;
  log?: { warn(obj: object, msg: string): void; info?(obj: object, msg: string): void };
  /** Name given to the unenroll workflow in the account. */
  workflowName?: string;
  /** The scopes HubSpot granted at install (null: unknown, every lever is tried). */
  grantedScopes?: (portalId: number) => Promise<string[] | null>;
}

interface PortalLevers {
  unenrollActionTypeId: string | null;
  unenrollFlowId: string | null;
  salesSubscriptionId: string | null;
  checkedAt: string | null;
}

const RECHECK_MS = 24 * 3600_000;

export function createSequenceEnforcer(deps: SequenceEnforcerDeps) {
  const { db, ledger, hubspot } = deps;
  const clock = deps.clock ?? systemClock;
  const now = () => clock.now();

  async function loadLevers(portalId: number): Promise<PortalLevers> {
    const { rows } = await db.query<{ unenroll_action_type_id: string | null; unenroll_flow_id: string | null; sales_subscription_id: string | null; levers_checked_at: unknown }>(
      'select unenroll_action_type_id, unenroll_flow_id, sales_subscription_id, levers_checked_at from enforcement_portal_state where portal_id = $1', [portalId]);
    const r = rows[0];
    return {
      unenrollActionTypeId: r?.unenroll_action_type_id ?? null, unenrollFlowId: r?.unenroll_flow_id ?? null,
      salesSubscriptionId: r?.sales_subscription_id ?? null,
      checkedAt: r?.levers_checked_at ? new Date(String(r.levers_checked_at instanceof Date ? r.levers_checked_at.toISOString() : r.levers_checked_at)).toISOString() : null,
    };
  }

  async function saveLevers(portalId: number, l: PortalLevers): Promise<void> {
    await db.query(
      `insert into enforcement_portal_state (portal_id, unenroll_action_type_id, unenroll_flow_id, sales_subscription_id, levers_checked_at)
       values ($1,$2,$3,$4,$5) on conflict (portal_id) do update set unenroll_action_type_id = excluded.unenroll_action_type_id,
       unenroll_flow_id = excluded.unenroll_flow_id, sales_subscription_id = excluded.sales_subscription_id, levers_checked_at = excluded.levers_checked_at`,
      [portalId, l.unenrollActionTypeId, l.unenrollFlowId, l.salesSubscriptionId, l.checkedAt]);
  }

  /** Discovers (once a day) the unenroll action type and creates the unenroll workflow when possible. */
  async function ensureLevers(portalId: number): Promise<PortalLevers> {
    const current = await loadLevers(portalId);
    // A check stamped in the future (clock moved back, or another clock) counts as stale.
    const age = current.checkedAt === null ? Infinity : now().getTime() - new Date(current.checkedAt).getTime();
    const fresh = age >= 0 && age < RECHECK_MS;
    if (fresh) return current;
    const next: PortalLevers = { ...current, checkedAt: now().toISOString() };
    // Once a day: the workflow may have been deleted or switched off in the account; recreate it then.
    if (next.unenrollFlowId) {
      const flow = await hubspot.getFlow(portalId, next.unenrollFlowId).catch(() => null);
      if (!flow || flow.isEnabled === false) next.unenrollFlowId = null;
    }
    const scopes = await deps.grantedScopes?.(portalId) ?? null;
    if (!hasScope(scopes, 'automation')) {
      // No workflows in this account: nothing to discover, nothing to create (HubSpot would answer 403).
      next.unenrollActionTypeId = null;
      next.unenrollFlowId = null;
    } else try {
      const types = await hubspot.actionTypes(portalId);
      const unenroll = types?.find((t) => /un-?enrol{1,2}.*sequence/i.test(t.actionName ?? '')) ?? null;
      next.unenrollActionTypeId = unenroll?.actionTypeId ?? null;
      if (unenroll && !next.unenrollFlowId) {
        const flow = await hubspot.createFlow(portalId, unenrollWorkflow(unenroll.actionTypeId, deps.workflowName ?? 'Prospect Guard: stop sequences of blocked contacts'));
        next.unenrollFlowId = flow?.id ?? null;
      }
    } catch (err) {
      deps.log?.warn({ portalId, err: (err as Error).message }, 'unenroll workflow lever unavailable');
    }
    try {
      if (!next.salesSubscriptionId) {
        const defs = await hubspot.subscriptionDefinitions(portalId);
        const sales = defs.find((d) => /one.?to.?one|sales|1:1/i.test(`${d.name} ${d.purpose ?? ''}`));
        next.salesSubscriptionId = sales?.id ?? null;
      }
    } catch (err) {
      deps.log?.warn({ portalId, err: (err as Error).message }, 'subscription definitions unavailable');
    }
    await saveLevers(portalId, next);
    return next;
  }

  async function act(portalId: number, contactId: string, verdict: EmailVerdict, props: Record<string, string | null>, detectedBy: BlockOutcome['detectedBy'], enrollment: { key: string; sequenceId: string | null; enrollmentId: string | null }, settings: SequenceSettings): Promise<BlockOutcome | null> {
    const detectedAt = now();
    const claimed = await db.query(
      `insert into sequence_blocks (portal_id, contact_id, enrollment_key, detected_at, detected_by) values ($1,$2,$3,$4,$5)
       on conflict (portal_id, contact_id, enrollment_key) do nothing`, [portalId, contactId, enrollment.key, detectedAt.toISOString(), detectedBy]);
    if (claimed.rowCount === 0) return null; // this enrolment was already acted on
    const levers: LeverResult[] = [];
    const stamp = (r: Omit<LeverResult, 'at'>) => levers.push({ ...r, at: now().toISOString() });
    const reason = blockReasonText(verdict);
    const enforce = settings.sequenceBlocking === 'enforce';

    // The workflow must exist before the flag flips, so that the flip enrols the contact in it.
    const portalLevers = enforce ? await ensureLevers(portalId) : null;
    try {
      await hubspot.updateContact(portalId, contactId, { pg_sequence_blocked: 'true', pg_sequence_block_reason: reason.slice(0, 500) });
      stamp({ lever: 'block_properties', status: 'done' });
    } catch (err) {
      stamp({ lever: 'block_properties', status: 'failed', detail: ledgerErrorDetail(err) });
    }
    if (!enforce) stamp({ lever: 'workflow_unenroll', status: 'skipped', detail: 'portal setting: flag only' });
    else if (portalLevers?.unenrollFlowId) stamp({ lever: 'workflow_unenroll', status: 'done', id: portalLevers.unenrollFlowId, detail: `workflow ${portalLevers.unenrollFlowId} (action ${portalLevers.unenrollActionTypeId ?? '?'}) enrols on pg_sequence_blocked=true` });
    else if (!hasScope(await deps.grantedScopes?.(portalId) ?? null, 'automation')) stamp({ lever: 'workflow_unenroll', status: 'unavailable', detail: 'automation scope not granted: the account has no workflows' });
    else stamp({ lever: 'workflow_unenroll', status: 'unavailable', detail: portalLevers?.unenrollActionTypeId ? 'workflow could not be created' : 'the account does not offer the unenroll-from-sequence action through the Workflows API' });

    if (verdict.blocker === 'objected') {
      const email = props.email ?? null;
      if (!enforce) stamp({ lever: 'one_to_one_unsubscribe', status: 'skipped', detail: 'portal setting: flag only' });
      else if (!email) stamp({ lever: 'one_to_one_unsubscribe', status: 'unavailable', detail: 'contact has no email address' });
      else {
        try {
          if (portalLevers?.salesSubscriptionId) {
            await hubspot.unsubscribe(portalId, { emailAddress: email, subscriptionId: portalLevers.salesSubscriptionId, legalBasis: 'LEGITIMATE_INTEREST_OTHER', legalBasisExplanation: 'Objection to direct marketing (GDPR art. 21) recorded by Prospect Guard' });
            stamp({ lever: 'one_to_one_unsubscribe', status: 'done', id: portalLevers.salesSubscriptionId });
          } else {
            await hubspot.unsubscribeAll(portalId, email);
            stamp({ lever: 'one_to_one_unsubscribe', status: 'done', detail: 'no one-to-one subscription type found: unsubscribed from all email' });
          }
        } catch (err) {
          stamp({ lever: 'one_to_one_unsubscribe', status: 'failed', detail: ledgerErrorDetail(err) });
        }
      }
    }

    if (settings.notifyOwnerOnBlock || !portalLevers?.unenrollFlowId) {
      try {
        const done = levers.filter((l) => l.status === 'done').map((l) => l.lever).join(', ');
        const taskId = await hubspot.createTask(portalId, {
          contactId, ownerId: props.hubspot_owner_id ?? null, dueAt: detectedAt, priority: 'HIGH',
          subject: 'Remove this contact from its sequence / Retirer ce contact de sa séquence',
          body: `${reason}.\nSequence ${enrollment.sequenceId ?? props.hs_latest_sequence_enrolled ?? '?'} (enrolled ${props.hs_latest_sequence_enrolled_date ?? '?'}). Detected by ${detectedBy} at ${detectedAt.toISOString()}. Already done: ${done || 'nothing'}. Please check the sequence is stopped; do not re-enrol.`,
        });
        stamp({ lever: 'owner_task', status: 'done', id: taskId });
      } catch (err) {
        stamp({ lever: 'owner_task', status: 'failed', detail: ledgerErrorDetail(err) });
      }
    } else {
      stamp({ lever: 'owner_task', status: 'skipped', detail: 'portal setting: no owner notification' });
    }

    const entry = await ledger.append(portalId, {
      kind: 'block', contactId, actor: 'prospect-guard:sequence-enforcer', at: detectedAt,
      payload: { detectedBy, detectedAt: detectedAt.toISOString(), sequenceId: enrollment.sequenceId, enrollmentId: enrollment.enrollmentId, enrolledAt: props.hs_latest_sequence_enrolled_date ?? null, blocker: verdict.blocker, reason, mode: settings.sequenceBlocking, levers },
      idempotencyKey: `block:${contactId}:${enrollment.key}`,
    });
    await db.query('update sequence_blocks set levers = $4, ledger_seq = $5 where portal_id = $1 and contact_id = $2 and enrollment_key = $3',
      [portalId, contactId, enrollment.key, JSON.stringify(levers), entry.seq]);
    deps.log?.info?.({ portalId, contactId, levers: levers.map((l) => `${l.lever}:${l.status}`) }, 'sequence blocked');
    return { contactId, enrollmentKey: enrollment.key, sequenceId: enrollment.sequenceId, detectedBy, levers, ledgerSeq: entry.seq };
  }

  async function handle(portalId: number, contactId: string, verdictIn: Verdict | EmailVerdict | null, detectedBy: BlockOutcome['detectedBy'], knownProps?: Record<string, string | null>): Promise<BlockOutcome | null> {
    const settings = await deps.settings(portalId);
    if (settings.sequenceBlocking === 'off') return null;
    const contact = knownProps ? { properties: knownProps } : await hubspot.getContact(portalId, contactId, CONTACT_PROPS);
    if (!contact) return null;
    const props = contact.properties;
    const verdict = emailVerdictOf(verdictIn) ?? emailVerdictFromProperties(props);
    if (!verdict || verdict.allowed) return null;
    // Without automation.sequences.read the enrolment API answers 403: the contact's sequence properties decide.
    const canReadEnrolments = hasScope(await deps.grantedScopes?.(portalId) ?? null, 'automation.sequences.read');
    const enrollments = canReadEnrolments ? await hubspot.sequenceEnrollments(portalId, contactId).catch(() => null) : null;
    const active = enrollments?.find((e) => !e.status || /ACTIVE|EXECUTING|ENROLLED|PAUSED/i.test(e.status)) ?? null;
    if (!active && props.hs_sequences_is_enrolled !== 'true') return null; // not (or no longer) enrolled
    const key = active?.id ? `enrollment:${active.id}` : `latest:${props.hs_latest_sequence_enrolled ?? '?'}:${props.hs_latest_sequence_enrolled_date ?? '?'}`;
    return act(portalId, contactId, verdict, props, detectedBy, { key, sequenceId: active?.sequenceId ?? props.hs_latest_sequence_enrolled ?? null, enrollmentId: active?.id ?? null }, settings);
  }

  return {
    ensureLevers,

    /** Called by the pipeline when a sequence property changes (webhook) or by the card; idempotent per enrolment. */
    onSequenceEnrolmentDetected(portalId: number, contactId: string, verdict: Verdict | EmailVerdict | null, detectedBy: BlockOutcome['detectedBy'] = 'webhook'): Promise<BlockOutcome | null> {
      return handle(portalId, contactId, verdict, detectedBy);
    },

    /**
     * One polling pass: searches the portal's contacts whose email basis blocks email and who are enrolled in a
     * sequence (one search request per 100 contacts, at most `maxPages`), and acts on each new enrolment.
     */
    async pollPortal(portalId: number, options: { maxPages?: number; pageSize?: number } = {}): Promise<{ searched: number; blocked: number }> {
      const settings = await deps.settings(portalId);
      if (settings.sequenceBlocking === 'off') return { searched: 0, blocked: 0 };
      // Paged by hs_object_id from a stored cursor, so a portal with more enrolled blocked contacts than one
      // pass covers is walked across passes instead of re-reading its first pages.
      const { rows } = await db.query<{ sequence_poll_after: string | null }>('select sequence_poll_after from enforcement_portal_state where portal_id = $1', [portalId]);
      let cursor: string | null = rows[0]?.sequence_poll_after ?? null;
      const pageSize = Math.min(Math.max(options.pageSize ?? 100, 1), 100);
      let searched = 0;
      let blocked = 0;
      for (let page = 0; page < (options.maxPages ?? 20); page += 1) {
        const filters: Record<string, unknown>[] = [
          { propertyName: 'pg_basis_email', operator: 'IN', values: [...BLOCKED_EMAIL_BASES] },
          { propertyName: 'hs_sequences_is_enrolled', operator: 'EQ', value: 'true' },
        ];
        if (cursor) filters.push({ propertyName: 'hs_object_id', operator: 'GT', value: cursor });
        const res = await hubspot.searchContacts(portalId, {
          filterGroups: [{ filters }], properties: CONTACT_PROPS, sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }], limit: pageSize,
        });
        for (const c of res.results) {
          searched += 1;
          cursor = c.id;
          const props = c.properties;
          if (props.hs_sequences_is_enrolled !== 'true') continue;
          const outcome = await handle(portalId, c.id, emailVerdictFromProperties(props), 'poll', props);
          if (outcome) blocked += 1;
        }
        if (res.results.length < pageSize) { cursor = null; break; }
      }
      await db.query(`insert into enforcement_portal_state (portal_id, sequence_poll_after) values ($1, $2)
        on conflict (portal_id) do update set sequence_poll_after = excluded.sequence_poll_after`, [portalId, cursor]);
      return { searched, blocked };
    },
  };
}

export type SequenceEnforcer = ReturnType<typeof createSequenceEnforcer>;

/**
 * Workflows v4 definition (ApiContactFlowCreateRequest in HubSpot's Automation v4 spec, every required field set,
 * nothing the create request does not define: HubSpot assigns nextAvailableActionId itself). Contacts enter when
 * they are flagged (pg_sequence_blocked = true) AND enrolled in a sequence (hs_sequences_is_enrolled = true), and
 * re-enter each time either becomes true again: so HubSpot itself stops the sequence of a flagged contact enrolled
 * later, without waiting for our detection, and a contact flagged while enrolled is stopped too. The only action
 * is HubSpot's own "unenroll from sequence".
 */
export function unenrollWorkflow(actionTypeId: string, name: string): Record<string, unknown> {
  // PublicBoolPropertyOperation requires includeObjectsWithNoValueSet: a contact with no value is not flagged.
  const isTrue = (property: string) => ({
    filterType: 'PROPERTY', property,
    operation: { operationType: 'BOOL', operator: 'IS_EQUAL_TO', value: true, includeObjectsWithNoValueSet: false },
  });
  const branch = (filters: unknown[]) => ({ filterBranchType: 'AND', filterBranchOperator: 'AND', filterBranches: [], filters });
  return {
    type: 'CONTACT_FLOW',
    objectTypeId: '0-1',
    flowType: 'WORKFLOW',
    name,
    description: 'Created by Prospect Guard. Stops the sequences of contacts the law does not let you email. Do not edit.',
    isEnabled: true,
    canEnrollFromSalesforce: false,
    startActionId: '1',
    actions: [{ actionId: '1', actionTypeId, actionTypeVersion: 0, type: 'SINGLE_CONNECTION', fields: {} }],
    enrollmentCriteria: {
      type: 'LIST_BASED',
      shouldReEnroll: true,
      listFilterBranch: { filterBranchType: 'OR', filterBranchOperator: 'OR', filters: [], filterBranches: [branch([isTrue('pg_sequence_blocked'), isTrue('hs_sequences_is_enrolled')])] },
      reEnrollmentTriggersFilterBranches: [branch([isTrue('pg_sequence_blocked')]), branch([isTrue('hs_sequences_is_enrolled')])],
      unEnrollObjectsNotMeetingCriteria: false,
    },
    // No schedule limits: a blocked contact is stopped at once, any day, any time.
    blockedDates: [],
    timeWindows: [],
    customProperties: {},
    dataSources: [],
    suppressionListIds: [],
  };
}
