// The storage seam the enforcement modules use: install's Db (src/storage/db.ts).
export type { Db } from '../storage/db.ts';
