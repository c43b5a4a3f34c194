// Shared helpers for the stand-in's own tests: a started stand-in with one installed portal, and a small
// HTTP receiver that records what HubSpot (the stand-in) posts to it.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startStandIn, type StandIn, type StandInOptions } from '../../scripts/hubspot-standin/index.ts';
import { takeSpecViolations } from '../../scripts/hubspot-standin/spec-violations.ts';

export const CLIENT_ID = 'test-client-id';
export const CLIENT_SECRET = 'test-client-secret-0123456789';

export async function standInWithPortal(options: Partial<StandInOptions> = {}): Promise<{ standIn: StandIn; portalId: number; token: string; refreshToken: string }> {
  const standIn = await startStandIn({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, rateLimits: false, ...options });
  const { portalId } = standIn.createAccount();
  const { accessToken, refreshToken } = standIn.installDirectly(portalId);
  return { standIn, portalId, token: accessToken, refreshToken };
}

/** A search body with every field HubSpot's PublicObjectSearchRequest marks required (first page, default properties). */
export function searchBody(b: Record<string, unknown> = {}): Record<string, unknown> {
  return { after: '0', filterGroups: [], properties: [], sorts: [], limit: 10, ...b };
}

/**
 * For a test that breaks HubSpot's spec on purpose: takes the violations recorded so far (so they do not fail the
 * test) and returns them as "kind METHOD path" lines to assert on.
 */
export function takeExpectedViolations(): string[] {
  return takeSpecViolations().map((v) => `${v.kind} ${v.method} ${v.path}`);
}

export interface Received {
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: unknown;
  url: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Status to answer for the next calls, in order (0: never answer); 200 once exhausted. */
  respondWith: number[];
  close(): Promise<void>;
}

export async function startReceiver(path = '/webhooks/hubspot'): Promise<Receiver> {
  const received: Received[] = [];
  const respondWith: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown = null;
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = rawBody;
      }
      received.push({ headers: req.headers, rawBody, body, url: req.url ?? '' });
      const status = respondWith.shift() ?? 200;
      if (status === 0) return; // hang: the sender has to time out
      res.writeHead(status, { 'content-type': 'application/json' }).end(status === 200 ? '{}' : '{"error":"nope"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    respondWith,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

export async function api(standIn: StandIn, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown; headers: Headers }> {
  const res = await fetch(`${standIn.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) as unknown : null, headers: res.headers };
}
