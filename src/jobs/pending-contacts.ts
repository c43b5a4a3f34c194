// Contacts waiting to be judged, per portal: the coalescing point between many webhook events and one batch
// read + one batch update. A judge job claims up to 100 ids under its own job id; if it dies, the retry (same
// job id) finds the same claim. An id added again while claimed goes back to pending, so a change that lands
// during a judgement is judged once more from the newer state.
// Redis (sets) when REDIS_URL is set; the database (pending_contacts) in embedded mode.
import type { Redis } from 'ioredis';
import type { Db } from '../storage/db.ts';

export interface PendingContacts {
  /** Adds ids; returns how many are now pending (unclaimed) for the portal. */
  add(portalId: number, contactIds: string[]): Promise<number>;
  /** The ids already claimed by `batchKey`, or up to `max` newly claimed ones. */
  claim(portalId: number, batchKey: string, max: number): Promise<string[]>;
  /** Done with a claim: its ids leave the store (unless re-added meanwhile). */
  release(portalId: number, batchKey: string): Promise<void>;
  size(portalId: number): Promise<number>;
  /** Erasure: the ids leave the pending set (a claim in progress finishes; its batch simply finds them gone). */
  remove(portalId: number, contactIds: string[]): Promise<void>;
  /** Portals with pending ids (for the periodic sweep that reschedules forgotten work). */
  portals(): Promise<number[]>;
  /** Embedded mode at start-up: claims of a dead process go back to pending. */
  releaseAllClaims(): Promise<void>;
}

// KEYS: pending set, claim set. ARGV: max. Returns the claimed ids.
const CLAIM_LUA = `
if redis.call('EXISTS', KEYS[2]) == 1 then return redis.call('SMEMBERS', KEYS[2]) end
local ids = redis.call('SPOP', KEYS[1], tonumber(ARGV[1]))
if #ids > 0 then
  redis.call('SADD', KEYS[2], unpack(ids))
  redis.call('PEXPIRE', KEYS[2], 604800000)
end
return ids
`;

export function createRedisPendingContacts(redis: Redis, keyPrefix: string): PendingContacts {
  const pendingKey = (p: number) => `${keyPrefix}:pending:${p}`;
  const claimKey = (p: number, k: string) => `${keyPrefix}:claim:${p}:${k}`;
  const portalsKey = `${keyPrefix}:pending-portals`;
  return {
    async add(portalId, ids) {
      if (ids.length === 0) return redis.scard(pendingKey(portalId));
      const r = await redis.multi().sadd(pendingKey(portalId), ...ids).sadd(portalsKey, String(portalId)).scard(pendingKey(portalId)).exec();
      if (!r) throw new Error('redis transaction aborted');
      for (const [err] of r) if (err) throw err;
      return Number(r[2]?.[1] ?? 0);
    },
    async claim(portalId, batchKey, max) {
      return (await redis.eval(CLAIM_LUA, 2, pendingKey(portalId), claimKey(portalId, batchKey), max)) as string[];
    },
    async release(portalId, batchKey) {
      await redis.del(claimKey(portalId, batchKey));
    },
    async size(portalId) {
      return redis.scard(pendingKey(portalId));
    },
    async remove(portalId, ids) {
      if (ids.length > 0) await redis.srem(pendingKey(portalId), ...ids);
    },
    async portals() {
      const members = await redis.smembers(portalsKey);
      const out: number[] = [];
      for (const m of members) {
        if ((await redis.scard(pendingKey(Number(m)))) > 0) out.push(Number(m));
        else await redis.srem(portalsKey, m);
      }
      return out;
    },
    async releaseAllClaims() {
      // With Redis, claims belong to BullMQ jobs that BullMQ itself retries: nothing to release.
    },
  };
}

export function createDbPendingContacts(db: Db): PendingContacts {
  const size = async (portalId: number) => {
    const { rows } = await db.query<{ n: number | string }>(
      `select count(*) as n from pending_contacts where portal_id = $1 and claim is null`, [portalId]);
    return Number(rows[0]?.n ?? 0);
  };
  return {
    async add(portalId, ids) {
      if (ids.length > 0) {
        await db.query(
          `insert into pending_contacts (portal_id, contact_id) select $1, x from unnest($2::text[]) as x
           on conflict (portal_id, contact_id) do update set claim = null, added_at = now()`,
          [portalId, [...new Set(ids)]]);
      }
      return size(portalId);
    },
    async claim(portalId, batchKey, max) {
      return db.transaction(async (tx) => {
        const held = await tx.query<{ contact_id: string }>(
          `select contact_id from pending_contacts where portal_id = $1 and claim = $2`, [portalId, batchKey]);
        if (held.rows.length > 0) return held.rows.map((r) => r.contact_id);
        const { rows } = await tx.query<{ contact_id: string }>(
          `update pending_contacts set claim = $2 where portal_id = $1 and contact_id in (
             select contact_id from pending_contacts where portal_id = $1 and claim is null order by added_at limit $3)
           returning contact_id`, [portalId, batchKey, max]);
        return rows.map((r) => r.contact_id);
      });
    },
    async release(portalId, batchKey) {
      await db.query(`delete from pending_contacts where portal_id = $1 and claim = $2`, [portalId, batchKey]);
    },
    size,
    async remove(portalId, ids) {
      if (ids.length > 0) await db.query(`delete from pending_contacts where portal_id = $1 and contact_id = any($2::text[])`, [portalId, ids]);
    },
    async portals() {
      const { rows } = await db.query<{ portal_id: number }>(`select distinct portal_id from pending_contacts where claim is null`);
      return rows.map((r) => Number(r.portal_id));
    },
    async releaseAllClaims() {
      await db.query(`update pending_contacts set claim = null where claim is not null`);
    },
  };
}
