// Databases for the enforcement suites: install's per-test schema on PostgreSQL, or in-memory PGlite, migrated.
export { createTestDb as createEnforcementTestDb, type TestDb } from '../../support/db.ts';
