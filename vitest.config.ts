import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx', 'ui-extensions/**/*.test.tsx'],
    environment: 'node',
    // A stand-in request or answer that breaks HubSpot's vendored specs fails the test (docs/HUBSPOT-STANDIN.md).
    setupFiles: ['test/support/spec-violations.setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: integration suites share Postgres and Redis, so keep file parallelism modest.
    maxWorkers: 2,
  },
});
