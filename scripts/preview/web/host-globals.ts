// What HubSpot's extension worker provides to @hubspot/ui-extensions, played by the preview page. Imported
// before any UI module: `hubspot.extend` reads `self.extend_V2` when @hubspot/ui-extensions is evaluated.
// hubspot.fetch goes to the preview server, which signs the request (v3) the way HubSpot does and forwards it
// to the real backend, so the card, settings and app pages run against the demo's data through the same gate.
import { useSyncExternalStore } from 'react';
import type { ReactNode } from 'react';

export type ViewKind = 'card' | 'settings' | 'pages';
export interface PreviewContext {
  location: 'crm.record.sidebar' | 'settings' | 'pages';
  user: { id: number; email: string; firstName: string; lastName: string; locale: string; teams: unknown[]; permissions: string[] };
  portal: { id: number; timezone: string; dataHostingLocation: string };
  crm?: { objectId: number; objectTypeId: string };
  app: { id: number };
}

type Render = (api: unknown) => ReactNode;
export const registered: Render[] = [];
let context: PreviewContext | null = null;
export function setContext(c: PreviewContext): void { context = c; }

// App page location: a tiny store the router's hook subscribes to; PageLink components navigate through it.
let location = { path: '/', params: {} as Record<string, string> };
const listeners = new Set<() => void>();
export function navigate(path: string, params: Record<string, string> = {}): void {
  location = { path, params };
  for (const l of listeners) l();
  const query = new URLSearchParams(params).toString();
  history.replaceState(null, '', `${window.location.pathname}${window.location.search}#pages=${path}${query ? `?${query}` : ''}`);
}
export function currentLocation() { return location; }
export function setInitialLocation(path: string, params: Record<string, string>): void { location = { path, params }; }

async function hsFetch(url: string, options: { method?: string; body?: unknown; timeout?: number } = {}): Promise<Response> {
  const res = await fetch('/preview/hubspot-fetch', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url, method: options.method ?? 'GET', body: options.body, view: context?.location }),
  });
  if (res.status >= 400 && res.headers.get('x-preview-refused') === '1') throw new Error(await res.text());
  return res;
}

const noop = () => undefined;
const globals = {
  __HUBSPOT_EXTENSION_WORKER__: true,
  extend_V2: (render: Render) => { registered.push(render); },
  hsFetch,
  serverless: () => Promise.reject(new Error('serverless functions are not used by Prospect Guard')),
  logger: { debug: console.debug, info: console.info, warn: console.warn, error: console.error },
  hsWorkerAPI: {
    useExtensionContext: () => context,
    useExtensionActions: () => ({ addAlert: noop, reloadPage: () => window.location.reload(), openIframeModal: noop, closeOverlay: noop }),
    useExtensionApi: () => ({ context, actions: {} }),
    useAppPageLocation: () => useSyncExternalStore((l) => { listeners.add(l); return () => listeners.delete(l); }, currentLocation),
  },
};
Object.assign(self, globals);
