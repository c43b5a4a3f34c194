// The reconciliation check run after every fault: each event's effect is present exactly once.
//   - no verdict missing: every contact HubSpot holds carries pg_status and pg_evaluated_at, our contact_state
//     agrees, and the tags equal what the engine says from the contact's CURRENT state (so the last change of
//     each contact was judged, not only an earlier one);
//   - no objection lost: each objection recorded is stored once per channel and shows as "objected" in HubSpot;
//   - no duplicate ledger entry: the chain verifies, no idempotency key twice, one ledger entry per objection;
//   - nothing left behind: no pending contact, no waiting job.
import { evaluateContact } from '../../../src/engine/index.ts';
import { contactFactsFromHubSpot } from '../../../src/hubspot/contact-mapping.ts';
import { READ_PROPERTIES } from '../../../src/hubspot/properties.ts';
import { CHANNELS } from '../../../src/engine/types.ts';
import type { Stack } from './stack.ts';

export interface ExpectedObjection {
  contactId: string;
  channel: string;
}

export interface Reconciliation {
  contacts: number;
  problems: string[];
}

export async function reconcile(s: Stack, portalId: number, expected: { objections?: ExpectedObjection[] } = {}): Promise<Reconciliation> {
  const problems: string[] = [];
  const pipeline = s.app.pipeline?.pipeline;
  if (!pipeline) throw new Error('reconcile needs the pipeline');
  const db = s.app.db;
  const ids = s.standIn.contactIds(portalId);
  const { rows: stateRows } = await db.query<{ contact_id: string; status: string | null }>(
    'select contact_id, status from contact_state where portal_id = $1', [portalId]);
  const stored = new Map(stateRows.map((r) => [r.contact_id, r.status]));
  const settings = await s.app.installations.getSettings(portalId);
  const at = new Date();
  // The contacts' current state straight from the stand-in (no API call), with our evidence, as judge-contacts does.
  const { evidence, suppression } = pipeline.stores;
  const [consents, objections] = await Promise.all([evidence.listConsentsFor(portalId, ids), evidence.listObjectionsFor(portalId, ids)]);
  const hashes = new Map<string, Awaited<ReturnType<typeof suppression.hash>>>();
  for (const id of ids) {
    const p = s.props(portalId, id);
    hashes.set(id, await suppression.hash(portalId, { email: p.email, phone: p.phone ?? p.mobilephone }, settings.defaultJurisdiction));
  }
  const suppressed = await suppression.matchMany(portalId, hashes);

  for (const id of ids) {
    const p = s.props(portalId, id);
    if (!p.pg_status || !p.pg_evaluated_at) { problems.push(`contact ${id}: no verdict in HubSpot`); continue; }
    if (stored.get(id) !== p.pg_status) problems.push(`contact ${id}: contact_state ${stored.get(id) ?? 'missing'} vs HubSpot ${p.pg_status}`);
    const record = { id, properties: Object.fromEntries(READ_PROPERTIES.map((k) => [k, p[k] ?? null])) };
    const facts = contactFactsFromHubSpot(record, {
      consents: consents.get(id) ?? [], objections: objections.get(id) ?? [], suppressedChannels: suppressed.get(id) ?? [],
    });
    const v = evaluateContact(facts, { at, settings });
    if (v.status !== p.pg_status) problems.push(`contact ${id}: status ${p.pg_status} but current state gives ${v.status}`);
    for (const ch of CHANNELS) {
      const c = v.channels[ch];
      if (!c) continue;
      const want = c.allowed ? (c.basis ?? '') : (c.blocker ?? 'forbidden');
      const have = p[`pg_basis_${ch}`] ?? '';
      if (have !== want) problems.push(`contact ${id}: pg_basis_${ch} ${have} but current state gives ${want}`);
    }
  }

  for (const o of expected.objections ?? []) {
    const { rows } = await db.query<{ n: number }>(
      'select count(*)::int as n from contact_objections where portal_id = $1 and contact_id = $2 and channel = $3', [portalId, o.contactId, o.channel]);
    if (Number(rows[0]?.n) !== 1) problems.push(`objection ${o.contactId}/${o.channel}: stored ${rows[0]?.n ?? 0} times`);
    const channels = o.channel === 'all' ? CHANNELS : [o.channel];
    for (const ch of channels) {
      const have = s.props(portalId, o.contactId)[`pg_basis_${ch}`];
      if (have !== 'objected') problems.push(`objection ${o.contactId}/${ch}: HubSpot shows ${have}`);
    }
    const { rows: entries } = await db.query<{ n: number }>(
      `select count(*)::int as n from evidence_ledger where portal_id = $1 and contact_id = $2 and kind = 'objection' and actor <> 'prospect-guard'`,
      [portalId, o.contactId]);
    if (Number(entries[0]?.n) !== 1) problems.push(`objection ${o.contactId}: ${entries[0]?.n ?? 0} ledger entries`);
  }

  const verified = await s.enf.enforcement.ledger.verify(portalId);
  if (!verified.ok) problems.push(`ledger broken at ${verified.brokenAtSeq}: ${verified.reason}`);
  const { rows: dupes } = await db.query<{ k: string; n: number }>(
    `select idempotency_key as k, count(*)::int as n from evidence_ledger where portal_id = $1 and idempotency_key is not null
     group by idempotency_key having count(*) > 1`, [portalId]);
  for (const d of dupes) problems.push(`ledger key ${d.k} appears ${d.n} times`);

  const left = await pipeline.stores.pending.size(portalId);
  if (left > 0) problems.push(`${left} contacts still pending`);
  return { contacts: ids.length, problems };
}

/** Waits until every contact of the portal carries a verdict and nothing is pending, then reconciles. */
export async function settleAndReconcile(s: Stack, portalId: number, expected: { objections?: ExpectedObjection[] } = {}, timeoutMs = 30_000): Promise<Reconciliation> {
  const until = Date.now() + timeoutMs;
  let last: Reconciliation = { contacts: 0, problems: ['not run'] };
  while (Date.now() < until) {
    await s.standIn.flushWebhooks().catch(() => undefined);
    const ready = s.standIn.contactIds(portalId).every((id) => s.props(portalId, id).pg_evaluated_at);
    if (ready) {
      try {
        last = await reconcile(s, portalId, expected);
        if (last.problems.length === 0) return last;
      } catch (err) {
        last = { contacts: 0, problems: [`reconcile failed: ${(err as Error).message}`] };
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  if (last.problems[0] === 'not run') last = await reconcile(s, portalId, expected);
  return last;
}
