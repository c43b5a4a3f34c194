// A full end-to-end run in its own process, so the security suite can capture every byte the app logs (pino
// writes straight to file descriptor 1): install through OAuth, backfill of seeded contacts, webhooks for
// created, changed, merged and deleted contacts with emails and phone numbers, a one-click unsubscribe, card
// calls (read, objection, export), settings, the workflow action, refused webhooks whose bodies carry personal
// data. Writes to PROOF_RESULT what the parent must then NOT find in the logs or stored in clear.
import { writeFileSync } from 'node:fs';
import { openDb } from '../../../src/storage/db.ts';
import { signHubSpotV2 } from '../../../src/hubspot/signature.ts';
import { CLIENT_SECRET, startStack, waitFor } from './stack.ts';

const env = process.env;
const db = await openDb({ databaseUrl: env.PROOF_DB_URL ?? '', schema: env.PROOF_SCHEMA ?? 'public', poolSize: 4 });
const s = await startStack({ db, redisUrl: env.PROOF_REDIS_URL ?? null, keyPrefix: env.PROOF_PREFIX, logLevel: 'debug' });
const personal = new Set<string>();
const remember = (portalId: number) => {
  for (const id of s.standIn.contactIds(portalId)) {
    const p = s.props(portalId, id);
    for (const k of ['email', 'phone', 'mobilephone']) if (p[k]) personal.add(p[k] ?? '');
  }
};

// An account with existing contacts: the backfill judges them.
const seeded = s.standIn.createAccount({ portalId: 612_000_000 + Math.floor(Math.random() * 1e6) }).portalId;
await s.standIn.seedContacts(seeded, 40, { seed: 5 });
s.standIn.approveInstallsAs(seeded);
const r1 = await fetch(`${s.baseUrl}/oauth/install`, { redirect: 'manual' });
const r2 = await fetch(r1.headers.get('location') ?? '', { redirect: 'manual' });
await fetch(r2.headers.get('location') ?? '', { redirect: 'manual' });
await waitFor('backfill', async () => (await s.app.pipeline?.pipeline.backfillProgress(seeded))?.state === 'done', 30_000);
remember(seeded);

const portalId = await s.install();
const ids = [
  s.standIn.createContact(portalId, { email: 'Camille.Martin@gmail.com', phone: '+33 6 12 34 56 78', country: 'France', firstname: 'Camille' }),
  s.standIn.createContact(portalId, { email: 'j.dupont@acme-industrie.fr', mobilephone: '06 98 76 54 32', country: 'France', company: 'Acme Industrie', jobtitle: 'Acheteur', pg_is_professional: 'true' }),
  s.standIn.createContact(portalId, { email: 'hans.mueller@beispiel.de', phone: '+49 151 23456789', country: 'Germany' }),
  s.standIn.createContact(portalId, { email: 'double@acme-industrie.fr', phone: '+33 1 44 55 66 77', country: 'France' }),
];
await s.standIn.flushWebhooks();
s.standIn.updateContact(portalId, ids[0] ?? '', { phone: '+33 7 00 11 22 33' });
remember(portalId);
await s.standIn.flushWebhooks();
await waitFor('judged', () => ids.every((id) => s.props(portalId, id).pg_evaluated_at), 20_000);

const link = s.enf.preferenceLink(portalId, ids[0] ?? '', 'Camille.Martin@gmail.com');
await fetch(link);
await fetch(`${link}/unsubscribe`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
await s.signed('GET', `/api/portals/${portalId}/contacts/${ids[1]}/card`, { asPortal: portalId });
await s.signed('POST', `/api/portals/${portalId}/contacts/${ids[1]}/objections`, { asPortal: portalId, body: JSON.stringify({ channel: 'phone' }) });
await s.signed('POST', `/api/portals/${portalId}/contacts/${ids[2]}/export`, { asPortal: portalId, body: '{}' });
await s.signed('GET', `/api/portals/${portalId}/settings`, { asPortal: portalId });
const actionUri = `${s.baseUrl}/actions/eligibility`;
const action = JSON.stringify({ callbackId: 'cb-1', origin: { portalId, actionDefinitionId: 1 }, object: { objectId: Number(ids[1]), objectType: 'CONTACT' }, inputFields: { channel: 'email' } });
await fetch(actionUri, { method: 'POST', body: action, headers: { 'content-type': 'application/json', 'x-hubspot-signature': signHubSpotV2({ method: 'POST', uri: actionUri, rawBody: action, clientSecret: CLIENT_SECRET }), 'x-hubspot-signature-version': 'v2' } });

// Refused deliveries carrying personal data: a wrong type next to an email value, and a forged one.
const leaky = JSON.stringify([{ eventId: 'x', portalId, objectId: Number(ids[3]), subscriptionType: 'contact.propertyChange', propertyName: 'email', propertyValue: 'fuite.possible@exemple.fr', occurredAt: Date.now() }]);
personal.add('fuite.possible@exemple.fr');
await s.deliver(leaky);
await s.deliver(leaky, { signature: 'forged' });
s.standIn.mergeContacts(portalId, ids[3] ?? '', ids[2] ?? '');
s.standIn.deleteContact(portalId, ids[1] ?? '');
await s.standIn.flushWebhooks();
await new Promise((r) => setTimeout(r, 1500));

const tokens = [await s.app.installations.getTokens(portalId), await s.app.installations.getTokens(seeded)]
  .flatMap((t) => (t ? [t.accessToken, t.refreshToken] : []));
writeFileSync(env.PROOF_RESULT ?? '/dev/null', JSON.stringify({ personal: [...personal], tokens, secrets: [CLIENT_SECRET, s.tokenKey], portals: [portalId, seeded] }));
await s.stop();
await db.close();
process.exit(0);
