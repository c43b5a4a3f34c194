import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  generateTokenKey, loadOrCreateDevTokenKeys, parseTokenKeys, TokenCipher, TokenDecryptionError,
} from '../../src/crypto/token-cipher.ts';

const k1 = generateTokenKey();
const k2 = generateTokenKey();

describe('TokenCipher', () => {
  it('round-trips, with a fresh IV each time and no clear text in the output', () => {
    const c = new TokenCipher(parseTokenKeys(k1));
    const a = c.encrypt('secret-refresh-token', 'portal:1:refresh');
    const b = c.encrypt('secret-refresh-token', 'portal:1:refresh');
    expect(a).not.toBe(b);
    expect(a).not.toContain('secret');
    expect(Buffer.from(a.split('.')[4] ?? '', 'base64url').toString('utf8')).not.toContain('secret');
    expect(c.decrypt(a, 'portal:1:refresh')).toBe('secret-refresh-token');
    expect(TokenCipher.keyIdOf(a)).toBe('default');
  });

  it('refuses a value moved to another context, tampered with, or sealed by an unknown key', () => {
    const c = new TokenCipher(parseTokenKeys(k1));
    const sealed = c.encrypt('tok', 'portal:1:access');
    expect(() => c.decrypt(sealed, 'portal:2:access')).toThrow(TokenDecryptionError);
    const parts = sealed.split('.');
    const ct = Buffer.from(parts[4] ?? '', 'base64url');
    ct[0] = (ct[0] ?? 0) ^ 1;
    parts[4] = ct.toString('base64url');
    expect(() => c.decrypt(parts.join('.'), 'portal:1:access')).toThrow(TokenDecryptionError);
    const other = new TokenCipher(parseTokenKeys(`other:${k2}`));
    expect(() => other.decrypt(sealed, 'portal:1:access')).toThrow(/unknown key id "default"/);
    expect(() => c.decrypt('plain-token', 'portal:1:access')).toThrow(/not a sealed token/);
  });

  it('rotates: new values use the first key, old ones still open and can be re-sealed', () => {
    const old = new TokenCipher(parseTokenKeys(`v1:${k1}`));
    const sealedOld = old.encrypt('tok', 'ctx');
    const rotated = new TokenCipher(parseTokenKeys(`v2:${k2},v1:${k1}`));
    expect(rotated.currentKeyId).toBe('v2');
    expect(rotated.decrypt(sealedOld, 'ctx')).toBe('tok');
    const resealed = rotated.reseal(sealedOld, 'ctx');
    expect(resealed && TokenCipher.keyIdOf(resealed)).toBe('v2');
    expect(rotated.decrypt(resealed ?? '', 'ctx')).toBe('tok');
    expect(rotated.reseal(resealed ?? '', 'ctx')).toBeNull();
    expect(() => new TokenCipher(parseTokenKeys(`v2:${k2}`)).decrypt(sealedOld, 'ctx')).toThrow(TokenDecryptionError);
  });

  it('rejects malformed key settings with a clear reason', () => {
    expect(() => parseTokenKeys('')).toThrow(/no key/);
    expect(() => parseTokenKeys(Buffer.alloc(16).toString('base64'))).toThrow(/32 bytes/);
    expect(() => parseTokenKeys(`${k1},${k2}`)).toThrow(/kid:base64/);
    expect(() => parseTokenKeys(`a:${k1},a:${k2}`)).toThrow(/twice/);
    expect(() => parseTokenKeys(`bad.id:${k1}`)).toThrow(/key id/);
  });

  it('creates a development key file once (mode 0600) and reuses it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pg-key-'));
    try {
      const a = loadOrCreateDevTokenKeys(dir);
      const b = loadOrCreateDevTokenKeys(dir);
      const sealed = new TokenCipher(a).encrypt('x', 'c');
      expect(new TokenCipher(b).decrypt(sealed, 'c')).toBe('x');
      expect((await stat(path.join(dir, 'dev-token-key'))).mode & 0o777).toBe(0o600);
      expect(await readFile(path.join(dir, 'dev-token-key'), 'utf8')).toMatch(/^dev:/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
