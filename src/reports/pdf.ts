// HTML report -> PDF through headless Chromium's own print engine (playwright-core, already a dependency for the
// browser tests): the PDF is the same page the HTML shows, with real text, A4 pages and page numbers, and no
// second layout to keep in step. JavaScript is off and every network request is refused: the document is
// self-contained.
import { chromium } from 'playwright-core';
import { esc } from '../ledger/html.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export class PdfRenderError extends Error {
  override name = 'PdfRenderError';
}

export async function renderPdf(html: string, options: { footerTitle: string; lang: 'en' | 'fr'; executablePath?: string }): Promise<Buffer> {
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: options.executablePath ?? CHROMIUM_PATH, headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  } catch (err) {
    throw new PdfRenderError(`cannot start Chromium at ${options.executablePath ?? CHROMIUM_PATH} (apt-get install chromium): ${(err as Error).message.split('\n')[0] ?? ''}`);
  }
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, locale: options.lang === 'fr' ? 'fr-FR' : 'en-GB' });
    await context.route('**/*', (route) => route.abort());
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    const pageWord = options.lang === 'fr' ? 'Page' : 'Page';
    return await page.pdf({
      format: 'A4', printBackground: true, preferCSSPageSize: true, displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: `<div style="font:7.5pt Arial,sans-serif;color:#6b7780;width:100%;padding:0 16mm;display:flex;justify-content:space-between"><span>${esc(options.footerTitle)}</span><span>${pageWord} <span class="pageNumber"></span> / <span class="totalPages"></span></span></div>`,
    });
  } finally {
    await browser.close();
  }
}
