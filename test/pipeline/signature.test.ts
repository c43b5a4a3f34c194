// One correctly signed fixture; each case breaks exactly one thing and must be refused.
import { describe, expect, it } from 'vitest';
import { Signature } from '@hubspot/api-client';
import {
  canonicalV3Uri, publicRequestUri, signHubSpotV2, signHubSpotV3, verifyHubSpotSignatureV2, verifyHubSpotSignatureV3,
} from '../../src/hubspot/signature.ts';

const secret = 'c1d0f5e2-0000-4a4a-9b9b-secret-for-tests';
const now = 1_790_000_000_000;
const uri = 'https://api.prospect-guard.app/webhooks/hubspot';
const body = JSON.stringify([{ eventId: 1, portalId: 62515, objectId: 123, subscriptionType: 'object.creation', occurredAt: now }]);

function fixture() {
  const timestamp = now - 1000;
  return {
    method: 'POST',
    uri,
    rawBody: body,
    timestamp: String(timestamp),
    signature: signHubSpotV3({ method: 'POST', uri, rawBody: body, timestamp, clientSecret: secret }),
    clientSecret: secret,
    now,
  };
}

describe('verifyHubSpotSignatureV3', () => {
  it('accepts the correctly signed fixture (string and Buffer bodies)', () => {
    expect(verifyHubSpotSignatureV3(fixture())).toEqual({ ok: true });
    expect(verifyHubSpotSignatureV3({ ...fixture(), rawBody: Buffer.from(body) })).toEqual({ ok: true });
  });

  it('agrees with @hubspot/api-client Signature.isValid on the same inputs', () => {
    const f = fixture();
    const realNow = Date.now();
    const sig = signHubSpotV3({ method: 'POST', uri, rawBody: body, timestamp: realNow, clientSecret: secret });
    expect(Signature.isValid({ signatureVersion: 'v3', signature: sig, clientSecret: secret, requestBody: body, url: uri, method: 'POST', timestamp: realNow })).toBe(true);
    expect(Signature.isValid({ signatureVersion: 'v3', signature: f.signature, clientSecret: secret, requestBody: body, url: uri, method: 'POST', timestamp: realNow })).toBe(false);
  });

  it('refuses a missing signature header', () => {
    expect(verifyHubSpotSignatureV3({ ...fixture(), signature: undefined })).toMatchObject({ ok: false, status: 401 });
    expect(verifyHubSpotSignatureV3({ ...fixture(), signature: '' })).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses a missing timestamp header', () => {
    expect(verifyHubSpotSignatureV3({ ...fixture(), timestamp: undefined })).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses a timestamp that is not epoch milliseconds', () => {
    expect(verifyHubSpotSignatureV3({ ...fixture(), timestamp: 'yesterday' })).toMatchObject({ ok: false, status: 400 });
  });

  it('refuses a stale timestamp, even with a valid signature over it', () => {
    const timestamp = now - 5 * 60 * 1000 - 1;
    const signature = signHubSpotV3({ method: 'POST', uri, rawBody: body, timestamp, clientSecret: secret });
    expect(verifyHubSpotSignatureV3({ ...fixture(), timestamp: String(timestamp), signature }))
      .toEqual({ ok: false, status: 401, reason: 'request timestamp too old' });
  });

  it('refuses a timestamp too far in the future, even with a valid signature over it', () => {
    const timestamp = now + 5 * 60 * 1000 + 1;
    const signature = signHubSpotV3({ method: 'POST', uri, rawBody: body, timestamp, clientSecret: secret });
    expect(verifyHubSpotSignatureV3({ ...fixture(), timestamp: String(timestamp), signature }))
      .toEqual({ ok: false, status: 401, reason: 'request timestamp in the future' });
  });

  it('accepts a timestamp just inside the window on either side', () => {
    for (const timestamp of [now - 5 * 60 * 1000, now + 5 * 60 * 1000]) {
      const signature = signHubSpotV3({ method: 'POST', uri, rawBody: body, timestamp, clientSecret: secret });
      expect(verifyHubSpotSignatureV3({ ...fixture(), timestamp: String(timestamp), signature })).toEqual({ ok: true });
    }
  });

  it('refuses a timestamp header changed after signing', () => {
    expect(verifyHubSpotSignatureV3({ ...fixture(), timestamp: String(now - 999) })).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses one changed byte of the body', () => {
    expect(verifyHubSpotSignatureV3({ ...fixture(), rawBody: body.replace('123', '124') })).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses another method', () => {
    expect(verifyHubSpotSignatureV3({ ...fixture(), method: 'PUT' })).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses another URI (host, path or query)', () => {
    expect(verifyHubSpotSignatureV3({ ...fixture(), uri: 'https://evil.example/webhooks/hubspot' })).toMatchObject({ ok: false });
    expect(verifyHubSpotSignatureV3({ ...fixture(), uri: `${uri}?x=1` })).toMatchObject({ ok: false });
  });

  it('refuses the wrong client secret', () => {
    expect(verifyHubSpotSignatureV3({ ...fixture(), clientSecret: `${secret}x` })).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses a truncated signature and one that is not base64, without throwing', () => {
    const f = fixture();
    expect(verifyHubSpotSignatureV3({ ...f, signature: f.signature.slice(0, 20) })).toMatchObject({ ok: false, status: 401 });
    expect(verifyHubSpotSignatureV3({ ...f, signature: '!!!not base64!!!' })).toMatchObject({ ok: false, status: 401 });
    expect(verifyHubSpotSignatureV3({ ...f, signature: `${f.signature}AAAA` })).toMatchObject({ ok: false, status: 401 });
  });

  it('decodes exactly the escapes HubSpot lists, and no others', () => {
    expect(canonicalV3Uri('https://h/p?a=%3A%2F%3F%40%21%24%27%28%29%2A%2C%3B')).toBe("https://h/p?a=:/?@!$'()*,;");
    expect(canonicalV3Uri('https://h/p?a=%3a%2f')).toBe('https://h/p?a=:/');
    expect(canonicalV3Uri('https://h/p?a=%20%26%3D%25')).toBe('https://h/p?a=%20%26%3D%25');
    const encoded = 'https://api.prospect-guard.app/api/portals/1/x?email=a%40b.fr&q=%20';
    const decoded = 'https://api.prospect-guard.app/api/portals/1/x?email=a@b.fr&q=%20';
    const timestamp = now;
    const signature = signHubSpotV3({ method: 'GET', uri: decoded, rawBody: '', timestamp, clientSecret: secret });
    expect(verifyHubSpotSignatureV3({ method: 'GET', uri: encoded, rawBody: '', signature, timestamp: String(timestamp), clientSecret: secret, now }))
      .toEqual({ ok: true });
    // The SDK (no decoding) agrees when handed the decoded URI.
    expect(Signature.getSignature('GET', 'v3', { signature, clientSecret: secret, requestBody: '', url: decoded, timestamp })).toBe(signature);
  });

  it('rebuilds the public URI from the base URL', () => {
    expect(publicRequestUri('https://api.prospect-guard.app/', '/webhooks/hubspot?x=1')).toBe('https://api.prospect-guard.app/webhooks/hubspot?x=1');
  });
});

describe('verifyHubSpotSignatureV2', () => {
  const wf = 'https://api.prospect-guard.app/actions/eligibility';
  const v2 = () => ({ method: 'POST', uri: wf, rawBody: body, clientSecret: secret, signature: signHubSpotV2({ method: 'POST', uri: wf, rawBody: body, clientSecret: secret }) });

  it('accepts the correctly signed fixture and agrees with the SDK', () => {
    const f = v2();
    expect(verifyHubSpotSignatureV2(f)).toEqual({ ok: true });
    expect(Signature.isValid({ signatureVersion: 'v2', signature: f.signature, clientSecret: secret, requestBody: body, url: wf, method: 'POST' })).toBe(true);
  });

  it('refuses a missing header, another body, URI or secret, and a non-hex signature', () => {
    expect(verifyHubSpotSignatureV2({ ...v2(), signature: undefined })).toMatchObject({ ok: false, status: 401 });
    expect(verifyHubSpotSignatureV2({ ...v2(), rawBody: `${body} ` })).toMatchObject({ ok: false });
    expect(verifyHubSpotSignatureV2({ ...v2(), uri: `${wf}/x` })).toMatchObject({ ok: false });
    expect(verifyHubSpotSignatureV2({ ...v2(), clientSecret: 'other' })).toMatchObject({ ok: false });
    expect(verifyHubSpotSignatureV2({ ...v2(), signature: 'zz' })).toMatchObject({ ok: false });
  });
});
