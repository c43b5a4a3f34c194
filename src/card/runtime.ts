// The card, settings and workflow-action endpoints inside the running app. Same two-step shape as the
// enforcement runtime: the router exists before the app starts (so startApp mounts it with one line), and
// `attach` plugs in the real parts once they exist (pipeline, enforcement services, settings).
// Usage: `const crm = createCrmRuntime(); startApp(config, { routers: [enf.router, crm.router] })`, then
//        `const e = await enf.attach(running); crm.attach(running, e.enforcement)`.
import express, { type Router } from 'express';
import { evaluateContact } from '../engine/index.ts';
import type { Enforcement } from '../enforcement/wiring.ts';
import { DsrError } from '../dsr/service.ts';
import type { RunningApp } from '../main.ts';
import type { Status } from '../engine/types.ts';
import { createSettingsStore } from '../settings/settings-store.ts';
import { createSettingsRouter } from '../settings/settings-router.ts';
import { createEligibilityActionRouter } from '../workflow-action/eligibility-router.ts';
import { actionSignatureFromAppJson } from '../workflow-action/signature-policy.ts';
import { createCardRouter } from './card-router.ts';
import { createDbReplayStore } from './replay-store.ts';
import { createDashboardRouter } from '../dashboard/dashboard-router.ts';
import { dashboardDepsFromApp } from '../dashboard/wiring.ts';
import { ErasureRefusedError, type BackfillProgress, type CrmBackendDeps } from './ports.ts';
import { createReportRouter } from '../reports/report-router.ts';
import { reportLinkKey } from '../reports/report-link.ts';
import { resolveLedgerSecrets } from '../ledger/secrets.ts';

const STATUSES: Status[] = ['compliant', 'at_risk', 'blocked', 'expired'];

/** Builds the endpoints' collaborators from the running app and the attached enforcement. */
export function crmDepsFromApp(running: Pick<RunningApp, 'config' | 'db' | 'installations' | 'pipeline'>, enforcement: Enforcement): CrmBackendDeps {
  const { config, db, installations } = running;
  const pipeline = running.pipeline?.pipeline;
  if (!pipeline) throw new Error('the card backend needs the webhook pipeline (contact reads and judging)');
  const { evidence, states } = pipeline.stores;
  return {
    clientSecret: config.hubspotClientSecret,
    publicBaseUrl: config.publicBaseUrl,
    appId: config.hubspotAppId,
    actionSignature: actionSignatureFromAppJson(),
    replays: createDbReplayStore(db),
    installations: { isActive: (p) => installations.isActive(p), grantedScopes: async (p) => (await installations.get(p))?.scopes ?? null },
    contacts: { readFacts: (p, c) => pipeline.readFacts(p, c) },
    stored: {
      async get(p, c) {
        const state = await states.get(p, c);
        if (!state?.verdict) return null;
        const [consents, objections] = await Promise.all([evidence.listConsents(p, c), evidence.listObjections(p, c)]);
        return { verdict: state.verdict, consents, objections };
      },
    },
    evaluate: evaluateContact,
    settings: createSettingsStore(db, installations),
    consents: { addConsent: (p, c, consent) => evidence.addConsent(p, c, consent) },
    objections: {
      record: async (i) => {
        await enforcement.objections.recordObjection({
          portalId: i.portalId, contactId: i.contactId, channels: [i.channel], origin: 'card', actor: i.actor,
          email: i.email, phone: i.phone, defaultCountry: i.defaultCountry,
        });
      },
    },
    requests: {
      async accessExport(p, c, actor) {
        const request = await enforcement.dsr.open({ portalId: p, contactId: c, kind: 'access', origin: 'card' });
        const doc = await enforcement.dsr.accessExport(p, c, { actor, requestId: request.id });
        await enforcement.dsr.close(p, request.id, { outcome: 'fulfilled', actor, evidence: { delivered: 'card' } });
        return doc;
      },
      async erase(p, c, actor) {
        const request = await enforcement.dsr.open({ portalId: p, contactId: c, kind: 'erasure', origin: 'card' });
        try {
          await enforcement.dsr.erase(p, c, { actor, requestId: request.id, reason: 'erasure requested from the contact card' });
        } catch (err) {
          if (err instanceof DsrError) throw new ErasureRefusedError(err.message);
          throw err;
        }
      },
    },
    ledger: { append: (p, e) => enforcement.ledger.append(p, { kind: e.kind, contactId: e.contactId, actor: e.actor, payload: e.payload, at: e.at }) },
    judge: {
      contact: (p, c) => pipeline.judgeContact(p, c),
      portal: (p) => pipeline.startBackfill(p, { restart: true }),
    },
    stats: {
      async summary(p) {
        const [byStatusRaw, byBlocker] = await Promise.all([states.statusCounts(p), states.blockerCounts(p)]);
        const byStatus = Object.fromEntries(STATUSES.map((s) => [s, byStatusRaw[s] ?? 0])) as Record<Status, number>;
        return { total: Object.values(byStatusRaw).reduce((a, b) => a + b, 0), byStatus, byBlocker };
      },
      async backfill(p): Promise<BackfillProgress> {
        const b = await pipeline.backfillProgress(p);
        return { state: b.state === 'pending' ? 'running' : b.state, processed: b.processed, total: b.total, updatedAt: b.updatedAt };
      },
    },
  };
}

export function createCrmRuntime() {
  let inner: Router | null = null;
  const router = express.Router();
  const paths = ['/api/portals', '/actions/eligibility', '/reports', '/evidence-report'];
  router.use(paths, (req, res, next) => {
    if (!inner) {
      res.status(503).set('Retry-After', '5').json({ error: { code: 'starting', message: 'Starting, try again in a moment' } });
      return;
    }
    // Re-enter with the full URL: the inner routers match on the complete path (signatures cover it too).
    const mounted = req.url;
    req.url = req.originalUrl;
    inner(req, res, (err?: unknown) => { req.url = mounted; next(err); });
  });

  function attach(running: Pick<RunningApp, 'config' | 'db' | 'installations' | 'pipeline'>, enforcement: Enforcement): CrmBackendDeps {
    const deps = crmDepsFromApp(running, enforcement);
    const r = express.Router();
    r.use(createCardRouter(deps), createSettingsRouter(deps), createEligibilityActionRouter(deps), createReportRouter({
      clientSecret: deps.clientSecret, publicBaseUrl: deps.publicBaseUrl, installations: deps.installations,
      db: running.db, ledger: enforcement.ledger, anchor: enforcement.anchor, linkKey: reportLinkKey(resolveLedgerSecrets(running.config).hmacKeys),
    }), createDashboardRouter(dashboardDepsFromApp(running, enforcement, deps)));
    inner = r;
    return deps;
  }

  return { router, attach, detach: () => { inner = null; } };
}
