// Where the first answer to each state-changing signed request is kept for the signature window, per portal.
// `claim` is the atomic step: exactly one of several identical requests (a replay, HubSpot's own retry, a double
// click delivered twice) gets `fresh` and acts; the others get the stored answer, or `pending` while the first
// one is still running. Only definitive answers (2xx/4xx) are kept: a 5xx leaves nothing, so a retry acts again.
import type { Db } from '../storage/db.ts';
import { isUniqueViolation } from '../storage/db.ts';

export type ReplayClaim =
  | { state: 'fresh' }
  | { state: 'pending' }
  | { state: 'done'; status: number; body: unknown };

export interface ReplayStore {
  /** `contactId`: the contact the request is about, so an erasure can drop what was kept of it. */
  claim(portalId: number, key: string, at: Date, ttlMs: number, contactId?: string | null): Promise<ReplayClaim>;
  /** Records the first answer (kept until the claim expires). */
  complete(portalId: number, key: string, status: number, body: unknown): Promise<void>;
  /** Drops a claim whose request failed temporarily, so the next identical request acts. */
  release(portalId: number, key: string): Promise<void>;
  /** Drops the kept answers about a contact (after its erasure); requests still running keep their claim. */
  forgetContact(portalId: number, contactId: string): Promise<void>;
}

export function createDbReplayStore(db: Db): ReplayStore {
  return {
    async claim(portalId, key, at, ttlMs, contactId = null) {
      await db.query('delete from signed_request_replays where portal_id = $1 and expires_at < $2', [portalId, at]);
      try {
        await db.query(
          `insert into signed_request_replays (portal_id, request_key, contact_id, state, created_at, expires_at) values ($1, $2, $3, 'pending', $4, $5)`,
          [portalId, key, contactId, at, new Date(at.getTime() + ttlMs)],
        );
        return { state: 'fresh' };
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
      const { rows } = await db.query<{ state: string; status: number | null; body: unknown }>(
        'select state, status, body from signed_request_replays where portal_id = $1 and request_key = $2', [portalId, key]);
      const row = rows[0];
      if (!row) return { state: 'pending' };
      if (row.state !== 'done' || row.status === null) return { state: 'pending' };
      const body = typeof row.body === 'string' ? JSON.parse(row.body) as unknown : row.body;
      return { state: 'done', status: row.status, body };
    },
    async complete(portalId, key, status, body) {
      await db.query(
        `update signed_request_replays set state = 'done', status = $3, body = $4::jsonb where portal_id = $1 and request_key = $2`,
        [portalId, key, status, JSON.stringify(body ?? null)],
      );
    },
    async release(portalId, key) {
      await db.query(`delete from signed_request_replays where portal_id = $1 and request_key = $2 and state = 'pending'`, [portalId, key]);
    },
    async forgetContact(portalId, contactId) {
      await db.query(`delete from signed_request_replays where portal_id = $1 and contact_id = $2 and state = 'done'`, [portalId, contactId]);
    },
  };
}

/** The same contract in memory (tests, and the fakes of the CRM endpoints). */
export function createMemoryReplayStore(): ReplayStore {
  const rows = new Map<string, { expiresAt: number; contactId: string | null; status?: number; body?: unknown }>();
  const k = (p: number, key: string) => `${p}:${key}`;
  return {
    async claim(portalId, key, at, ttlMs, contactId = null) {
      for (const [id, row] of rows) if (row.expiresAt < at.getTime()) rows.delete(id);
      const row = rows.get(k(portalId, key));
      if (!row) {
        rows.set(k(portalId, key), { expiresAt: at.getTime() + ttlMs, contactId });
        return { state: 'fresh' };
      }
      return row.status === undefined ? { state: 'pending' } : { state: 'done', status: row.status, body: structuredClone(row.body) };
    },
    async complete(portalId, key, status, body) {
      const row = rows.get(k(portalId, key));
      if (row) { row.status = status; row.body = structuredClone(body); }
    },
    async release(portalId, key) {
      const row = rows.get(k(portalId, key));
      if (row && row.status === undefined) rows.delete(k(portalId, key));
    },
    async forgetContact(portalId, contactId) {
      for (const [id, row] of rows) if (id.startsWith(`${portalId}:`) && row.contactId === contactId && row.status !== undefined) rows.delete(id);
    },
  };
}
