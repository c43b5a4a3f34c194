// Inside the running app: every enforcement tick anchors the chain heads that moved, and chains from before
// keyed hashing are rekeyed at start.
import '../enforcement/support/quiet.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/db.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createEnforcementRuntime } from '../../src/enforcement/runtime.ts';
import type { RunningApp } from '../../src/main.ts';
import { DEFAULT_APP_SETTINGS } from '../../src/storage/settings-schema.ts';
import { canonicalJson, sha256Hex } from '../../src/ledger/canonical.ts';
import { entryHash, genesisHash } from '../../src/ledger/ledger.ts';
import { verifyPortalEvidence } from '../../src/ledger/integrity.ts';
import { waitFor } from '../enforcement/support/app-harness.ts';

describe('checkpoints in the running app', () => {
  let db: TestDb;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDb('pglite');
    dir = mkdtempSync(path.join(os.tmpdir(), 'pg-anchor-'));
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rekeys a legacy chain at start and anchors moved heads on each tick, once', async () => {
    const legacyPortal = 91;
    const payload = canonicalJson({ a: 1 });
    const at = '2026-11-20T09:00:00.000Z';
    const hash = entryHash(genesisHash(legacyPortal), { portalId: legacyPortal, seq: 1, kind: 'notice', contactRef: null, subjectHash: null, actor: 'old', at, payloadDigest: sha256Hex(payload), idempotencyKey: null });
    await db.query(`insert into evidence_ledger (portal_id, seq, kind, actor, payload, payload_digest, at, prev_hash, hash) values ($1, 1, 'notice', 'old', $2, $3, $4, $5, $6)`,
      [legacyPortal, payload, sha256Hex(payload), at, genesisHash(legacyPortal), hash]);
    await db.query('insert into evidence_ledger_head (portal_id, seq, hash) values ($1, 1, $2)', [legacyPortal, hash]);

    const file = path.join(dir, 'checkpoints.jsonl');
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PUBLIC_BASE_URL: 'http://127.0.0.1:1', HUBSPOT_API_BASE_URL: 'http://127.0.0.1:1', LEDGER_CHECKPOINT_PATH: file });
    const running = {
      config, db, pipeline: null,
      installations: { listActive: async () => [{ portalId: 90 }, { portalId: legacyPortal }], isActive: async () => true, getSettings: async () => DEFAULT_APP_SETTINGS },
      clients: { accessToken: async () => 'unused' },
    } as unknown as RunningApp;
    const attached = await createEnforcementRuntime({ schedule: false }).attach(running);
    try {
      const { ledger, anchor } = attached.enforcement;
      await waitFor(async () => (await ledger.verify(legacyPortal)).ok);
      await ledger.append(90, { kind: 'notice', actor: 's', payload: { i: 1 } });
      await attached.tick();
      const lines = () => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { portalId: number; seq: number });
      expect(lines().map((c) => [c.portalId, c.seq]).sort()).toEqual([[90, 1], [legacyPortal, 2]]);
      await attached.tick();
      expect(lines()).toHaveLength(2); // nothing moved: nothing written
      await ledger.append(90, { kind: 'notice', actor: 's', payload: { i: 2 } });
      expect(await verifyPortalEvidence({ ledger, anchor }, 90)).toMatchObject({ ok: true, state: 'pending', checkpoints: { entriesAfterLast: 1 } });
      await attached.tick();
      expect(await verifyPortalEvidence({ ledger, anchor }, 90)).toMatchObject({ ok: true, state: 'intact', checkpoints: { valid: 2 } });
    } finally {
      await attached.stop();
    }
  });
});
