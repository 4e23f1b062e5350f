import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCell, valueAt, type CellUnit } from '../../src/html/cells.js';
import { chartInk, launchBrowser, openFile } from './browser.js';
import { runCli } from './run-cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const OLD_RUN = join(ROOT, 'test', 'fixtures', 'results', 'slow-sim', 'cli', '20261123T121000Z-slow-sim');
const FAST_RUN = join(ROOT, 'test', 'fixtures', 'results', 'fast-sim', 'cli', '20261123T121000Z-fast-sim');

function cli(args: string[]): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr };
}

// One browser for the whole file: launching it is the slow part.
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

describe('report.html in a real browser (headless Chromium)', () => {
  it('a fresh run: no console error, no network request, every chart drawn, every summary number = summary.json', async () => {
    const run = await runCli(['--rate', '8', '--duration', '3s', '--run-id', 'r', '--sim-decode-ms', '10', '--max-tokens', '30']);
    expect(run.code).toBe(0);
    const folder = join(run.dir, 'r');
    expect(cli(['report', folder]).code).toBe(0);
    const summary = JSON.parse(readFileSync(join(folder, 'summary.json'), 'utf8'));
    const { page, problems } = await openFile(browser, join(folder, 'report.html'));
    expect(problems).toEqual({ console: [], network: [] });
    const charts = await chartInk(page);
    expect(charts.map((c) => c.id)).toEqual(expect.arrayContaining(['chart-send-rate', 'chart-in-flight', 'chart-total-tps', 'chart-ttft-s', 'chart-itl-ms', 'chart-errors', 'chart-cdf-ttft-s']));
    for (const c of charts) {
      expect(c.points, c.id).toBeGreaterThan(0);
      expect(c.ink, c.id).toBeGreaterThan(20);
    }
    const cells = await page.$$eval('td[data-key]', (tds) => tds.map((td) => ({ key: td.getAttribute('data-key')!, unit: td.getAttribute('data-unit')!, value: td.getAttribute('data-value')!, text: td.textContent! })));
    expect(cells.length).toBeGreaterThan(50);
    for (const c of cells) {
      const v = valueAt(summary, c.key);
      expect(c.value, c.key).toBe(typeof v === 'number' ? String(v) : 'null');
      expect(c.text.replace(/\*$/, ''), c.key).toBe(formatCell(v, c.unit as CellUnit));
    }
    expect(await page.textContent('pre')).toContain('"rate": 8');
    await page.close();
  });

  it('an old run folder (written before the report existed) gets a report too', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'at-report-')), 'old.html');
    expect(cli(['report', OLD_RUN, '--out', out]).code).toBe(0);
    const { page, problems } = await openFile(browser, out);
    expect(problems).toEqual({ console: [], network: [] });
    for (const c of await chartInk(page)) expect(c.points, c.id).toBeGreaterThan(0);
    await page.close();
  });

  it('compare.html: the distributions of both runs overlaid, no console error, no network request', async () => {
    const out = mkdtempSync(join(tmpdir(), 'at-compare-html-'));
    expect(cli(['compare', FAST_RUN, OLD_RUN, '--out', out]).code).toBe(0);
    const { page, problems } = await openFile(browser, join(out, 'compare.html'));
    expect(problems).toEqual({ console: [], network: [] });
    const charts = await chartInk(page);
    expect(charts.map((c) => c.id)).toEqual(expect.arrayContaining(['chart-cmp-ttft-s', 'chart-cmp-itl-ms']));
    for (const c of charts) {
      expect(c.points, c.id).toBeGreaterThan(0);
      expect(c.ink, c.id).toBeGreaterThan(20);
    }
    const legends = await page.$$eval('#chart-cmp-itl-ms .u-series .u-label', (els) => els.map((e) => e.textContent));
    expect(legends).toEqual(['ms', 'A', 'B']);
    await page.close();
  });
});
