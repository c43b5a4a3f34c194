// The official @hubspot/api-client, pointed at the stand-in with basePath, works unchanged.
import { Client } from '@hubspot/api-client';
import type { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/contacts/models/Filter.js';
import type { PropertyCreateTypeEnum, PropertyCreateFieldTypeEnum } from '@hubspot/api-client/lib/codegen/crm/properties/models/PropertyCreate.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StandIn } from '../../scripts/hubspot-standin/index.ts';
import { standInWithPortal } from './helpers.ts';

const op = (o: string): FilterOperatorEnum => o as FilterOperatorEnum;

interface SdkError {
  code: number;
  body: { status: string; message: string; correlationId: string; category: string; errors?: unknown[]; context?: Record<string, string[]> };
}

async function sdkError(p: Promise<unknown>): Promise<SdkError> {
  try {
    await p;
  } catch (err) {
    return err as SdkError;
  }
  throw new Error('expected the call to fail');
}

describe('stand-in with @hubspot/api-client', () => {
  let standIn: StandIn;
  let portalId: number;
  let client: Client;
  let ids: string[];

  beforeAll(async () => {
    ({ standIn, portalId } = await standInWithPortal());
    const { accessToken } = standIn.installDirectly(portalId);
    client = new Client({ accessToken, basePath: standIn.url });
    ids = await standIn.seedContacts(portalId, 250, { seed: 11 });
  });
  afterAll(async () => {
    await standIn.close();
  });

  it('gets a contact by id with the requested properties, unset ones as null, plus the system ones', async () => {
    const c = await client.crm.contacts.basicApi.getById(ids[0] as string, ['email', 'country', 'no_value_here_property']);
    expect(c.id).toBe(ids[0]);
    expect(c.properties.email).toBe(standIn.getContact(portalId, ids[0] as string)?.properties.email ?? null);
    expect(c.properties).toHaveProperty('hs_object_id', ids[0]);
    expect(c.properties).toHaveProperty('createdate');
    expect(c.properties).toHaveProperty('lastmodifieddate');
    expect(c.properties.no_value_here_property).toBeNull();
    expect(c.createdAt).toBeInstanceOf(Date);
  });

  it('answers 404 with HubSpot\'s error body for an unknown id', async () => {
    const err = await sdkError(client.crm.contacts.basicApi.getById('999'));
    expect(err.code).toBe(404);
    expect(err.body).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
    expect(err.body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('batch-reads up to 100 contacts; missing ids come back as a 207 error entry', async () => {
    const wanted = ids.slice(0, 99);
    const out = await client.crm.contacts.batchApi.read({
      inputs: [...wanted.map((id) => ({ id })), { id: '424242' }], properties: ['email', 'phone'], propertiesWithHistory: [],
    });
    expect(out.status).toBe('COMPLETE');
    expect(out.results).toHaveLength(99);
    expect(out.startedAt).toBeInstanceOf(Date);
    expect(out.completedAt).toBeInstanceOf(Date);
    expect('errors' in out && out.errors?.[0]?.category).toBe('OBJECT_NOT_FOUND');
    expect('errors' in out && out.errors?.[0]?.context).toEqual({ ids: ['424242'] });
  });

  it('refuses a batch of more than 100 inputs', async () => {
    const err = await sdkError(client.crm.contacts.batchApi.read({
      inputs: ids.slice(0, 101).map((id) => ({ id })), properties: [], propertiesWithHistory: [],
    }));
    expect(err.code).toBe(400);
    expect(err.body.category).toBe('VALIDATION_ERROR');
  });

  it('batch-reads by email with idProperty', async () => {
    const email = standIn.getContact(portalId, ids[3] as string)?.properties.email as string;
    const out = await client.crm.contacts.batchApi.read({ inputs: [{ id: email.toUpperCase() }], idProperty: 'email', properties: ['email'], propertiesWithHistory: [] });
    expect(out.results.map((r) => r.id)).toEqual([ids[3]]);
  });

  it('batch-updates contacts and returns the new values', async () => {
    const target = ids.slice(10, 12);
    const out = await client.crm.contacts.batchApi.update({
      inputs: target.map((id) => ({ id, properties: { jobtitle: 'Directrice achats', hs_legal_basis: 'Legitimate interest – prospect/lead' } })),
    });
    expect(out.status).toBe('COMPLETE');
    expect(out.results.map((r) => r.properties.jobtitle)).toEqual(['Directrice achats', 'Directrice achats']);
    expect(standIn.getContact(portalId, target[0] as string)?.properties.hs_legal_basis).toBe('Legitimate interest – prospect/lead');
  });

  it('refuses a whole batch update naming an unknown property or an invalid option, changing nothing', async () => {
    const before = standIn.getContact(portalId, ids[20] as string)?.properties.jobtitle;
    const unknown = await sdkError(client.crm.contacts.batchApi.update({
      inputs: [{ id: ids[20] as string, properties: { jobtitle: 'Changed' } }, { id: ids[21] as string, properties: { pg_not_defined: 'x' } }],
    }));
    expect(unknown.code).toBe(400);
    expect(unknown.body.category).toBe('VALIDATION_ERROR');
    expect(unknown.body.message).toContain('PROPERTY_DOESNT_EXIST');
    const badOption = await sdkError(client.crm.contacts.batchApi.update({
      inputs: [{ id: ids[20] as string, properties: { hs_legal_basis: 'Legitimate interest - prospect/lead' } }],
    }));
    expect(badOption.code).toBe(400);
    expect(badOption.body.message).toContain('INVALID_OPTION');
    expect(standIn.getContact(portalId, ids[20] as string)?.properties.jobtitle).toBe(before);
  });

  it('searches with filters, a sort, paging and a total', async () => {
    const first = await client.crm.contacts.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'hs_object_id', operator: op('GT'), value: ids[99] as string }] }],
      sorts: ['hs_object_id'], properties: ['email'], limit: 100, after: '0',
    });
    expect(first.total).toBe(150);
    expect(first.results[0]?.id).toBe(ids[100]);
    expect(first.paging?.next?.after).toBe('100');
    const second = await client.crm.contacts.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'hs_object_id', operator: op('GT'), value: ids[99] as string }] }],
      sorts: ['hs_object_id'], properties: ['email'], limit: 100, after: first.paging?.next?.after ?? '',
    });
    expect(second.results).toHaveLength(50);
    expect(second.paging).toBeUndefined();

    const optedOut = await client.crm.contacts.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'hs_email_optout', operator: op('EQ'), value: 'true' }] }],
      sorts: [], properties: ['hs_email_optout'], limit: 200, after: '0',
    });
    const expected = ids.filter((id) => standIn.getContact(portalId, id)?.properties.hs_email_optout === 'true');
    expect(optedOut.total).toBe(expected.length);
    expect(optedOut.results.map((r) => r.id)).toEqual(expected);
  });

  it('creates a property group and properties, reads them back, and answers 409 on a duplicate', async () => {
    const group = await client.crm.properties.groupsApi.create('contacts', { name: 'prospect_guard', label: 'Prospect Guard' });
    expect(group.name).toBe('prospect_guard');
    const created = await client.crm.properties.coreApi.create('contacts', {
      name: 'pg_status', label: 'PG status', groupName: 'prospect_guard', type: 'enumeration' as PropertyCreateTypeEnum,
      fieldType: 'select' as PropertyCreateFieldTypeEnum, description: 'Statut de conformité',
      options: [{ label: 'Compliant', value: 'compliant', displayOrder: 0, hidden: false }, { label: 'Blocked', value: 'blocked', displayOrder: 1, hidden: false }],
    });
    expect(created.name).toBe('pg_status');
    const read = await client.crm.properties.coreApi.getByName('contacts', 'pg_status');
    expect(read.options.map((o) => o.value)).toEqual(['compliant', 'blocked']);
    const dup = await sdkError(client.crm.properties.coreApi.create('contacts', {
      name: 'pg_status', label: 'again', groupName: 'prospect_guard', type: 'string' as PropertyCreateTypeEnum,
      fieldType: 'text' as PropertyCreateFieldTypeEnum,
    }));
    expect(dup.code).toBe(409);
    expect(dup.body).toMatchObject({ status: 'error', category: 'OBJECT_ALREADY_EXISTS' });
    const dupGroup = await sdkError(client.crm.properties.groupsApi.create('contacts', { name: 'prospect_guard', label: 'x' }));
    expect(dupGroup.code).toBe(409);
    // The new property is now writable, and its enumeration is enforced.
    await client.crm.contacts.basicApi.update(ids[30] as string, { properties: { pg_status: 'blocked' } });
    expect(standIn.getContact(portalId, ids[30] as string)?.properties.pg_status).toBe('blocked');
    const bad = await sdkError(client.crm.contacts.basicApi.update(ids[30] as string, { properties: { pg_status: 'nope' } }));
    expect(bad.code).toBe(400);
  });

  it('lists built-in properties with HubSpot\'s hs_legal_basis option values', async () => {
    const all = await client.crm.properties.coreApi.getAll('contacts');
    const legal = all.results.find((p) => p.name === 'hs_legal_basis');
    expect(legal?.options.map((o) => o.value)).toContain('Legitimate interest – prospect/lead');
    expect(legal?.options.map((o) => o.value)).toContain('Legitimate interest - other');
    for (const name of ['email', 'phone', 'mobilephone', 'country', 'lifecyclestage', 'hs_email_optout', 'hs_sequences_is_enrolled', 'notes_last_contacted']) {
      expect(all.results.some((p) => p.name === name)).toBe(true);
    }
  });

  it('GDPR-deletes by id and by email (204), blocklisting the address', async () => {
    const byId = ids[40] as string;
    const email = standIn.getContact(portalId, byId)?.properties.email as string;
    await client.crm.contacts.basicApi.purge({ objectId: byId });
    expect(standIn.getContact(portalId, byId)).toBeUndefined();
    expect(standIn.isBlocklisted(portalId, email)).toBe(true);
    const recreate = await sdkError(client.crm.contacts.basicApi.create({ properties: { email }, associations: [] }));
    expect(recreate.code).toBe(400);

    const other = ids[41] as string;
    const otherEmail = standIn.getContact(portalId, other)?.properties.email as string;
    const res = await client.apiRequest({ method: 'POST', path: '/crm/v3/objects/contacts/gdpr-delete', body: { objectId: otherEmail, idProperty: 'email' } });
    expect(res.status).toBe(204);
    expect(standIn.getContact(portalId, other)).toBeUndefined();
  });

  it('keeps portals apart: another portal\'s token cannot read or change this portal\'s contacts', async () => {
    const { portalId: other } = standIn.createAccount();
    const { accessToken } = standIn.installDirectly(other);
    const foreign = new Client({ accessToken, basePath: standIn.url });
    const err = await sdkError(foreign.crm.contacts.basicApi.getById(ids[50] as string));
    expect(err.code).toBe(404);
    const upd = await foreign.crm.contacts.batchApi.update({ inputs: [{ id: ids[50] as string, properties: { jobtitle: 'hijack' } }] });
    expect('errors' in upd && upd.errors?.[0]?.category).toBe('OBJECT_NOT_FOUND');
    expect(standIn.getContact(portalId, ids[50] as string)?.properties.jobtitle).not.toBe('hijack');
  });

  it('upserts by email: updates the existing contact, creates the new one', async () => {
    const known = standIn.getContact(portalId, ids[70] as string)?.properties.email as string;
    const out = await client.crm.contacts.batchApi.upsert({ inputs: [
      { id: known, idProperty: 'email', properties: { jobtitle: 'Upserted' } },
      { id: 'nouveau.contact@exemple.fr', idProperty: 'email', properties: { country: 'France' } },
    ] });
    expect(out.results).toHaveLength(2);
    expect(standIn.getContact(portalId, ids[70] as string)?.properties.jobtitle).toBe('Upserted');
    const created = out.results.find((r) => r.id !== ids[70]);
    expect(standIn.getContact(portalId, created?.id as string)?.properties).toMatchObject({ email: 'nouveau.contact@exemple.fr', country: 'France' });
  });

  it('lists owners and the account details', async () => {
    const owners = await client.crm.owners.ownersApi.getPage();
    expect(owners.results.length).toBeGreaterThan(0);
    expect(owners.results[0]?.email).toMatch(/@/);
    const res = await client.apiRequest({ method: 'GET', path: '/account-info/v3/details' });
    expect(await res.json()).toMatchObject({ portalId, timeZone: 'Europe/Paris' });
  });

  it('pages through all contacts with the list endpoint', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await client.crm.contacts.basicApi.getPage(100, after, ['email']);
      seen.push(...page.results.map((r) => r.id));
      after = page.paging?.next?.after;
      if (!after) break;
    }
    expect(seen).toEqual(standIn.contactIds(portalId));
  });

  it('serves the date-versioned 2026-03 contact paths too', async () => {
    const res = await client.apiRequest({ method: 'GET', path: `/crm/objects/2026-03/contacts/${ids[60] as string}?properties=email` });
    expect(res.status).toBe(200);
    const json = await res.json() as { id: string };
    expect(json.id).toBe(ids[60]);
  });
});
