// kill -9 of a worker process in the middle of a batch: the web process (this one) receives and queues the
// webhooks; the judging runs in a child process against the same Redis and PostgreSQL. The child is killed while
// HubSpot calls of a batch are in flight; a second worker takes over (BullMQ hands the dead worker's job on once
// its lock expires, and the claim on the pending contacts survives with the job), and the reconciliation check
// proves no verdict missing, no objection lost, no duplicate ledger entry.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices, REDIS_TEST_URL } from '../support/services.ts';
import { createProofDb, startStack, waitFor, type ProofDb, type Stack } from './support/stack.ts';
import { settleAndReconcile, type ExpectedObjection } from './support/reconcile.ts';
import { startWorker as startWorkerProcess, stopWorker, type WorkerProcess as Worker } from './support/worker-control.ts';

const B2B = { country: 'France', company: 'Acme Industrie', jobtitle: 'Directeur achats', pg_is_professional: 'true', pg_offer_related: 'true', pg_source_kind: 'trade_show', pg_collected_at: '2026-05-10' };

const startWorker = (s: Stack, db: ProofDb) => startWorkerProcess(s, db, { redisUrl: REDIS_TEST_URL });

describeWithServices('kill -9 of a worker mid-batch', { postgres: true, redis: true }, () => {
  let db: ProofDb;
  let s: Stack;
  const workers: Worker[] = [];
  beforeAll(async () => {
    db = await createProofDb();
    s = await startStack({ db, redisUrl: REDIS_TEST_URL, consume: false });
  });
  afterAll(async () => {
    for (const w of workers) await stopWorker(w);
    await s?.stop();
    await db?.drop();
  });

  it('a second worker finishes the dead one\'s batch: every contact judged, objections kept, ledger clean', async () => {
    const first = await startWorker(s, db);
    workers.push(first);
    const portalId = await s.install();
    await waitFor('empty backfill done', async () => (await s.app.pipeline?.pipeline.backfillProgress(portalId))?.state === 'done', 20_000);

    // Slow batch updates: the worker is inside a batch (read done, write in flight) for a while.
    s.standIn.setFaults({ latencyMs: 600, pathPrefix: '/crm/v3/objects/contacts/batch/update' });
    const ids: string[] = [];
    for (let i = 0; i < 250; i++) ids.push(s.standIn.createContact(portalId, { email: `k${i}@acme-industrie.fr`, firstname: `K${i}`, ...B2B }));
    await s.standIn.flushWebhooks();
    const updates = () => Object.entries(s.standIn.stats(portalId).byRoute).filter(([k]) => /batch\/update/.test(k)).reduce((n, [, v]) => n + v, 0);
    const reads = () => Object.entries(s.standIn.stats(portalId).byRoute).filter(([k]) => /batch\/read/.test(k)).reduce((n, [, v]) => n + v, 0);
    await waitFor('a batch read', () => reads() >= 1, 20_000, 10);
    await new Promise((r) => setTimeout(r, 150)); // the batch's update is now on the wire
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull(); // killed by the signal, no graceful exit
    const judgedAtKill = ids.filter((id) => s.props(portalId, id).pg_evaluated_at).length;
    expect(judgedAtKill).toBeLessThan(ids.length); // really mid-work
    s.standIn.setFaults(null);

    // Objections arrive while no worker runs: the web process records them and queues the re-judgement.
    const objections: ExpectedObjection[] = [];
    for (const id of ids.slice(200, 203)) {
      const link = s.enf.preferenceLink(portalId, id, s.props(portalId, id).email ?? '');
      const res = await fetch(`${link}/unsubscribe`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
      expect(res.status).toBe(200);
      objections.push({ contactId: id, channel: 'email' });
    }

    const second = await startWorker(s, db);
    workers.push(second);
    const r = await settleAndReconcile(s, portalId, { objections }, 45_000);
    expect(r.problems).toEqual([]);
    expect(r.contacts).toBe(250);
    expect(second.judged).toBeGreaterThan(0); // the survivor did the rest
    expect(updates()).toBeGreaterThan(0);
  }, 120_000);

  it('SIGTERM mid-batch: the worker finishes or hands back its jobs, exits cleanly, and nothing is lost', async () => {
    for (const w of workers.splice(0)) if (w.child.exitCode === null && w.child.signalCode === null) { w.child.kill('SIGTERM'); await w.exited; }
    const first = await startWorker(s, db);
    workers.push(first);
    const portalId = await s.install();
    await waitFor('empty backfill done', async () => (await s.app.pipeline?.pipeline.backfillProgress(portalId))?.state === 'done', 20_000);
    s.standIn.setFaults({ latencyMs: 400, pathPrefix: '/crm/v3/objects/contacts/batch/update' });
    const ids: string[] = [];
    for (let i = 0; i < 150; i++) ids.push(s.standIn.createContact(portalId, { email: `t${i}@acme-industrie.fr`, ...B2B }));
    await s.standIn.flushWebhooks();
    const reads = () => Object.entries(s.standIn.stats(portalId).byRoute).filter(([k]) => /batch\/read/.test(k)).reduce((n, [, v]) => n + v, 0);
    await waitFor('a batch read', () => reads() >= 1, 20_000, 10);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0); // graceful: the running batch completed or went back to the queue
    s.standIn.setFaults(null);
    const second = await startWorker(s, db);
    workers.push(second);
    const r = await settleAndReconcile(s, portalId, {}, 45_000);
    expect(r.problems).toEqual([]);
    expect(r.contacts).toBe(150);
  }, 120_000);
});
