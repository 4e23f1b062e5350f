import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boxChart } from '../../src/charts/box-chart.js';
import { lineChart } from '../../src/charts/line-chart.js';
import { svgToPng } from '../../src/charts/png.js';
import { niceTicks } from '../../src/charts/scale.js';
import { leaderboardCharts } from '../../src/leaderboard/render.js';
import { findRunFolders, latestPerEndpoint, readRun } from '../../src/results/read-runs.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const RESULTS = join(FIXTURES, 'results');

/** Width and height from a PNG's IHDR chunk (the first chunk, right after the 8-byte signature). */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('chart module', () => {
  it('picks round axis ticks', () => {
    expect(niceTicks(0, 1.47)).toMatchObject({ ticks: [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5], decimals: 2 });
    expect(niceTicks(0, 101, 5)).toMatchObject({ ticks: [0, 25, 50, 75, 100, 125], decimals: 0 });
    expect(niceTicks(0, 0.042)).toMatchObject({ ticks: [0, 0.01, 0.02, 0.03, 0.04, 0.05], decimals: 2 });
    expect(niceTicks(0, 0).ticks.at(-1)).toBeGreaterThan(0);
  });

  it('box and line charts are SVG with title, axis labels and escaped names', () => {
    const box = boxChart({ title: 'T', axisLabel: 'TTFT (s)', digits: 2, items: [{ label: 'a<b>&c', box: { low: 1, q1: 2, median: 3, q3: 4, high: 5 } }, { label: 'down', box: null, note: 'no completed requests' }] });
    expect(box).toMatch(/^<svg [^>]*width="800"/);
    expect(box).toContain('a&lt;b&gt;&amp;c');
    expect(box).toContain('TTFT (s)');
    expect(box).toContain('no completed requests');
    const line = lineChart({ title: 'TPS', xLabel: 'time (s)', yLabel: 'tokens/s', series: [{ label: 'x', points: [[0, 1], [1, 2]] }] });
    expect(line).toContain('<path d="M');
    expect(line).toContain('tokens/s');
  });

  it('renders the leaderboard charts to PNGs of the expected size and of known bytes', async () => {
    const runs = latestPerEndpoint(findRunFolders(RESULTS).map((f) => readRun(RESULTS, f)));
    const charts = leaderboardCharts({ runs, sweeps: [] }, { all: false, minRequests: 150 });
    expect(charts.map((c) => c.file)).toEqual(['TTFT.png', 'TPOT.png', 'ITL.png', 'Total_TPS.png']);
    const sizes: Record<string, { width: number; height: number }> = {};
    const hashes: Record<string, string> = {};
    for (const c of charts) {
      const png = await svgToPng(c.svg);
      sizes[c.file] = pngSize(png);
      hashes[c.file] = createHash('sha256').update(png).digest('hex');
    }
    // 800 SVG units at 2 px each; boxes: 72 + 3 rows x 42 + 62; lines: 440 + one legend row of 20
    const box = { width: 1600, height: 520 };
    expect(sizes).toEqual({ 'TTFT.png': box, 'TPOT.png': box, 'ITL.png': box, 'Total_TPS.png': { width: 1600, height: 920 } });
    // the renderer is WebAssembly with a font from npm: the same bytes on every machine
    const file = join(FIXTURES, 'leaderboard', 'charts.sha256.json');
    if (process.env.UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, `${JSON.stringify(hashes, null, 2)}\n`);
    expect(hashes).toEqual(JSON.parse(readFileSync(file, 'utf8')));
  });
});
