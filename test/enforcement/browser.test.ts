// A real browser (Debian's Chromium driven by playwright-core): a person opens their preference link, objects to
// email, sees the confirmation, and the contact is blocked in the stand-in. Under CI=true a missing Chromium is a
// failure, never a skip.
import './support/quiet.ts';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext } from 'playwright-core';
import { createEnforcementTestDb, type TestDb } from './support/db.ts';
import { startHarness, waitFor, type Harness } from './support/app-harness.ts';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true';

if (!available && inCi) {
  describe('preference centre in Chromium', () => {
    it('needs Chromium', () => {
      throw new Error(`${CHROMIUM} is missing: install it with apt-get install -y chromium (CI must not skip browser tests)`);
    });
  });
} else {
  (available ? describe : describe.skip)('preference centre in Chromium', () => {
    let db: TestDb;
    let h: Harness;
    let context: BrowserContext;
    let profile: string;
    beforeAll(async () => {
      db = await createEnforcementTestDb('pglite');
      h = await startHarness(db);
      profile = mkdtempSync(path.join(tmpdir(), 'pg-chromium-'));
      // A fresh profile directory (--user-data-dir) per run, passed the way playwright requires it.
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM, headless: true, locale: 'fr-FR', javaScriptEnabled: false,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
          '--disable-sync', '--no-first-run'],
      });
    });
    afterAll(async () => {
      await context?.close();
      await h?.stop();
      await db?.drop();
      if (profile) rmSync(profile, { recursive: true, force: true });
    });

    it('objects to email from the page and the contact ends up blocked in HubSpot', async () => {
      const id = h.standIn.createContact(h.portalId, {
        email: 'sophie.bernard@industrie-lyon.fr', firstname: 'Sophie', country: 'France', company: 'Industrie Lyon',
        jobtitle: 'Responsable achats', pg_is_professional: 'true', pg_offer_related: 'true', pg_source_kind: 'trade_show', pg_collected_at: '2026-06-01',
      });
      await h.standIn.flushWebhooks();
      await waitFor(() => h.standIn.getContact(h.portalId, id)?.properties.pg_basis_email === 'legitimate_interest');

      const page = await context.newPage();
      const cspViolations: string[] = [];
      page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text()); });
      const response = await page.goto(h.enf.preferenceLink(h.portalId, id, 'sophie.bernard@industrie-lyon.fr'));
      expect(response?.status()).toBe(200);
      expect(await page.getAttribute('html', 'lang')).toBe('fr');
      expect(await page.locator('h1').innerText()).toBe('Vos préférences de prospection');

      await page.locator('#ch-email').check(); // the objection box (the consent form has its own E-mail box)
      await page.getByRole('button', { name: 'Enregistrer mon opposition' }).click();
      await expect.poll(() => page.getByRole('status').innerText()).toContain('Votre opposition est enregistrée');
      expect(cspViolations).toEqual([]);

      await waitFor(() => h.standIn.getContact(h.portalId, id)?.properties.pg_basis_email === 'objected');
      const props = h.standIn.getContact(h.portalId, id)?.properties ?? {};
      expect(props.hs_email_optout).toBe('true');
      expect(props.pg_basis_email).toBe('objected');
    });
  });
}
