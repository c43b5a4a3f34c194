// The storage port the enforcement modules use. Structurally identical to `Db` in src/storage/db.ts (owned by
// install); kept here so the ledger builds before that module lands. Any object with this shape works.
export interface Db {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[]; rowCount: number }>;
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly kind: 'postgres' | 'pglite';
}
