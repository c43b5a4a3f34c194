// A small in-memory HubSpot behind the HubSpotRequester seam, for unit tests of enforcement logic. The
// acceptance suites use the project's stand-in server instead.
import type { HubSpotRequest, HubSpotRequester, HubSpotResponse } from '../../../src/enforcement/ports.ts';

export interface FakeHubSpot {
  requester: HubSpotRequester;
  contacts: Map<string, Record<string, string | null>>;
  unsubscribedAll: Set<string>;
  tasks: { contactId: string; properties: Record<string, string> }[];
  flows: Record<string, unknown>[];
  enrollments: Map<string, { id: string; sequenceId: string; enrolledAt: string }[]>;
  calls: HubSpotRequest[];
  failV4?: boolean;
  actionTypes: { actionTypeId: string; actionName: string }[] | null;
}

export function createFakeHubSpot(): FakeHubSpot {
  const fake: FakeHubSpot = {
    contacts: new Map(), unsubscribedAll: new Set(), tasks: [], flows: [], enrollments: new Map(), calls: [],
    actionTypes: [{ actionTypeId: '0-1', actionName: 'Delay' }, { actionTypeId: '0-4702372', actionName: 'Unenroll from sequence' }],
    requester: async (_portalId, req): Promise<HubSpotResponse> => {
      fake.calls.push(req);
      const p = req.path;
      let m: RegExpMatchArray | null;
      if ((m = p.match(/^\/crm\/v3\/objects\/contacts\/(\d+)$/))) {
        const c = fake.contacts.get(m[1] ?? '');
        if (!c) return { status: 404, body: { message: 'not found' } };
        if (req.method === 'GET') {
          const names = String(req.query?.properties ?? '').split(',').filter(Boolean);
          return { status: 200, body: { id: m[1], properties: Object.fromEntries(names.map((n) => [n, c[n] ?? null])) } };
        }
        if (req.method === 'PATCH') { Object.assign(c, (req.body as { properties: Record<string, string> }).properties); return { status: 200, body: { id: m[1], properties: c } }; }
        if (req.method === 'DELETE') { fake.contacts.delete(m[1] ?? ''); return { status: 204, body: null }; }
      }
      if (p === '/crm/v3/objects/contacts/gdpr-delete') {
        const id = String((req.body as { objectId: string }).objectId);
        if (!fake.contacts.delete(id)) return { status: 404, body: {} };
        return { status: 204, body: null };
      }
      if (p === '/crm/v3/properties/contacts') return { status: 200, body: { results: [{ name: 'email' }, { name: 'firstname' }, { name: 'pg_status' }] } };
      if ((m = p.match(/^\/communication-preferences\/v4\/statuses\/([^/]+)\/unsubscribe-all$/))) {
        if (fake.failV4) return { status: 404, body: { message: 'no v4' } };
        fake.unsubscribedAll.add(decodeURIComponent(m[1] ?? ''));
        return { status: 200, body: { status: 'COMPLETE', results: [] } };
      }
      if (p === '/communication-preferences/v3/definitions') return { status: 200, body: { subscriptionDefinitions: [{ id: '11', name: 'Marketing', isActive: true }, { id: '12', name: 'One to one', isActive: true }] } };
      if (p === '/communication-preferences/v3/unsubscribe') { fake.unsubscribedAll.add(`v3:${(req.body as { emailAddress: string; subscriptionId: string }).subscriptionId}`); return { status: 200, body: {} }; }
      if (p === '/crm/v3/objects/tasks') {
        const b = req.body as { properties: Record<string, string>; associations: { to: { id: string } }[] };
        fake.tasks.push({ contactId: b.associations[0]?.to.id ?? '', properties: b.properties });
        return { status: 201, body: { id: String(9000 + fake.tasks.length) } };
      }
      if ((m = p.match(/^\/automation\/v4\/sequences\/enrollments\/contact\/(\d+)$/))) return { status: 200, body: { results: fake.enrollments.get(m[1] ?? '') ?? [] } };
      if (p === '/automation/v4/action-types') return fake.actionTypes ? { status: 200, body: { results: fake.actionTypes } } : { status: 403, body: {} };
      if (p === '/automation/v4/flows' && req.method === 'POST') { fake.flows.push(req.body as Record<string, unknown>); return { status: 201, body: { id: String(700 + fake.flows.length) } }; }
      if (p === '/crm/v3/objects/contacts/search') {
        const all = [...fake.contacts.entries()].map(([id, properties]) => ({ id, properties }));
        return { status: 200, body: { total: all.length, results: all } };
      }
      return { status: 404, body: { message: `fake: no route ${req.method} ${p}` } };
    },
  };
  return fake;
}
