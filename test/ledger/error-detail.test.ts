// Issue 14.4: a failed write-back's error detail carried the request URL with the address percent-encoded
// (jane%40example.fr), which the ledger's personal-data guard did not see.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/db.ts';
import { createEnforcement } from '../../src/enforcement/wiring.ts';
import { assertNoClearContactData, decodedForms, LedgerPayloadError } from '../../src/ledger/ledger.ts';
import { ledgerErrorDetail } from '../../src/ledger/error-detail.ts';
import { HubSpotApiError } from '../../src/enforcement/hubspot-api.ts';
import type { HubSpotRequest } from '../../src/enforcement/ports.ts';

describe('personal data in ledger error details', () => {
  let db: TestDb;
  beforeAll(async () => { db = await createTestDb('pglite'); });
  afterAll(async () => { await db?.drop(); });

  it('the guard decodes before it checks', () => {
    for (const text of [
      'POST /communication-preferences/v4/statuses/jane%40example.fr/unsubscribe-all -> 500',
      'jane%2540example.fr', // encoded twice
      'https://x.test/?email=jane%40example%2Efr&bad=%E0%A4%A', // a malformed escape next to a good one
      'jane&#64;example.fr',
    ]) {
      expect(() => assertNoClearContactData({ detail: text }), text).toThrow(LedgerPayloadError);
    }
    expect(() => assertNoClearContactData({ detail: 'HubSpotApiError status=500', rate: '100%' })).not.toThrow();
    expect(decodedForms('a%2540b')).toEqual(['a%2540b', 'a%40b', 'a@b']);
  });

  it('error details are codes and statuses, never the message', () => {
    const err = new HubSpotApiError('POST /communication-preferences/v4/statuses/jane%40example.fr/unsubscribe-all -> 500: boom', 500, 'INTERNAL_ERROR');
    expect(ledgerErrorDetail(err)).toBe('HubSpotApiError status=500 category=INTERNAL_ERROR');
    const net = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443 https://api.hubapi.com/x?email=a%40b.fr'), { code: 'ECONNREFUSED' });
    expect(ledgerErrorDetail(net)).toBe('Error code=ECONNREFUSED');
    expect(ledgerErrorDetail('a@b.fr')).toBe('error');
  });

  it('a failed v4 write-back leaves no address (clear or encoded) and no URL in the ledger', async () => {
    const requests: HubSpotRequest[] = [];
    const requester = async (_p: number, req: HubSpotRequest) => {
      requests.push(req);
      if (req.path.includes('/v4/statuses/')) return { status: 500, body: { message: 'internal', category: 'INTERNAL_ERROR' } };
      if (req.path.endsWith('/v3/definitions')) return { status: 200, body: { subscriptionDefinitions: [{ id: '7', name: 'Sales', communicationMethod: 'EMAIL' }] } };
      return { status: 200, body: {} };
    };
    const enf = createEnforcement({ db, requester });
    const result = await enf.objections.recordObjection({
      portalId: 41, contactId: '5', channels: ['email'], origin: 'preference_centre', actor: 'preference-centre', email: 'Jane@Example.fr',
    });
    expect(requests.some((r) => r.path.includes('jane%40example.fr'))).toBe(true); // the URL did carry the address
    expect(result.writeback).toMatchObject({ lever: 'unsubscribe_v3', status: 'done', detail: 'v4 failed: HubSpotApiError status=500 category=INTERNAL_ERROR' });
    const stored = JSON.stringify(await enf.ledger.list(41));
    expect(stored).not.toMatch(/jane|%40|\/communication-preferences/i);
    expect(await enf.ledger.verify(41)).toMatchObject({ ok: true, entries: 2 });
  });
});
