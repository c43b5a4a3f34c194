// Preloaded by `npm run test:clock-ahead` (node --import) into the test runner and every process it starts:
// moves this process's wall clock PG_TEST_CLOCK_SKEW_DAYS days ahead. A test that mixes the real clock with
// fixed dates (a stamp from `new Date()` compared with 2026-11-25) passes today and fails here, so it is caught
// now rather than next year. Monotonic time (performance.now, timers) is left alone.
const days = Number(process.env.PG_TEST_CLOCK_SKEW_DAYS ?? '0');

if (Number.isFinite(days) && days !== 0) {
  const skewMs = Math.round(days * 86_400_000);
  const RealDate = Date;
  class SkewedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(RealDate.now() + skewMs);
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return RealDate.now() + skewMs;
    }
  }
  globalThis.Date = SkewedDate as DateConstructor;
}
