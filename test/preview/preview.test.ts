// The preview in Debian's Chromium: the demo's product (stand-in HubSpot, PGlite), the preview server signing
// hubspot.fetch like HubSpot, and the real card, settings page and app pages rendered through the web renderer.
// Every view: no unsupported component, no page error, the figures the backend holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { runDemo, waitForQuiet, type DemoStack } from '../../scripts/demo.ts';
import { startDemoPreview, type PreviewLinks } from '../../scripts/preview/demo-preview.ts';
import { launchChromium, openView } from '../../scripts/preview/screenshots.ts';

let stack: DemoStack;
let links: PreviewLinks;
let browser: Browser;
const errors: string[] = [];

beforeAll(async () => {
  stack = await runDemo({ once: true, contacts: 60, quiet: true });
  links = await startDemoPreview(stack, { settle: () => waitForQuiet(stack, 60_000) });
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await links?.preview.close();
  await stack?.stop();
});

async function view(hash: string, lang: 'en' | 'fr' = 'en', width = 1280): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  page.on('pageerror', (e) => errors.push(`${hash}: ${e.message}`));
  await openView(page, links.preview.url, hash, lang);
  expect(await page.locator('[data-unsupported]').count(), `unsupported component in ${hash}`).toBe(0);
  return page;
}
const idOf = (example: string) => links.contacts.find((c) => c.example === example)?.id;

describe('npm run preview in Chromium', () => {
  it('offers the four example contacts', () => {
    expect(links.contacts.map((c) => c.example)).toEqual(['compliant', 'blocked', 'expired', 'objected']);
  });

  it('renders the card of each example contact with its status, from the backend through a v3-signed request', async () => {
    const expected: Record<string, RegExp> = { compliant: /Compliant|At risk/, blocked: /Blocked|Compliant|At risk/, expired: /Expired/, objected: /Objected/ };
    for (const c of links.contacts) {
      const page = await view(`card=${c.id}`);
      const text = await page.locator('#extension').innerText();
      expect(text, c.example).toMatch(expected[c.example] as RegExp);
      expect(text).toContain('Channels');
      expect(await page.locator('#extension .hs-button-primary').count()).toBe(1);
      await page.close();
    }
    const objected = await view(`card=${idOf('objected')}`, 'fr');
    expect(await objected.locator('#extension').innerText()).toContain('Opposition');
    await objected.close();
  }, 120_000);

  it('renders the settings page with configuration only', async () => {
    const page = await view('settings');
    await page.waitForSelector('[data-testid="settings-save"]');
    expect(await page.locator('#extension .hs-stat').count()).toBe(0);
    expect(await page.locator('#extension').innerText()).toContain('Prospect Guard dashboard');
    await page.close();
  }, 60_000);

  it('renders the dashboard home with the counts the database holds, and navigates to the requests in place', async () => {
    const { rows } = await stack.app.db.query<{ n: number }>('select count(*)::int as n from contact_state where portal_id = $1', [stack.portalId]);
    const page = await view('pages=/');
    const total = await page.locator('[data-testid="home-total"] .hs-stat-number').innerText();
    expect(Number(total.replace(/,/g, ''))).toBe(rows[0]?.n);
    expect(await page.locator('[data-testid="chart-reach"] rect').count()).toBe(7);
    expect(await page.locator('[data-testid="chart-objections"] circle').count()).toBe(12);
    await page.locator('.hs-page-link', { hasText: 'See every request' }).click();
    await page.waitForSelector('[data-testid="requests-table"]');
    expect(page.url()).toContain('#pages=/requests');
    const firstRow = await page.locator('[data-testid="requests-table"] tbody tr').first().innerText();
    expect(firstRow).toMatch(/Erasure[\s\S]*days late/);
    await page.close();
  }, 60_000);

  it('filters the requests and verifies the ledger from the evidence page (French)', async () => {
    const page = await view('pages=/requests');
    await page.selectOption('[data-testid="filter-kind"]', 'access');
    await page.locator('[data-testid="requests-table"] tbody tr', { hasText: 'Erasure' }).waitFor({ state: 'detached' });
    expect(await page.locator('[data-testid="requests-table"] tbody tr').count()).toBe(1);
    await page.close();
    const evidence = await view('pages=/evidence', 'fr');
    await evidence.click('[data-testid="evidence-verify"]');
    await evidence.waitForSelector('[data-testid="evidence-ok"]');
    expect(await evidence.locator('[data-testid="evidence-ok"]').innerText()).toMatch(/Chaîne intacte : \d+ entrées vérifiées/);
    const report = await evidence.locator('[data-testid="evidence-report-en"]').getAttribute('href');
    expect(report).toMatch(/\/evidence-report\//);
    await evidence.close();
  }, 60_000);

  it('keeps hubspot.fetch to the permitted backend URL, as HubSpot does', async () => {
    const res = await fetch(new URL('/preview/hubspot-fetch', links.preview.url), {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: 'https://evil.example/api', method: 'GET' }),
    });
    expect(res.status).toBe(400);
    expect(errors).toEqual([]);
  });
});
