import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { figuresOf } from '../../src/leaderboard/figures.js';
import { END_MARKER, injectBetweenMarkers, START_MARKER } from '../../src/leaderboard/inject.js';
import { markdownTable } from '../../src/leaderboard/markdown-table.js';
import { renderLeaderboard } from '../../src/leaderboard/render.js';
import { fillTemplate } from '../../src/leaderboard/template.js';
import { Distribution } from '../../src/metrics/distribution.js';
import { findRunFolders, latestPerEndpoint, readRun } from '../../src/results/read-runs.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const RESULTS = join(FIXTURES, 'results');
const TEMPLATE = readFileSync(join(FIXTURES, 'leaderboard', 'all-placeholders.md'), 'utf8');
const NOW = new Date('2026-11-23T12:00:00Z');

const runs = () => findRunFolders(RESULTS).map((f) => readRun(RESULTS, f));

/** Compares with a golden file; UPDATE_GOLDEN=1 rewrites it (then review the diff). */
function golden(name: string, text: string): void {
  const file = join(FIXTURES, 'leaderboard', name);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, text);
  expect(text).toBe(readFileSync(file, 'utf8'));
}

/** The rows of the table following `## title`, as cells. */
function tableRows(md: string, title: string): string[][] {
  const section = md.split(`## ${title}\n`)[1].split('\n## ')[0];
  return section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Framework')).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
}

describe('leaderboard from frozen result folders', () => {
  it('reads every run folder at any depth and keeps the latest per endpoint + workload', () => {
    const all = runs();
    expect(all.map((r) => r.folder)).toEqual([
      'down/cli/20261123T121000Z-down',
      'fast-sim/cli/20261123T120000Z-fast-sim',
      'fast-sim/cli/20261123T121000Z-fast-sim',
      'slow-sim/cli/20261123T121000Z-slow-sim',
    ]);
    expect(latestPerEndpoint(all).map((r) => r.summary.run.id)).toEqual(['20261123T121000Z-down', '20261123T121000Z-fast-sim', '20261123T121000Z-slow-sim']);
  });

  it('skips the steps of a capacity search (probes at rates it chose, not runs of a workload)', () => {
    const root = mkdtempSync(join(tmpdir(), 'at-capacity-'));
    cpSync(join(RESULTS, 'fast-sim'), join(root, 'fast-sim'), { recursive: true });
    cpSync(join(RESULTS, 'slow-sim', 'cli', '20261123T121000Z-slow-sim'), join(root, 'cap', 'step-01-5rps'), { recursive: true });
    writeFileSync(join(root, 'cap', 'capacity.json'), '{}');
    expect(findRunFolders(root).map((f) => f.slice(root.length + 1))).toEqual(['fast-sim/cli/20261123T120000Z-fast-sim', 'fast-sim/cli/20261123T121000Z-fast-sim']);
  });

  it('renders the golden Markdown (latest runs), byte for byte', () => {
    const out = renderLeaderboard(TEMPLATE, latestPerEndpoint(runs()), { all: false, now: NOW });
    expect(out.unknown).toEqual([]);
    expect(out.missing).toEqual([]);
    golden('golden-latest.md', out.text);
  });

  it('renders the golden Markdown of --all: one row per run, labelled with its start', () => {
    const out = renderLeaderboard(TEMPLATE, runs(), { all: true, now: NOW });
    golden('golden-all.md', out.text);
    expect(tableRows(out.text, 'TTFT (s)').filter((r) => r[0].startsWith('fast-sim @ '))).toHaveLength(2);
  });

  it('is deterministic: only {{last_update}} differs between two renders', () => {
    const a = renderLeaderboard(TEMPLATE, latestPerEndpoint(runs()), { all: false, now: NOW }).text;
    const b = renderLeaderboard(TEMPLATE, latestPerEndpoint(runs()).reverse(), { all: false, now: new Date('2030-01-01T00:00:00Z') }).text;
    expect(b.replace('2030-01-01 00:00 UTC', '2026-11-23 12:00 UTC')).toBe(a);
  });

  it('ranks best first, and shows a failed endpoint last with its error rate', () => {
    const md = renderLeaderboard(TEMPLATE, latestPerEndpoint(runs()), { all: false, now: NOW }).text;
    for (const title of ['TTFT (s)', 'TPOT (ms)', 'Output TPS (tokens/s)']) {
      expect(tableRows(md, title).map((r) => r[0])).toEqual(['fast-sim', 'slow-sim', 'down (failed, 100.0% errors)']);
    }
    expect(tableRows(md, 'TTFT (s)')[2].slice(2)).toEqual(Array(8).fill('-'));
    const success = tableRows(md, 'Success rate');
    expect(success.at(-1)).toEqual(['down (failed, 100.0% errors)', 'auto-testing-sim', '0.0%', '100.0%', '10', '0', '10', '0', 'connect 10']);
  });
});

describe('Total TPS: the seed\'s definition when the summaries have it', () => {
  it('uses sum(tps_per_requests), its Max the exact peak of summary.json, and says so', () => {
    const latest = latestPerEndpoint(runs());
    const md = renderLeaderboard(TEMPLATE, latest, { all: false, now: NOW }).text;
    expect(md).toContain("Total TPS, the seed's definition, sum(tps_per_requests)");
    const fast = latest.find((r) => r.summary.endpoint.name === 'fast-sim')!;
    const row = md.split('## Total TPS')[1].split('\n').find((l) => l.startsWith('| fast-sim'))!.split('|').map((c) => c.trim());
    expect(Number(row[6])).toBe(Math.round(fast.summary.throughput.total_tps_sum_of_requests.peak));
  });

  it('falls back to the windowed rate, for every row, when one summary predates it', () => {
    const latest = latestPerEndpoint(runs());
    delete (latest[1].summary.throughput as Partial<typeof latest[1]['summary']['throughput']>).total_tps_sum_of_requests;
    const md = renderLeaderboard(TEMPLATE, latest, { all: false, now: NOW }).text;
    expect(md).toContain('Total TPS, the windowed rate (these runs predate');
    expect(md).not.toContain("the seed's definition, sum(tps_per_requests)");
    expect(tableRows(md, 'Total TPS (tokens/s)').map((r) => r[0])).toEqual(['fast-sim', 'slow-sim', 'down (failed, 100.0% errors)']);
  });
});

describe('several models', () => {
  it('gives each model its own table, headed by its name, rows ranked within it', () => {
    const latest = latestPerEndpoint(runs());
    latest.find((r) => r.summary.endpoint.name === 'slow-sim')!.summary.endpoint.model = 'other-model';
    const md = renderLeaderboard(TEMPLATE, latest, { all: false, now: NOW }).text;
    const ttft = md.split('## TTFT (s)\n')[1].split('\n## ')[0];
    expect(ttft.match(/^#### .*$/gm)).toEqual(['#### Model: auto-testing-sim', '#### Model: other-model']);
    expect(ttft.split('#### Model: other-model')[1]).toContain('| slow-sim ');
    expect(ttft.split('#### Model: other-model')[0]).not.toContain('| slow-sim ');
  });
});

describe('template placeholders', () => {
  it('names unknown placeholders and values the template leaves out', () => {
    const r = fillTemplate('a {{known}} b {{ nope }} {{nope}} c', { known: 'K', unused: 'U' });
    expect(r.text).toBe('a K b {{ nope }} {{nope}} c');
    expect(r.unknown).toEqual(['nope']);
    expect(r.missing).toEqual(['unused']);
  });
});

describe('--inject', () => {
  const doc = `# Title\r\nintro ${'x'.repeat(10)}\n\n${START_MARKER}\nold table\n${END_MARKER}\n\ntail with {{braces}} \u00e9\n`;

  it('replaces only the text between the markers; every byte outside is unchanged', () => {
    const r = injectBetweenMarkers(doc, 'NEW\n\n');
    if ('problem' in r) throw new Error(r.problem);
    const [before, after] = [doc.slice(0, doc.indexOf(START_MARKER) + START_MARKER.length), doc.slice(doc.indexOf(END_MARKER))];
    expect(r.text.startsWith(before)).toBe(true);
    expect(r.text.endsWith(after)).toBe(true);
    expect(r.text).toBe(`${before}\nNEW\n${after}`);
    const again = injectBetweenMarkers(r.text, 'NEW');
    expect('text' in again && again.text).toBe(r.text);
  });

  it('refuses a document without a single ordered pair of markers', () => {
    expect(injectBetweenMarkers('no markers', 'x')).toHaveProperty('problem');
    expect(injectBetweenMarkers(`${END_MARKER}\n${START_MARKER}`, 'x')).toHaveProperty('problem');
    expect(injectBetweenMarkers(`${START_MARKER}${START_MARKER}${END_MARKER}`, 'x')).toHaveProperty('problem');
  });
});

describe('figures and tables', () => {
  it('marks quantiles estimated from too few values', () => {
    const d = new Distribution(1000);
    for (let i = 1; i <= 20; i++) d.record(i);
    const f = figuresOf(d);
    expect(f.lowSample).toEqual(['p99']);
    expect(f.values).toMatchObject({ mean: 10.5, min: 1, max: 20 });
    expect(f.values.median).toBeCloseTo(10, 1);
  });

  it('pads columns, aligns numbers right and escapes pipes', () => {
    expect(markdownTable(['Name', 'N'], ['left', 'right'], [['a|b', '1'], ['long name', '22']])).toBe(
      ['| Name      |   N |', '|:----------|----:|', '| a\\|b      |   1 |', '| long name |  22 |'].join('\n'),
    );
  });
});
