// The preview page: a HubSpot-like frame (contact record with the sidebar card, the app's settings page, the app
// pages) around the extensions, rendered from the same React components HubSpot would load. The extension side
// renders into a remote-ui root (as in HubSpot's worker); the host side draws what it receives with
// components.tsx. Views: #card=<contactId>, #settings, #pages=/path?params; ?lang=fr for a French user.
import './host-globals.ts';
import { createRemoteRoot } from '@remote-ui/core';
import { createRoot as createRemoteReactRoot } from '@remote-ui/react';
import { RemoteRenderer, createController, createRemoteReceiver } from '@remote-ui/react/host';
import { createRoot } from 'react-dom/client';
import { registered, setContext, setInitialLocation, type PreviewContext } from './host-globals.ts';
import { COMPONENTS, Unsupported } from './components.tsx';
// The three extensions, in this order: each registers itself with hubspot.extend.
import '../../../ui-extensions/src/app/cards/ComplianceCard.tsx';
import '../../../ui-extensions/src/app/settings/SettingsPage.tsx';
import '../../../ui-extensions/src/app/pages/Pages.tsx';

interface PreviewConfig {
  portalId: number;
  appId: number;
  contacts: Array<{ id: string; label: string; example: string; detail?: string }>;
  links: Array<{ label: string; url: string }>;
}

type View = { kind: 'card'; contactId: string } | { kind: 'settings' } | { kind: 'pages'; path: string; params: Record<string, string> };

function parseView(hash: string, config: PreviewConfig): View {
  const h = hash.replace(/^#/, '');
  if (h.startsWith('card=')) return { kind: 'card', contactId: h.slice(5) };
  if (h === 'settings') return { kind: 'settings' };
  if (h.startsWith('pages=')) {
    const [path, query] = h.slice(6).split('?');
    return { kind: 'pages', path: path || '/', params: Object.fromEntries(new URLSearchParams(query ?? '')) };
  }
  return config.contacts[0] ? { kind: 'card', contactId: config.contacts[0].id } : { kind: 'pages', path: '/', params: {} };
}

function contextFor(view: View, config: PreviewConfig, locale: string): PreviewContext {
  const base = {
    user: { id: 1, email: 'preview.user@example.invalid', firstName: 'Preview', lastName: 'User', locale, teams: [], permissions: [] },
    portal: { id: config.portalId, timezone: 'Europe/Paris', dataHostingLocation: 'eu1' },
    app: { id: config.appId },
  };
  if (view.kind === 'card') return { ...base, location: 'crm.record.sidebar', crm: { objectId: Number(view.contactId), objectTypeId: '0-1' } };
  return { ...base, location: view.kind === 'settings' ? 'settings' : 'pages' };
}

function Shell({ config, view, lang, children }: { config: PreviewConfig; view: View; lang: string; children: React.ReactNode }) {
  const href = (h: string, l = lang) => `?lang=${l}#${h}`;
  const current = view.kind === 'card' ? `card=${view.contactId}` : view.kind === 'settings' ? 'settings' : `pages=${view.path}`;
  const item = (h: string, text: string, sub?: string) => (
    <li key={h}><a className={current === h ? 'pv-active' : ''} href={href(h)}>{text}{sub ? <small>{sub}</small> : null}</a></li>
  );
  return (
    <div className="pv-app">
      <header className="pv-top">
        <span className="pv-brand">Prospect Guard</span>
        <span className="pv-note">Local preview of the HubSpot UI extensions: the real card, settings page and app pages, on the demo&apos;s data. Not HubSpot.</span>
        <span className="pv-lang">
          <a href={`?lang=en${window.location.hash}`} className={lang === 'en' ? 'pv-active' : ''}>EN</a>
          <a href={`?lang=fr${window.location.hash}`} className={lang === 'fr' ? 'pv-active' : ''}>FR</a>
        </span>
      </header>
      <div className="pv-body">
        <nav className="pv-nav" aria-label="Preview views">
          <h2>Contact record</h2>
          <ul>{config.contacts.map((c) => item(`card=${c.id}`, c.label, c.detail ?? c.example))}</ul>
          <h2>App settings</h2>
          <ul>{item('settings', 'Prospect Guard settings')}</ul>
          <h2>App pages</h2>
          <ul>{item('pages=/', 'Overview')}{item('pages=/requests', 'Requests')}{item('pages=/evidence', 'Evidence')}</ul>
          {config.links.length > 0 ? <><h2>Outside HubSpot</h2><ul>{config.links.map((l) => <li key={l.url}><a href={l.url} target="_blank" rel="noreferrer">{l.label}</a></li>)}</ul></> : null}
        </nav>
        <main className={`pv-main pv-${view.kind}`}>
          {view.kind === 'card' ? (
            <div className="pv-record">
              <section className="pv-record-left">
                <div className="pv-avatar" aria-hidden>{config.contacts.find((c) => c.id === view.contactId)?.label.slice(0, 1) ?? '?'}</div>
                <h1>{config.contacts.find((c) => c.id === view.contactId)?.label ?? `Contact ${view.contactId}`}</h1>
                <p className="pv-muted">Contact record {view.contactId} · {(() => { const c = config.contacts.find((x) => x.id === view.contactId); return c?.detail ?? c?.example ?? ''; })()}</p>
              </section>
              <section className="pv-record-middle"><p className="pv-muted">Activity timeline (HubSpot)</p></section>
              <aside className="pv-sidebar"><div className="pv-card-frame"><div className="pv-card-title">Prospect Guard</div><div className="pv-card-body" id="extension">{children}</div></div></aside>
            </div>
          ) : view.kind === 'settings' ? (
            <div className="pv-settings-frame"><h1 className="pv-frame-title">Connected apps › Prospect Guard › Settings</h1><div id="extension">{children}</div></div>
          ) : (
            <div className="pv-pages-frame" id="extension">{children}</div>
          )}
        </main>
      </div>
    </div>
  );
}

async function start() {
  const config = (await (await fetch('/preview/config')).json()) as PreviewConfig;
  const lang = new URLSearchParams(window.location.search).get('lang') === 'fr' ? 'fr' : 'en';
  const view = parseView(window.location.hash, config);
  const context = contextFor(view, config, lang === 'fr' ? 'fr-fr' : 'en-us');
  setContext(context);
  if (view.kind === 'pages') setInitialLocation(view.path, view.params);
  const render = registered[view.kind === 'card' ? 0 : view.kind === 'settings' ? 1 : 2];
  if (!render) throw new Error('the extensions did not register with hubspot.extend');

  const receiver = createRemoteReceiver();
  const remoteRoot = createRemoteRoot(receiver.receive);
  const controller = createController(COMPONENTS, {
    renderComponent: (props, { renderDefault }) =>
      props.component.type in COMPONENTS ? renderDefault() : <Unsupported key={props.key} name={String(props.component.type)} />,
  });
  createRoot(document.getElementById('root') as HTMLElement).render(
    <Shell config={config} view={view} lang={lang}><RemoteRenderer receiver={receiver} controller={controller} /></Shell>,
  );
  const extension = render({ context, actions: {}, runServerlessFunction: () => Promise.reject(new Error('not used')) });
  createRemoteReactRoot(remoteRoot).render(<>{extension}</>);
  remoteRoot.mount();
  window.addEventListener('hashchange', () => window.location.reload());
}

void start();
