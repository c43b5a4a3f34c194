// `.env` support, as `.env.example` promises: at start the command line loads ./.env (or the file named by
// PROSPECT_GUARD_ENV_FILE) when it exists, with Node's own parser. Variables already in the environment win,
// so a deployment's real environment is never overridden by a stray file.
import { existsSync } from 'node:fs';
import path from 'node:path';

export function loadEnvFileIfPresent(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string | null {
  const file = path.resolve(cwd, env.PROSPECT_GUARD_ENV_FILE ?? '.env');
  if (!existsSync(file)) {
    if (env.PROSPECT_GUARD_ENV_FILE) throw new Error(`PROSPECT_GUARD_ENV_FILE: ${file} does not exist`);
    return null;
  }
  process.loadEnvFile(file);
  return file;
}
