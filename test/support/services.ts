// Whether the real PostgreSQL and Redis of this machine are reachable. Integration suites use them for real;
// when one is missing they skip on a developer machine and fail under CI (CI=true), never pass silently.
import net from 'node:net';
import { describe, it } from 'vitest';

export const DATABASE_TEST_URL = process.env.DATABASE_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_TEST_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname || '127.0.0.1', port: Number(port || defaultPort) });
    const done = (ok: boolean) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export const postgresUp = await reachable(DATABASE_TEST_URL, 5432);
export const redisUp = await reachable(REDIS_TEST_URL, 6379);
const inCi = process.env.CI === 'true';

/** `describe` that needs the listed services: skipped locally when one is down, failing under CI. */
export function describeWithServices(
  name: string,
  needs: { postgres?: boolean; redis?: boolean },
  body: () => void,
): void {
  const missing = [needs.postgres && !postgresUp ? 'PostgreSQL' : null, needs.redis && !redisUp ? 'Redis' : null]
    .filter((x): x is string => x !== null);
  if (missing.length === 0) {
    describe(name, body);
  } else if (inCi) {
    describe(name, () => {
      it(`needs ${missing.join(' and ')}`, () => {
        throw new Error(`${missing.join(' and ')} unreachable under CI: integration tests must not skip`);
      });
    });
  } else {
    describe.skip(`${name} (skipped: ${missing.join(' and ')} unreachable)`, body);
  }
}
