// The stand-in's check against HubSpot's vendored specs: each kind of break is caught, recorded as the test's
// violation, and (for requests) refused with HubSpot's 400 before the stand-in acts on it.
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StandIn } from '../../scripts/hubspot-standin/index.ts';
import { specValidation } from '../../scripts/hubspot-standin/spec-validation.ts';
import { takeSpecViolations } from '../../scripts/hubspot-standin/spec-violations.ts';
import { api, searchBody, standInWithPortal, takeExpectedViolations } from './helpers.ts';

describe('stand-in traffic checked against HubSpot specs', () => {
  let standIn: StandIn;
  let portalId: number;
  let token: string;

  beforeAll(async () => {
    ({ standIn, portalId, token } = await standInWithPortal());
  });
  afterAll(async () => {
    await standIn.close();
  });

  it('accepts a request and answer that follow the spec, and records nothing', async () => {
    const id = standIn.createContact(portalId, { email: 'anne.morel@exemple.fr' });
    const res = await api(standIn, token, 'POST', '/crm/v3/objects/contacts/batch/read', { inputs: [{ id }], properties: ['email', 'phone'], propertiesWithHistory: [] });
    expect(res.status).toBe(200);
    expect(takeSpecViolations()).toEqual([]);
  });

  it('refuses a body field the spec does not define, and does not apply the request', async () => {
    const id = standIn.createContact(portalId, { email: 'marc.blanc@exemple.fr', firstname: 'Marc' });
    const res = await api(standIn, token, 'PATCH', `/crm/v3/objects/contacts/${id}`, { properties: { firstname: 'Marcel' }, archived: false });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    expect(JSON.stringify(res.json)).toContain("'archived'");
    expect(standIn.getContact(portalId, id)?.properties.firstname).toBe('Marc');
    const [v, ...rest] = takeSpecViolations();
    expect(rest).toEqual([]);
    expect(v).toMatchObject({ kind: 'request', method: 'PATCH', spec: 'CRM/Contacts/Rollouts/424/v3/contacts.json' });
  });

  it('refuses a missing required field, a wrong type and an unknown query parameter', async () => {
    expect((await api(standIn, token, 'POST', '/crm/v3/objects/contacts/search', searchBody({ limit: 'ten' }))).status).toBe(400);
    const { after: _after, ...noAfter } = searchBody();
    expect((await api(standIn, token, 'POST', '/crm/v3/objects/contacts/search', noAfter)).status).toBe(400);
    expect((await api(standIn, token, 'GET', '/crm/v3/objects/contacts?limit=5&portalId=1')).status).toBe(400);
    expect(takeExpectedViolations()).toEqual([
      'request POST /crm/v3/objects/contacts/search', 'request POST /crm/v3/objects/contacts/search', 'request GET /crm/v3/objects/contacts',
    ]);
  });

  it('records a call to a route no spec has (unless HubSpot documents it elsewhere)', async () => {
    expect((await api(standIn, token, 'GET', '/crm/v3/owners')).status).toBe(200);
    expect(takeSpecViolations()).toEqual([]);
    await api(standIn, token, 'GET', '/crm/v3/objects/contacts/1/timeline');
    expect(takeExpectedViolations()).toEqual(['unspecified_route GET /crm/v3/objects/contacts/1/timeline']);
  });

  it('answers 403 MISSING_SCOPES when the token lacks the scope the operation names', async () => {
    const { accessToken } = standIn.installDirectly(portalId, ['oauth', 'crm.objects.contacts.read']);
    const res = await api(standIn, accessToken, 'GET', '/automation/v4/flows');
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ category: 'MISSING_SCOPES', errors: [{ context: { requiredGranularScopes: ['automation'] } }] });
    expect(takeSpecViolations()).toEqual([]);
  });

  it('records an answer that breaks the response schema (the stand-in itself is judged)', async () => {
    const app = express();
    app.use(specValidation());
    app.get('/crm/v3/objects/contacts/:contactId', (_req, res) => { res.json({ id: 42, properties: {} }); });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const { port } = server.address() as AddressInfo;
      expect((await fetch(`http://127.0.0.1:${port}/crm/v3/objects/contacts/42`)).status).toBe(200);
      const [v, ...rest] = takeSpecViolations();
      expect(rest).toEqual([]);
      expect(v).toMatchObject({ kind: 'response', status: 200 });
      expect(v?.errors.join(' ')).toMatch(/\/id must be string/);
      expect(v?.errors.join(' ')).toMatch(/createdAt/);
    } finally {
      server.close();
    }
  });
});
