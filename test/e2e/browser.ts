import chromium from '@sparticuz/chromium';
import { chromium as playwright, type Browser, type Page } from 'playwright-core';

/**
 * Headless Chromium from the npm package @sparticuz/chromium (the binary ships inside it and is
 * unpacked to the temp folder on first use), driven by playwright-core. The flags keep it off the
 * network: this machine's closed network refuses Chromium's background connections.
 */
export async function launchBrowser(): Promise<Browser> {
  chromium.setGraphicsMode = false;
  return playwright.launch({
    executablePath: await chromium.executablePath(),
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-default-apps'],
  });
}

export interface PageProblems {
  console: string[];
  /** Requests for anything other than the file itself. */
  network: string[];
}

/** Opens a local file, collecting console errors, page errors and any other request it makes. */
export async function openFile(browser: Browser, file: string, viewport = { width: 1280, height: 900 }): Promise<{ page: Page; problems: PageProblems }> {
  const page = await browser.newPage({ viewport, locale: 'en-US' });
  const problems: PageProblems = { console: [], network: [] };
  const url = `file://${file}`;
  page.on('console', (m) => {
    if (m.type() === 'error') problems.console.push(m.text());
  });
  page.on('pageerror', (e) => problems.console.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    if (r.url() !== url) problems.network.push(r.url());
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => Array.isArray((globalThis as any).__charts), null, { timeout: 10_000 });
  return { page, problems };
}

/** Per chart element: the points the page says it drew, and the coloured (series-stroke) pixels on its canvas. */
export async function chartInk(page: Page): Promise<{ id: string; points: number; ink: number }[]> {
  return page.evaluate(() => {
    const g = globalThis as any;
    return (g.__charts as { id: string; points: number }[]).map((c) => {
      const canvas = g.document.getElementById(c.id).querySelector('canvas');
      const ctx = canvas.getContext('2d');
      const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let ink = 0;
      // series strokes are saturated colours; axes, grid and text are greys
      for (let i = 0; i < px.length; i += 4) if (px[i + 3] > 0 && Math.max(px[i], px[i + 1], px[i + 2]) - Math.min(px[i], px[i + 1], px[i + 2]) > 60) ink++;
      return { id: c.id, points: c.points, ink };
    });
  });
}
