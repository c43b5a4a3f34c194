// The preview on the demo's data: picks one contact per example (compliant, blocked, expired, objected), opens a
// few data subject requests so the requests page has something to show, and starts the preview server beside
// the running app. Used by `npm run preview` and by `npm run demo` (without --once).
// Only types from ../demo.ts: demo.ts imports this module while its own top-level await is still running, so a
// value import back into it would wait for itself. The demo hands its helpers in instead.
import type { DemoStack } from '../demo.ts';
import { startPreviewServer, type PreviewContact, type PreviewServer } from './server.ts';

export interface PreviewLinks {
  preview: PreviewServer;
  contacts: PreviewContact[];
  preferencePages: Array<{ contactId: string; example: string; url: string }>;
  evidenceReport: string | null;
}

const DAY = 86_400_000;

async function firstWhere(stack: DemoStack, where: string, params: unknown[] = []): Promise<string | null> {
  const { rows } = await stack.app.db.query<{ contact_id: string }>(
    `select s.contact_id from contact_state s where s.portal_id = $1 and ${where} order by s.contact_id::bigint limit 1`, [stack.portalId, ...params]);
  return rows[0]?.contact_id ?? null;
}

/** An expired example: a contact collected more than three years ago with no contact since (the rule's own case). */
async function ensureExpired(stack: DemoStack, settle: () => Promise<void>): Promise<string | null> {
  const found = await firstWhere(stack, `s.status = 'expired'`);
  if (found) return found;
  stack.standIn.createContact(stack.portalId, {
    email: 'ancien.prospect@transports-morel.fr', firstname: 'Paul', lastname: 'Morel', company: 'Transports Morel', jobtitle: 'Gérant',
    country: 'France', pg_is_professional: 'true', pg_offer_related: 'true', pg_collected_at: '2021-03-01',
  });
  await settle();
  return firstWhere(stack, `s.status = 'expired'`);
}

export async function startDemoPreview(stack: DemoStack, options: { settle: () => Promise<void>; port?: number }): Promise<PreviewLinks> {
  const product = stack.product;
  if (!product) throw new Error('the preview needs the whole product (startDemoStack with product: true)');
  const noObjection = `not exists (select 1 from contact_objections o where o.portal_id = s.portal_id and o.contact_id = s.contact_id)`;
  const picks: Array<[string, string | null]> = [
    ['compliant', await firstWhere(stack, `s.status = 'compliant' and s.verdict->'channels'->'email'->>'allowed' = 'true' and ${noObjection}`)
      ?? await firstWhere(stack, `s.status = 'compliant'`)],
    // Blocked: no channel at all when the demo has one, else a contact the law does not let anyone email.
    ['blocked', await firstWhere(stack, `s.status = 'blocked' and ${noObjection}`)
      ?? await firstWhere(stack, `s.verdict->'channels'->'email'->>'blocker' = 'needs_consent' and s.status <> 'expired' and ${noObjection}`)],
    ['expired', await ensureExpired(stack, options.settle)],
    ['objected', await firstWhere(stack, `s.status <> 'expired' and not ${noObjection}`)],
  ];
  const contacts: PreviewContact[] = [];
  for (const [example, id] of picks) {
    if (!id) continue;
    const c = stack.standIn.getContact(stack.portalId, id);
    const name = [c?.properties.firstname, c?.properties.lastname].filter(Boolean).join(' ') || c?.properties.company || `Contact ${id}`;
    const status = (await stack.app.db.query<{ status: string }>('select status from contact_state where portal_id = $1 and contact_id = $2', [stack.portalId, id])).rows[0]?.status;
    contacts.push({ id, label: String(name), example, ...(example === 'blocked' && status !== 'blocked' ? { detail: 'email blocked: needs consent' } : {}) });
  }

  // Requests with their deadlines: one late (received six weeks ago), one due soon, one closed.
  const { dsr } = product.enforcement.enforcement;
  const now = Date.now();
  const [a, b, c] = contacts;
  if (a) await dsr.open({ portalId: stack.portalId, contactId: a.id, kind: 'access', origin: 'email', receivedAt: new Date(now - 3 * DAY) });
  if (b) await dsr.open({ portalId: stack.portalId, contactId: b.id, kind: 'erasure', origin: 'preference_centre', receivedAt: new Date(now - 42 * DAY) });
  if (c) {
    const r = await dsr.open({ portalId: stack.portalId, contactId: c.id, kind: 'rectification', origin: 'email', receivedAt: new Date(now - 10 * DAY) });
    await dsr.close(stack.portalId, r.id, { outcome: 'fulfilled', actor: 'user:demo', evidence: { corrected: 'jobtitle' } });
  }

  const preferencePages = contacts.map((ct) => {
    const email = stack.standIn.getContact(stack.portalId, ct.id)?.properties.email ?? null;
    return { contactId: ct.id, example: ct.example, url: product.enforcement.preferenceLink(stack.portalId, ct.id, email ?? null) };
  });
  const preview = await startPreviewServer({
    appUrl: stack.app.url as string,
    publicBaseUrl: stack.env.PUBLIC_BASE_URL as string,
    clientSecret: stack.env.HUBSPOT_CLIENT_SECRET as string,
    portalId: stack.portalId,
    appId: Number(stack.env.HUBSPOT_APP_ID),
    contacts,
    links: preferencePages.map((p) => ({ label: `Preference page (${p.example})`, url: p.url })),
    ...(options.port !== undefined ? { port: options.port } : {}),
  });
  return { preview, contacts, preferencePages, evidenceReport: null };
}
