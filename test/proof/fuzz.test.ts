// Generated malformed input against every door the app opens (fast-check, bounded runs so the suite takes
// seconds): the webhook receiver, the card and settings backend, the workflow action, the preference centre and
// the audit parser. Wrong types, huge bodies, deep nesting, invalid UTF-8, odd emails and phone numbers, forged
// and replayed signatures. Invariants: no crash, no 5xx for a client's error, and nothing enqueued or written
// for a refused input. The web process runs with consume: false, so every job it enqueues stays countable.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithServices, REDIS_TEST_URL } from '../support/services.ts';
import { CLIENT_SECRET, createProofDb, startStack, waitFor, type ProofDb, type Stack } from './support/stack.ts';
import { settleAndReconcile } from './support/reconcile.ts';
import { signHubSpotV2, signHubSpotV3 } from '../../src/hubspot/signature.ts';
import { auditStream } from '../../src/audit/audit-stream.ts';
import { normalisePhone, parseContactFacts } from '../../src/engine/index.ts';
import { createPreferenceToken, derivePreferenceKey } from '../../src/preferences/token.ts';

const RUNS = Number(process.env.PROOF_FUZZ_RUNS ?? 150);

/** Values of every JSON type and a few that are not JSON at all once stringified. */
const anyJson = fc.jsonValue({ maxDepth: 4 });
const weirdString = fc.oneof(
  fc.string({ maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\uFFFF', '\uD800', '@', 'a@b', 'a@@b.fr', '"quoted"@x.fr', 'x@[127.0.0.1]', 'ß@ü.de', '+', '+33', '+33 6 12 34 56 78',
    '06.12.34.56.78', '00336123456789012345', 'tel:+33612345678', '<script>alert(1)</script>', "' or 1=1 --", '../../etc/passwd', '%00', 'NaN', '1e309', '-0'),
);
const oddEmail = fc.oneof(fc.emailAddress(), weirdString, fc.tuple(weirdString, weirdString).map(([a, b]) => `${a}@${b}`));
const oddPhone = fc.oneof(weirdString, fc.stringMatching(/^\+?[0-9 ().-]{0,30}$/));
const wrongType = fc.oneof(anyJson, fc.constant(null), fc.boolean(), fc.double(), fc.array(fc.integer(), { maxLength: 3 }), weirdString);

function deepArray(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

describeWithServices('fuzzing the HTTP surface', { postgres: true, redis: true }, () => {
  let db: ProofDb;
  let s: Stack;
  let portalId: number;
  let otherPortal: number;
  let contactId: string;
  let forwarded = 0;
  const nextIp = () => `10.${(forwarded >> 16) & 255}.${(forwarded >> 8) & 255}.${forwarded++ & 255}`;

  beforeAll(async () => {
    db = await createProofDb();
    s = await startStack({ db, redisUrl: REDIS_TEST_URL, consume: false });
    portalId = await s.install();
    otherPortal = await s.install();
    contactId = s.standIn.createContact(portalId, { email: 'fuzz.cible@acme-industrie.fr', country: 'France', company: 'Acme', pg_is_professional: 'true' });
    // Both installs queue their backfill once bootstrapped: wait for that before counting jobs.
    await waitFor('backfills queued', async () => (await s.app.pipeline?.queue.pending()) === 2, 20_000);
    await s.standIn.flushWebhooks();
  });
  afterAll(async () => {
    await s?.stop();
    await db?.drop();
  });

  const queued = async () => (await s.app.pipeline?.queue.pending()) ?? 0;
  /** Rows anything could write for a request: evidence, objections, consents, ledger, DSRs, settings. */
  async function written(): Promise<string> {
    const { rows } = await db.query<{ t: string }>(
      `select (select count(*) from contact_consents)::text || '/' || (select count(*) from contact_objections)::text || '/' ||
              (select count(*) from evidence_ledger)::text || '/' || (select count(*) from suppression_entries)::text || '/' ||
              (select count(*) from processed_events)::text || '/' ||
              coalesce((select md5(string_agg(s::text, ',')) from portal_settings s), '-') as t`);
    return rows[0]?.t ?? '';
  }

  describe('webhook receiver', () => {
    it('arbitrary bytes, correctly signed: 200 or 400, and a job only for a 200 with events', async () => {
      await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (bytes) => {
        const before = await queued();
        const timestamp = Date.now();
        const uri = `${s.baseUrl}/webhooks/hubspot`;
        const body = Buffer.from(bytes);
        const res = await fetch(uri, {
          method: 'POST', body,
          headers: {
            'content-type': 'application/json', 'x-hubspot-request-timestamp': String(timestamp),
            'x-hubspot-signature-v3': signHubSpotV3({ method: 'POST', uri, rawBody: body as unknown as string /* the digest takes the exact bytes */, timestamp, clientSecret: CLIENT_SECRET }),
          },
        });
        expect([200, 400]).toContain(res.status);
        if (res.status !== 200) expect(await queued()).toBe(before);
      }), { numRuns: RUNS });
    });

    it('JSON of the wrong shape (wrong types in real events, random documents): 400 and nothing queued', async () => {
      const fields = ['eventId', 'subscriptionId', 'portalId', 'appId', 'occurredAt', 'subscriptionType', 'attemptNumber', 'objectId', 'propertyName', 'propertyValue', 'changeSource', 'mergedObjectIds'];
      const mutated = fc.record({ field: fc.constantFrom(...fields), value: wrongType, n: fc.integer({ min: 1, max: 5 }) });
      await fc.assert(fc.asyncProperty(fc.oneof(anyJson.map((doc) => ({ doc })), mutated.map((m) => ({ m }))), async (input) => {
        let doc: unknown;
        if ('doc' in input) doc = input.doc;
        else {
          const base = { eventId: 1, subscriptionId: 2, portalId, appId: 3, occurredAt: Date.now(), subscriptionType: 'contact.propertyChange', attemptNumber: 0, objectId: Number(contactId), propertyName: 'email', propertyValue: 'x@y.fr', changeSource: 'CRM_UI' };
          doc = Array.from({ length: input.m.n }, () => ({ ...base, [input.m.field]: input.m.value }));
        }
        const body = JSON.stringify(doc) ?? 'undefined';
        const before = await queued();
        const res = await s.deliver(body);
        expect(res.status).toBeLessThan(500);
        const after = await queued();
        if (res.status === 200) {
          const { accepted } = await res.json() as { accepted: number };
          expect(after - before).toBe(accepted > 0 ? 1 : 0); // one durable job per delivery with events
        } else {
          expect(res.status).toBe(400);
          expect(after).toBe(before);
          // The refusal names the field, never echoes the value (it may be personal data).
          if ('m' in input && typeof input.m.value === 'string' && input.m.value.length >= 8) expect(await res.text()).not.toContain(input.m.value);
        }
      }), { numRuns: RUNS });
    });

    it('forged, re-signed with another secret, and replayed deliveries: 401/400 and nothing queued', async () => {
      const valid = JSON.stringify([{ eventId: 77, subscriptionId: 2, portalId, appId: 3, occurredAt: Date.now(), subscriptionType: 'contact.creation', attemptNumber: 0, objectId: Number(contactId), changeSource: 'CRM_UI' }]);
      const uri = `${s.baseUrl}/webhooks/hubspot`;
      const attack = fc.oneof(
        fc.string({ maxLength: 90 }).map((sig) => ({ sig, ts: Date.now() })),
        fc.string({ minLength: 1, maxLength: 30 }).map((secret) => ({ sig: signHubSpotV3({ method: 'POST', uri, rawBody: valid, timestamp: Date.now(), clientSecret: `x${secret}` }), ts: Date.now() })),
        // A genuine signature captured and replayed more than five minutes later (or dated in the future).
        fc.integer({ min: 5 * 60_000 + 1000, max: 30 * 24 * 3_600_000 }).chain((age) => fc.constantFrom(-1, 1).map((sign) => {
          const ts = Date.now() - sign * age;
          return { sig: signHubSpotV3({ method: 'POST', uri, rawBody: valid, timestamp: ts, clientSecret: CLIENT_SECRET }), ts };
        })),
      );
      await fc.assert(fc.asyncProperty(attack, async ({ sig, ts }) => {
        const before = await queued();
        const res = await s.deliver(valid, { signature: sig, timestamp: ts });
        expect([400, 401]).toContain(res.status);
        expect(await queued()).toBe(before);
      }), { numRuns: RUNS });
    });

    it('huge, deeply nested and invalid UTF-8 bodies are refused cleanly', async () => {
      const before = await queued();
      expect((await s.deliver('['.padEnd(2 * 1024 * 1024, ' ') + ']')).status).toBe(413);
      expect((await s.deliver(deepArray(100_000))).status).toBe(400);
      expect((await s.deliver(`[{"a":"${'\\u00e9'.repeat(10)}"}]`.replace('a', '\uD800'))).status).toBe(400);
      const invalidUtf8 = Buffer.concat([Buffer.from('[{"eventId":1,"x":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}]')]);
      const timestamp = Date.now();
      const uri = `${s.baseUrl}/webhooks/hubspot`;
      const res = await fetch(uri, { method: 'POST', body: invalidUtf8, headers: { 'content-type': 'application/json', 'x-hubspot-request-timestamp': String(timestamp), 'x-hubspot-signature-v3': 'irrelevant' } });
      expect(res.status).toBe(401); // the signature is checked on the bytes first
      expect(await queued()).toBe(before);
      expect((await fetch(`${s.baseUrl}/healthz`)).status).toBe(200); // still serving
    });

    it('huge bodies on the card, settings, workflow action and preference centre: 4xx, nothing written', async () => {
      const before = await written();
      const big = JSON.stringify({ channel: 'email', pad: 'x'.repeat(2 * 1024 * 1024) });
      const card = await s.signed('POST', `/api/portals/${portalId}/contacts/${contactId}/objections`, { asPortal: portalId, body: big });
      expect(card.status).toBe(413);
      expect((await s.signed('PUT', `/api/portals/${portalId}/settings`, { asPortal: portalId, body: big })).status).toBe(413);
      const action = await fetch(`${s.baseUrl}/actions/eligibility`, { method: 'POST', body: big, headers: { 'content-type': 'application/json', 'x-hubspot-signature': 'x' } });
      expect(action.status).toBe(413);
      const key = derivePreferenceKey(CLIENT_SECRET);
      const token = createPreferenceToken(key, { portalId, contactId, email: 'fuzz.cible@acme-industrie.fr' });
      const form = await fetch(`${s.baseUrl}/p/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: s.baseUrl, 'x-forwarded-for': nextIp() },
        body: new URLSearchParams({ token, action: 'object', channels: 'email', pad: 'y'.repeat(100_000) }).toString() });
      expect(form.status).toBe(413);
      const oneClick = await fetch(`${s.baseUrl}/p/${token}/unsubscribe`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': nextIp() },
        body: `List-Unsubscribe=One-Click&pad=${'z'.repeat(50_000)}` });
      expect(oneClick.status).toBe(413);
      expect(await written()).toBe(before);
    });
  });

  describe('card, settings and workflow action', () => {
    const cardPaths = ['consents', 'objections', 'rejudge', 'export', 'erase'];

    it('random bodies on every card and settings write: < 500, and a refusal writes nothing', async () => {
      const body = fc.oneof(anyJson.map((j) => JSON.stringify(j) ?? ''), fc.string({ maxLength: 200 }),
        fc.record({ channel: wrongType, method: wrongType, givenAt: wrongType, proof: wrongType }).map((o) => JSON.stringify(o)),
        fc.constant(deepArray(5000)));
      await fc.assert(fc.asyncProperty(fc.constantFrom(...cardPaths, 'settings'), body, async (which, raw) => {
        const before = await written();
        const res = which === 'settings'
          ? await s.signed('PUT', `/api/portals/${portalId}/settings`, { asPortal: portalId, body: raw })
          : await s.signed('POST', `/api/portals/${portalId}/contacts/${contactId}/${which}`, { asPortal: portalId, body: raw });
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) expect(await written()).toBe(before);
      }), { numRuns: RUNS });
    });

    it('random path segments and query strings: never 5xx, never another portal', async () => {
      const segment = fc.oneof(fc.string({ maxLength: 30 }), fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String), fc.constantFrom('0', '-1', '1e3', '%2e%2e', '..', 'NaN', String(otherPortal)));
      await fc.assert(fc.asyncProperty(segment, segment, async (p, c) => {
        const path = `/api/portals/${encodeURIComponent(p)}/contacts/${encodeURIComponent(c)}/card`;
        const res = await s.signed('GET', path, { asPortal: portalId });
        expect(res.status).toBeLessThan(500);
        if (p !== String(portalId)) expect([400, 403, 404]).toContain(res.status);
      }), { numRuns: RUNS });
    });

    it('forged and replayed signatures on the card: 401, nothing written', async () => {
      const path = `/api/portals/${portalId}/contacts/${contactId}/objections?portalId=${portalId}&userId=1`;
      const raw = JSON.stringify({ channel: 'email' });
      const before = await written();
      await fc.assert(fc.asyncProperty(fc.oneof(
        fc.string({ maxLength: 60 }).map((sig) => ({ sig, ts: Date.now() })),
        fc.integer({ min: 301_000, max: 10 ** 9 }).map((age) => ({ sig: signHubSpotV3({ method: 'POST', uri: s.baseUrl + path, rawBody: raw, timestamp: Date.now() - age, clientSecret: CLIENT_SECRET }), ts: Date.now() - age })),
      ), async ({ sig, ts }) => {
        const res = await fetch(s.baseUrl + path, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', 'x-hubspot-signature-v3': sig, 'x-hubspot-request-timestamp': String(ts) } });
        expect([400, 401]).toContain(res.status);
      }), { numRuns: Math.ceil(RUNS / 2) });
      expect(await written()).toBe(before);
    });

    it('workflow action: random payloads with a valid v2 signature get < 500; bad signatures 401', async () => {
      const uri = `${s.baseUrl}/actions/eligibility`;
      await fc.assert(fc.asyncProperty(fc.oneof(anyJson.map((j) => JSON.stringify(j) ?? ''),
        fc.record({ origin: fc.record({ portalId: wrongType }), object: fc.record({ objectId: wrongType, objectType: wrongType }), inputFields: wrongType }).map((o) => JSON.stringify(o))),
      fc.boolean(), async (raw, forge) => {
        const sig = forge ? signHubSpotV2({ method: 'POST', uri, rawBody: raw, clientSecret: 'not-the-secret' }) : signHubSpotV2({ method: 'POST', uri, rawBody: raw, clientSecret: CLIENT_SECRET });
        const res = await fetch(uri, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', 'x-hubspot-signature': sig, 'x-hubspot-signature-version': 'v2' } });
        expect(res.status).toBeLessThan(500);
        if (forge) expect(res.status).toBe(401);
      }), { numRuns: RUNS });
    });
  });

  describe('every endpoint', () => {
    it('random content types, content encodings and bytes: never a 5xx, nothing written', async () => {
      const key = derivePreferenceKey(CLIENT_SECRET);
      const token = createPreferenceToken(key, { portalId, contactId, email: 'fuzz.cible@acme-industrie.fr' });
      const endpoints = [
        { method: 'POST', path: '/webhooks/hubspot' },
        { method: 'POST', path: `/api/portals/${portalId}/contacts/${contactId}/objections?portalId=${portalId}` },
        { method: 'PUT', path: `/api/portals/${portalId}/settings?portalId=${portalId}` },
        { method: 'POST', path: '/actions/eligibility' },
        { method: 'POST', path: `/p/${token}` },
        { method: 'POST', path: `/p/${token}/unsubscribe` },
        { method: 'POST', path: '/oauth/callback' },
      ];
      await fc.assert(fc.asyncProperty(
        fc.constantFrom(...endpoints),
        fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain; charset=utf-16', 'application/json; charset=koi8-r', 'image/png', ''),
        fc.constantFrom(undefined, 'gzip', 'deflate', 'br', 'identity', 'x-unknown'),
        fc.uint8Array({ maxLength: 600 }),
        async (endpoint, type, encoding, bytes) => {
          const before = await written();
          const headers: Record<string, string> = { 'x-forwarded-for': nextIp(), origin: s.baseUrl };
          if (type) headers['content-type'] = type;
          if (encoding) headers['content-encoding'] = encoding;
          const res = await fetch(s.baseUrl + endpoint.path, { method: endpoint.method, headers, body: Buffer.from(bytes) });
          expect(res.status, `${endpoint.method} ${endpoint.path} ${type} ${encoding ?? ''}`).toBeLessThan(500);
          expect(await written()).toBe(before);
        }), { numRuns: RUNS });
    });
  });

  describe('preference centre', () => {
    it('random and tampered tokens, random forms: < 500, and only a genuine token writes', async () => {
      const key = derivePreferenceKey(CLIENT_SECRET);
      const good = createPreferenceToken(key, { portalId, contactId, email: 'fuzz.cible@acme-industrie.fr' });
      const otherKey = derivePreferenceKey('another-secret-entirely');
      const token = fc.oneof(
        fc.string({ maxLength: 120 }),
        fc.stringMatching(/^[A-Za-z0-9_-]{1,80}\.[A-Za-z0-9_-]{1,60}$/),
        fc.integer({ min: 0, max: good.length - 1 }).chain((i) => fc.constantFrom(...'AZaz09-_'.split('')).map((ch) => good.slice(0, i) + ch + good.slice(i + 1)).filter((t) => t !== good)),
        fc.record({ p: fc.oneof(fc.constant(otherPortal), fc.integer()), c: fc.oneof(fc.constant(contactId), fc.string({ maxLength: 12 })) })
          .map(({ p, c }) => createPreferenceToken(otherKey, { portalId: Math.abs(p) || 1, contactId: /^\d+$/.test(c) ? c : '1', email: null })),
      );
      const form = fc.dictionary(fc.constantFrom('token', 'action', 'channels', 'lang', 'List-Unsubscribe', 'x'), fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('object', 'object_all', 'access', 'erasure', 'email', 'all', 'One-Click')), { maxKeys: 5 });
      await fc.assert(fc.asyncProperty(token, form, fc.constantFrom('GET', 'POST', 'POST-unsub'), async (t, fields, how) => {
        const before = await written();
        const path = `/p/${encodeURIComponent(t)}${how === 'POST-unsub' ? '/unsubscribe' : ''}`;
        const res = await fetch(s.baseUrl + path, {
          method: how === 'GET' ? 'GET' : 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': nextIp(), origin: s.baseUrl },
          ...(how === 'GET' ? {} : { body: new URLSearchParams({ ...fields, ...(fields.token === undefined ? {} : { token: t }) }).toString() }),
        });
        expect(res.status).toBeLessThan(500);
        if (t !== good) expect(await written()).toBe(before);
        // 429: the same invalid token generated more than 10 times in a minute (invalid attempts are limited per token).
        if (t !== good) expect([400, 403, 404, 410, 429]).toContain(res.status);
      }), { numRuns: RUNS });
    });
  });
});

describeWithServices('odd contact data through the whole pipeline', { postgres: true, redis: true }, () => {
  let db: ProofDb;
  let s: Stack;
  beforeAll(async () => {
    db = await createProofDb();
    s = await startStack({ db, redisUrl: REDIS_TEST_URL });
  });
  afterAll(async () => {
    await s?.stop();
    await db?.drop();
  });

  it('contacts with generated odd emails, phones, countries and dates are all judged; none blocks its batch', async () => {
    const portalId = await s.install();
    const odd = fc.record({
      email: oddEmail, phone: oddPhone, mobilephone: oddPhone, country: fc.oneof(weirdString, fc.constantFrom('France', 'FR', 'Deutschland', 'XX')),
      company: weirdString, jobtitle: weirdString, pg_collected_at: fc.oneof(weirdString, fc.constantFrom('2026-02-30', '1900-01-01', '9999-12-31', '2026-11-23')),
      pg_is_professional: fc.oneof(weirdString, fc.constantFrom('true', 'false')), pg_source_kind: weirdString, pg_last_prospect_contact_at: weirdString,
    });
    const samples = fc.sample(odd, { numRuns: Math.min(RUNS, 150), seed: 4242 });
    // Stored as given (the stand-in does not validate unless asked), as a careless import would leave them. The
    // stand-in itself throws on a few date values (e.g. digits beyond Date's range): those samples are skipped.
    const ids = samples.flatMap((props) => { try { return [s.standIn.createContact(portalId, props)]; } catch { return []; } });
    expect(ids.length).toBeGreaterThan(samples.length * 0.8);
    await s.standIn.flushWebhooks();
    await waitFor('every odd contact judged', () => ids.every((id) => s.props(portalId, id).pg_evaluated_at), 30_000);
    expect(ids.filter((id) => !s.props(portalId, id).pg_status)).toEqual([]);
    expect((await settleAndReconcile(s, portalId, {}, 20_000)).problems).toEqual([]);
  });
});

describe('audit parser and engine input (no services)', () => {
  async function drain(text: string, input: 'jsonl' | 'csv'): Promise<number> {
    let n = 0;
    for await (const r of auditStream(Readable.from([Buffer.from(text)]), { input, at: new Date('2026-11-23T00:00:00Z'), jurisdiction: 'FR', targetRoles: [], maxLineChars: 10_000 })) {
      expect(r.verdict !== undefined || r.error !== undefined).toBe(true);
      n += 1;
    }
    return n;
  }

  it('random text as JSON lines and CSV: never throws, one result per record', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.oneof(fc.string({ maxLength: 80 }), anyJson.map((j) => JSON.stringify(j) ?? ''), fc.string({ unit: 'binary', maxLength: 40 })), { maxLength: 12 }), async (lines) => {
      const text = lines.join('\n');
      await drain(text, 'jsonl');
      await drain(`email;phone;country\n${text}`, 'csv');
    }), { numRuns: RUNS });
  });

  it('odd emails and phone numbers in otherwise valid records: a verdict or a named error, never a throw', async () => {
    await fc.assert(fc.asyncProperty(oddEmail, oddPhone, fc.constantFrom('FR', 'DE', 'XX', '', 'France', '🇫🇷'), async (email, phone, country) => {
      const line = JSON.stringify({ id: 'c1', email, phone, country, source: { kind: 'trade_show', collectedAt: '2026-01-10' } });
      expect(await drain(line, 'jsonl')).toBe(1);
      const parsed = parseContactFacts({ id: 'c1', email, phone, country });
      if (!parsed.ok) expect(parsed.error.length).toBeGreaterThan(0);
      expect(() => normalisePhone(phone, country.length === 2 ? country : 'FR')).not.toThrow();
    }), { numRuns: RUNS * 2 });
  });

  it('invalid UTF-8, a line over the limit and a deep document are reported per line, the rest still judged', async () => {
    const good = JSON.stringify({ id: 'ok', email: 'jean@acme-industrie.fr', country: 'FR' });
    const bytes = Buffer.concat([Buffer.from(`${good}\n`), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from(`${'x'.repeat(20_000)}\n${deepArray(50_000)}\n${good}\n`)]);
    const records = [];
    for await (const r of auditStream(Readable.from([bytes]), { input: 'jsonl', at: new Date('2026-11-23T00:00:00Z'), jurisdiction: 'FR', targetRoles: [], maxLineChars: 10_000 })) records.push(r);
    expect(records.filter((r) => r.verdict).length).toBe(2);
    expect(records.filter((r) => r.error).length).toBe(3);
  });
});
