// The signed route that gives the card and the dashboard a short-lived link to a report, and the link itself.
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/db.ts';
import { hubspotFetch, NOW, PUBLIC_BASE, SECRET } from '../crm/backend-fakes.ts';
import { ledgerWithAnchor } from '../../src/ledger/verify-command.ts';
import { createReportRouter } from '../../src/reports/report-router.ts';
import { createReportLinkToken, readReportLinkToken, reportLinkKey, REPORT_LINK_TTL_MS } from '../../src/reports/report-link.ts';
import { seedPortal, testSecrets } from './support.ts';

const A = 8101;
const B = 8202;

describe('report links', () => {
  let db: TestDb;
  let dir: string;
  let server: { url: string; close: () => Promise<void> };
  let now = NOW;
  let linkKey: Buffer;
  const rendered: string[] = [];
  beforeAll(async () => {
    db = await createTestDb('pglite');
    dir = mkdtempSync(path.join(os.tmpdir(), 'pg-report-links-'));
    const secrets = testSecrets(dir);
    await seedPortal(db, secrets, A);
    await seedPortal(db, secrets, B);
    await db.query(`update portal_settings set settings = jsonb_set(settings, '{controller,name}', '"Portail B SARL"') where portal_id = $1`, [B]);
    const { ledger, anchor } = ledgerWithAnchor(db, secrets);
    linkKey = reportLinkKey(secrets.hmacKeys);
    const app = express();
    app.use(createReportRouter({
      clientSecret: SECRET, publicBaseUrl: PUBLIC_BASE, installations: { isActive: async (p) => p === A || p === B },
      db, ledger, anchor, linkKey, now: () => now,
      renderPdf: async (html) => { rendered.push(html); return Buffer.from('%PDF-1.7 fake'); },
    }));
    const s = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => s.once('listening', () => resolve()));
    server = { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, close: () => new Promise<void>((resolve) => s.close(() => resolve())) };
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const linkPath = (p: number) => `/api/portals/${p}/reports/links?portalId=${p}&userId=42`;
  const open = (url: string) => fetch(server.url + new URL(url).pathname);

  it('a signed call gets a ten-minute link that opens the portal’s report', async () => {
    now = NOW;
    const res = await hubspotFetch(server, 'POST', linkPath(A), { kind: 'evidence', format: 'html', lang: 'en' });
    expect(res.status).toBe(200);
    expect(res.body.url).toMatch(new RegExp(`^${PUBLIC_BASE}/reports/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`));
    expect(new Date(res.body.expiresAt).getTime() - NOW.getTime()).toBe(REPORT_LINK_TTL_MS);
    const page = await open(res.body.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const html = await page.text();
    expect(html).toContain('Evidence report');
    expect(html).toContain('Atelier Durand &amp; Fils');
    expect(html).not.toContain('Portail B SARL');

    const pdf = await hubspotFetch(server, 'POST', linkPath(B), { kind: 'art30' });
    const doc = await open(pdf.body.url);
    expect(doc.headers.get('content-type')).toBe('application/pdf');
    expect(doc.headers.get('content-disposition')).toBe(`inline; filename="art30-record-${B}.pdf"`);
    expect(rendered.at(-1)).toContain('Portail B SARL');
    expect(rendered.at(-1)).toContain('Fiche de registre'); // French controller: French by default
  });

  it('refuses unsigned or wrongly signed calls, another portal, and bad bodies', async () => {
    now = NOW;
    expect((await hubspotFetch(server, 'POST', linkPath(A), { kind: 'evidence' }, { omitSignature: true })).status).toBe(401);
    expect((await hubspotFetch(server, 'POST', linkPath(A), { kind: 'evidence' }, { secret: 'not-the-secret' })).status).toBe(401);
    expect((await hubspotFetch(server, 'POST', `/api/portals/${A}/reports/links?portalId=${B}`, { kind: 'evidence' })).status).toBe(403);
    expect((await hubspotFetch(server, 'POST', linkPath(A), { kind: 'art30', contactId: '102' })).status).toBe(400);
    expect((await hubspotFetch(server, 'POST', linkPath(A), { kind: 'evidence', contactId: 'abc' })).status).toBe(400);
  });

  it('a link expires, cannot be edited to name another portal, and dies with the installation', async () => {
    now = NOW;
    const res = await hubspotFetch(server, 'POST', linkPath(A), { kind: 'evidence', contactId: '102', format: 'html' });
    const token = new URL(res.body.url).pathname.split('/').at(-1) as string;
    expect(readReportLinkToken(linkKey, token, now)).toMatchObject({ p: A, k: 'evidence', c: '102', f: 'html' });
    const [body, sig] = token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${Buffer.from(JSON.stringify({ ...claims, p: B })).toString('base64url')}.${sig}`;
    expect((await fetch(`${server.url}/reports/${forged}`)).status).toBe(404);
    expect((await fetch(`${server.url}/reports/${token}`)).status).toBe(200);
    now = new Date(NOW.getTime() + REPORT_LINK_TTL_MS + 1);
    expect((await fetch(`${server.url}/reports/${token}`)).status).toBe(404);
    const gone = createReportLinkToken(linkKey, { p: 9999, k: 'evidence', f: 'html' }, now).token;
    expect((await fetch(`${server.url}/reports/${gone}`)).status).toBe(404);
    expect((await fetch(`${server.url}/reports/not-a-token`)).status).toBe(404);
  });
});
