// Reconciliation sweep: verdicts heal themselves whatever the queue lost (Redis restarted empty, a failover to an
// empty replica, an eviction, a delivery HubSpot gave up on). Per portal, search HubSpot for contacts modified
// since the checkpoint (lastmodifieddate, ascending), compare each with the time of its last verdict
// (contact_state.evaluated_at), and judge those changed after it through the pipeline's own judge step, from the
// properties the search returned. The checkpoint advances after each page judged, so a crash resumes there.
//
// HubSpot's search limits shape the walk: 200 results a page, no paging past 10,000 results of one query, 5
// calls a second per account (the shared per-portal limiter, kind "search"). So the window moves instead of
// paging: each page is a new query starting at the last lastmodifieddate seen (GTE: contacts of that instant are
// read again and found already judged), and `after` is never used, which also keeps our own write-backs (they move
// a contact's lastmodifieddate out of the window) from shifting a page. Only when a whole page shares one instant
// is that instant walked by hs_object_id. The window ends `settleMs` in the past and starts `overlapMs` before the
// checkpoint, since HubSpot's search index trails writes by a few seconds. Filter values are epoch milliseconds,
// as HubSpot's APIs take timestamps (developers.hubspot.com FAQ "how should timestamps be formatted").
import type { Logger } from 'pino';
import type { Db } from '../storage/db.ts';
import { READ_PROPERTIES } from '../hubspot/properties.ts';
import type { ContactRecord, ContactSearch, PipelineCrm, SearchPage } from '../jobs/hubspot-crm.ts';
import { judgeRecords, type JudgeDeps } from '../jobs/judge-contacts.ts';

export const RECONCILE_PAGE_SIZE = 200;

export interface ReconcileOptions {
  /** Only contacts whose last change is at least this old are looked at (default 30 s). */
  settleMs?: number;
  /** How far before the checkpoint each run starts again, for changes the search index showed late (default 2 min). */
  overlapMs?: number;
  pageSize?: number;
}

export interface ReconcileResult {
  /** false: the portal has no finished backfill yet (the backfill judges everyone; the sweep starts after it). */
  ran: boolean;
  searches: number;
  checked: number;
  /** Contacts changed after their last verdict, judged again (our own write-backs count: they change lastmodifieddate). */
  judged: number;
  /** Of those, contacts whose tags in HubSpot were wrong and were written: the work the queue had lost. */
  healed: number;
  windowEndMs: number | null;
}

export interface ReconcileDeps extends JudgeDeps {
  crm: PipelineCrm;
}

const MODIFIED = 'lastmodifieddate';

function modifiedAt(r: ContactRecord): number {
  const v = r.properties[MODIFIED];
  if (v == null || v === '') return 0;
  return /^\d+$/.test(v) ? Number(v) : Date.parse(v) || 0;
}

async function startingPoint(db: Db, portalId: number): Promise<{ cursor: number; tieAfterId: string | null } | null> {
  const { rows } = await db.query<{ cursor_ms: string | number; tie_after_id: string | null }>(
    `select cursor_ms, tie_after_id from reconcile_checkpoints where portal_id = $1`, [portalId]);
  const row = rows[0];
  if (row) return { cursor: Number(row.cursor_ms), tieAfterId: row.tie_after_id };
  // First run: the backfill judged every contact that existed when it started; everything since is ours.
  const { rows: runs } = await db.query<{ started_at: Date | string }>(
    `select started_at from backfill_runs where portal_id = $1 and state = 'done'`, [portalId]);
  const started = runs[0]?.started_at;
  if (started === undefined) return null;
  return { cursor: new Date(started).getTime(), tieAfterId: null };
}

async function saveCheckpoint(db: Db, portalId: number, cursor: number, tieAfterId: string | null): Promise<void> {
  await db.query(
    `insert into reconcile_checkpoints (portal_id, cursor_ms, tie_after_id) values ($1, $2, $3)
     on conflict (portal_id) do update set cursor_ms = excluded.cursor_ms, tie_after_id = excluded.tie_after_id, updated_at = now()`,
    [portalId, cursor, tieAfterId]);
}

/** Runs one sweep of the portal (or resumes one), until the window is walked or `signal` aborts. */
export async function reconcilePortal(deps: ReconcileDeps, portalId: number, options: ReconcileOptions = {}, signal?: AbortSignal, log?: Logger): Promise<ReconcileResult> {
  const logger = log ?? deps.log;
  const search = deps.crm.searchContacts?.bind(deps.crm);
  const result: ReconcileResult = { ran: false, searches: 0, checked: 0, judged: 0, healed: 0, windowEndMs: null };
  if (!search) return result;
  const start = await startingPoint(deps.db, portalId);
  if (!start) return result;
  result.ran = true;
  const limit = options.pageSize ?? RECONCILE_PAGE_SIZE;
  const windowEnd = deps.now().getTime() - (options.settleMs ?? 30_000);
  result.windowEndMs = windowEnd;
  const properties = [...new Set([...READ_PROPERTIES, MODIFIED])];
  let cursor = start.tieAfterId === null ? Math.max(0, start.cursor - (options.overlapMs ?? 120_000)) : start.cursor;
  let tieAfterId = start.tieAfterId;

  const page = async (request: Omit<ContactSearch, 'properties' | 'limit'>): Promise<SearchPage> => {
    result.searches += 1;
    return search(portalId, { ...request, properties, limit }, signal);
  };

  /** Judges the contacts of a page changed after their last verdict (or never judged). */
  const judgeStale = async (records: ContactRecord[]) => {
    if (records.length === 0) return;
    result.checked += records.length;
    const states = await deps.states.getMany(portalId, records.map((r) => r.id));
    const stale = records.filter((r) => {
      const at = states.get(r.id)?.evaluatedAt;
      return !at || modifiedAt(r) > Date.parse(at);
    });
    if (stale.length === 0) return;
    const judged = await judgeRecords(deps, portalId, stale, signal);
    result.judged += judged.judged;
    result.healed += judged.written;
  };

  while (cursor <= windowEnd && !signal?.aborted) {
    if (tieAfterId !== null) {
      // More contacts share this instant than one query may page through: walk them by id.
      const p = await page({
        filters: [{ propertyName: MODIFIED, operator: 'EQ', value: String(cursor) }, { propertyName: 'hs_object_id', operator: 'GT', value: tieAfterId }],
        sort: { propertyName: 'hs_object_id', direction: 'ASCENDING' },
      });
      await judgeStale(p.results);
      const last = p.results[p.results.length - 1];
      if (p.results.length < limit || !last) {
        cursor += 1;
        tieAfterId = null;
      } else {
        tieAfterId = last.id;
      }
      await saveCheckpoint(deps.db, portalId, cursor, tieAfterId);
      continue;
    }
    const p = await page({
      filters: [{ propertyName: MODIFIED, operator: 'GTE', value: String(cursor) }, { propertyName: MODIFIED, operator: 'LTE', value: String(windowEnd) }],
      sort: { propertyName: MODIFIED, direction: 'ASCENDING' },
    });
    await judgeStale(p.results);
    const last = p.results[p.results.length - 1];
    if (p.results.length < limit || !last) break;
    const lastAt = modifiedAt(last);
    // A full page within one instant: more may share it than a page holds, so that instant is walked by id.
    if (lastAt > cursor) cursor = lastAt;
    else tieAfterId = '0';
    await saveCheckpoint(deps.db, portalId, cursor, tieAfterId);
  }
  if (signal?.aborted) return result;
  await deps.db.query(
    `insert into reconcile_checkpoints (portal_id, cursor_ms, tie_after_id, runs, last_run_at, last_window_end_ms, last_checked, last_judged, total_judged)
     values ($1, $2::bigint, null, 1, now(), $2::bigint, $3::int, $4::int, $4::int)
     on conflict (portal_id) do update set cursor_ms = excluded.cursor_ms, tie_after_id = null, runs = reconcile_checkpoints.runs + 1,
       last_run_at = now(), last_window_end_ms = excluded.last_window_end_ms, last_checked = excluded.last_checked,
       last_judged = excluded.last_judged, total_judged = reconcile_checkpoints.total_judged + excluded.last_judged, updated_at = now()`,
    [portalId, Math.max(windowEnd, cursor), result.checked, result.judged]);
  if (result.healed > 0) logger.warn({ portalId, checked: result.checked, judged: result.judged, healed: result.healed, searches: result.searches }, 'reconciliation corrected verdicts the queue had not delivered');
  else logger.debug({ portalId, checked: result.checked, judged: result.judged, searches: result.searches }, 'reconciliation: every verdict up to date');
  return result;
}
