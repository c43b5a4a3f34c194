// Public preference centre: GET/POST /p/:token and the RFC 8058 one-click POST /p/:token/unsubscribe.
// The signed token is the only credential. Page POSTs must carry the same token in the form body and come from
// our own origin (Sec-Fetch-Site, else Origin); the one-click POST comes from mailbox providers, so it has no
// origin check, only the token and the exact `List-Unsubscribe=One-Click` body RFC 8058 prescribes.
import { createHmac, hkdfSync } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { publicCsp, publicPageHeaders } from './headers.ts';
import {
  consentStatement, isPlaceholderControllerName, langForCountry, maskEmail, pickLang, renderPreferencePage, renderProblemPage,
  renderUnconfiguredPage, sourceLabel, t, type Lang, type PageModel,
} from './page.ts';
import type { PreferenceConsentPort } from './record-consent.ts';
import { tagMatches, verifyPreferenceToken, type PreferenceClaims } from './token.ts';
import type { EvidencePort } from '../enforcement/ports.ts';
import { systemClock, type Clock } from '../enforcement/ports.ts';
import type { HubSpotApi } from '../enforcement/hubspot-api.ts';
import type { ObjectionService } from '../enforcement/objections.ts';
import { normaliseChannels } from '../enforcement/objections.ts';
import { CHANNELS, type Channel } from '../engine/types.ts';

export interface PreferenceSettings {
  controllerName: string | null;
  privacyPolicyUrl: string | null;
  preferenceCentreEnabled: boolean;
  controllerAddress?: string | null;
  dpoContact?: string | null;
  /** https URL of the controller's logo (the page's CSP admits its origin only). */
  logoUrl?: string | null;
  /** ISO country of the portal's default jurisdiction: the page's language when nothing better is known. */
  defaultJurisdiction?: string | null;
}

export interface DsrOpener {
  open(input: { portalId: number; contactId: string; kind: 'access' | 'erasure'; origin: string; email: string | null; details?: Record<string, unknown> }): Promise<{ id: string; dueAt: string }>;
}

export interface PreferenceCentreDeps {
  key: Buffer;
  publicBaseUrl: string;
  hubspot: HubSpotApi;
  evidence: EvidencePort;
  objections: ObjectionService;
  dsr: DsrOpener;
  settings: (portalId: number) => Promise<PreferenceSettings | null>;
  clock?: Clock;
  log?: { warn(obj: object, msg: string): void; info?(obj: object, msg: string): void };
  /** Records consents given, renewed or withdrawn on the page (absent: the consent form is refused). */
  consents?: PreferenceConsentPort | null;
  /** In production a missing or placeholder controller name is never shown: the page offers only the objection. */
  production?: boolean;
  /** Invalid-link attempts per minute per client address before they are answered 429 (default 60). */
  rateLimitPerMinute?: number;
  /** Invalid attempts per minute per token (an authentic token whose contact is gone or re-addressed; default 10). */
  invalidPerTokenPerMinute?: number;
}

export const CONTACT_PROPERTIES = [
  'email', 'country', 'pg_retention_state', 'pg_source_kind', 'pg_source_detail', 'pg_collected_at', 'pg_retention_expires_at',
  ...CHANNELS.map((c) => `pg_basis_${c}`),
];

type ConsentChange = { given: Channel[]; withdrawn: Channel[] };
const NO_CHANGE: ConsentChange = { given: [], withdrawn: [] };

type Resolved =
  | { ok: true; claims: PreferenceClaims; email: string | null; properties: Record<string, string | null>; settings: PreferenceSettings }
  | { ok: false; problem: 'gone' | 'invalid' | 'limited' };

export function createPreferenceRouter(deps: PreferenceCentreDeps): Router {
  const router = express.Router();
  const clock = deps.clock ?? systemClock;
  const basePath = new URL(deps.publicBaseUrl).pathname.replace(/\/+$/, '');
  const publicOrigin = new URL(deps.publicBaseUrl).origin;
  // Only failures are rate-limited: a request carrying an authentic token is never refused for rate (mailbox
  // providers send RFC 8058 one-click POSTs for many recipients from a few addresses). Invalid attempts are
  // counted per client address and per token; past the limit they are answered 429 without any HubSpot call.
  const invalidByAddress = new RateLimiterMemory({ points: deps.rateLimitPerMinute ?? 60, duration: 60 });
  const invalidByToken = new RateLimiterMemory({ points: deps.invalidPerTokenPerMinute ?? 10, duration: 60, keyPrefix: 'tok' });
  const exhausted = async (limiter: RateLimiterMemory, key: string, points: number) => ((await limiter.get(key))?.consumedPoints ?? 0) >= points;
  const addressOf = (req: Request) => req.ip ?? 'unknown';
  /** Counts one invalid attempt; true when it is over the limit (answer 429). */
  async function countInvalid(req: Request, token: string): Promise<boolean> {
    const results = await Promise.allSettled([invalidByAddress.consume(addressOf(req)), invalidByToken.consume(token.slice(0, 600))]);
    return results.some((r) => r.status === 'rejected');
  }
  function tooMany(res: Response): void {
    res.status(429).set('Retry-After', '60').type('text/plain').send('Too many requests');
  }

  router.use(publicPageHeaders);
  // Client addresses kept as proof of consent are keyed hashes, never the address itself.
  const ipKey = Buffer.from(hkdfSync('sha256', deps.key, 'prospect-guard', 'preference-centre-ip/v1', 32));
  const ipHash = (req: Request) => createHmac('sha256', ipKey).update(addressOf(req)).digest('hex').slice(0, 32);

  const actionPath = (token: string) => `${basePath}/p/${token}`;

  async function resolve(req: Request, token: string, opts: { allowExpired?: boolean } = {}): Promise<Resolved> {
    let check = verifyPreferenceToken(deps.key, token, clock.now());
    if (!check.ok && check.reason === 'expired' && opts.allowExpired) {
      check = verifyPreferenceToken(deps.key, token, new Date(0));
    }
    if (!check.ok) {
      if (check.reason === 'expired') return { ok: false, problem: 'gone' }; // authentic: not an attempt to count
      return { ok: false, problem: (await countInvalid(req, token)) ? 'limited' : 'invalid' };
    }
    // An authentic token that kept failing (contact gone, address changed) stops costing HubSpot reads.
    if (await exhausted(invalidByToken, token, deps.invalidPerTokenPerMinute ?? 10)) return { ok: false, problem: 'limited' };
    const invalid = async (): Promise<Resolved> => ({ ok: false, problem: (await countInvalid(req, token)) ? 'limited' : 'invalid' });
    const settings = await deps.settings(check.claims.portalId);
    if (!settings || !settings.preferenceCentreEnabled) return invalid();
    const contact = await deps.hubspot.getContact(check.claims.portalId, check.claims.contactId, CONTACT_PROPERTIES);
    if (!contact) return invalid();
    const email = contact.properties.email ?? null;
    if (!tagMatches(deps.key, check.claims, email)) return invalid();
    return { ok: true, claims: check.claims, email, properties: contact.properties, settings };
  }

  const controllerNameOf = (r: Extract<Resolved, { ok: true }>) => (r.settings.controllerName ?? '').trim();
  /** Production refuses to show a missing or placeholder controller name. */
  const unconfigured = (r: Extract<Resolved, { ok: true }>) => Boolean(deps.production) && isPlaceholderControllerName(controllerNameOf(r));
  const langOf = (req: Request, explicit: unknown, r: Extract<Resolved, { ok: true }> | null) => pickLang(explicit, req.get('accept-language'),
    r ? langForCountry(r.properties.country) ?? langForCountry(r.settings.defaultJurisdiction) : null);

  /** `changed`: consents given or withdrawn by this very request, shown at once like objections. */
  async function model(r: Extract<Resolved, { ok: true }>, token: string, lang: Lang, notice: PageModel['notice'], changed: ConsentChange = NO_CHANGE): Promise<PageModel> {
    const { portalId, contactId } = r.claims;
    const [objections, consents] = await Promise.all([
      deps.evidence.listObjections(portalId, contactId), deps.evidence.listConsents(portalId, contactId),
    ]);
    const p = r.properties;
    const name = controllerNameOf(r);
    const expiresAt = p.pg_retention_expires_at ?? null;
    const expiresMs = expiresAt ? (/^\d+$/.test(expiresAt) ? Number(expiresAt) : Date.parse(expiresAt)) : NaN;
    // What was recorded a moment ago shows at once: an objection blocks its channels whatever HubSpot still says.
    const objected = new Set<string>(objections.map((o) => o.channel));
    const retentionExpired = p.pg_retention_state === 'expired' || (Number.isFinite(expiresMs) && expiresMs <= clock.now().getTime());
    // Likewise a consent just given (unless the engine forbids the channel outright) and a consent just withdrawn
    // (a withdrawn consent blocks as an objection: docs/RULES.md step 7).
    const basisOf = (c: Channel): string | null => {
      if (objected.has('all') || objected.has(c)) return 'objected';
      if (retentionExpired) return 'retention_expired';
      const current = p[`pg_basis_${c}`] ?? null;
      if (changed.given.includes(c) && current !== 'forbidden') return 'consent';
      if (changed.withdrawn.includes(c)) return 'objected';
      return current;
    };
    const bases = Object.fromEntries(CHANNELS.map((c) => [c, basisOf(c)]));
    return {
      lang, actionPath: actionPath(token), token,
      controller: {
        name: name || t('fallbackController', lang),
        address: r.settings.controllerAddress || null,
        dpoContact: r.settings.dpoContact || null,
        logoUrl: r.settings.logoUrl && /^https:\/\//.test(r.settings.logoUrl) ? r.settings.logoUrl : null,
        privacyPolicyUrl: r.settings.privacyPolicyUrl,
      },
      controllerPlaceholder: isPlaceholderControllerName(name),
      maskedEmail: maskEmail(r.email),
      source: sourceLabel(p.pg_source_kind || null, p.pg_source_detail || null, lang),
      collectedAt: p.pg_collected_at ?? null,
      retentionExpiresAt: expiresAt,
      retentionExpired,
      bases,
      objections: objections.map((o) => ({ channel: o.channel, at: o.at })),
      consents: consents.map((c) => ({ channel: c.channel, givenAt: c.givenAt, withdrawnAt: c.withdrawnAt ?? null })),
      notice,
    };
  }

  async function sendPage(res: Response, status: number, r: Extract<Resolved, { ok: true }>, token: string, lang: Lang, notice: PageModel['notice'], changed: ConsentChange = NO_CHANGE): Promise<void> {
    if (unconfigured(r)) {
      res.status(notice?.kind === 'objected' ? 200 : 503).type('html').send(renderUnconfiguredPage(lang, actionPath(token), token, notice?.kind === 'objected'));
      return;
    }
    const m = await model(r, token, lang, notice, changed);
    if (m.controller.logoUrl) res.set('Content-Security-Policy', publicCsp(new URL(m.controller.logoUrl).origin));
    res.status(status).type('html').send(renderPreferencePage(m));
  }

  function problem(res: Response, kind: 'gone' | 'invalid' | 'limited', lang: Lang, token: string): void {
    if (kind === 'limited') return tooMany(res);
    res.status(kind === 'gone' ? 410 : 404).type('html').send(renderProblemPage(kind, lang, actionPath(encodeURIComponent(token))));
  }

  function fromOwnOrigin(req: Request): boolean {
    const site = req.get('sec-fetch-site');
    if (site) return site === 'same-origin' || site === 'none';
    const origin = req.get('origin');
    if (!origin || origin === 'null') return true; // old browsers with no-referrer send "null"; the token still gates
    return origin === publicOrigin || origin === `${req.protocol}://${req.get('host') ?? ''}`;
  }

  const showPage = async (req: Request, res: Response) => {
    const token = String(req.params.token ?? '');
    const r = await resolve(req, token);
    if (!r.ok) return problem(res, r.problem, langOf(req, req.query.lang, null), token);
    await sendPage(res, 200, r, token, langOf(req, req.query.lang, r), null);
  };

  router.get('/:token', (req, res, next) => { showPage(req, res).catch(next); });
  router.get('/:token/unsubscribe', (req, res, next) => { showPage(req, res).catch(next); });

  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 30 });

  router.post('/:token', form, (req, res, next) => {
    (async () => {
      const token = String(req.params.token ?? '');
      const body = (req.body ?? {}) as Record<string, unknown>;
      let lang = langOf(req, body.lang ?? req.query.lang, null);
      if (!fromOwnOrigin(req)) {
        res.status(403).type('text/plain').send('Cross-site form submissions are refused.');
        return;
      }
      if (body.token !== token) {
        res.status(400).type('text/plain').send('The form does not match this link.');
        return;
      }
      const r = await resolve(req, token);
      if (!r.ok) return problem(res, r.problem, lang, token);
      lang = langOf(req, body.lang ?? req.query.lang, r);
      const { portalId, contactId } = r.claims;
      const action = String(body.action ?? '');
      if (unconfigured(r) && action !== 'object_all') {
        res.status(400).type('text/plain').send('Unknown action.');
        return;
      }
      let notice: PageModel['notice'];
      let changed: ConsentChange = NO_CHANGE;
      if (action === 'object' || action === 'object_all') {
        const raw = action === 'object_all' ? ['all'] : ([] as unknown[]).concat(body.channels ?? []).map(String);
        const channels = normaliseChannels(raw);
        if (channels.length === 0) {
          await sendPage(res, 400, r, token, lang, { kind: 'error' });
          return;
        }
        await deps.objections.recordObjection({
          portalId, contactId, channels, origin: 'preference_centre', actor: 'data-subject:preference-centre', email: r.email,
        });
        notice = { kind: 'objected' };
      } else if (action === 'consent' && deps.consents) {
        const ticked = new Set(([] as unknown[]).concat(body.consent ?? []).map(String));
        const objections = await deps.evidence.listObjections(portalId, contactId);
        const objected = new Set<string>(objections.map((o) => o.channel));
        const open = new Set((await deps.evidence.listConsents(portalId, contactId)).filter((c) => !c.withdrawnAt).map((c) => c.channel));
        // An objection wins over consent (docs/RULES.md step 7): those boxes are disabled and ignored here.
        const allowed = CHANNELS.filter((c) => !objected.has('all') && !objected.has(c));
        changed = await deps.consents.apply({
          portalId, contactId, lang, ipHash: ipHash(req),
          give: allowed.filter((c) => ticked.has(c)),
          withdraw: allowed.filter((c): c is Channel => !ticked.has(c) && open.has(c)),
          textShown: consentStatement(controllerNameOf(r) || t('fallbackController', lang), lang),
        });
        notice = { kind: 'consent' };
      } else if (action === 'access' || action === 'erasure') {
        const opened = await deps.dsr.open({ portalId, contactId, kind: action, origin: 'preference_centre', email: r.email });
        notice = { kind: action, dueAt: opened.dueAt };
      } else {
        res.status(400).type('text/plain').send('Unknown action.');
        return;
      }
      await sendPage(res, 200, r, token, lang, notice, changed);
    })().catch(next);
  });

  const oneClickBody = [
    express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 10 }),
    express.text({ type: 'multipart/form-data', limit: '4kb' }),
  ];

  router.post('/:token/unsubscribe', ...oneClickBody, (req, res, next) => {
    (async () => {
      const token = String(req.params.token ?? '');
      if (!isOneClickBody(req)) {
        res.status(400).type('text/plain').send('Expected List-Unsubscribe=One-Click');
        return;
      }
      // An unsubscribe is always safe to honour: an expired but authentic link still works (RFC 8058 senders
      // keep old messages' links alive).
      const r = await resolve(req, token, { allowExpired: true });
      if (!r.ok) {
        if (r.problem === 'limited') return tooMany(res);
        res.status(404).type('text/plain').send('Unknown link');
        return;
      }
      await deps.objections.recordObjection({
        portalId: r.claims.portalId, contactId: r.claims.contactId, channels: ['email'], origin: 'one_click_unsubscribe',
        actor: 'data-subject:one-click', email: r.email,
      });
      res.status(200).type('text/plain').send('');
    })().catch(next);
  });

  router.use((err: unknown, _req: Request, res: Response, _next: express.NextFunction) => {
    if (res.headersSent) return;
    // The body parsers' refusals (oversized or unreadable form) are the client's error, not ours: 413/400.
    const e = err as { type?: unknown; status?: unknown };
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
      res.status(e.type === 'entity.too.large' ? 413 : 400).type('text/plain').send(e.type === 'entity.too.large' ? 'Request too large.' : 'Bad request.');
      return;
    }
    deps.log?.warn({ err: err instanceof Error ? err.message : String(err) }, 'preference centre request failed');
    res.status(503).type('text/plain').send('Temporarily unavailable, please try again in a moment.');
  });

  return router;
}

function isOneClickBody(req: Request): boolean {
  const type = (req.get('content-type') ?? '').toLowerCase();
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return (req.body as Record<string, unknown> | undefined)?.['List-Unsubscribe'] === 'One-Click';
  }
  if (type.startsWith('multipart/form-data') && typeof req.body === 'string') {
    return /name="List-Unsubscribe"\r?\n(?:[^\r\n]+\r?\n)*\r?\nOne-Click\r?\n/.test(req.body);
  }
  return false;
}
