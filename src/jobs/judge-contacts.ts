// Judging a batch of contacts from their CURRENT HubSpot state: read (one batch call, unless the records came
// from a search), add our evidence, evaluate, write only what changed (one batch update), remember what we wrote.
import type { Logger } from 'pino';
import type { ContactFacts, PortalSettings, Verdict } from '../engine/types.ts';
import type { ContactEvidenceStore } from '../contacts/evidence-store.ts';
import type { ContactStateStore, ContactStateUpdate } from '../contacts/contact-state-store.ts';
import type { IdentifierHashes, SuppressionList } from '../contacts/suppression-list.ts';
import type { Db } from '../storage/db.ts';
import { changedProperties, contactFactsFromHubSpot, propertiesFromVerdict } from '../hubspot/contact-mapping.ts';
import { PROPERTY_NAMES, READ_PROPERTIES } from '../hubspot/properties.ts';
import type { ContactRecord, PipelineCrm } from './hubspot-crm.ts';
import { recordJudgeBatch } from '../metrics/metrics.ts';
import type { PreferenceLinkIssuer } from '../preferences/link-property.ts';

export type Evaluate = (facts: ContactFacts, options: { at: Date; settings?: PortalSettings }) => Verdict;

export interface JudgeDeps {
  db: Db;
  crm: PipelineCrm;
  evidence: ContactEvidenceStore;
  suppression: SuppressionList;
  states: ContactStateStore;
  evaluate: Evaluate;
  settings(portalId: number): Promise<PortalSettings>;
  now(): Date;
  log: Logger;
  /** HubSpot's own hs_email_optout is an objection to email: handed to enforcement (ledger, suppression list). */
  onEmailOptOut?: ((portalId: number, contactId: string, email: string | null) => Promise<void>) | null;
  /** Issues each contact's preference link (pg_preference_url); absent, the link properties are left alone. */
  preferenceLinks?: PreferenceLinkIssuer | null;
}

export interface JudgeResult {
  judged: number;
  written: number;
  missing: number;
  propertiesWritten: number;
  sequenceDetections: number;
  byStatus: Record<string, number>;
}

export function emptyJudgeResult(): JudgeResult {
  return { judged: 0, written: 0, missing: 0, propertiesWritten: 0, sequenceDetections: 0, byStatus: {} };
}

export function addJudgeResults(a: JudgeResult, b: JudgeResult): JudgeResult {
  const byStatus = { ...a.byStatus };
  for (const [k, v] of Object.entries(b.byStatus)) byStatus[k] = (byStatus[k] ?? 0) + v;
  return {
    judged: a.judged + b.judged, written: a.written + b.written, missing: a.missing + b.missing,
    propertiesWritten: a.propertiesWritten + b.propertiesWritten, sequenceDetections: a.sequenceDetections + b.sequenceDetections, byStatus,
  };
}

/** Reads ≤ 100 contacts in one call and judges them. Ids HubSpot no longer has are skipped. */
export async function judgeContactIds(deps: JudgeDeps, portalId: number, ids: string[], signal?: AbortSignal): Promise<JudgeResult> {
  const unique = [...new Set(ids)];
  const records = await deps.crm.batchRead(portalId, unique, READ_PROPERTIES, signal);
  const result = await judgeRecords(deps, portalId, records, signal);
  result.missing += unique.length - records.length;
  return result;
}

/** Judges records already read (batch read or search), writing changes in batches of ≤ 100. */
export async function judgeRecords(deps: JudgeDeps, portalId: number, records: ContactRecord[], signal?: AbortSignal): Promise<JudgeResult> {
  const result = emptyJudgeResult();
  if (records.length === 0) return result;
  const started = performance.now();
  const ids = records.map((r) => r.id);
  const at = deps.now();
  const [settings, consents, objections] = await Promise.all([
    deps.settings(portalId),
    deps.evidence.listConsentsFor(portalId, ids),
    deps.evidence.listObjectionsFor(portalId, ids),
  ]);
  // Phone numbers are parsed for the suppression match only when the portal has phone entries at all (parsing
  // is the costliest step of a batch); the hash kept for later comes from the engine's own E.164.
  const phoneEntries = await deps.suppression.hasEntries(portalId, 'phone');
  const hashes = new Map<string, IdentifierHashes>();
  for (const r of records) {
    const phone = phoneEntries ? r.properties.phone ?? r.properties.mobilephone : null;
    hashes.set(r.id, await deps.suppression.hash(portalId, { email: r.properties.email, phone }, settings.defaultJurisdiction));
  }
  const suppressed = await deps.suppression.matchMany(portalId, hashes);
  const linker = deps.preferenceLinks ? await deps.preferenceLinks.forPortal(portalId, at) : undefined;

  const optedOut: { contactId: string; email: string | null }[] = [];
  const updates: { id: string; properties: Record<string, string> }[] = [];
  const states: ContactStateUpdate[] = [];
  const detections: { contactId: string; sequenceId: string; enrolledAt: string; blockers: string }[] = [];
  let n = 0;
  for (const record of records) {
    // Give the event loop a turn every 25 contacts: webhook acknowledgements must stay fast during a backfill.
    if (++n % 25 === 0) await new Promise((r) => setImmediate(r));
    const facts = contactFactsFromHubSpot(record, {
      consents: consents.get(record.id) ?? [],
      objections: objections.get(record.id) ?? [],
      suppressedChannels: suppressed.get(record.id) ?? [],
    });
    const verdict = deps.evaluate(facts, { at, settings });
    if (deps.onEmailOptOut && (record.properties.hs_email_optout ?? '').toLowerCase() === 'true'
      && !(objections.get(record.id) ?? []).some((o) => o.channel === 'email' || o.channel === 'all')) {
      optedOut.push({ contactId: record.id, email: record.properties.email ?? null });
    }
    const desired = propertiesFromVerdict(verdict, {
      sourceDetail: record.properties[PROPERTY_NAMES.sourceDetail] ?? null,
      noticeSent: false,
      ...(linker === undefined ? {} : {
        preferenceLink: linker?.(record.id, record.properties.email ?? null, record.properties[PROPERTY_NAMES.preferenceUrl] ?? null) ?? null,
      }),
    });
    const changes = changedProperties(desired, record.properties);
    if (Object.keys(changes).length > 0) updates.push({ id: record.id, properties: changes });
    const enrolled = (record.properties.hs_sequences_is_enrolled ?? '').toLowerCase() === 'true';
    if (enrolled && desired[PROPERTY_NAMES.sequenceBlocked] === 'true') {
      detections.push({
        contactId: record.id,
        sequenceId: record.properties.hs_latest_sequence_enrolled ?? '',
        enrolledAt: record.properties.hs_latest_sequence_enrolled_date ?? '',
        blockers: desired[PROPERTY_NAMES.blockers] ?? '',
      });
    }
    const h = hashes.get(record.id) ?? { email: null, phone: null };
    const phoneHash = h.phone ?? await deps.suppression.hashNormalised(portalId, 'phone', verdict.phone?.e164 ?? null);
    states.push({ contactId: record.id, verdict, written: changes, emailHash: h.email, phoneHash, sequenceEnrolled: enrolled });
    result.byStatus[verdict.status] = (result.byStatus[verdict.status] ?? 0) + 1;
  }

  const missing = new Set<string>();
  const chunks: (typeof updates)[] = [];
  for (let i = 0; i < updates.length; i += 100) chunks.push(updates.slice(i, i + 100));
  for (const r of await Promise.all(chunks.map((chunk) => deps.crm.batchUpdate(portalId, chunk, signal)))) {
    for (const id of r.missing) missing.add(id);
  }
  const saved = states.filter((s) => !missing.has(s.contactId));
  await deps.states.saveMany(portalId, saved, at);
  if (detections.length > 0) result.sequenceDetections = await recordDetections(deps.db, portalId, detections.filter((d) => !missing.has(d.contactId)));
  for (const o of optedOut) {
    if (missing.has(o.contactId)) continue;
    await deps.onEmailOptOut?.(portalId, o.contactId, o.email)
      .catch((err: unknown) => deps.log.warn({ portalId, contactId: o.contactId, err: (err as Error).message }, 'HubSpot opt-out not recorded as an objection yet'));
  }
  result.judged = saved.length;
  result.missing = missing.size;
  result.written = updates.filter((u) => !missing.has(u.id)).length;
  result.propertiesWritten = updates.filter((u) => !missing.has(u.id)).reduce((n, u) => n + Object.keys(u.properties).length, 0);
  deps.log.debug({ portalId, judged: result.judged, written: result.written, detections: result.sequenceDetections }, 'contacts judged');
  recordJudgeBatch((performance.now() - started) / 1000, result.judged);
  return result;
}

/** Enrolments of blocked contacts, recorded once each (issue 6's enforcement acts on them). Returns new ones. */
async function recordDetections(db: Db, portalId: number, rows: { contactId: string; sequenceId: string; enrolledAt: string; blockers: string }[]): Promise<number> {
  if (rows.length === 0) return 0;
  const r = await db.query(
    `insert into sequence_detections (portal_id, contact_id, sequence_id, enrolled_at, blockers)
     select $1, x.contact_id, x.sequence_id, x.enrolled_at, x.blockers
     from jsonb_to_recordset($2::jsonb) as x(contact_id text, sequence_id text, enrolled_at text, blockers text)
     on conflict do nothing`,
    [portalId, JSON.stringify(rows.map((d) => ({ contact_id: d.contactId, sequence_id: d.sequenceId, enrolled_at: d.enrolledAt, blockers: d.blockers })))]);
  return r.rowCount;
}
