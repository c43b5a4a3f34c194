// The OAuth `state`: random id + expiry, HMAC-signed with a key derived from the client secret, and stored so
// it is accepted once. Checked in a fixed order that fails closed: present, well-formed, signature
// (constant-time), expiry, then consumed atomically in the database.
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { OAuthStateStore } from '../storage/oauth-states.ts';

export const STATE_TTL_MS = 10 * 60_000;

export type StateCheck =
  | { ok: true }
  | { ok: false; reason: 'missing' | 'malformed' | 'forged' | 'expired' | 'replayed' | 'unknown' };

export class OAuthStateIssuer {
  readonly #key: Buffer;
  readonly #store: OAuthStateStore;
  readonly #ttlMs: number;
  readonly #now: () => Date;

  constructor(deps: { clientSecret: string; store: OAuthStateStore; ttlMs?: number; now?: () => Date }) {
    this.#key = Buffer.from(hkdfSync('sha256', deps.clientSecret, 'prospect-guard', 'oauth-state-v1', 32));
    this.#store = deps.store;
    this.#ttlMs = deps.ttlMs ?? STATE_TTL_MS;
    this.#now = deps.now ?? (() => new Date());
  }

  #mac(payload: string): Buffer {
    return createHmac('sha256', this.#key).update(payload).digest();
  }

  async issue(): Promise<string> {
    const id = randomBytes(18).toString('base64url');
    const expiresAt = new Date(this.#now().getTime() + this.#ttlMs);
    const payload = `${id}.${expiresAt.getTime()}`;
    await this.#store.create(id, expiresAt);
    return `${payload}.${this.#mac(payload).toString('base64url')}`;
  }

  async check(state: unknown): Promise<StateCheck> {
    if (typeof state !== 'string' || state.length === 0) return { ok: false, reason: 'missing' };
    const parts = state.split('.');
    if (state.length > 200 || parts.length !== 3 || !/^\d{10,16}$/.test(parts[1] ?? '')) return { ok: false, reason: 'malformed' };
    const [id, exp, mac] = parts as [string, string, string];
    const expected = this.#mac(`${id}.${exp}`);
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' };
    if (Number(exp) <= this.#now().getTime()) {
      await this.#store.consume(id);
      return { ok: false, reason: 'expired' };
    }
    const consumed = await this.#store.consume(id);
    return consumed === 'ok' ? { ok: true } : { ok: false, reason: consumed };
  }
}
