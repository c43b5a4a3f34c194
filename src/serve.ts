// `prospect-guard serve` (and `npm start`): run the whole product until SIGTERM/SIGINT, then drain and stop.
import { ConfigError, loadConfig, type Config } from './config/config.ts';
import { startProduct } from './start-product.ts';
import { log } from './log.ts';

export async function serve(): Promise<number> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
  const running = await startProduct(config);
  log.info({ url: config.publicBaseUrl, db: running.db.kind, redis: running.redis !== null }, 'Prospect Guard started');
  return new Promise<number>((resolve) => {
    const shutdown = (signal: string) => {
      log.info({ signal }, 'shutting down');
      running.stop().then(() => resolve(0), () => resolve(1));
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await serve();
}
