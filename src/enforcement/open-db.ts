// The app's database for the command-line tools: the same place startApp uses (DATABASE_URL, else PGlite under
// DATA_DIR/pglite), migrated.
import path from 'node:path';
import { loadConfig } from '../config/config.ts';
import { migrate, openDb, type Db } from '../storage/db.ts';

export async function openAppDb(env: Record<string, string | undefined> = process.env): Promise<Db> {
  const config = loadConfig(env);
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: path.join(config.dataDir, 'pglite') });
  await migrate(db);
  return db;
}
