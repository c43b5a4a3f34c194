// OAuth tokens at rest: AES-256-GCM, a random 12-byte IV per value, and the id of the key that sealed it, so
// keys rotate (seal with the current key, open with any known key, re-seal old values with `reseal`).
// The associated data binds a ciphertext to its portal and purpose: copied into another row, it fails to open.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface TokenKeyRing {
  /** Key id used for new ciphertexts. */
  currentKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

const FORMAT = 'pgt1';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

export class TokenDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenDecryptionError';
  }
}

function decodeKey(b64: string, label: string): Buffer {
  const key = Buffer.from(b64.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${label} must be 32 bytes encoded in base64 (got ${key.length} bytes)`);
  return key;
}

/**
 * Parses TOKEN_ENCRYPTION_KEY: either one base64 key (key id "default") or a comma-separated list of
 * `kid:base64`; the first entry is the current key, the others only open older values.
 */
export function parseTokenKeys(value: string): TokenKeyRing {
  const entries = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (entries.length === 0) throw new Error('no key given');
  const keys = new Map<string, Buffer>();
  let currentKeyId: string | null = null;
  for (const [i, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    const kid = colon === -1 ? 'default' : entry.slice(0, colon);
    if (colon === -1 && entries.length > 1) throw new Error('with several keys, each must be written kid:base64');
    if (!KEY_ID.test(kid)) throw new Error(`key id "${kid}" must match ${KEY_ID.source}`);
    if (keys.has(kid)) throw new Error(`key id "${kid}" appears twice`);
    keys.set(kid, decodeKey(colon === -1 ? entry : entry.slice(colon + 1), `key "${kid}"`));
    if (i === 0) currentKeyId = kid;
  }
  return { currentKeyId: currentKeyId ?? 'default', keys };
}

export function generateTokenKey(): string {
  return randomBytes(32).toString('base64');
}

export function generateTokenKeyRing(kid = 'default'): TokenKeyRing {
  return { currentKeyId: kid, keys: new Map([[kid, randomBytes(32)]]) };
}

/**
 * Development only: a key kept in DATA_DIR (mode 0600), created on first run, so the demo needs no setup
 * and its stored tokens survive a restart. Production refuses to start without TOKEN_ENCRYPTION_KEY.
 */
export function loadOrCreateDevTokenKeys(dataDir: string): TokenKeyRing {
  const file = path.join(dataDir, 'dev-token-key');
  try {
    return parseTokenKeys(readFileSync(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `dev:${generateTokenKey()}\n`, { mode: 0o600, flag: 'wx' });
  return parseTokenKeys(readFileSync(file, 'utf8'));
}

export class TokenCipher {
  readonly #ring: TokenKeyRing;

  constructor(ring: TokenKeyRing) {
    if (!ring.keys.has(ring.currentKeyId)) throw new Error(`current key "${ring.currentKeyId}" is not in the key ring`);
    this.#ring = ring;
  }

  get currentKeyId(): string {
    return this.#ring.currentKeyId;
  }

  /** Seals `plaintext`; `context` (e.g. "portal:123:refresh") must be given again to open it. */
  encrypt(plaintext: string, context: string): string {
    const kid = this.#ring.currentKeyId;
    const key = this.#ring.keys.get(kid) as Buffer;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [FORMAT, kid, iv.toString('base64url'), tag.toString('base64url'), ct.toString('base64url')].join('.');
  }

  decrypt(sealed: string, context: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== FORMAT) throw new TokenDecryptionError('not a sealed token');
    const [, kid, ivB64, tagB64, ctB64] = parts as [string, string, string, string, string];
    const key = this.#ring.keys.get(kid);
    if (!key) throw new TokenDecryptionError(`unknown key id "${kid}"`);
    const iv = Buffer.from(ivB64, 'base64url');
    const tag = Buffer.from(tagB64, 'base64url');
    if (iv.length !== 12 || tag.length !== 16) throw new TokenDecryptionError('malformed sealed token');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(ctB64, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new TokenDecryptionError('token does not open with its key and context (tampered or moved)');
    }
  }

  /** Id of the key that sealed a value (null if it is not a sealed token). */
  static keyIdOf(sealed: string): string | null {
    const parts = sealed.split('.');
    return parts.length === 5 && parts[0] === FORMAT ? (parts[1] ?? null) : null;
  }

  /** Re-seals with the current key when another key sealed it; returns null when nothing changes. */
  reseal(sealed: string, context: string): string | null {
    if (TokenCipher.keyIdOf(sealed) === this.#ring.currentKeyId) return null;
    return this.encrypt(this.decrypt(sealed, context), context);
  }
}
