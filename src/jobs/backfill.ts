// Backfill after install: every existing contact is judged once. The account is paged by hs_object_id ranges
// (search "hs_object_id > lastId", ascending, 200 a page), which sidesteps search's 10,000-result cap; search
// returns the properties, so no batch read is needed: per 200 contacts, one search and at most two batch
// updates. The next search runs while the current page is judged and written. The last id is checkpointed
// after each page, so a crash or a shutdown resumes where it stopped.
import type { Logger } from 'pino';
import type { Db } from '../storage/db.ts';
import { READ_PROPERTIES } from '../hubspot/properties.ts';
import { isoOrNull } from '../contacts/evidence-store.ts';
import { judgeRecords, type JudgeDeps } from './judge-contacts.ts';
import type { PipelineCrm, SearchPage } from './hubspot-crm.ts';

export const BACKFILL_PAGE_SIZE = 200;
/** Pages judged and written at once while the next searches run. */
export const PAGES_IN_FLIGHT = 6;

export type BackfillState = 'not_started' | 'pending' | 'running' | 'done' | 'failed';

export interface BackfillProgress {
  state: BackfillState;
  processed: number;
  written: number;
  total: number | null;
  apiCalls: number;
  startedAt: string | null;
  updatedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

interface Row {
  state: string; processed: number | string; written: number | string; total: number | string | null; last_id: string;
  api_calls: number | string; error: string | null; started_at: Date | string; updated_at: Date | string; finished_at: Date | string | null;
}

export async function getBackfillProgress(db: Db, portalId: number): Promise<BackfillProgress> {
  const { rows } = await db.query<Row>(`select * from backfill_runs where portal_id = $1`, [portalId]);
  const r = rows[0];
  if (!r) return { state: 'not_started', processed: 0, written: 0, total: null, apiCalls: 0, startedAt: null, updatedAt: null, finishedAt: null, error: null };
  return {
    state: r.state as BackfillState, processed: Number(r.processed), written: Number(r.written),
    total: r.total === null ? null : Number(r.total), apiCalls: Number(r.api_calls), startedAt: isoOrNull(r.started_at),
    updatedAt: isoOrNull(r.updated_at), finishedAt: isoOrNull(r.finished_at), error: r.error,
  };
}

/** Creates (or, with restart, resets) the portal's run; false when a finished run exists and restart is not asked. */
export async function prepareBackfill(db: Db, portalId: number, options: { restart?: boolean } = {}): Promise<boolean> {
  if (options.restart) {
    await db.query(
      `insert into backfill_runs (portal_id, state) values ($1, 'pending')
       on conflict (portal_id) do update set state = 'pending', processed = 0, written = 0, total = null, last_id = '0',
         api_calls = 0, error = null, started_at = now(), updated_at = now(), finished_at = null`, [portalId]);
    return true;
  }
  await db.query(`insert into backfill_runs (portal_id, state) values ($1, 'pending') on conflict (portal_id) do nothing`, [portalId]);
  const p = await getBackfillProgress(db, portalId);
  return p.state !== 'done';
}

export interface BackfillDeps extends JudgeDeps {
  crm: PipelineCrm;
}

/** Runs (or resumes) the portal's backfill until done or `signal` aborts (then it stops at a checkpoint). */
export async function runBackfill(deps: BackfillDeps, portalId: number, signal?: AbortSignal, log?: Logger): Promise<BackfillProgress> {
  const logger = log ?? deps.log;
  const { rows } = await deps.db.query<Row>(`select * from backfill_runs where portal_id = $1`, [portalId]);
  const run = rows[0];
  if (!run || run.state === 'done') return getBackfillProgress(deps.db, portalId);
  await deps.db.query(`update backfill_runs set state = 'running', error = null, updated_at = now() where portal_id = $1`, [portalId]);

  // Count this run's calls on top of what earlier (crashed) attempts used.
  let calls = Number(run.api_calls);
  const counted: PipelineCrm = {
    batchRead: (...a) => { calls += 1; return deps.crm.batchRead(...a); },
    batchUpdate: (...a) => { calls += 1; return deps.crm.batchUpdate(...a); },
    searchAfterId: (...a) => { calls += 1; return deps.crm.searchAfterId(...a); },
  };
  const judgeDeps: JudgeDeps = { ...deps, crm: counted };
  let lastId = run.last_id;
  let processed = Number(run.processed);
  let written = Number(run.written);
  const started = Date.now();
  const search = (after: string) => counted.searchAfterId(portalId, after, READ_PROPERTIES, BACKFILL_PAGE_SIZE, signal);

  // Pages are judged and written concurrently (up to PAGES_IN_FLIGHT), while searches run back to back at the
  // search limit; the checkpoint only advances over pages finished in order, so a resume never skips one.
  const inFlight: { work: Promise<{ written: number }>; lastId: string; count: number; total: number }[] = [];
  const checkpoint = async (done: { written: number }, page: { lastId: string; count: number; total: number }) => {
    processed += page.count;
    written += done.written;
    lastId = page.lastId;
    await deps.db.query(
      `update backfill_runs set last_id = $2, processed = $3, written = $4, total = $5, api_calls = $6, updated_at = now() where portal_id = $1`,
      [portalId, lastId, processed, written, page.total, calls]);
  };
  const settleHead = async () => {
    const head = inFlight.shift();
    if (head) await checkpoint(await head.work, head);
  };
  try {
    let next: Promise<SearchPage> = search(lastId);
    let seen = processed;
    for (let page = 1; ; page++) {
      const current = await next;
      if (current.results.length === 0) break;
      const pageLastId = current.results[current.results.length - 1]?.id as string;
      const more = current.results.length === BACKFILL_PAGE_SIZE && current.total > current.results.length;
      // Prefetch the next page while this one is judged; search has its own rate limit.
      next = more && !signal?.aborted ? search(pageLastId) : Promise.resolve({ total: 0, results: [] });
      next.catch(() => undefined);
      const work = judgeRecords(judgeDeps, portalId, current.results, signal);
      work.catch(() => undefined);
      inFlight.push({ work, lastId: pageLastId, count: current.results.length, total: seen + current.total });
      seen += current.results.length;
      while (inFlight.length >= PAGES_IN_FLIGHT) await settleHead();
      if (page % 25 === 0) {
        const rate = Math.round((processed - Number(run.processed)) / ((Date.now() - started) / 1000));
        logger.info({ portalId, processed, total: seen + current.total - current.results.length, apiCalls: calls, perSecond: rate }, 'backfill progress');
      }
      if (signal?.aborted) {
        while (inFlight.length > 0) await settleHead();
        logger.info({ portalId, processed, lastId }, 'backfill paused at a checkpoint (shutdown)');
        return getBackfillProgress(deps.db, portalId);
      }
      if (!more) break;
    }
    while (inFlight.length > 0) await settleHead();
    await deps.db.query(
      `update backfill_runs set state = 'done', total = processed, api_calls = $2, updated_at = now(), finished_at = now() where portal_id = $1`,
      [portalId, calls]);
    logger.info({ portalId, processed, written, apiCalls: calls, seconds: Math.round((Date.now() - started) / 1000) }, 'backfill done');
  } catch (err) {
    // Keep what finished: checkpoint the pages done in order before the failure, then give up this attempt.
    for (const f of inFlight.splice(0)) {
      try {
        await checkpoint(await f.work, f);
      } catch {
        break;
      }
    }
    if (signal?.aborted) return getBackfillProgress(deps.db, portalId);
    await deps.db.query(`update backfill_runs set api_calls = $2, error = $3, updated_at = now() where portal_id = $1`,
      [portalId, calls, (err instanceof Error ? err.name : 'error').slice(0, 200)]);
    throw err;
  }
  return getBackfillProgress(deps.db, portalId);
}

export async function markBackfillFailed(db: Db, portalId: number, error: string): Promise<void> {
  await db.query(`update backfill_runs set state = 'failed', error = $2, updated_at = now() where portal_id = $1`, [portalId, error.slice(0, 500)]);
}
