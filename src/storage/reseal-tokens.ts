// Key rotation, step 2: after putting the new key first in TOKEN_ENCRYPTION_KEY ("new:...,old:..."), run
//   node src/storage/reseal-tokens.ts
// to re-seal every stored token with the new key; then the old key can be removed from the list.
import path from 'node:path';
import { loadConfig } from '../config/config.ts';
import { loadOrCreateDevTokenKeys, TokenCipher } from '../crypto/token-cipher.ts';
import { migrate, openDb } from './db.ts';
import { InstallationStore } from './installations.ts';

export async function resealAllTokens(): Promise<{ resealed: number; unreadable: number[] }> {
  const config = loadConfig();
  const keys = config.tokenKeys ?? (config.nodeEnv === 'production' ? null : loadOrCreateDevTokenKeys(config.dataDir));
  if (!keys) throw new Error('TOKEN_ENCRYPTION_KEY: required');
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: path.join(config.dataDir, 'pglite') });
  try {
    await migrate(db);
    return await new InstallationStore({ db, cipher: new TokenCipher(keys) }).resealTokens();
  } finally {
    await db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await resealAllTokens();
  console.log(`re-sealed ${r.resealed} installation(s)${r.unreadable.length ? `; unreadable with the configured keys: portals ${r.unreadable.join(', ')}` : ''}`);
  process.exit(r.unreadable.length > 0 ? 2 : 0);
}
