// Installations per portal, their sealed tokens, bootstrap state and settings. Every query names its portal;
// a token's ciphertext is bound to its portal (AES-GCM associated data), so a row copied elsewhere never opens.
import type { Db } from './db.ts';
import type { TokenCipher } from '../crypto/token-cipher.ts';
import { SettingsSchema, type Settings, type SettingsInput } from './settings-schema.ts';
import { AppError } from '../server/errors.ts';

export type InstallationStatus = 'active' | 'uninstalled';
export type BootstrapStatus = 'pending' | 'running' | 'done' | 'failed';

export interface InstallationRecord {
  portalId: number;
  hubDomain: string | null;
  scopes: string[];
  status: InstallationStatus;
  accessTokenExpiresAt: Date;
  tokenKeyId: string;
  installedAt: Date;
  updatedAt: Date;
  uninstalledAt: Date | null;
  uninstallReason: string | null;
  bootstrap: {
    status: BootstrapStatus;
    attempts: number;
    error: string | null;
    nextAttemptAt: Date | null;
    completedAt: Date | null;
  };
}

export interface InstallationTokens {
  portalId: number;
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
}

export interface UpsertInstallation {
  portalId: number;
  hubDomain?: string | null;
  scopes: string[];
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
}

interface Row {
  portal_id: number;
  hub_domain: string | null;
  scopes: string[];
  status: InstallationStatus;
  access_token_expires_at: Date;
  token_key_id: string;
  installed_at: Date;
  updated_at: Date;
  uninstalled_at: Date | null;
  uninstall_reason: string | null;
  bootstrap_status: BootstrapStatus;
  bootstrap_attempts: number;
  bootstrap_error: string | null;
  bootstrap_next_attempt_at: Date | null;
  bootstrapped_at: Date | null;
}

const COLUMNS = `portal_id, hub_domain, scopes, status, access_token_expires_at, token_key_id, installed_at, updated_at,
  uninstalled_at, uninstall_reason, bootstrap_status, bootstrap_attempts, bootstrap_error, bootstrap_next_attempt_at,
  bootstrapped_at`;

function toRecord(r: Row): InstallationRecord {
  return {
    portalId: Number(r.portal_id),
    hubDomain: r.hub_domain,
    scopes: r.scopes ?? [],
    status: r.status,
    accessTokenExpiresAt: new Date(r.access_token_expires_at),
    tokenKeyId: r.token_key_id,
    installedAt: new Date(r.installed_at),
    updatedAt: new Date(r.updated_at),
    uninstalledAt: r.uninstalled_at ? new Date(r.uninstalled_at) : null,
    uninstallReason: r.uninstall_reason,
    bootstrap: {
      status: r.bootstrap_status,
      attempts: r.bootstrap_attempts,
      error: r.bootstrap_error,
      nextAttemptAt: r.bootstrap_next_attempt_at ? new Date(r.bootstrap_next_attempt_at) : null,
      completedAt: r.bootstrapped_at ? new Date(r.bootstrapped_at) : null,
    },
  };
}

export function assertPortalId(portalId: unknown): asserts portalId is number {
  if (typeof portalId !== 'number' || !Number.isSafeInteger(portalId) || portalId <= 0) {
    throw new AppError('invalid_input', `portal id must be a positive integer`);
  }
}

const tokenContext = (portalId: number, kind: 'access' | 'refresh') => `portal:${portalId}:${kind}`;

export class InstallationStore {
  readonly #db: Db;
  readonly #cipher: TokenCipher;
  readonly #now: () => Date;

  constructor(deps: { db: Db; cipher: TokenCipher; now?: () => Date }) {
    this.#db = deps.db;
    this.#cipher = deps.cipher;
    this.#now = deps.now ?? (() => new Date());
  }

  /** The same store working inside a transaction. */
  with(tx: Db): InstallationStore {
    return new InstallationStore({ db: tx, cipher: this.#cipher, now: this.#now });
  }

  async get(portalId: number): Promise<InstallationRecord | null> {
    assertPortalId(portalId);
    const r = await this.#db.query<Row>(`select ${COLUMNS} from installations where portal_id = $1`, [portalId]);
    return r.rows[0] ? toRecord(r.rows[0]) : null;
  }

  async isActive(portalId: number): Promise<boolean> {
    assertPortalId(portalId);
    const r = await this.#db.query(`select 1 from installations where portal_id = $1 and status = 'active'`, [portalId]);
    return r.rows.length > 0;
  }

  /** Installs or reinstalls: new tokens, active again, bootstrap to do again. Settings are kept. */
  async upsert(input: UpsertInstallation): Promise<InstallationRecord> {
    assertPortalId(input.portalId);
    const now = this.#now();
    const r = await this.#db.query<Row>(
      `insert into installations (portal_id, hub_domain, scopes, access_token_enc, refresh_token_enc, token_key_id,
         access_token_expires_at, tokens_refreshed_at, status, installed_at, updated_at, bootstrap_status,
         bootstrap_attempts, bootstrap_error, bootstrap_next_attempt_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $8, $8, 'pending', 0, null, $8)
       on conflict (portal_id) do update set
         hub_domain = coalesce(excluded.hub_domain, installations.hub_domain), scopes = excluded.scopes,
         access_token_enc = excluded.access_token_enc, refresh_token_enc = excluded.refresh_token_enc,
         token_key_id = excluded.token_key_id, access_token_expires_at = excluded.access_token_expires_at,
         tokens_refreshed_at = excluded.tokens_refreshed_at, status = 'active',
         installed_at = case when installations.status = 'active' then installations.installed_at else excluded.installed_at end,
         updated_at = excluded.updated_at, uninstalled_at = null, uninstall_reason = null,
         bootstrap_status = case when installations.bootstrap_status = 'done' and installations.status = 'active'
           then 'done' else 'pending' end,
         bootstrap_attempts = 0, bootstrap_error = null, bootstrap_next_attempt_at = excluded.bootstrap_next_attempt_at
       returning ${COLUMNS}`,
      [
        input.portalId, input.hubDomain ?? null, input.scopes,
        this.#cipher.encrypt(input.accessToken, tokenContext(input.portalId, 'access')),
        this.#cipher.encrypt(input.refreshToken, tokenContext(input.portalId, 'refresh')),
        this.#cipher.currentKeyId, input.expiresAt, now,
      ],
    );
    return toRecord(r.rows[0] as Row);
  }

  /** Decrypted tokens of an active installation; null when absent or uninstalled. */
  async getTokens(portalId: number): Promise<InstallationTokens | null> {
    assertPortalId(portalId);
    const r = await this.#db.query<{ access_token_enc: string; refresh_token_enc: string; access_token_expires_at: Date }>(
      `select access_token_enc, refresh_token_enc, access_token_expires_at from installations
       where portal_id = $1 and status = 'active'`,
      [portalId],
    );
    const row = r.rows[0];
    if (!row) return null;
    return {
      portalId,
      accessToken: this.#cipher.decrypt(row.access_token_enc, tokenContext(portalId, 'access')),
      refreshToken: this.#cipher.decrypt(row.refresh_token_enc, tokenContext(portalId, 'refresh')),
      expiresAt: new Date(row.access_token_expires_at),
    };
  }

  /** Stores refreshed tokens; false when the installation is no longer active (nothing written). */
  async saveTokens(portalId: number, tokens: { accessToken: string; refreshToken: string; expiresAt: Date }): Promise<boolean> {
    assertPortalId(portalId);
    const now = this.#now();
    const r = await this.#db.query(
      `update installations set access_token_enc = $2, refresh_token_enc = $3, token_key_id = $4,
         access_token_expires_at = $5, tokens_refreshed_at = $6, updated_at = $6
       where portal_id = $1 and status = 'active'`,
      [
        portalId,
        this.#cipher.encrypt(tokens.accessToken, tokenContext(portalId, 'access')),
        this.#cipher.encrypt(tokens.refreshToken, tokenContext(portalId, 'refresh')),
        this.#cipher.currentKeyId, tokens.expiresAt, now,
      ],
    );
    return r.rowCount > 0;
  }

  /** Marks the installation gone and forgets its tokens (they are useless and sensitive). */
  async markUninstalled(portalId: number, reason: string): Promise<boolean> {
    assertPortalId(portalId);
    const now = this.#now();
    const r = await this.#db.query(
      `update installations set status = 'uninstalled', uninstalled_at = $2, uninstall_reason = $3, updated_at = $2,
         access_token_enc = '', refresh_token_enc = '', access_token_expires_at = $2, bootstrap_next_attempt_at = null
       where portal_id = $1 and status = 'active'`,
      [portalId, now, reason.slice(0, 200)],
    );
    return r.rowCount > 0;
  }

  async listActive(): Promise<InstallationRecord[]> {
    const r = await this.#db.query<Row>(`select ${COLUMNS} from installations where status = 'active' order by portal_id`);
    return r.rows.map(toRecord);
  }

  // ------------------------------------------------------------ bootstrap state

  /** Claims the bootstrap of a portal; false when it is already running or done. */
  async claimBootstrap(portalId: number, options: { staleAfterMs?: number } = {}): Promise<boolean> {
    assertPortalId(portalId);
    const now = this.#now();
    const stale = new Date(now.getTime() - (options.staleAfterMs ?? 10 * 60_000));
    const r = await this.#db.query(
      `update installations set bootstrap_status = 'running', bootstrap_attempts = bootstrap_attempts + 1,
         bootstrap_next_attempt_at = null, updated_at = $2
       where portal_id = $1 and status = 'active'
         and (bootstrap_status in ('pending', 'failed') or (bootstrap_status = 'running' and updated_at < $3))`,
      [portalId, now, stale],
    );
    return r.rowCount > 0;
  }

  async markBootstrapDone(portalId: number): Promise<void> {
    assertPortalId(portalId);
    const now = this.#now();
    await this.#db.query(
      `update installations set bootstrap_status = 'done', bootstrap_error = null, bootstrapped_at = $2,
         bootstrap_next_attempt_at = null, updated_at = $2 where portal_id = $1`,
      [portalId, now],
    );
  }

  async markBootstrapFailed(portalId: number, error: string, nextAttemptAt: Date): Promise<void> {
    assertPortalId(portalId);
    await this.#db.query(
      `update installations set bootstrap_status = 'failed', bootstrap_error = $2, bootstrap_next_attempt_at = $3,
         updated_at = $4 where portal_id = $1`,
      [portalId, error.slice(0, 500), nextAttemptAt, this.#now()],
    );
  }

  /** Records the property-set fingerprint an account was bootstrapped with. */
  async markBootstrapSchema(portalId: number, schema: string): Promise<void> {
    assertPortalId(portalId);
    await this.#db.query('update installations set bootstrap_schema = $2 where portal_id = $1', [portalId, schema]);
  }

  /** Active, bootstrapped portals whose properties predate `schema` (a release added properties or options). */
  async listBootstrapSchemaStale(schema: string): Promise<number[]> {
    const r = await this.#db.query<{ portal_id: number }>(
      `select portal_id from installations where status = 'active' and bootstrap_status = 'done'
         and bootstrap_schema is distinct from $1 order by portal_id`,
      [schema],
    );
    return r.rows.map((x) => Number(x.portal_id));
  }

  /** Active portals whose bootstrap is pending or failed and due for another attempt. */
  async listBootstrapDue(): Promise<number[]> {
    const r = await this.#db.query<{ portal_id: number }>(
      `select portal_id from installations where status = 'active' and bootstrap_status in ('pending', 'failed')
         and (bootstrap_next_attempt_at is null or bootstrap_next_attempt_at <= $1) order by portal_id`,
      [this.#now()],
    );
    return r.rows.map((x) => Number(x.portal_id));
  }

  // ------------------------------------------------------------ settings

  async getSettings(portalId: number): Promise<Settings> {
    assertPortalId(portalId);
    const r = await this.#db.query<{ settings: unknown }>(`select settings from portal_settings where portal_id = $1`, [portalId]);
    const stored = r.rows[0]?.settings ?? {};
    const parsed = SettingsSchema.safeParse(stored);
    if (parsed.success) return parsed.data;
    // A stored document that no longer validates (older release, hand edit) keeps its valid fields and falls back
    // to defaults for the others, rather than failing every read.
    const shape = SettingsSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
    const kept = Object.fromEntries(Object.entries(typeof stored === 'object' && stored !== null ? stored : {})
      .filter(([k, v]) => shape[k]?.safeParse(v).success === true));
    return SettingsSchema.parse(kept);
  }

  /** Merges `patch` (top-level keys) over the current settings, validates the result, stores it. */
  async saveSettings(portalId: number, patch: Partial<SettingsInput>): Promise<Settings> {
    assertPortalId(portalId);
    const current = await this.getSettings(portalId);
    const parsed = SettingsSchema.safeParse({ ...current, ...patch });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError('invalid_input', `settings.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    await this.#db.query(
      `insert into portal_settings (portal_id, settings, updated_at) values ($1, $2::jsonb, $3)
       on conflict (portal_id) do update set settings = excluded.settings, updated_at = excluded.updated_at`,
      [portalId, JSON.stringify(parsed.data), this.#now()],
    );
    return parsed.data;
  }

  // ------------------------------------------------------------ key rotation

  /**
   * Re-seals every stored token not sealed with the current key. A row no known key opens is left as it is and
   * reported (its portal must reinstall); the others still move to the current key.
   */
  async resealTokens(): Promise<{ resealed: number; unreadable: number[] }> {
    const r = await this.#db.query<{ portal_id: number; access_token_enc: string; refresh_token_enc: string }>(
      `select portal_id, access_token_enc, refresh_token_enc from installations
       where token_key_id <> $1 and status = 'active' order by portal_id`,
      [this.#cipher.currentKeyId],
    );
    let resealed = 0;
    const unreadable: number[] = [];
    for (const row of r.rows) {
      const portalId = Number(row.portal_id);
      let access: string | null;
      let refresh: string | null;
      try {
        access = this.#cipher.reseal(row.access_token_enc, tokenContext(portalId, 'access'));
        refresh = this.#cipher.reseal(row.refresh_token_enc, tokenContext(portalId, 'refresh'));
      } catch {
        unreadable.push(portalId);
        continue;
      }
      // Guarded by the old value: a refresh that landed meanwhile wins.
      const u = await this.#db.query(
        `update installations set access_token_enc = $2, refresh_token_enc = $3, token_key_id = $4
         where portal_id = $1 and access_token_enc = $5`,
        [portalId, access ?? row.access_token_enc, refresh ?? row.refresh_token_enc, this.#cipher.currentKeyId, row.access_token_enc],
      );
      resealed += u.rowCount;
    }
    return { resealed, unreadable };
  }
}
