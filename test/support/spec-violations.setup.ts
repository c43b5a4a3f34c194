// Every test that talks to a stand-in is checked against HubSpot's vendored specs: a request the app sent or an
// answer the stand-in gave that breaks them fails the test during which it happened (violations from a
// beforeAll fail the file's first test; from an afterAll, the file).
import { afterAll, afterEach } from 'vitest';
import { formatViolation, takeSpecViolations } from '../../scripts/hubspot-standin/spec-violations.ts';

function failOnViolations(): void {
  const found = takeSpecViolations();
  if (found.length === 0) return;
  const shown = found.slice(0, 10).map((v) => `  - ${formatViolation(v)}`).join('\n');
  throw new Error(`${found.length} HubSpot spec violation(s) at the stand-in:\n${shown}${found.length > 10 ? `\n  ... and ${found.length - 10} more` : ''}`);
}

afterEach(failOnViolations);
afterAll(failOnViolations);
