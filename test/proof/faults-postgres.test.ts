// PostgreSQL dropping the app's connections (what a database restart or failover does to a pool): every backend
// of the app's pool is terminated with pg_terminate_backend, repeatedly, while webhooks are being judged and
// objections recorded. Only this test's own connections are cut (its own application_name), never another
// suite's. Jobs fail, retry on fresh connections, and the reconciliation check passes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithServices, REDIS_TEST_URL } from '../support/services.ts';
import { createProofDb, startStack, terminateBackends, waitFor, type ProofDb, type Stack } from './support/stack.ts';
import { privatePostgresAvailable, startPrivatePostgres, type PrivatePostgres } from './support/private-postgres.ts';
import { settleAndReconcile, type ExpectedObjection } from './support/reconcile.ts';

const B2B = { country: 'France', company: 'Acme Industrie', jobtitle: 'Directeur achats', pg_is_professional: 'true', pg_offer_related: 'true', pg_source_kind: 'trade_show', pg_collected_at: '2026-05-10' };

describeWithServices('PostgreSQL connections dropped', { postgres: true, redis: true }, () => {
  let db: ProofDb;
  let s: Stack;
  beforeAll(async () => {
    db = await createProofDb();
    s = await startStack({ db, redisUrl: REDIS_TEST_URL });
  });
  afterAll(async () => {
    await s?.stop();
    await db?.drop();
  });

  it('a connection cut inside a transaction fails that transaction only, never the process', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => { uncaught.push(err); };
    process.on('uncaughtException', onUncaught);
    try {
      const tx = s.app.db.transaction(async (t) => { await t.query('select pg_sleep(2)'); return 'committed'; });
      // The rejection lands while the backends are being cut, before `expect(tx).rejects` below looks at it.
      tx.catch(() => undefined);
      await new Promise((r) => setTimeout(r, 300));
      expect(await terminateBackends(db)).toBeGreaterThan(0);
      await expect(tx).rejects.toThrow();
      await new Promise((r) => setTimeout(r, 200));
      expect(uncaught).toEqual([]);
      expect((await s.app.db.query<{ one: number }>('select 1 as one')).rows[0]?.one).toBe(1); // the pool recovers
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });

  it('judging and objections survive connections cut under them', async () => {
    const portalId = await s.install();
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(s.standIn.createContact(portalId, { email: `pgcut${i}@acme-industrie.fr`, ...B2B }));
    const flushing = s.standIn.flushWebhooks();
    let cut = 0;
    for (let round = 0; round < 5; round++) {
      cut += await terminateBackends(db);
      await new Promise((r) => setTimeout(r, 80));
    }
    await flushing;
    expect(cut).toBeGreaterThan(0);

    // Objections while connections keep dropping: each is either stored (200) or refused (503, sender retries).
    const objections: ExpectedObjection[] = [];
    for (const id of ids.slice(30, 34)) {
      const link = s.enf.preferenceLink(portalId, id, s.props(portalId, id).email ?? '');
      const send = () => fetch(`${link}/unsubscribe`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `10.1.1.${id.length}` }, body: 'List-Unsubscribe=One-Click' });
      void terminateBackends(db);
      let res = await send();
      for (let attempt = 0; res.status === 503 && attempt < 5; attempt++) res = await send();
      expect(res.status).toBe(200);
      objections.push({ contactId: id, channel: 'email' });
    }
    for (const id of ids.slice(0, 10)) s.standIn.updateContact(portalId, id, { country: 'Spain' });
    void terminateBackends(db);
    const r = await settleAndReconcile(s, portalId, { objections }, 45_000);
    expect(r.problems).toEqual([]);
    expect(r.contacts).toBe(40);
  }, 90_000);
});

// A real restart: a private PostgreSQL server crashed (immediate shutdown) and started again while the app runs.
const canRestart = privatePostgresAvailable();
(canRestart ? describeWithServices : describe.skip)(`PostgreSQL restart (private server)${canRestart ? '' : ': skipped, no server binaries or postgres user'}`, { redis: true }, () => {
  let server: PrivatePostgres;
  let db: ProofDb;
  let s: Stack;
  beforeAll(async () => {
    server = await startPrivatePostgres();
    db = await createProofDb({ url: server.url });
    s = await startStack({ db, redisUrl: REDIS_TEST_URL });
  }, 90_000);
  afterAll(async () => {
    server?.start();
    await s?.stop();
    await db?.drop().catch(() => undefined);
    server?.dispose();
  });

  it('events received while the database is down are judged once it is back; objections refused then, stored on retry', async () => {
    const portalId = await s.install();
    const ids: string[] = [];
    for (let i = 0; i < 15; i++) ids.push(s.standIn.createContact(portalId, { email: `avant.pg${i}@acme-industrie.fr`, ...B2B }));
    expect((await settleAndReconcile(s, portalId)).problems).toEqual([]);

    server.crash();
    // Webhooks still land in Redis: 200, judged later.
    for (let i = 0; i < 10; i++) ids.push(s.standIn.createContact(portalId, { email: `pendant.pg${i}@acme-industrie.fr`, ...B2B }));
    s.standIn.updateContact(portalId, ids[0] ?? '', { country: 'Italy' });
    const link = s.enf.preferenceLink(portalId, ids[1] ?? '', s.props(portalId, ids[1] ?? '').email ?? '');
    const unsubscribe = () => fetch(`${link}/unsubscribe`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    const during = await unsubscribe();
    expect(during.status).toBe(503); // cannot store it: says so, the sender retries
    expect((await fetch(`${s.baseUrl}/healthz`)).status).toBe(503);
    await new Promise((r) => setTimeout(r, 1500));

    server.start();
    await waitFor('database back', async () => (await fetch(`${s.baseUrl}/healthz`)).status === 200, 20_000, 200);
    expect((await unsubscribe()).status).toBe(200);
    const r = await settleAndReconcile(s, portalId, { objections: [{ contactId: ids[1] ?? '', channel: 'email' }] }, 60_000);
    expect(r.problems).toEqual([]);
    expect(r.contacts).toBe(25);
  }, 120_000);
});
