export * from './ledger.ts';
export * from './export.ts';
export { canonicalJson, sha256Hex } from './canonical.ts';
export type { Db } from './db.ts';
