// A small in-memory HubSpot behind the HubSpotRequester seam, for unit tests of enforcement logic. The
// acceptance suites use the project's stand-in server instead.
import type { HubSpotRequest, HubSpotRequester, HubSpotResponse } from '../../../src/enforcement/ports.ts';

export interface FakeHubSpot {
  requester: HubSpotRequester;
  contacts: Map<string, Record<string, string | null>>;
  unsubscribedAll: Set<string>;
  tasks: { contactId: string; properties: Record<string, string> }[];
  flows: Record<string, unknown>[];
  deletedFlows: Set<string>;
  enrollments: Map<string, { id: string; sequenceId: string; enrolledAt: string }[]>;
  calls: HubSpotRequest[];
  failV4?: boolean;
  actionTypes: { actionTypeId: string; actionName: string }[] | null;
}

export function createFakeHubSpot(): FakeHubSpot {
  const fake: FakeHubSpot = {
    contacts: new Map(), unsubscribedAll: new Set(), tasks: [], flows: [], deletedFlows: new Set(), enrollments: new Map(), calls: [],
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
      if (p === '/automation/2026-09-beta/action-types') return fake.actionTypes ? { status: 200, body: { results: fake.actionTypes } } : { status: 403, body: {} };
      if ((m = p.match(/^\/automation\/v4\/flows\/(\d+)$/)) && req.method === 'GET') {
        const id = m[1] ?? '';
        const flow = fake.flows[Number(id) - 701];
        return flow && !fake.deletedFlows.has(id) ? { status: 200, body: { ...flow, id } } : { status: 404, body: {} };
      }
      if (p === '/automation/v4/flows' && req.method === 'POST') { fake.flows.push(req.body as Record<string, unknown>); return { status: 201, body: { id: String(700 + fake.flows.length) } }; }
      if (p === '/crm/v3/objects/contacts/search') {
        const b = req.body as { filterGroups: { filters: Filter[] }[]; limit: number };
        const all = [...fake.contacts.entries()].map(([id, properties]) => ({ id, properties: { ...properties, hs_object_id: id } as Record<string, string | null> }))
          .filter((c) => b.filterGroups.length === 0 || b.filterGroups.some((g) => g.filters.every((f) => matches(c.properties[f.propertyName] ?? null, f))))
          .sort((x, y) => Number(x.id) - Number(y.id));
        return { status: 200, body: { total: all.length, results: all.slice(0, b.limit) } };
      }
      return { status: 404, body: { message: `fake: no route ${req.method} ${p}` } };
    },
  };
  return fake;
}

interface Filter { propertyName: string; operator: string; value?: string; highValue?: string; values?: string[] }

function num(v: string): number {
  if (/^-?\d+$/.test(v)) return Number(v);
  return Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
}

function matches(raw: string | null, f: Filter): boolean {
  if (raw === null || raw === '') return false;
  switch (f.operator) {
    case 'EQ': return raw === f.value;
    case 'IN': return (f.values ?? []).includes(raw);
    case 'GT': return num(raw) > num(f.value ?? '');
    case 'LT': return num(raw) < num(f.value ?? '');
    case 'BETWEEN': return num(raw) >= num(f.value ?? '') && num(raw) <= num(f.highValue ?? '');
    default: return false;
  }
}
