// A randomised fault schedule (issue 14, acceptance): one run mixes kill -9 of the worker, Redis restarted EMPTY
// (no persistence), PostgreSQL restarted (a private server crashed and started again), HubSpot 429/5xx storms and
// duplicated deliveries, in an order drawn from a seed, while contacts are created and changed in HubSpot and
// people unsubscribe. Then it reconciles: every verdict present and equal to what the engine says from the current
// state, each objection stored once and shown in HubSpot, the ledger intact, nothing pending, and no personal data
// in Redis.
//   PROOF_FAULT_SEED=<n>      replays a schedule (the seed is printed at the start of every run)
//   PROOF_FAULT_STEPS=<n>     faults in the run (default 6: the CI run; every kind appears at least once)
//   PROOF_FAULT_CONTACTS=<n>  contacts created per step (default 10)
// The order of faults and changes is reproducible from the seed; the exact interleaving with the app's own timing
// is not (two runs of one seed hit the same faults at slightly different moments).
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices } from '../support/services.ts';
import { startPrivateRedis, type PrivateRedis } from './support/private-redis.ts';
import { privatePostgresAvailable, startPrivatePostgres, type PrivatePostgres } from './support/private-postgres.ts';
import { createProofDb, startStack, terminateBackends, waitFor, type ProofDb, type Stack } from './support/stack.ts';
import { settleAndReconcile, type ExpectedObjection } from './support/reconcile.ts';
import { isRunning, startWorker, stopWorker, type WorkerProcess } from './support/worker-control.ts';
import { deleteRedisPrefix, dumpRedisPrefix, findInDump } from './support/redis-scan.ts';
import { prng } from '../../scripts/hubspot-standin/state.ts';

const SEED = Number(process.env.PROOF_FAULT_SEED ?? randomInt(1, 2 ** 31 - 1));
const STEPS = Number(process.env.PROOF_FAULT_STEPS ?? 6);
const CONTACTS_PER_STEP = Number(process.env.PROOF_FAULT_CONTACTS ?? 10);
const RECONCILE_MS = 2000;
console.log(`fault schedule: seed ${SEED}, ${STEPS} faults (replay with PROOF_FAULT_SEED=${SEED})`);

type Fault = 'kill-worker' | 'redis-empty' | 'postgres-restart' | 'hubspot-storm' | 'duplicates';
const FAULTS: Fault[] = ['kill-worker', 'redis-empty', 'postgres-restart', 'hubspot-storm', 'duplicates'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const B2B = { company: 'Acme Industrie', jobtitle: 'Directeur achats', pg_is_professional: 'true', pg_offer_related: 'true', pg_source_kind: 'trade_show', pg_collected_at: '2026-05-10' };

describeWithServices('randomised fault schedule', { postgres: true }, () => {
  let redis: PrivateRedis;
  let pgServer: PrivatePostgres | null = null;
  let db: ProofDb;
  let s: Stack;
  let worker: WorkerProcess | null = null;
  beforeAll(async () => {
    redis = await startPrivateRedis({ persist: false });
    // Without server binaries (or a postgres user as root), "restart" falls back to cutting every connection.
    pgServer = privatePostgresAvailable() ? await startPrivatePostgres() : null;
    db = await createProofDb(pgServer ? { url: pgServer.url } : {});
    // This process receives webhooks, one-click unsubscribes and card calls; the judging runs in a worker child.
    s = await startStack({ db, redisUrl: redis.url, consume: false, webhooks: { duplicateRate: 0.1, reorder: true } });
    worker = await startWorker(s, db, { redisUrl: redis.url, reconcileMs: RECONCILE_MS });
  }, 90_000);
  afterAll(async () => {
    await redis?.start().catch(() => undefined);
    pgServer?.start();
    if (worker) await stopWorker(worker);
    await s?.stop();
    if (redis) await deleteRedisPrefix(redis.url, `${s?.keyPrefix ?? 'none'}:`).catch(() => undefined);
    await db?.drop().catch(() => undefined);
    pgServer?.dispose();
    await redis?.dispose();
  });

  it(`mixes worker kills, Redis emptied, PostgreSQL restarts, HubSpot storms and duplicates (seed ${SEED}), then reconciles`, async () => {
    const rnd = prng(SEED); // the stand-in's seeded generator: the schedule is the seed's and nothing else's
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    // Every kind once, in a seeded order, then seeded picks.
    const schedule = [...FAULTS].map((f) => ({ f, k: rnd() })).sort((a, b) => a.k - b.k).map((x) => x.f);
    while (schedule.length < STEPS) schedule.push(pick(FAULTS));

    const portalId = await s.install();
    await waitFor('empty backfill done', async () => (await s.app.pipeline?.pipeline.backfillProgress(portalId))?.state === 'done', 30_000);
    const ids: string[] = [];
    const personal: string[] = [];
    const objections: ExpectedObjection[] = [];
    const objected = new Set<string>();
    const applied: Record<string, number> = {};
    let serial = 0;

    const untilStored = async (send: () => Promise<Response>, what: string) => {
      for (let attempt = 0; attempt < 60; attempt++) {
        const res = await send().catch(() => null);
        if (res?.status === 200) return;
        if (res && res.status !== 503 && res.status !== 429) throw new Error(`${what}: ${res.status} ${await res.text()}`);
        await sleep(250);
      }
      throw new Error(`${what}: never stored`);
    };

    /** Changes in HubSpot and from people while a fault happens: new contacts, edits, one unsubscribe. */
    const activity = async () => {
      for (let i = 0; i < CONTACTS_PER_STEP; i++) {
        const n = serial++;
        const email = rnd() < 0.4 ? `prenom.nom${n}.s${SEED % 1000}@gmail.com` : `contact${n}.s${SEED % 1000}@acme-industrie.fr`;
        const phone = `+33 6 ${String(10 + (n % 90)).padStart(2, '0')} ${String(10 + Math.floor(rnd() * 89))} ${String(10 + (n % 89))} ${String(10 + Math.floor(rnd() * 89))}`;
        personal.push(email, phone, phone.replace(/\D/g, ''));
        ids.push(s.standIn.createContact(portalId, { email, phone, country: pick(['France', 'FR', 'Belgium', 'Germany']), firstname: `F${n}`, ...(email.endsWith('@gmail.com') ? {} : B2B) }));
      }
      for (let i = 0; i < Math.ceil(CONTACTS_PER_STEP / 3) && ids.length > 0; i++) {
        const edits: Record<string, string>[] = [{ country: 'Spain' }, { country: 'France' }, { jobtitle: 'Acheteur' }, { pg_is_professional: 'false', company: '' }];
        s.standIn.updateContact(portalId, pick(ids), pick(edits));
      }
      const flushing = s.standIn.flushWebhooks().catch(() => undefined);
      const candidates = ids.filter((id) => !objected.has(id));
      if (candidates.length > 0) {
        const who = pick(candidates);
        objected.add(who);
        const link = s.enf.preferenceLink(portalId, who, s.props(portalId, who).email ?? '');
        await untilStored(() => fetch(`${link}/unsubscribe`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `10.7.${serial % 250}.${objected.size % 250}` }, body: 'List-Unsubscribe=One-Click' }), `one-click for ${who}`);
        objections.push({ contactId: who, channel: 'email' });
      }
      await flushing;
    };

    const fault = async (f: Fault) => {
      switch (f) {
        case 'kill-worker': {
          const w = worker;
          await sleep(rnd() * 400);
          if (w && isRunning(w)) { w.child.kill('SIGKILL'); await w.exited; }
          await sleep(200 + rnd() * 800);
          worker = await startWorker(s, db, { redisUrl: redis.url, reconcileMs: RECONCILE_MS });
          break;
        }
        case 'redis-empty':
          // Slow write-backs first, so acknowledged deliveries wait in Redis when it goes.
          s.standIn.setFaults({ latencyMs: 300, pathPrefix: '/crm/v3/objects/contacts/batch/update' });
          await sleep(300 + rnd() * 600);
          await redis.stop(); // SIGKILL without persistence: every queued job, pending id and dedupe key is gone
          await sleep(100 + rnd() * 600);
          await redis.start();
          s.standIn.setFaults(null);
          break;
        case 'postgres-restart':
          await sleep(rnd() * 400);
          if (pgServer) {
            pgServer.crash();
            await sleep(200 + rnd() * 800);
            pgServer.start();
          } else {
            for (let i = 0; i < 3; i++) { await terminateBackends(db); await sleep(150); }
          }
          break;
        case 'hubspot-storm':
          s.standIn.setFaults({ rate429: 0.2 + rnd() * 0.3, rate5xx: 0.1 + rnd() * 0.2, pathPrefix: '/crm/v3/objects/contacts' });
          await sleep(1000 + rnd() * 1500);
          s.standIn.setFaults(null);
          break;
        case 'duplicates': {
          s.standIn.configureWebhooks({ duplicateRate: 0.8 });
          await sleep(800 + rnd() * 800);
          s.standIn.configureWebhooks({ duplicateRate: 0.1 });
          break;
        }
      }
    };

    const started = Date.now();
    for (const [step, f] of schedule.entries()) {
      await Promise.all([fault(f), activity()]);
      applied[f] = (applied[f] ?? 0) + 1;
      console.log(`fault schedule seed ${SEED}: step ${step + 1}/${schedule.length} ${f}, ${ids.length} contacts, ${objections.length} objections`);
    }
    if (!worker || !isRunning(worker)) worker = await startWorker(s, db, { redisUrl: redis.url, reconcileMs: RECONCILE_MS });

    const r = await settleAndReconcile(s, portalId, { objections }, 120_000);
    const events = s.standIn.stats(portalId).webhookEvents;
    console.log(`fault schedule seed ${SEED}: ${events} webhook events, ${ids.length} contacts, ${objections.length} objections, faults ${JSON.stringify(applied)} (PostgreSQL ${pgServer ? 'server restarted' : 'connections cut'}), ${Math.round((Date.now() - started) / 1000)} s, problems ${r.problems.length}`);
    expect(r.problems, `seed ${SEED}`).toEqual([]);
    expect(r.contacts).toBe(ids.length);
    expect(Object.keys(applied).sort()).toEqual([...FAULTS].sort());

    // No personal data in Redis after all that (every key of the run's prefix, every type).
    const dump = await dumpRedisPrefix(redis.url, `${s.keyPrefix}:`);
    expect(dump.keys).toBeGreaterThan(0);
    expect(findInDump(dump, personal), `seed ${SEED}`).toEqual([]);
  }, 300_000);
});
