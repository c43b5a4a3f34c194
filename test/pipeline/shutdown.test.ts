// Graceful shutdown in embedded mode: a stop while a judgement batch waits on HubSpot loses nothing. The stored
// delivery and the claimed contacts are in the database; the next start judges them.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/db.ts';
import { B2C_FR, buildPipeline, event, FakeHubSpot, waitFor } from './helpers.ts';
import type { PipelineCrm } from '../../src/jobs/hubspot-crm.ts';

const PORTAL = 888;
let db: TestDb;
beforeAll(async () => { db = await createTestDb('pglite'); });
afterAll(async () => { await db.drop(); });

it('judges after a restart the contacts whose batch was cut by the shutdown', async () => {
  const hs = new FakeHubSpot();
  for (let i = 1; i <= 5; i++) hs.add(String(900 + i), B2C_FR);
  let release: () => void = () => undefined;
  const stuck = new Promise<void>((r) => { release = r; });
  const slow: PipelineCrm = {
    batchRead: async () => { await stuck; throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }); },
    batchUpdate: (p, inputs) => hs.batchUpdate(p, inputs),
    searchAfterId: (p, after, props, limit) => hs.searchAfterId(p, after, props, limit),
  };
  const first = buildPipeline(db, slow);
  await first.start();
  await first.intake.accept([1, 2, 3, 4, 5].map((i) => event(PORTAL, String(900 + i), 'contact.creation')));
  await waitFor(async () => (await db.query(`select 1 from pending_contacts where claim is not null`)).rows.length === 5);
  const closing = first.close({ timeoutMs: 2000 });
  release();
  await closing;
  expect([...hs.contacts.values()].some((c) => c.pg_status)).toBe(false);

  const second = buildPipeline(db, hs);
  await second.start();
  await waitFor(() => [...hs.contacts.values()].every((c) => Boolean(c.pg_status)), 10_000);
  expect(hs.count('batchRead')).toBe(1);
  await second.close();
});
