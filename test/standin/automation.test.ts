// Communication preferences, sequences, tasks, flows, custom workflow action requests and callbacks.
import { createHash, createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StandIn } from '../../scripts/hubspot-standin/index.ts';
import { unenrollWorkflow } from '../../src/enforcement/sequences.ts';
import { CLIENT_SECRET, api, standInWithPortal, startReceiver, takeExpectedViolations, type Receiver } from './helpers.ts';

describe('stand-in communication preferences, sequences and automation', () => {
  let standIn: StandIn;
  let token: string;
  let portalId: number;
  let contactId: string;
  const email = 'claire.dubois@exemple.fr';

  beforeEach(async () => {
    ({ standIn, token, portalId } = await standInWithPortal());
    contactId = standIn.createContact(portalId, { email, country: 'France', hs_email_optout: 'false' });
  });
  afterEach(async () => {
    await standIn.close();
  });

  it('lists subscription definitions and changes a status with a legal basis (v3)', async () => {
    const defs = await api(standIn, token, 'GET', '/communication-preferences/v3/definitions');
    const list = (defs.json as { subscriptionDefinitions: Array<{ id: number; name: string }> }).subscriptionDefinitions;
    const oneToOne = list.find((d) => d.name === 'One to One');
    expect(oneToOne).toBeDefined();
    const sub = await api(standIn, token, 'POST', '/communication-preferences/v3/subscribe', {
      emailAddress: email, subscriptionId: String(oneToOne?.id), legalBasis: 'CONSENT_WITH_NOTICE', legalBasisExplanation: 'Formulaire signé au salon',
    });
    expect(sub.status).toBe(200);
    expect(sub.json).toMatchObject({ status: 'SUBSCRIBED', legalBasis: 'CONSENT_WITH_NOTICE' });
    const unsub = await api(standIn, token, 'POST', '/communication-preferences/v3/unsubscribe', {
      emailAddress: email, subscriptionId: String(oneToOne?.id), legalBasis: 'LEGITIMATE_INTEREST_PQL', legalBasisExplanation: 'Opposition reçue',
    });
    expect(unsub.json).toMatchObject({ status: 'NOT_SUBSCRIBED' });
    const status = await api(standIn, token, 'GET', `/communication-preferences/v3/status/email/${encodeURIComponent(email)}`);
    const row = (status.json as { recipient: string; subscriptionStatuses: Array<{ id: string; status: string; legalBasisExplanation: string | null }> });
    expect(row.recipient).toBe(email);
    expect(row.subscriptionStatuses.find((s) => s.id === String(oneToOne?.id))).toMatchObject({ status: 'NOT_SUBSCRIBED', legalBasisExplanation: 'Opposition reçue' });
    const bad = await api(standIn, token, 'POST', '/communication-preferences/v3/subscribe', {
      emailAddress: email, subscriptionId: String(oneToOne?.id), legalBasis: 'BECAUSE_I_SAY_SO', legalBasisExplanation: 'x',
    });
    expect(bad.status).toBe(400);
    expect(takeExpectedViolations()).toEqual(['request POST /communication-preferences/v3/subscribe']); // legalBasis outside the enum
  });

  it('unsubscribes from all email (v4): every status off, hs_email_optout set, no API resubscription', async () => {
    const res = await api(standIn, token, 'POST', `/communication-preferences/v4/statuses/${encodeURIComponent(email)}/unsubscribe-all?channel=EMAIL`);
    expect(res.status).toBe(200);
    const body = res.json as { status: string; results: Array<{ status: string; subscriberIdString: string }> };
    expect(body.status).toBe('COMPLETE');
    expect(body.results.every((r) => r.status === 'UNSUBSCRIBED' && r.subscriberIdString === email)).toBe(true);
    expect(standIn.getContact(portalId, contactId)?.properties.hs_email_optout).toBe('true');
    const defs = standIn.subscriptionStatus(portalId, email);
    expect(Object.values(defs).every((s) => s === 'NOT_SUBSCRIBED')).toBe(true);
    const statuses = await api(standIn, token, 'GET', '/communication-preferences/v3/definitions');
    const first = (statuses.json as { subscriptionDefinitions: Array<{ id: number }> }).subscriptionDefinitions[0];
    const again = await api(standIn, token, 'POST', '/communication-preferences/v3/subscribe', { emailAddress: email, subscriptionId: String(first?.id) });
    expect(again.status).toBe(400);
    expect((await api(standIn, token, 'POST', `/communication-preferences/v4/statuses/${email}/unsubscribe-all`)).status).toBe(400);
    expect(takeExpectedViolations()).toEqual([`request POST /communication-preferences/v4/statuses/${email}/unsubscribe-all`]); // no channel
  });

  it('lists sequences, enrols a contact once, reads the enrolment, and offers no unenroll', async () => {
    // The app does not ask for the enrolment scope; a user-side integration that enrols has it.
    ({ accessToken: token } = standIn.installDirectly(portalId, [
      'oauth', 'crm.objects.contacts.read', 'automation.sequences.read', 'automation.sequences.enrollments.write',
    ]));
    expect((await api(standIn, token, 'GET', '/automation/v4/sequences')).status).toBe(400); // userId is required
    expect(takeExpectedViolations()).toEqual(['request GET /automation/v4/sequences']);
    const list = await api(standIn, token, 'GET', '/automation/v4/sequences?userId=9001');
    const seqs = (list.json as { total: number; results: Array<{ id: string; name: string }> });
    expect(seqs.total).toBeGreaterThan(0);
    const seq = seqs.results[0] as { id: string; name: string };
    const one = await api(standIn, token, 'GET', `/automation/v4/sequences/${seq.id}?userId=9001`);
    expect(one.json).toMatchObject({ id: seq.id, name: seq.name, steps: expect.any(Array) as unknown });
    const enrol = await api(standIn, token, 'POST', '/automation/v4/sequences/enrollments?userId=9001', {
      contactId, sequenceId: seq.id, senderEmail: 'owner.one@example.fr',
    });
    expect(enrol.status).toBe(200);
    expect(enrol.json).toMatchObject({ toEmail: email, id: expect.any(String) as unknown });
    const props = standIn.getContact(portalId, contactId)?.properties ?? {};
    expect(props.hs_sequences_is_enrolled).toBe('true');
    expect(props.hs_latest_sequence_enrolled).toBe(seq.id);
    const twice = await api(standIn, token, 'POST', '/automation/v4/sequences/enrollments?userId=9001', {
      contactId, sequenceId: seq.id, senderEmail: 'owner.one@example.fr',
    });
    expect(twice.status).toBe(400);
    const status = await api(standIn, token, 'GET', `/automation/v4/sequences/enrollments/contact/${contactId}`);
    expect(status.json).toMatchObject({ sequenceId: seq.id, sequenceName: seq.name, toEmail: email });
    expect((await api(standIn, token, 'DELETE', `/automation/v4/sequences/enrollments/${(enrol.json as { id: string }).id}`)).status).toBe(404);
    standIn.endSequenceEnrollment(portalId, contactId);
    expect(standIn.getContact(portalId, contactId)?.properties.hs_sequences_is_enrolled).toBe('false');
    expect((await api(standIn, token, 'GET', `/automation/v4/sequences/enrollments/contact/${contactId}`)).status).toBe(404);
    expect(takeExpectedViolations()).toEqual([`unspecified_route DELETE /automation/v4/sequences/enrollments/${(enrol.json as { id: string }).id}`]);
  });

  it('creates owner tasks associated with the contact', async () => {
    const task = await api(standIn, token, 'POST', '/crm/v3/objects/tasks', {
      properties: { hs_task_subject: 'Séquence bloquée', hs_task_body: 'Contact opposé', hs_timestamp: new Date().toISOString(), hubspot_owner_id: '9001' },
      associations: [{ to: { id: contactId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 204 }] }],
    });
    expect(task.status).toBe(201);
    expect(standIn.tasks(portalId)[0]?.associations).toEqual([{ toObjectId: contactId, toObjectType: 'contact' }]);
    expect((await api(standIn, token, 'POST', '/crm/v3/objects/tasks', { properties: { hs_task_subject: 'no timestamp' }, associations: [] })).status).toBe(400);
    expect(takeExpectedViolations()).toEqual([]);
  });

  it('creates the unenroll flow only from a request that satisfies the Automation v4 spec, and offers the action types (beta)', async () => {
    const types = await api(standIn, token, 'GET', '/automation/2026-09-beta/action-types?objectTypeId=0-1');
    const unenroll = (types.json as { results: Array<{ actionTypeId: string; actionName: string }> }).results.find((t) => /unenroll/i.test(t.actionName));
    expect(unenroll).toBeDefined();
    const body = unenrollWorkflow(unenroll?.actionTypeId ?? '', 'PG unenroll');
    // Each of the breaks the issue named is refused by the spec check with HubSpot's 400, before any flow exists.
    const { blockedDates: _b, ...noBlockedDates } = body;
    const broken: Array<[string, Record<string, unknown>]> = [
      ['no blockedDates', noBlockedDates],
      ['nextAvailableActionId on create', { ...body, nextAvailableActionId: '2' }],
      ['bool filter without includeObjectsWithNoValueSet', { ...body, enrollmentCriteria: { type: 'LIST_BASED', shouldReEnroll: false, unEnrollObjectsNotMeetingCriteria: false, reEnrollmentTriggersFilterBranches: [],
        listFilterBranch: { filterBranchType: 'AND', filterBranchOperator: 'AND', filterBranches: [], filters: [
          { filterType: 'PROPERTY', property: 'pg_sequence_blocked', operation: { operationType: 'BOOL', operator: 'IS_EQUAL_TO', value: true } }] } } }],
    ];
    for (const [why, request] of broken) {
      const res = await api(standIn, token, 'POST', '/automation/v4/flows', request);
      expect(res.status, why).toBe(400);
      expect(res.json, why).toMatchObject({ category: 'VALIDATION_ERROR' });
    }
    expect(takeExpectedViolations()).toEqual(Array.from({ length: 3 }, () => 'request POST /automation/v4/flows'));
    expect(standIn.flows(portalId)).toHaveLength(0);

    const flow = await api(standIn, token, 'POST', '/automation/v4/flows', body);
    expect(flow.status).toBe(201);
    const id = (flow.json as { id: string }).id;
    expect(flow.json).toMatchObject({ revisionId: '1', nextAvailableActionId: '2', blockedDates: [], timeWindows: [] });
    expect((await api(standIn, token, 'GET', `/automation/v4/flows/${id}`)).json).toMatchObject({ name: 'PG unenroll', isEnabled: true, revisionId: '1' });
    expect(standIn.flows(portalId)).toHaveLength(1);
    const { flowType: _f, objectTypeId: _o, dataSources: _d, ...putBody } = body;
    const stale = await api(standIn, token, 'PUT', `/automation/v4/flows/${id}`, { ...putBody, revisionId: '0', isEnabled: false });
    expect(stale.status).toBe(409);
    const put = await api(standIn, token, 'PUT', `/automation/v4/flows/${id}`, { ...putBody, revisionId: '1', isEnabled: false });
    expect(put.json).toMatchObject({ revisionId: '2', isEnabled: false });
    // HubSpot's stable Automation v4 spec has no action-types route: calling it is itself a violation.
    expect((await api(standIn, token, 'GET', '/automation/v4/action-types')).status).toBe(404);
    expect(takeExpectedViolations()).toEqual(['unspecified_route GET /automation/v4/action-types']);
  });

  describe('custom workflow actions', () => {
    let receiver: Receiver;
    beforeEach(async () => {
      receiver = await startReceiver('/actions/eligibility');
    });
    afterEach(async () => {
      await receiver.close();
    });

    it('posts the action request signed v2 and v3, and takes the callback completion', async () => {
      const out = await standIn.runWorkflowAction(portalId, {
        actionUrl: receiver.url, contactId, inputFields: { channel: 'email' }, propertiesToSend: ['email', 'country'],
      });
      expect(out.status).toBe(200);
      const r = receiver.received[0];
      expect(r).toBeDefined();
      const raw = r?.rawBody ?? '';
      expect(r?.headers['x-hubspot-signature-version']).toBe('v2');
      expect(r?.headers['x-hubspot-signature']).toBe(createHash('sha256').update(`${CLIENT_SECRET}POST${receiver.url}${raw}`).digest('hex'));
      const ts = String(r?.headers['x-hubspot-request-timestamp']);
      expect(r?.headers['x-hubspot-signature-v3']).toBe(createHmac('sha256', CLIENT_SECRET).update(`POST${receiver.url}${raw}${ts}`).digest('base64'));
      expect(r?.body).toMatchObject({
        callbackId: out.callbackId, origin: { portalId }, inputFields: { channel: 'email' },
        object: { objectId: Number(contactId), objectType: 'CONTACT', properties: { email, country: 'France' } },
      });

      const done = await api(standIn, token, 'POST', `/automation/v4/actions/callbacks/${out.callbackId}/complete`, {
        outputFields: { eligible: 'false', hs_execution_state: 'FAIL_CONTINUE' }, typedOutputs: {},
      });
      expect(done.status).toBe(204);
      expect(standIn.workflowCallback(out.callbackId)?.outputFields).toEqual({ eligible: 'false', hs_execution_state: 'FAIL_CONTINUE' });
      expect((await api(standIn, token, 'POST', '/automation/v4/actions/callbacks/unknown/complete', { outputFields: {}, typedOutputs: {} })).status).toBe(404);
    });
  });
});
