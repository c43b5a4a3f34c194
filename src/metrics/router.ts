// GET /metrics (Prometheus text format). On the public port it answers only with `Authorization: Bearer
// <METRICS_TOKEN>` (compared in constant time); without a token configured it is served outside production
// only. `startMetricsServer` serves the same page without a token on METRICS_PORT, for a scraper on the
// private network and for worker processes, which have no public port.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual, createHash } from 'node:crypto';
import express, { type Request, type Response, type NextFunction, type Router } from 'express';
import { recordWebhookAck, renderMetrics } from './metrics.ts';

const sha = (s: string) => createHash('sha256').update(s).digest();

export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m !== null && timingSafeEqual(sha(m[1] ?? ''), sha(token));
}

export function createMetricsRouter(options: { token: string | null; production: boolean }): Router {
  const router = express.Router();
  router.get('/metrics', async (req: Request, res: Response) => {
    if (options.token === null ? options.production : !bearerMatches(req.get('authorization'), options.token)) {
      // Indistinguishable from a missing route: the page's existence is not advertised.
      res.status(404).type('text/plain').send('Not found');
      return;
    }
    const { contentType, body } = await renderMetrics();
    res.set('cache-control', 'no-store').type(contentType).send(body);
  });
  return router;
}

/** Times every webhook request from arrival to the end of its answer. */
export function webhookAckTimer(req: Request, res: Response, next: NextFunction): void {
  const started = process.hrtime.bigint();
  res.once('finish', () => recordWebhookAck(Number(process.hrtime.bigint() - started) / 1e9, res.statusCode));
  next();
}

/** A listener that serves only /metrics and /healthz (worker processes, private scrapers). */
export async function startMetricsServer(port: number, host: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/metrics') {
      renderMetrics().then(({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body);
      }, () => { res.writeHead(500).end(); });
      return;
    }
    if (req.method === 'GET' && path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, host, () => resolve()); });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}
