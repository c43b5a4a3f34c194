// OAuth `state` values issued by /oauth/install: stored so each is accepted once, consumed atomically.
import type { Db } from './db.ts';

export type ConsumeResult = 'ok' | 'unknown' | 'replayed' | 'expired';

export class OAuthStateStore {
  readonly #db: Db;
  readonly #now: () => Date;

  constructor(deps: { db: Db; now?: () => Date }) {
    this.#db = deps.db;
    this.#now = deps.now ?? (() => new Date());
  }

  async create(stateId: string, expiresAt: Date): Promise<void> {
    await this.#db.query(`insert into oauth_states (state_id, created_at, expires_at) values ($1, $2, $3)`,
      [stateId, this.#now(), expiresAt]);
  }

  /** Marks the state used. Only the first caller gets 'ok'; a second one gets 'replayed'. */
  async consume(stateId: string): Promise<ConsumeResult> {
    const now = this.#now();
    const r = await this.#db.query<{ expires_at: Date }>(
      `update oauth_states set consumed_at = $2 where state_id = $1 and consumed_at is null returning expires_at`,
      [stateId, now],
    );
    const row = r.rows[0];
    if (row) return new Date(row.expires_at).getTime() <= now.getTime() ? 'expired' : 'ok';
    const seen = await this.#db.query(`select 1 from oauth_states where state_id = $1`, [stateId]);
    return seen.rows.length > 0 ? 'replayed' : 'unknown';
  }

  /** Forgets states that expired more than a day ago (kept meanwhile to tell "replayed" from "unknown"). */
  async purgeExpired(): Promise<number> {
    const r = await this.#db.query(`delete from oauth_states where expires_at < $1`,
      [new Date(this.#now().getTime() - 24 * 3600_000)]);
    return r.rowCount;
  }
}
