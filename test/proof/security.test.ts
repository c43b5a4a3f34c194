// Security properties as tests: tokens never stored or logged in clear, no email or phone number in the logs of
// an end-to-end run, portal isolation on every endpoint, preference-centre links unforgeable and expiring,
// security headers on public pages, and an offline dependency review (sources, install scripts, pinned advisories).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { DATABASE_TEST_URL, describeWithServices, REDIS_TEST_URL } from '../support/services.ts';
import { CLIENT_SECRET, createProofDb, startStack, waitFor, type ProofDb, type Stack } from './support/stack.ts';
import { createPreferenceToken, derivePreferenceKey, verifyPreferenceToken } from '../../src/preferences/token.ts';
import { signHubSpotV2 } from '../../src/hubspot/signature.ts';
import { reviewDependencies, reviewProject } from '../../scripts/check-dependencies.ts';
import { deleteRedisPrefix, dumpRedisPrefix, findInDump } from './support/redis-scan.ts';

const NODE = path.resolve('node_modules/.bin/node');

/** The forms a value could take in a log line: as given, lower-cased, digits only (phones), E.164-ish. */
function variants(value: string): string[] {
  const out = new Set([value, value.toLowerCase()]);
  const digits = value.replace(/\D/g, '');
  if (/^[+\d\s().-]+$/.test(value) && digits.length >= 8) {
    out.add(digits);
    out.add(`+${digits}`);
    if (value.trim().startsWith('0')) out.add(digits.slice(1));
  }
  return [...out];
}

describeWithServices('secrets and personal data in logs and storage (end-to-end run in a child process)', { postgres: true, redis: true }, () => {
  let db: ProofDb;
  let dir: string;
  let output = '';
  let result: { personal: string[]; tokens: string[]; secrets: string[]; portals: number[] };
  const prefix = `proof-e2e-${process.pid}`;
  beforeAll(async () => {
    db = await createProofDb();
    dir = mkdtempSync(path.join(tmpdir(), 'pg-proof-e2e-'));
    const resultFile = path.join(dir, 'result.json');
    const child = spawn(NODE, [path.resolve('test/proof/support/e2e-scenario.ts')], {
      env: { ...process.env, LOG_LEVEL: 'debug', PROOF_DB_URL: db.url, PROOF_SCHEMA: db.schema, PROOF_REDIS_URL: REDIS_TEST_URL, PROOF_PREFIX: prefix, PROOF_RESULT: resultFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`scenario failed (${code}): ${output.slice(-3000)}`);
    result = JSON.parse(readFileSync(resultFile, 'utf8')) as typeof result;
  }, 90_000);
  afterAll(async () => {
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await deleteRedisPrefix(REDIS_TEST_URL, `${prefix}:`);
  });

  it('the run really logged (debug level), with portal and contact ids', () => {
    const lines = output.split('\n').filter((l) => l.startsWith('{'));
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.some((l) => l.includes('"level":20'))).toBe(true); // debug lines included
    expect(output).toContain(String(result.portals[0]));
    expect(result.personal.length).toBeGreaterThan(40);
    expect(result.tokens.length).toBe(4);
  });

  it('no email address or phone number of any contact appears in the logs', () => {
    const found = result.personal.flatMap((v) => variants(v).filter((x) => x.length >= 6 && output.toLowerCase().includes(x.toLowerCase())).map((x) => `${v} as ${x}`));
    expect(found).toEqual([]);
    // Nor anything shaped like one (the log's own scrubber would show [email]/[phone] instead).
    expect(output.match(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g) ?? []).toEqual([]);
  });

  it('no email address or phone number of any contact is left in Redis (every key of the run\'s prefix, every type)', async () => {
    const dump = await dumpRedisPrefix(REDIS_TEST_URL, `${prefix}:`);
    expect(dump.keys).toBeGreaterThan(3); // queues, rate limits, dedupe keys really were there to scan
    const found = findInDump(dump, result.personal.flatMap((v) => variants(v).filter((x) => x.length >= 6)));
    expect(found).toEqual([]);
    const all = [...dump.byKey.values()].join('\n');
    expect(all.match(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g) ?? []).toEqual([]);
    for (const secret of [...result.tokens, ...result.secrets]) expect(all.includes(secret), 'secret in Redis').toBe(false);
  });

  it('no access token, refresh token, client secret or encryption key appears in the logs', () => {
    for (const secret of [...result.tokens, ...result.secrets]) expect(output.includes(secret), 'secret in logs').toBe(false);
  });

  it('no token or secret is stored in clear in any table, and the installation row holds only sealed values', async () => {
    const c = new pg.Client({ connectionString: DATABASE_TEST_URL });
    await c.connect();
    try {
      const { rows: tables } = await c.query<{ table_name: string }>(`select table_name from information_schema.tables where table_schema = $1`, [db.schema]);
      expect(tables.length).toBeGreaterThan(10);
      const hits: string[] = [];
      for (const { table_name } of tables) {
        const { rows } = await c.query<{ r: string }>(`select t::text as r from "${db.schema}"."${table_name}" t`);
        for (const { r } of rows) for (const secret of [...result.tokens, ...result.secrets]) if (r.includes(secret)) hits.push(table_name);
      }
      expect(hits).toEqual([]);
      const { rows } = await c.query<{ a: string; r: string }>(`select access_token_enc as a, refresh_token_enc as r from "${db.schema}".installations`);
      expect(rows.length).toBe(2);
      for (const row of rows) for (const v of [row.a, row.r]) expect(v.length).toBeGreaterThan(40);
    } finally {
      await c.end();
    }
  });
});

describeWithServices('portal isolation, preference links, headers', { postgres: true, redis: true }, () => {
  let db: ProofDb;
  let s: Stack;
  let a: number;
  let b: number;
  let contactA: string;
  let contactB: string;
  beforeAll(async () => {
    db = await createProofDb();
    s = await startStack({ db, redisUrl: REDIS_TEST_URL });
    a = await s.install();
    b = await s.install();
    contactA = s.standIn.createContact(a, { email: 'alice@portail-a.fr', country: 'France', company: 'A', pg_is_professional: 'true' });
    contactB = s.standIn.createContact(b, { email: 'bob@portail-b.fr', country: 'France', company: 'B', pg_is_professional: 'true' });
    await s.standIn.flushWebhooks();
    await waitFor('both judged', () => Boolean(s.props(a, contactA).pg_evaluated_at && s.props(b, contactB).pg_evaluated_at), 20_000);
  });
  afterAll(async () => {
    await s?.stop();
    await db?.drop();
  });

  async function footprint(portalId: number): Promise<string> {
    const { rows } = await db.query<{ t: string }>(
      `select (select count(*) from contact_consents where portal_id = $1)::text || '/' || (select count(*) from contact_objections where portal_id = $1)::text
        || '/' || (select count(*) from evidence_ledger where portal_id = $1)::text || '/' || coalesce((select md5(s::text) from portal_settings s where portal_id = $1), '-') as t`, [portalId]);
    return rows[0]?.t ?? '';
  }

  it('card, settings, backfill progress and card actions: portal A cannot read or write portal B', async () => {
    const before = await footprint(b);
    const reads = [`/api/portals/${b}/contacts/${contactB}/card`, `/api/portals/${b}/settings`, `/api/portals/${b}/backfill`];
    expect((await s.signed('GET', `/api/portals/${b}/backfill`, { asPortal: b })).status).toBe(200); // the endpoint exists
    for (const p of reads) {
      const res = await s.signed('GET', p, { asPortal: a });
      expect(res.status, p).toBe(403);
      expect(await res.text()).not.toContain('bob@');
    }
    for (const action of ['consents', 'objections', 'rejudge', 'export', 'erase']) {
      const body = action === 'objections' ? JSON.stringify({ channel: 'email' }) : action === 'consents' ? JSON.stringify({ channel: 'email', method: 'web_form', givenAt: '2026-11-01' }) : '{}';
      const res = await s.signed('POST', `/api/portals/${b}/contacts/${contactB}/${action}`, { asPortal: a, body });
      expect(res.status, action).toBe(403);
    }
    expect((await s.signed('PUT', `/api/portals/${b}/settings`, { asPortal: a, body: '{}' })).status).toBe(403);
    // A's own path naming B's contact: HubSpot (called with A's token) does not know it.
    const cross = await s.signed('GET', `/api/portals/${a}/contacts/${contactB}/card`, { asPortal: a });
    const crossText = await cross.text();
    expect(crossText).not.toContain('bob@');
    if (cross.status === 200) {
      // nothing of B's (the levers block is A's own account's, from A's granted scopes)
      const { levers: _ownLevers, ...card } = JSON.parse(crossText) as Record<string, unknown>;
      expect(card).toEqual({ contactId: contactB, judged: false });
    }
    else expect(cross.status).toBeGreaterThanOrEqual(400);
    const crossWrite = await s.signed('POST', `/api/portals/${a}/contacts/${contactB}/erase`, { asPortal: a, body: '{}' });
    expect(crossWrite.status).toBeGreaterThanOrEqual(400);
    expect(s.standIn.getContact(b, contactB)).toBeDefined(); // B's contact untouched
    expect(await footprint(b)).toBe(before);
  });

  it('workflow action for portal A naming B\'s contact judges nothing of B', async () => {
    const uri = `${s.baseUrl}/actions/eligibility`;
    const body = JSON.stringify({ callbackId: 'iso-1', origin: { portalId: a, actionDefinitionId: 1 }, object: { objectId: Number(contactB), objectType: 'CONTACT' }, inputFields: { channel: 'email' } });
    const res = await fetch(uri, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-hubspot-signature': signHubSpotV2({ method: 'POST', uri, rawBody: body, clientSecret: CLIENT_SECRET }), 'x-hubspot-signature-version': 'v2' } });
    const text = await res.text();
    expect(text).not.toContain('bob@');
    if (res.status === 200) expect((JSON.parse(text) as { outputFields: { eligible: boolean } }).outputFields.eligible).toBe(false);
    const { rows } = await db.query<{ n: number }>('select count(*)::int as n from contact_state where portal_id = $1 and contact_id = $2', [a, contactB]);
    expect(rows[0]?.n).toBe(0);
  });

  it('preference centre: a link works only for its own portal, contact and address', async () => {
    const key = derivePreferenceKey(CLIENT_SECRET);
    const before = await footprint(b);
    // A genuine-looking link for portal A naming B's contact: A's HubSpot has no such contact.
    const crossLink = `${s.baseUrl}/p/${createPreferenceToken(key, { portalId: a, contactId: contactB, email: 'bob@portail-b.fr' })}`;
    expect((await fetch(crossLink)).status).toBe(404);
    expect((await fetch(`${crossLink}/unsubscribe`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' })).status).toBe(404);
    // B's own link bound to another address than the contact's: refused.
    expect((await fetch(`${s.baseUrl}/p/${createPreferenceToken(key, { portalId: b, contactId: contactB, email: 'autre@portail-b.fr' })}`)).status).toBe(404);
    expect(await footprint(b)).toBe(before);
    expect((await fetch(`${s.baseUrl}/p/${createPreferenceToken(key, { portalId: b, contactId: contactB, email: 'bob@portail-b.fr' })}`)).status).toBe(200);
  });

  it('preference tokens: unforgeable without the key, tamper-evident, and expiring', async () => {
    const key = derivePreferenceKey(CLIENT_SECRET);
    const genuine = createPreferenceToken(key, { portalId: a, contactId: contactA, email: 'alice@portail-a.fr' });
    fc.assert(fc.property(fc.string({ minLength: 8, maxLength: 40 }), fc.integer({ min: 1, max: 2 ** 40 }), fc.stringMatching(/^\d{1,15}$/), (secret, p, c) => {
      fc.pre(secret !== CLIENT_SECRET);
      const forged = createPreferenceToken(derivePreferenceKey(secret), { portalId: p, contactId: c, email: null });
      expect(verifyPreferenceToken(key, forged).ok).toBe(false);
    }), { numRuns: 200 });
    // Claims of one genuine token with the signature of another: refused.
    const otherGenuine = createPreferenceToken(key, { portalId: b, contactId: contactB, email: 'bob@portail-b.fr' });
    const spliced = `${otherGenuine.split('.')[0]}.${genuine.split('.')[1]}`;
    expect(verifyPreferenceToken(key, spliced)).toEqual({ ok: false, reason: 'bad_signature' });
    expect((await fetch(`${s.baseUrl}/p/${spliced}`)).status).toBe(404);

    const expired = createPreferenceToken(key, { portalId: a, contactId: contactA, email: 'alice@portail-a.fr', ttlSeconds: 60, now: new Date(Date.now() - 3_600_000) });
    expect(verifyPreferenceToken(key, expired)).toEqual({ ok: false, reason: 'expired' });
    const before = await footprint(a);
    expect((await fetch(`${s.baseUrl}/p/${expired}`)).status).toBe(410);
    const post = await fetch(`${s.baseUrl}/p/${expired}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: s.baseUrl }, body: new URLSearchParams({ token: expired, action: 'object_all' }).toString() });
    expect(post.status).toBe(410);
    expect(await footprint(a)).toBe(before);
  });

  it('preference-centre forms posted from another site are refused (403) and write nothing', async () => {
    const key = derivePreferenceKey(CLIENT_SECRET);
    const token = createPreferenceToken(key, { portalId: a, contactId: contactA, email: 'alice@portail-a.fr' });
    const before = await footprint(a);
    const body = new URLSearchParams({ token, action: 'object_all' }).toString();
    for (const headers of [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site', origin: s.baseUrl }]) {
      const res = await fetch(`${s.baseUrl}/p/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '198.51.100.9', ...headers }, body });
      expect(res.status, JSON.stringify(headers)).toBe(403);
    }
    expect(await footprint(a)).toBe(before);
  });

  it('the preference centre limits guessing: past 60 requests a minute from one address, 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 65; i++) {
      statuses.push((await fetch(`${s.baseUrl}/p/guess${i}.abc`, { headers: { 'x-forwarded-for': '203.0.113.77' } })).status);
    }
    expect(statuses.slice(0, 60).every((x) => x === 404)).toBe(true);
    expect(statuses.slice(60).every((x) => x === 429)).toBe(true);
    expect((await fetch(`${s.baseUrl}/p/guess.abc`, { headers: { 'x-forwarded-for': '203.0.113.78' } })).status).toBe(404); // others unaffected
  });

  it('public pages carry strict security headers; no page announces the framework', async () => {
    const key = derivePreferenceKey(CLIENT_SECRET);
    const good = `${s.baseUrl}/p/${createPreferenceToken(key, { portalId: a, contactId: contactA, email: 'alice@portail-a.fr' })}`;
    for (const url of [good, `${s.baseUrl}/p/not-a-token`, `${good}/unsubscribe`]) {
      const res = await fetch(url);
      const h = res.headers;
      expect(h.get('content-security-policy'), url).toMatch(/default-src 'none'/);
      expect(h.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(h.get('x-frame-options')).toBe('DENY');
      expect(h.get('x-content-type-options')).toBe('nosniff');
      expect(h.get('referrer-policy')).toBe('no-referrer');
      expect(h.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
      expect(h.get('cache-control')).toBe('no-store');
      expect(h.get('x-powered-by')).toBeNull();
    }
    for (const p of ['/healthz', '/oauth/install', '/webhooks/hubspot', '/nowhere']) {
      const res = await fetch(s.baseUrl + p, { redirect: 'manual' });
      expect(res.headers.get('x-powered-by'), p).toBeNull();
      expect(res.headers.get('x-content-type-options'), p).toBe('nosniff');
      expect(res.headers.get('content-security-policy'), p).toBeTruthy();
    }
  });
});

describe('dependencies (offline review: lockfile sources, install scripts, pinned advisory snapshot)', () => {
  it('the project\'s lockfile has no blocking finding', () => {
    const { findings, packages } = reviewProject(path.resolve('.'));
    expect(packages).toBeGreaterThan(100);
    expect(findings.filter((f) => f.blocking).map((f) => `${f.kind} ${f.package}: ${f.detail}`)).toEqual([]);
  });

  it('flags a vulnerable version, a foreign source and an unreviewed install script', () => {
    const snapshot = { snapshotDate: '2026-12-02', advisories: [
      { id: 'GHSA-rv95-896h-c2vc', package: 'express', vulnerable: '<4.19.2', severity: 'moderate' as const, summary: 'Open redirect' },
      { id: 'GHSA-67mh-4wv8-2f99', package: 'esbuild', vulnerable: '<=0.24.2', severity: 'moderate' as const, summary: 'Dev server' },
    ] };
    const integrity = 'sha512-AAAA';
    const findings = reviewDependencies({ lockfileVersion: 3, packages: {
      '': {},
      'node_modules/express': { version: '4.17.1', integrity },
      'node_modules/a/node_modules/express': { version: '5.3.0', integrity },
      'node_modules/esbuild': { version: '0.20.0', integrity, dev: true },
      'node_modules/left-pad': { version: '1.0.0', resolved: 'git+ssh://git@example.com/left-pad.git', integrity },
      'node_modules/postinstaller': { version: '1.0.0', integrity, hasInstallScript: true },
      'node_modules/node': { version: '24.0.0', integrity, hasInstallScript: true },
    } }, snapshot, { node: true });
    expect(findings.map((f) => [f.kind, f.package, f.blocking])).toEqual([
      ['advisory', 'express@4.17.1', true],
      ['advisory', 'esbuild@0.20.0', false], // a moderate advisory of a development tool is a note
      ['source', 'left-pad', true],
      ['install_script', 'postinstaller', true],
    ]);
    expect(findings[0]?.detail).toMatch(/GHSA-rv95-896h-c2vc \(moderate, production\)/);
  });
});
