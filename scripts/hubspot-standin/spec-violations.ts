// The process-wide record of spec violations seen by stand-ins (spec-validation.ts writes, the test setup
// drains). Kept free of imports so the test setup can load it in every file without loading the specs.
export interface SpecViolation {
  kind: 'request' | 'response' | 'unspecified_route';
  method: string;
  path: string;
  status?: number;
  operationId?: string;
  spec?: string;
  errors: string[];
}

const registry: SpecViolation[] = [];
/** Outside tests nothing drains the record (demo, bench): keep the latest ones only. */
const KEPT = 1000;

export function recordSpecViolation(v: SpecViolation): void {
  registry.push(v);
  if (registry.length > KEPT) registry.splice(0, registry.length - KEPT);
}

/** Violations recorded since the last call, in order; the list is emptied. */
export function takeSpecViolations(): SpecViolation[] {
  return registry.splice(0, registry.length);
}

export function formatViolation(v: SpecViolation): string {
  const where = `${v.method} ${v.path}${v.status !== undefined ? ` -> ${v.status}` : ''}`;
  const op = v.operationId ? ` (${v.spec ?? '?'}: ${v.operationId})` : '';
  return `${v.kind} ${where}${op}: ${v.errors.join('; ')}`;
}
