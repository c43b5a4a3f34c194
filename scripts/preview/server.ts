// The preview server: serves the preview page (bundled with esbuild from scripts/preview/web) and plays the part
// of HubSpot's hubspot.fetch: it accepts only URLs under the app's backendBaseUrl (as permittedUrls.fetch does),
// appends portalId/userId/appId, signs the request with X-HubSpot-Signature-v3 and forwards it to the running
// app. The backend's gate is the production one; nothing in the app knows it is being previewed.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { build } from 'esbuild';
import { signHubSpotV3 } from '../../src/hubspot/signature.ts';
import { BACKEND_BASE_URL } from '../../ui-extensions/src/app/shared/app-config.generated.ts';

export interface PreviewContact {
  id: string;
  label: string;
  example: string;
  /** Shown under the name when the example needs saying (a contact blocked on email only). */
  detail?: string;
}
export interface PreviewOptions {
  /** The running app (where the backend listens) and the public base URL it verifies signatures against. */
  appUrl: string;
  publicBaseUrl: string;
  clientSecret: string;
  portalId: number;
  appId: number;
  contacts: PreviewContact[];
  /** Links shown in the preview's menu (preference pages, evidence report). */
  links?: Array<{ label: string; url: string }>;
  port?: number;
  host?: string;
}
export interface PreviewServer { url: string; close(): Promise<void> }

const WEB = fileURLToPath(new URL('./web/', import.meta.url));

/** One bundle of the preview page with the three extensions, for the browser (React production build). */
export async function bundlePreview(): Promise<string> {
  const result = await build({
    entryPoints: [`${WEB}main.tsx`], bundle: true, write: false, format: 'esm', platform: 'browser', target: 'es2022',
    jsx: 'automatic', minify: true, sourcemap: false, logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const out = result.outputFiles[0];
  if (!out) throw new Error('esbuild produced no output');
  return out.text;
}

const PAGE = (title: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><link rel="stylesheet" href="/preview/preview.css"></head>
<body><div id="root"></div><script type="module" src="/preview/app.js"></script></body></html>`;

export async function startPreviewServer(options: PreviewOptions): Promise<PreviewServer> {
  const bundle = await bundlePreview();
  const css = readFileSync(`${WEB}preview.css`, 'utf8');
  const app = express();
  app.disable('x-powered-by');
  app.get('/', (_req, res) => { res.redirect('/preview/'); });
  app.get('/preview/', (_req, res) => { res.type('html').send(PAGE('Prospect Guard: preview')); });
  app.get('/preview/app.js', (_req, res) => { res.type('application/javascript').send(bundle); });
  app.get('/preview/preview.css', (_req, res) => { res.type('text/css').send(css); });
  app.get('/preview/config', (_req, res) => {
    res.json({ portalId: options.portalId, appId: options.appId, contacts: options.contacts, links: options.links ?? [] });
  });
  app.post('/preview/hubspot-fetch', express.json({ limit: '1mb' }), async (req, res) => {
    const { url, method, body } = req.body as { url?: unknown; method?: unknown; body?: unknown };
    const verb = typeof method === 'string' ? method.toUpperCase() : 'GET';
    if (typeof url !== 'string' || !url.startsWith(`${BACKEND_BASE_URL}/`) || !['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(verb)) {
      // HubSpot refuses a URL outside permittedUrls.fetch before anything is sent.
      res.status(400).set('x-preview-refused', '1').type('text/plain').send(`hubspot.fetch: ${String(url)} is not under ${BACKEND_BASE_URL}`);
      return;
    }
    const target = new URL(url.slice(BACKEND_BASE_URL.length), 'http://placeholder');
    target.searchParams.set('portalId', String(options.portalId));
    target.searchParams.set('userId', '1');
    target.searchParams.set('appId', String(options.appId));
    const pathAndQuery = `${target.pathname}${target.search}`;
    const raw = body === undefined || verb === 'GET' ? '' : JSON.stringify(body);
    const timestamp = Date.now();
    const signature = signHubSpotV3({
      method: verb, uri: `${options.publicBaseUrl.replace(/\/+$/, '')}${pathAndQuery}`, rawBody: raw, timestamp, clientSecret: options.clientSecret,
    });
    try {
      const upstream = await fetch(`${options.appUrl}${pathAndQuery}`, {
        method: verb,
        headers: { 'content-type': 'application/json', 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(timestamp) },
        ...(raw ? { body: raw } : {}),
      });
      res.status(upstream.status).type(upstream.headers.get('content-type') ?? 'application/json').send(Buffer.from(await upstream.arrayBuffer()));
    } catch (err) {
      res.status(502).json({ error: { code: 'network', message: (err as Error).message } });
    }
  });
  const server = app.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await new Promise<void>((resolve, reject) => { server.once('listening', () => resolve()); server.once('error', reject); });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/preview/`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
