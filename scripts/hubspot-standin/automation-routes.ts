// Communication preferences (v3 and v4 unsubscribe-all), sequences (list, get, enroll, a contact's enrolment; no
// unenroll, as in HubSpot), workflows v4 (minimal flows store), custom workflow action callbacks, app uninstall.
import type { Request, Response, Router } from 'express';
import express from 'express';
import { ApiError, notFound, validationError } from './errors.ts';
import { portalOf } from './crm-routes.ts';
import { LEGAL_BASES, type Account, type ChangeSource, type StandInState, type SubscriptionDefinition, type SubscriptionState } from './state.ts';

function body(req: Request): Record<string, unknown> {
  const b: unknown = req.body;
  if (b === undefined || b === null || typeof b !== 'object' || Array.isArray(b)) throw validationError('Invalid input JSON: expected an object body.');
  return b as Record<string, unknown>;
}

function optedOutOfAll(state: StandInState, account: Account, email: string): boolean {
  const id = account.emailIndex.get(email);
  const c = id ? state.liveContact(account, id) : undefined;
  return c?.properties.hs_email_optout === 'true';
}

function statusOf(state: StandInState, account: Account, email: string, def: SubscriptionDefinition): SubscriptionState & { portalWide: boolean } {
  const s = account.subscriptions.get(email)?.get(def.id);
  if (optedOutOfAll(state, account, email)) {
    return { status: 'NOT_SUBSCRIBED', legalBasis: s?.legalBasis ?? null, legalBasisExplanation: s?.legalBasisExplanation ?? null,
      sourceOfStatus: 'PORTAL_WIDE_STATUS', timestamp: s?.timestamp ?? new Date(0).toISOString(), portalWide: true };
  }
  if (s) return { ...s, portalWide: false };
  return { status: 'NOT_SUBSCRIBED', legalBasis: null, legalBasisExplanation: null, sourceOfStatus: 'SUBSCRIPTION_STATUS',
    timestamp: new Date(0).toISOString(), portalWide: false };
}

/** HubSpot leaves out a field that has no value (its specs type them as plain strings, never null). */
function present(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
}

function v3Status(def: SubscriptionDefinition, s: SubscriptionState): Record<string, unknown> {
  return present({
    id: String(def.id), name: def.name, description: def.description, status: s.status, sourceOfStatus: s.sourceOfStatus,
    preferenceGroupName: def.purpose, legalBasis: s.legalBasis, legalBasisExplanation: s.legalBasisExplanation,
  });
}

function v4Status(email: string, def: SubscriptionDefinition, s: SubscriptionState, explicit = true): Record<string, unknown> {
  return present({
    subscriberIdString: email, subscriptionId: def.id, subscriptionName: def.name, channel: 'EMAIL',
    status: s.status === 'SUBSCRIBED' ? 'SUBSCRIBED' : explicit ? 'UNSUBSCRIBED' : 'NOT_SPECIFIED',
    source: s.sourceOfStatus, legalBasis: s.legalBasis, legalBasisExplanation: s.legalBasisExplanation,
    timestamp: s.timestamp, businessUnitId: def.businessUnitId,
  });
}

/**
 * The action types the stand-in offers (ApiActionTypeDefinition, 2026-09-beta). HubSpot's real ids are not
 * published; the app finds "Unenroll from sequence" by name, so the ids here are placeholders.
 */
export const ACTION_TYPES = [
  { actionTypeId: '0-1', actionName: 'Delay', groupId: 'flow-control', inputFieldDefinitions: [], objectTypeIds: ['0-1'] },
  { actionTypeId: '0-5', actionName: 'Set property value', groupId: 'crm', inputFieldDefinitions: [], objectTypeIds: ['0-1'] },
  { actionTypeId: '0-4702372', actionName: 'Unenroll from sequence', groupId: 'sales', inputFieldDefinitions: [], objectTypeIds: ['0-1'] },
];

export interface WorkflowCallbackRecord {
  callbackId: string;
  portalId: number;
  outputFields: Record<string, unknown> | null;
  completedAt: number | null;
}

export function automationRouter(state: StandInState, source: () => ChangeSource, callbacks: Map<string, WorkflowCallbackRecord>, uninstall: (portalId: number) => void): Router {
  const r = express.Router();
  const acct = (res: Response): Account => state.account(portalOf(res));

  const setStatus = (account: Account, emailRaw: unknown, subscriptionId: unknown, status: 'SUBSCRIBED' | 'NOT_SUBSCRIBED', legalBasis: unknown, explanation: unknown): { def: SubscriptionDefinition; s: SubscriptionState; email: string } => {
    if (typeof emailRaw !== 'string' || !emailRaw.includes('@')) throw validationError('emailAddress is required and must be an email address');
    const email = emailRaw.toLowerCase();
    const def = account.subscriptionDefinitions.find((d) => String(d.id) === String(subscriptionId));
    if (!def) throw notFound(`Subscription ${String(subscriptionId)} does not exist`);
    if (legalBasis !== undefined && legalBasis !== null && !(LEGAL_BASES as readonly string[]).includes(String(legalBasis))) {
      throw validationError(`Invalid legalBasis ${String(legalBasis)}; one of ${LEGAL_BASES.join(', ')}`);
    }
    if (legalBasis && (typeof explanation !== 'string' || explanation.trim() === '')) {
      throw validationError('legalBasisExplanation is required when legalBasis is given');
    }
    if (account.blocklist.has(email)) throw validationError(`${email} was permanently deleted (GDPR); its status cannot change.`);
    if (status === 'SUBSCRIBED' && optedOutOfAll(state, account, email)) {
      throw validationError(`${email} has opted out of all email; it cannot be resubscribed through the API.`);
    }
    const s: SubscriptionState = {
      status, legalBasis: legalBasis ? String(legalBasis) : null,
      legalBasisExplanation: typeof explanation === 'string' ? explanation : null,
      sourceOfStatus: 'SUBSCRIPTION_STATUS', timestamp: new Date(state.now()).toISOString(),
    };
    let m = account.subscriptions.get(email);
    if (!m) account.subscriptions.set(email, (m = new Map()));
    m.set(def.id, s);
    return { def, s, email };
  };

  // ---------- v3 ----------
  r.get('/communication-preferences/v3/definitions', (_req, res) => {
    // v3 types the definition ids as strings (v4 as integers).
    res.json({ subscriptionDefinitions: acct(res).subscriptionDefinitions.map((d) => present({ ...d, id: String(d.id) })) });
  });
  r.get('/communication-preferences/v3/status/email/:emailAddress', (req, res) => {
    const account = acct(res);
    const email = String(req.params.emailAddress).toLowerCase();
    res.json({ recipient: email,
      subscriptionStatuses: account.subscriptionDefinitions.map((d) => v3Status(d, statusOf(state, account, email, d))) });
  });
  r.post('/communication-preferences/v3/subscribe', (req, res) => {
    const b = body(req);
    const { def, s } = setStatus(acct(res), b.emailAddress, b.subscriptionId, 'SUBSCRIBED', b.legalBasis, b.legalBasisExplanation);
    res.json(v3Status(def, s));
  });
  r.post('/communication-preferences/v3/unsubscribe', (req, res) => {
    const b = body(req);
    const { def, s } = setStatus(acct(res), b.emailAddress, b.subscriptionId, 'NOT_SUBSCRIBED', b.legalBasis, b.legalBasisExplanation);
    res.json(v3Status(def, s));
  });

  // ---------- v4 ----------
  const channel = (req: Request): void => {
    if (req.query.channel !== 'EMAIL') throw validationError('channel=EMAIL is required');
  };
  r.get('/communication-preferences/v4/definitions', (_req, res) => {
    const now = new Date().toISOString();
    res.json({ status: 'COMPLETE', results: acct(res).subscriptionDefinitions, startedAt: now, completedAt: now });
  });
  r.get('/communication-preferences/v4/statuses/:subscriberIdString', (req, res) => {
    channel(req);
    const account = acct(res);
    const email = String(req.params.subscriberIdString).toLowerCase();
    const startedAt = new Date().toISOString();
    res.json({ status: 'COMPLETE', startedAt, completedAt: new Date().toISOString(),
      results: account.subscriptionDefinitions.map((d) => {
        const st = statusOf(state, account, email, d);
        return v4Status(email, d, st, st.portalWide || account.subscriptions.get(email)?.has(d.id) === true);
      }) });
  });
  r.post('/communication-preferences/v4/statuses/:subscriberIdString', (req, res) => {
    const b = body(req);
    if (b.channel !== 'EMAIL') throw validationError('channel must be EMAIL');
    const state_ = b.statusState === 'SUBSCRIBED' ? 'SUBSCRIBED' : b.statusState === 'UNSUBSCRIBED' ? 'NOT_SUBSCRIBED' : null;
    if (!state_) throw validationError('statusState must be SUBSCRIBED or UNSUBSCRIBED');
    const startedAt = new Date().toISOString();
    const { def, s, email } = setStatus(acct(res), String(req.params.subscriberIdString), b.subscriptionId, state_, b.legalBasis, b.legalBasisExplanation);
    res.json({ status: 'COMPLETE', startedAt, completedAt: new Date().toISOString(), results: [v4Status(email, def, s)] });
  });
  const unsubscribeAll = (account: Account, emailRaw: string): Record<string, unknown>[] => {
    const email = emailRaw.toLowerCase();
    if (!email.includes('@')) throw validationError(`${emailRaw} is not an email address`);
    const now = new Date(state.now()).toISOString();
    let m = account.subscriptions.get(email);
    if (!m) account.subscriptions.set(email, (m = new Map()));
    for (const d of account.subscriptionDefinitions) {
      const prev = m.get(d.id);
      m.set(d.id, { status: 'NOT_SUBSCRIBED', legalBasis: prev?.legalBasis ?? null, legalBasisExplanation: prev?.legalBasisExplanation ?? null,
        sourceOfStatus: 'PORTAL_WIDE_STATUS', timestamp: now });
    }
    const id = account.emailIndex.get(email);
    const contact = id ? state.liveContact(account, id) : undefined;
    if (contact) state.applyUpdate(account, contact, { hs_email_optout: 'true' }, source());
    return account.subscriptionDefinitions.map((d) => v4Status(email, d, m.get(d.id) as SubscriptionState));
  };
  r.post('/communication-preferences/v4/statuses/:subscriberIdString/unsubscribe-all', (req, res) => {
    channel(req);
    const startedAt = new Date().toISOString();
    const results = unsubscribeAll(acct(res), String(req.params.subscriberIdString));
    res.json({ status: 'COMPLETE', startedAt, completedAt: new Date().toISOString(), results });
  });
  r.post('/communication-preferences/v4/statuses/batch/unsubscribe-all', (req, res) => {
    channel(req);
    const b = body(req);
    if (!Array.isArray(b.inputs) || b.inputs.length > 100) throw validationError('inputs must be an array of at most 100 email addresses');
    const startedAt = new Date().toISOString();
    const account = acct(res);
    const results = (b.inputs as unknown[]).map((e) => ({ subscriberIdString: String(e).toLowerCase(), statuses: unsubscribeAll(account, String(e)) }));
    res.json({ status: 'COMPLETE', startedAt, completedAt: new Date().toISOString(), results });
  });

  // ---------- sequences ----------
  const userId = (req: Request): string => {
    const u = req.query.userId;
    if (typeof u !== 'string' || u === '') throw validationError('userId is a required query parameter');
    return u;
  };
  r.get('/automation/v4/sequences', (req, res) => {
    userId(req);
    const all = [...acct(res).sequences.values()];
    const limit = Math.min(Number(req.query.limit ?? 10) || 10, 100);
    const after = Number(req.query.after ?? 0) || 0;
    const page = all.slice(after, after + limit);
    const json: Record<string, unknown> = { total: all.length, results: page.map((x) => present({ ...x })) };
    if (after + limit < all.length) json.paging = { next: { after: String(after + limit), link: `?after=${after + limit}` } };
    res.json(json);
  });
  r.get('/automation/v4/sequences/enrollments/contact/:contactId', (req, res) => {
    const account = acct(res);
    const contactId = String(req.params.contactId);
    if (!state.liveContact(account, contactId)) throw notFound(`Contact ${contactId} not found`);
    const e = account.enrollments.find((x) => x.toObjectId === contactId);
    if (!e) throw notFound(`Contact ${contactId} is not enrolled in a sequence`);
    // PublicSequenceEnrollmentResponse (HubSpot spec): no toObjectId, the contact's address as toEmail.
    res.json({ id: e.id, toEmail: e.toEmail, enrolledAt: e.enrolledAt, enrolledBy: e.enrolledBy, enrolledByEmail: e.enrolledByEmail,
      sequenceId: e.sequenceId, sequenceName: e.sequenceName, updatedAt: e.updatedAt });
  });
  r.get('/automation/v4/sequences/:sequenceId', (req, res) => {
    userId(req);
    const s = acct(res).sequences.get(String(req.params.sequenceId));
    if (!s) throw notFound(`Sequence ${String(req.params.sequenceId)} not found`);
    res.json({ ...present({ ...s }), dependencies: [], steps: [
      { id: `${s.id}1`, stepOrder: 0, actionType: 'EMAIL', delayMillis: 0, createdAt: s.createdAt, updatedAt: s.updatedAt,
        emailPattern: { id: `${s.id}11`, templateId: '5001', createdAt: s.createdAt, updatedAt: s.updatedAt } },
      { id: `${s.id}2`, stepOrder: 1, actionType: 'TASK', delayMillis: 172_800_000, createdAt: s.createdAt, updatedAt: s.updatedAt,
        taskPattern: { id: `${s.id}21`, taskPriority: 'MEDIUM', taskType: 'CALL', subject: 'Appel de suivi', createdAt: s.createdAt, updatedAt: s.updatedAt } },
    ], settings: { id: `${s.id}9`, sellingStrategy: 'LEAD_BASED', eligibleFollowUpDays: 'BUSINESS_DAYS', individualTaskRemindersEnabled: false,
      sendWindowStartMinute: 480, sendWindowEndMinute: 1080, taskReminderMinute: 480, createdAt: s.createdAt, updatedAt: s.updatedAt } });
  });
  r.post('/automation/v4/sequences/enrollments', (req, res) => {
    const uid = userId(req);
    const b = body(req);
    if (typeof b.contactId !== 'string' && typeof b.contactId !== 'number') throw validationError('contactId is required');
    if (typeof b.sequenceId !== 'string' && typeof b.sequenceId !== 'number') throw validationError('sequenceId is required');
    if (typeof b.senderEmail !== 'string' || !b.senderEmail.includes('@')) throw validationError('senderEmail is required');
    const e = state.enroll(portalOf(res), String(b.contactId), String(b.sequenceId), uid, source());
    // PublicSequenceEnrollmentLiteResponse: id, toEmail, enrolledAt, updatedAt.
    res.json({ id: e.id, toEmail: e.toEmail, enrolledAt: e.enrolledAt, updatedAt: e.updatedAt });
  });

  // ---------- workflows v4 (minimal: stored, not run) ----------
  // Paths from HubSpot's Automation V4 spec: flows list/create, batch/read, get/put/delete; action types from the
  // 2026-09-beta spec (the stable v4 spec has none). The spec check (spec-validation.ts) refuses a create request
  // that lacks a required field or carries one the spec does not define; nothing here fills defaults.
  const listing = (f: Record<string, unknown>): Record<string, unknown> => ({
    id: f.id, name: f.name, isEnabled: f.isEnabled, flowType: f.flowType, objectTypeId: f.objectTypeId, revisionId: f.revisionId,
    createdAt: f.createdAt, updatedAt: f.updatedAt,
  });
  const validFlow = (b: Record<string, unknown>, create = false): void => {
    if (typeof b.type !== 'string' || typeof b.objectTypeId !== 'string' || typeof b.name !== 'string') {
      throw validationError('A flow needs type, objectTypeId and name');
    }
    if (!Array.isArray(b.actions)) throw validationError('actions must be an array');
    if (create && 'nextAvailableActionId' in b) throw validationError('nextAvailableActionId is set by HubSpot, not on create');
  };
  /** HubSpot's next free action id: one past the highest numeric actionId. */
  const nextActionId = (actions: unknown): string => {
    const ids = (Array.isArray(actions) ? actions : []).map((a) => Number((a as { actionId?: unknown }).actionId)).filter(Number.isFinite);
    return String((ids.length > 0 ? Math.max(...ids) : 0) + 1);
  };
  r.get('/automation/2026-09-beta/action-types', (_req, res) => {
    res.json({ results: ACTION_TYPES });
  });
  r.get('/automation/v4/flows', (_req, res) => {
    res.json({ results: [...acct(res).flows.values()].map(listing) });
  });
  r.post('/automation/v4/flows', (req, res) => {
    const b = body(req);
    validFlow(b, true);
    const account = acct(res);
    const id = String(600_000_000 + account.flows.size + 1);
    const now = new Date().toISOString();
    const flow: Record<string, unknown> = {
      ...b, id, revisionId: '1', crmObjectCreationStatus: 'COMPLETE', nextAvailableActionId: nextActionId(b.actions), createdAt: now, updatedAt: now,
    };
    account.flows.set(id, flow);
    res.status(201).json(flow);
  });
  r.post('/automation/v4/flows/batch/read', (req, res) => {
    const b = body(req);
    if (!Array.isArray(b.inputs)) throw validationError('inputs must be an array');
    const startedAt = new Date().toISOString();
    const account = acct(res);
    const results = (b.inputs as Array<Record<string, unknown>>).map((i) => account.flows.get(String(i.flowId ?? ''))).filter(Boolean);
    res.json({ status: 'COMPLETE', results, startedAt, completedAt: new Date().toISOString() });
  });
  r.get('/automation/v4/flows/:flowId', (req, res) => {
    const f = acct(res).flows.get(String(req.params.flowId));
    if (!f) throw notFound(`Flow ${String(req.params.flowId)} not found`);
    res.json(f);
  });
  r.put('/automation/v4/flows/:flowId', (req, res) => {
    const account = acct(res);
    const f = account.flows.get(String(req.params.flowId));
    if (!f) throw notFound(`Flow ${String(req.params.flowId)} not found`);
    const b = body(req);
    if (String(b.revisionId ?? '') !== String(f.revisionId)) {
      throw new ApiError(409, 'CONFLICT', `revisionId ${String(b.revisionId)} is not the flow's current revision ${String(f.revisionId)}`);
    }
    validFlow({ ...f, ...b });
    const updated = { ...f, ...b, id: f.id, nextAvailableActionId: nextActionId(b.actions ?? f.actions), revisionId: String(Number(f.revisionId) + 1), updatedAt: new Date().toISOString() };
    account.flows.set(String(f.id), updated);
    res.json(updated);
  });
  r.delete('/automation/v4/flows/:flowId', (req, res) => {
    if (!acct(res).flows.delete(String(req.params.flowId))) throw notFound(`Flow ${String(req.params.flowId)} not found`);
    res.status(204).end();
  });

  // ---------- custom workflow action callbacks ----------
  const complete = (portalId: number, callbackId: string, outputFields: unknown): void => {
    const cb = callbacks.get(callbackId);
    if (!cb || cb.portalId !== portalId) throw notFound(`Callback ${callbackId} not found`);
    if (outputFields === null || typeof outputFields !== 'object' || Array.isArray(outputFields)) {
      throw validationError('outputFields must be an object');
    }
    cb.outputFields = outputFields as Record<string, unknown>;
    cb.completedAt = state.now();
  };
  r.post('/automation/v4/actions/callbacks/complete', (req, res) => {
    const b = body(req);
    if (!Array.isArray(b.inputs)) throw validationError('inputs must be an array');
    for (const i of b.inputs as Array<Record<string, unknown>>) complete(portalOf(res), String(i.callbackId ?? ''), i.outputFields);
    res.status(204).end();
  });
  r.post('/automation/v4/actions/callbacks/:callbackId/complete', (req, res) => {
    complete(portalOf(res), String(req.params.callbackId), body(req).outputFields);
    res.status(204).end();
  });

  // ---------- the app uninstalls itself ----------
  r.delete('/appinstalls/2026-03/external-install', (_req, res) => {
    uninstall(portalOf(res));
    res.status(204).end();
  });
  r.delete('/appinstalls/v3/external-install', (_req, res) => {
    uninstall(portalOf(res));
    res.status(204).end();
  });

  return r;
}
