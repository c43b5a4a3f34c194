// Where the ledger's keys and checkpoint file come from: LEDGER_HMAC_KEY, LEDGER_SIGNING_KEY and
// LEDGER_CHECKPOINT_PATH (src/config). Production refuses to run without them. Development keeps generated keys
// in DATA_DIR (mode 0600) and checkpoints in DATA_DIR/ledger-checkpoints.jsonl, so the demo needs no setup;
// tests (NODE_ENV=test) use keys that live as long as the process and write no checkpoints unless told to.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, type Config } from '../config/config.ts';
import { parseTokenKeys } from '../crypto/token-cipher.ts';
import { processLedgerKeys, type LedgerKeyRing } from './ledger.ts';

export interface LedgerSecrets {
  hmacKeys: LedgerKeyRing;
  signingKeys: LedgerKeyRing;
  checkpointPath: string | null;
}

let processSigningKeys: LedgerKeyRing | null = null;

/** Keys that live as long as this process, and no checkpoint file: tests and library use without configuration. */
export function processLedgerSecrets(): LedgerSecrets {
  processSigningKeys ??= { currentKeyId: 'process', keys: new Map([['process', randomBytes(32)]]) };
  return { hmacKeys: processLedgerKeys(), signingKeys: processSigningKeys, checkpointPath: null };
}

function devKeyFile(dataDir: string, name: string): LedgerKeyRing {
  const file = path.join(dataDir, name);
  try {
    return parseTokenKeys(readFileSync(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, `dev:${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // another process created it first
  }
  return parseTokenKeys(readFileSync(file, 'utf8'));
}

export function resolveLedgerSecrets(config: Pick<Config, 'nodeEnv' | 'dataDir' | 'ledger'>): LedgerSecrets {
  const { hmacKeys, signingKeys, checkpointPath } = config.ledger;
  if (config.nodeEnv === 'production') {
    const missing = [
      ...(hmacKeys ? [] : ['LEDGER_HMAC_KEY']), ...(signingKeys ? [] : ['LEDGER_SIGNING_KEY']), ...(checkpointPath ? [] : ['LEDGER_CHECKPOINT_PATH']),
    ];
    if (missing.length > 0 || !hmacKeys || !signingKeys) {
      throw new ConfigError(`Missing configuration (required when NODE_ENV=production): ${missing.join(', ')}`, missing);
    }
    return { hmacKeys, signingKeys, checkpointPath };
  }
  if (config.nodeEnv === 'test') {
    const local = processLedgerSecrets();
    return { hmacKeys: hmacKeys ?? local.hmacKeys, signingKeys: signingKeys ?? local.signingKeys, checkpointPath };
  }
  return {
    hmacKeys: hmacKeys ?? devKeyFile(config.dataDir, 'dev-ledger-hmac-key'),
    signingKeys: signingKeys ?? devKeyFile(config.dataDir, 'dev-ledger-signing-key'),
    checkpointPath: checkpointPath ?? path.join(config.dataDir, 'ledger-checkpoints.jsonl'),
  };
}

/** For the command-line tools: the same keys and checkpoint file as the app started with this environment. */
export function ledgerSecretsFromEnv(env: Record<string, string | undefined> = process.env): LedgerSecrets {
  return resolveLedgerSecrets(loadConfig(env));
}
