// Issue 12.4 in a real browser (Debian's Chromium via playwright-core): the preference centre in its six languages
// at 375 px (a phone) and 1280 px, a full-page screenshot of each (PREFERENCE_SCREENSHOTS, default a temp dir),
// no horizontal overflow, and axe-core finds no serious or critical violation. Then "object to everything" is
// clicked and the same response shows every channel blocked. Under CI=true a missing Chromium fails.
import './support/quiet.ts';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { LANGS, T, BASIS_LABELS } from '../../src/preferences/messages.ts';
import { key, seedContact, startPreferenceServer, type PreferenceServer } from './support/preference-server.ts';
import { createPreferenceToken } from '../../src/preferences/token.ts';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WIDTHS = [375, 1280] as const;

interface AxeViolation { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }

async function audit(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, so the page's own CSP (no script at all) stays as served.
  await page.evaluate(AXE);
  const result = await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })`,
  ) as { violations: AxeViolation[] };
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

const overflow = async (page: Page) => Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));

if (!available && process.env.CI === 'true') {
  describe('preference page in Chromium', () => {
    it('needs Chromium', () => { throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (CI must not skip browser tests)`); });
  });
} else {
  (available ? describe : describe.skip)('preference page in Chromium', () => {
    let s: PreferenceServer;
    let browser: Browser;
    let profileDir: string;
    const shots = process.env.PREFERENCE_SCREENSHOTS ?? mkdtempSync(path.join(tmpdir(), 'pg-preference-shots-'));
    beforeAll(async () => {
      mkdirSync(shots, { recursive: true });
      s = await startPreferenceServer();
      seedContact(s.hub, '901', 'claire.morel@industrie-lyon.example');
      seedContact(s.hub, '902', 'expired.person@industrie-lyon.example', { pg_retention_expires_at: '2026-01-10', pg_retention_state: 'expired' });
      seedContact(s.hub, '903', 'objector@industrie-lyon.example');
      // One recorded objection and one consent, so the page shows both states.
      await s.enf.objections.recordObjection({ portalId: 6161, contactId: '901', channels: ['fax'], origin: 'card', actor: 'test' });
      profileDir = mkdtempSync(path.join(tmpdir(), 'pg-chromium-'));
      browser = await chromium.launch({
        executablePath: CHROMIUM, headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
      });
    }, 120_000);
    afterAll(async () => {
      await browser?.close();
      await s?.close();
      if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    });

    it('the audit itself finds violations when there are some', async () => {
      const page = await browser.newPage();
      try {
        await page.setContent('<!doctype html><html><body><img src="data:,"><form><input type="checkbox"></form></body></html>');
        expect((await audit(page)).map((v) => v.id)).toEqual(expect.arrayContaining(['image-alt', 'label']));
      } finally { await page.close(); }
    });

    for (const lang of LANGS) {
      it(`${lang}: fits 375 px and 1280 px, no serious accessibility violation`, async () => {
        for (const width of WIDTHS) {
          const context = await browser.newContext({ viewport: { width, height: 900 }, locale: lang });
          try {
            const page = await context.newPage();
            const res = await page.goto(`${s.link('901', 'claire.morel@industrie-lyon.example')}?lang=${lang}`);
            expect(res?.status()).toBe(200);
            expect(await page.getAttribute('html', 'lang')).toBe(lang);
            expect(await page.locator('h1').innerText()).toBe(T.title[lang]);
            // The recorded objection shows as a ticked, disabled box.
            expect(await page.locator('#ch-fax').isChecked()).toBe(true);
            expect(await page.locator('#ch-fax').isDisabled()).toBe(true);
            expect(await page.locator('#ch-email').isChecked()).toBe(false);
            await page.screenshot({ path: path.join(shots, `preferences-${lang}-${width}.png`), fullPage: true });
            expect(await overflow(page), `${lang} at ${width}px overflows horizontally`).toBeLessThanOrEqual(0);
            const violations = await audit(page);
            expect(violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`), `${lang} at ${width}px`).toEqual([]);
          } finally {
            await context.close();
          }
        }
      }, 60_000);
    }

    it('the expired-link page fits a phone and passes the audit too', async () => {
      const context = await browser.newContext({ viewport: { width: 375, height: 700 }, locale: 'de-DE' });
      try {
        const page = await context.newPage();
        const expired = createPreferenceToken(key, { portalId: 6161, contactId: '901', email: 'claire.morel@industrie-lyon.example', ttlSeconds: -60 });
        const res = await page.goto(`${s.base}/p/${expired}`);
        expect(res?.status()).toBe(410);
        expect(await page.locator('h1').innerText()).toBe(T.gone.de);
        expect(await overflow(page)).toBeLessThanOrEqual(0);
        expect(await audit(page)).toEqual([]);
      } finally { await context.close(); }
    }, 60_000);

    it('an expired contact is told its data is being deleted (phone width)', async () => {
      const context = await browser.newContext({ viewport: { width: 375, height: 900 }, locale: 'fr-FR' });
      try {
        const page = await context.newPage();
        await page.goto(s.link('902', 'expired.person@industrie-lyon.example'));
        expect(await page.locator('main').innerText()).toContain(T.retentionOver.fr);
        await page.screenshot({ path: path.join(shots, 'preferences-expired-fr-375.png'), fullPage: true });
        expect(await overflow(page)).toBeLessThanOrEqual(0);
      } finally { await context.close(); }
    }, 60_000);

    it('"object to everything" updates the channel list in the same response', async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
      try {
        const page = await context.newPage();
        await page.goto(s.link('903', 'objector@industrie-lyon.example'));
        await page.getByRole('button', { name: T.objectAll.fr }).click();
        await expect.poll(() => page.getByRole('status').innerText()).toContain('Votre opposition est enregistrée');
        const items = await page.locator('#channel-list li').allInnerTexts();
        expect(items).toHaveLength(7);
        for (const item of items) expect(item).toContain(BASIS_LABELS.objected?.fr);
        expect(await page.locator('main').innerText()).toContain(T.objectedAll.fr);
        await page.screenshot({ path: path.join(shots, 'preferences-objected-fr-1280.png'), fullPage: true });
        expect(await audit(page)).toEqual([]);
      } finally { await context.close(); }
    }, 60_000);
  });
}
