export * from './ledger.ts';
export * from './export.ts';
export * from './checkpoints.ts';
export * from './integrity.ts';
export { ledgerErrorDetail } from './error-detail.ts';
export { resolveLedgerSecrets, ledgerSecretsFromEnv, processLedgerSecrets, type LedgerSecrets } from './secrets.ts';
export { canonicalJson, sha256Hex } from './canonical.ts';
export type { Db } from './db.ts';
