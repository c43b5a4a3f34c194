// Screenshots of the preview for docs/ (PNG): node scripts/preview/screenshots.ts <preview url> [out dir]
// Debian's Chromium through playwright-core. Each view waits until the extension has rendered (no spinner left).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/** Opens a view of the preview and waits for the extension to settle (spinners gone, something rendered). */
export async function openView(page: Page, previewUrl: string, hash: string, lang: 'en' | 'fr' = 'en'): Promise<void> {
  await page.goto(`${previewUrl}?lang=${lang}#${hash}`);
  await page.waitForSelector('#extension > *', { timeout: 20_000 });
  await page.waitForSelector('#extension .hs-spinner', { state: 'detached', timeout: 20_000 });
}

export const SHOTS: Array<{ file: string; hash: (ids: Record<string, string>) => string | null; width: number; lang?: 'en' | 'fr' }> = [
  { file: 'preview-card-compliant.png', hash: (ids) => (ids.compliant ? `card=${ids.compliant}` : null), width: 1280 },
  { file: 'preview-card-blocked.png', hash: (ids) => (ids.blocked ? `card=${ids.blocked}` : null), width: 1280 },
  { file: 'preview-card-expired.png', hash: (ids) => (ids.expired ? `card=${ids.expired}` : null), width: 1280, lang: 'fr' },
  { file: 'preview-card-objected.png', hash: (ids) => (ids.objected ? `card=${ids.objected}` : null), width: 1280 },
  { file: 'preview-settings.png', hash: () => 'settings', width: 1280 },
  { file: 'preview-dashboard-home.png', hash: () => 'pages=/', width: 1280 },
  { file: 'preview-dashboard-requests.png', hash: () => 'pages=/requests', width: 1280 },
  { file: 'preview-dashboard-evidence.png', hash: () => 'pages=/evidence', width: 1280, lang: 'fr' },
];

export async function takeScreenshots(previewUrl: string, outDir: string): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const config = await (await fetch(new URL('/preview/config', previewUrl))).json() as { contacts: Array<{ id: string; example: string }> };
  const ids = Object.fromEntries(config.contacts.map((c) => [c.example, c.id]));
  const browser = await launchChromium();
  const written: string[] = [];
  try {
    for (const shot of SHOTS) {
      const hash = shot.hash(ids);
      if (!hash) continue;
      const page = await browser.newPage({ viewport: { width: shot.width, height: 900 } });
      await openView(page, previewUrl, hash, shot.lang ?? 'en');
      const file = path.join(outDir, shot.file);
      await page.screenshot({ path: file, fullPage: true });
      written.push(file);
      await page.close();
    }
  } finally {
    await browser.close();
  }
  return written;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [url, out = 'docs/screenshots'] = process.argv.slice(2);
  if (!url) { console.error('usage: node scripts/preview/screenshots.ts <preview url> [out dir]'); process.exit(2); }
  for (const f of await takeScreenshots(url, out)) console.log(`wrote ${f}`);
}
