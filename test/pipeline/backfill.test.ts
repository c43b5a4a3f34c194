// Backfill: pages by hs_object_id with search (properties included, so no batch read), ≤ 0.03 calls per contact,
// checkpointed so a crash resumes where it stopped, progress visible.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/db.ts';
import { B2B_FR, B2C_FR, buildPipeline, FakeHubSpot, waitFor } from './helpers.ts';
import { prepareBackfill, runBackfill, getBackfillProgress } from '../../src/jobs/backfill.ts';
import { ContactEvidenceStore } from '../../src/contacts/evidence-store.ts';
import { ContactStateStore } from '../../src/contacts/contact-state-store.ts';
import { SuppressionList } from '../../src/contacts/suppression-list.ts';
import { evaluateContact } from '../../src/engine/index.ts';
import { DEFAULT_SETTINGS } from '../../src/engine/types.ts';
import { silentLog } from './helpers.ts';
import type { PipelineCrm } from '../../src/jobs/hubspot-crm.ts';

let db: TestDb;
beforeAll(async () => { db = await createTestDb('pglite'); });
afterAll(async () => { await db.drop(); });

function seed(hs: FakeHubSpot, n: number, from = 1): void {
  for (let i = from; i < from + n; i++) hs.add(String(10_000 + i * 3), i % 3 ? B2C_FR : B2B_FR);
}

function deps(hs: PipelineCrm) {
  return {
    db, crm: hs, evidence: new ContactEvidenceStore(db), suppression: new SuppressionList(db), states: new ContactStateStore(db),
    evaluate: evaluateContact, settings: async () => DEFAULT_SETTINGS, now: () => new Date(), log: silentLog,
  };
}

describe('backfill', () => {
  it('judges every contact with one search per 200 and ≤ 2 updates per page, no batch read', async () => {
    const hs = new FakeHubSpot();
    seed(hs, 1050);
    const portal = 501;
    expect(await prepareBackfill(db, portal)).toBe(true);
    const p = await runBackfill(deps(hs), portal);
    expect(p).toMatchObject({ state: 'done', processed: 1050, total: 1050, written: 1050 });
    expect(hs.count('batchRead')).toBe(0);
    expect(hs.count('search')).toBe(6);
    expect(hs.count('batchUpdate')).toBe(11);
    expect(p.apiCalls / p.processed).toBeLessThanOrEqual(0.03);
    expect([...hs.contacts.values()].every((c) => c.pg_status)).toBe(true);
    // Done means done: a second run does nothing unless restarted.
    expect(await prepareBackfill(db, portal)).toBe(false);
  });

  it('resumes from its checkpoint after a crash, without judging the finished pages again', async () => {
    const hs = new FakeHubSpot();
    seed(hs, 900);
    const portal = 502;
    await prepareBackfill(db, portal);
    // The 3rd search fails for good (a crash mid-run): pages 1-2 are checkpointed.
    let searches = 0;
    const crashing = {
      batchRead: (...a: Parameters<FakeHubSpot['batchRead']>) => hs.batchRead(...a),
      batchUpdate: (...a: Parameters<FakeHubSpot['batchUpdate']>) => hs.batchUpdate(...a),
      searchAfterId: async (...a: Parameters<FakeHubSpot['searchAfterId']>) => {
        if (++searches === 3) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        return hs.searchAfterId(...a);
      },
    };
    await expect(runBackfill(deps(crashing), portal)).rejects.toThrow('socket hang up');
    const mid = await getBackfillProgress(db, portal);
    expect(mid).toMatchObject({ state: 'running', processed: 400 });
    const updatesBefore = hs.count('batchUpdate');
    const done = await runBackfill(deps(hs), portal);
    expect(done).toMatchObject({ state: 'done', processed: 900 });
    // Only the remaining 500 contacts were written on resume (5 updates), not the first 400 again.
    expect(hs.count('batchUpdate') - updatesBefore).toBe(5);
  });

  it('starts by itself for a bootstrapped installation, in the pipeline, and reports progress', async () => {
    const hs = new FakeHubSpot();
    seed(hs, 250);
    const portal = 503;
    await db.query(`insert into installations (portal_id, access_token_enc, refresh_token_enc, token_key_id, access_token_expires_at, bootstrap_status)
      values ($1, 'x', 'x', 'k', now(), 'done')`, [portal]);
    const pipeline = buildPipeline(db, hs, { autoBackfill: true });
    await pipeline.start();
    await waitFor(async () => (await pipeline.backfillProgress(portal)).state === 'done', 10_000);
    const p = await pipeline.backfillProgress(portal);
    expect(p).toMatchObject({ processed: 250, total: 250 });
    expect(p.startedAt).not.toBeNull();
    expect(p.updatedAt).not.toBeNull();
    await pipeline.close();
  });
});
