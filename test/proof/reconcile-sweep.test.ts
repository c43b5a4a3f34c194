// Redis restarted EMPTY in the middle of a burst (no persistence, a failover to an empty replica): the webhook
// jobs it had acknowledged are gone, and HubSpot will not send them again. The reconciliation sweep finds the
// contacts changed after their last verdict and judges them: every contact has its verdict within one sweep
// period of Redis coming back, and the reconciliation check passes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices } from '../support/services.ts';
import { startPrivateRedis, type PrivateRedis } from './support/private-redis.ts';
import { createProofDb, startStack, waitFor, type ProofDb, type Stack } from './support/stack.ts';
import { settleAndReconcile } from './support/reconcile.ts';

const B2B = { country: 'France', company: 'Acme Industrie', jobtitle: 'Directeur achats', pg_is_professional: 'true', pg_offer_related: 'true', pg_source_kind: 'trade_show', pg_collected_at: '2026-05-10' };
const SWEEP_PERIOD_MS = 4000;

describeWithServices('reconciliation sweep after Redis comes back empty', { postgres: true }, () => {
  let redis: PrivateRedis;
  let db: ProofDb;
  let s: Stack;
  beforeAll(async () => {
    redis = await startPrivateRedis({ persist: false });
    db = await createProofDb();
    s = await startStack({
      db, redisUrl: redis.url,
      pipeline: { reconcileIntervalMs: SWEEP_PERIOD_MS, reconcile: { settleMs: 300, overlapMs: 10_000 } },
    });
  });
  afterAll(async () => {
    await redis?.start().catch(() => undefined);
    await s?.stop();
    await db?.drop();
    await redis?.dispose();
  });

  it('every contact has its verdict within one sweep period, though the queue lost the jobs', async () => {
    const portalId = await s.install();
    await waitFor('empty backfill done', async () => (await s.app.pipeline?.pipeline.backfillProgress(portalId))?.state === 'done', 20_000);
    // Slow write-backs: acknowledged deliveries pile up in Redis, not yet judged.
    s.standIn.setFaults({ latencyMs: 400, pathPrefix: '/crm/v3/objects/contacts/batch/update' });
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) ids.push(s.standIn.createContact(portalId, { email: `vide${i}@acme-industrie.fr`, ...B2B }));
    await s.standIn.flushWebhooks();
    const judged = () => ids.filter((id) => s.props(portalId, id).pg_evaluated_at).length;
    expect(judged()).toBeLessThan(ids.length); // mid-burst: work still queued

    await redis.stop(); // SIGKILL, no append-only file: everything queued is gone
    await redis.start();
    s.standIn.setFaults(null);
    const back = Date.now();
    const healedBefore = s.app.pipeline?.pipeline.stats.reconcile.healed ?? 0;
    await waitFor('every contact judged', () => judged() === ids.length, SWEEP_PERIOD_MS + 8_000, 100);
    const took = Date.now() - back;
    expect(took).toBeLessThan(SWEEP_PERIOD_MS + 8_000);
    // The sweep, not a redelivery, did it: HubSpot had its 200s and sent nothing again.
    await waitFor('the sweep to report', () => (s.app.pipeline?.pipeline.stats.reconcile.healed ?? 0) > healedBefore, 5000);
    expect(s.app.pipeline?.pipeline.stats.judge.judged ?? 0).toBeLessThan(ids.length);
    expect(s.standIn.failedWebhooks()).toEqual([]);
    const r = await settleAndReconcile(s, portalId, {}, 20_000);
    expect(r.problems).toEqual([]);
    expect(r.contacts).toBe(200);
  }, 90_000);
});
