import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PALETTE, seriesStyle } from '../../src/charts/svg.js';
import { figuresOf } from '../../src/leaderboard/figures.js';
import { formatValue } from '../../src/leaderboard/format.js';
import { END_MARKER, injectBetweenMarkers, START_MARKER } from '../../src/leaderboard/inject.js';
import { markdownTable } from '../../src/leaderboard/markdown-table.js';
import { PLACEHOLDER_NAMES, renderLeaderboard, type LeaderboardData, type RenderOptions } from '../../src/leaderboard/render.js';
import { arrivalWords } from '../../src/leaderboard/describe.js';
import { findSweeps } from '../../src/leaderboard/sweeps.js';
import { runMarks } from '../../src/leaderboard/validity.js';
import { fillTemplate } from '../../src/leaderboard/template.js';
import { Distribution } from '../../src/metrics/distribution.js';
import { findCapacityStepFolders, findRunFolders, latestPerEndpoint, readRun, type SavedRun } from '../../src/results/read-runs.js';
import { resolveWorkload } from '../../src/workload/resolve.js';
import { writeCapacitySearch, writeSavedRun, type RunSpec } from '../saved-runs.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const RESULTS = join(FIXTURES, 'results');
const TEMPLATE = readFileSync(join(FIXTURES, 'leaderboard', 'all-placeholders.md'), 'utf8');
const SHIPPED = readFileSync(join(import.meta.dirname, '..', '..', 'leaderboard_data', 'template.md'), 'utf8');
const OPTIONS: RenderOptions = { all: false, minRequests: 150, chartLink: null };

const runs = (root = RESULTS) => findRunFolders(root).map((f) => readRun(root, f));
const data = (rs: SavedRun[], sweeps = findSweeps(rs)): LeaderboardData => ({ runs: rs, sweeps });
const render = (rs: SavedRun[], o: Partial<RenderOptions> = {}, template = TEMPLATE) => renderLeaderboard(template, data(rs), { ...OPTIONS, ...o });

/** Compares with a golden file; UPDATE_GOLDEN=1 rewrites it (then review the diff). */
function golden(name: string, text: string): void {
  const file = join(FIXTURES, 'leaderboard', name);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, text);
  expect(text).toBe(readFileSync(file, 'utf8'));
}

/** The section after `## title`, up to the next `## `. */
function section(md: string, title: string): string {
  return md.split(`## ${title}\n`)[1].split('\n## ')[0];
}

/** The rows of the tables following `## title`, as cells. */
function tableRows(md: string, title: string): string[][] {
  return section(md, title).split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Framework')).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
}

/** Saved runs written in-process into a fresh results folder, read back as the CLI reads them. */
function savedRuns(specs: RunSpec[]): SavedRun[] {
  const root = mkdtempSync(join(tmpdir(), 'at-lb-runs-'));
  for (const s of specs) writeSavedRun(root, s);
  return runs(root);
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
    expect(all[1].values.ttft_s).toHaveLength(10);
  });

  it('keeps the steps of a capacity search out of the tables, and finds them as a sweep', () => {
    const root = mkdtempSync(join(tmpdir(), 'at-capacity-'));
    cpSync(join(RESULTS, 'fast-sim'), join(root, 'fast-sim'), { recursive: true });
    cpSync(join(RESULTS, 'slow-sim', 'cli', '20261123T121000Z-slow-sim'), join(root, 'cap', 'step-01-5rps'), { recursive: true });
    writeFileSync(join(root, 'cap', 'capacity.json'), '{}');
    expect(findRunFolders(root).map((f) => f.slice(root.length + 1))).toEqual(['fast-sim/cli/20261123T120000Z-fast-sim', 'fast-sim/cli/20261123T121000Z-fast-sim']);
    expect(findCapacityStepFolders(root).map((f) => f.slice(root.length + 1))).toEqual(['cap/step-01-5rps']);
  });

  it('renders the golden Markdown (latest runs), byte for byte', () => {
    const out = render(latestPerEndpoint(runs()));
    expect(out.unknown).toEqual([]);
    expect(out.missing).toEqual([]);
    golden('golden-latest.md', out.text);
  });

  it('renders the golden Markdown of --all: one row per run, labelled with its start', () => {
    const out = render(runs(), { all: true });
    golden('golden-all.md', out.text);
    expect(tableRows(out.text, 'TTFT (s)').filter((r) => r[0].startsWith('fast-sim @ '))).toHaveLength(2);
  });

  it('is deterministic: the same runs, in any order, give the same bytes (nothing depends on the render time)', () => {
    expect(render(latestPerEndpoint(runs()).reverse()).text).toBe(render(latestPerEndpoint(runs())).text);
  });

  it('ranks best first, and shows a failed endpoint last with its error rate', () => {
    const md = render(latestPerEndpoint(runs())).text;
    for (const title of ['TTFT (s)', 'TPOT (ms)', 'ITL (ms)', 'Output TPS (tokens/s)']) {
      expect(tableRows(md, title).map((r) => r[0].replace(/ \[.*$/, ''))).toEqual(['fast-sim', 'slow-sim', 'down (failed, 100.0% errors)']);
    }
    expect(tableRows(md, 'TTFT (s)')[2].slice(2, -2)).toEqual(Array(9).fill('-'));
    expect(tableRows(md, 'TTFT (s)')[2].at(-1)).toBe('5 → 0.00');
    const success = tableRows(md, 'Success rate');
    expect(success.at(-1)).toEqual(['down (failed, 100.0% errors) [G][L]', 'auto-testing-sim', '0.0%', '100.0%', '5', '0.00', '10', '0', '10', '0', 'connect 10']);
  });

  it('success rate and error rate add up to 100 % when requests were dropped (both over scheduled requests)', () => {
    const latest = latestPerEndpoint(runs());
    const fast = latest.find((r) => r.summary.endpoint.name === 'fast-sim')!;
    const q = fast.summary.requests;
    const dropped = 10;
    fast.summary.requests = { ...q, scheduled: q.scheduled + dropped, dropped: q.dropped + dropped };
    fast.summary.error_rate = (q.scheduled + dropped - q.completed) / (q.scheduled + dropped);
    const row = tableRows(render(latest).text, 'Success rate').find((r) => r[0].startsWith('fast-sim'))!;
    const [success, error] = [parseFloat(row[2]), parseFloat(row[3])];
    expect(error).toBeGreaterThan(0);
    expect(success + error).toBeCloseTo(100, 5);
  });

  it('{{last_update}} is the end of the newest run; {{run_metadata}} says "unknown" for runs without a recorded host', () => {
    const latest = latestPerEndpoint(runs());
    const md = render(latest).text;
    const end = Math.max(...latest.map((r) => r.summary.run.t0_wall_ms + r.summary.run.elapsed_s * 1000));
    expect(md).toContain(`> Last update: ${new Date(end).toISOString().slice(0, 16).replace('T', ' ')} UTC`);
    expect(md).toContain('- Client host: unknown (recorded from summary schema 2 on)');
    expect(md).toContain('- Tool: auto-testing 0.1.0');
    expect(md).toContain('- Runs: 3 in the tables; from 2026-11-23 12:55 UTC to 12:55 UTC');
  });
});

describe('Total TPS: the seed\'s definition when the summaries have it', () => {
  it('uses sum(tps_per_requests), its Max the exact peak of summary.json, and says so', () => {
    const latest = latestPerEndpoint(runs());
    const md = render(latest).text;
    expect(md).toContain("Total TPS, the seed's definition, sum(tps_per_requests)");
    const fast = latest.find((r) => r.summary.endpoint.name === 'fast-sim')!;
    const row = tableRows(md, 'Total TPS (tokens/s)').find((r) => r[0].startsWith('fast-sim'))!;
    expect(Number(row[5])).toBe(Math.round(fast.summary.throughput.total_tps_sum_of_requests.peak));
  });

  it('falls back to the windowed rate, for every row, when one summary predates it', () => {
    const latest = latestPerEndpoint(runs());
    delete (latest[1].summary.throughput as Partial<typeof latest[1]['summary']['throughput']>).total_tps_sum_of_requests;
    const md = render(latest).text;
    expect(md).toContain('Total TPS, the windowed rate (these runs predate');
    expect(md).not.toContain("the seed's definition, sum(tps_per_requests)");
    expect(tableRows(md, 'Total TPS (tokens/s)').map((r) => r[0].replace(/ \[.*$/, ''))).toEqual(['fast-sim', 'slow-sim', 'down (failed, 100.0% errors)']);
  });
});

describe('grouping on the effective workload, headed in words', () => {
  it('two runs of one workload file at different durations: two tables, one row per endpoint each', () => {
    const file = 'workloads/auto-testing.yaml';
    const rs = savedRuns([
      { name: 'alpha', workloadFile: file, durationS: 10 },
      { name: 'beta', workloadFile: file, durationS: 10, ttftMs: 80 },
      { name: 'alpha', workloadFile: file, durationS: 20, startedAt: '2026-11-23T13:00:00.000Z' },
      { name: 'beta', workloadFile: file, durationS: 20, ttftMs: 80, startedAt: '2026-11-23T13:00:00.000Z' },
    ]);
    const latest = latestPerEndpoint(rs);
    expect(latest).toHaveLength(4);
    const ttft = section(render(latest).text, 'TTFT (s)');
    const headings = ttft.match(/^#### .*$/gm)!;
    expect(headings).toEqual([
      '#### 5 req/s, evenly spaced, for 10 s · ~25 tokens in, ~20 out · streamed · openai-chat API',
      '#### 5 req/s, evenly spaced, for 20 s · ~25 tokens in, ~20 out · streamed · openai-chat API',
    ]);
    for (const part of ttft.split(/^#### .*$/m).slice(1)) {
      expect(part.split('\n').filter((l) => /^\| (alpha|beta)/.test(l)).map((l) => l.split('|')[1].trim().replace(/ \[.*$/, ''))).toEqual(['alpha', 'beta']);
    }
  });

  it('a --no-stream run is its own group, marked [S] with the reason under the table', () => {
    const md = render(savedRuns([{ name: 'alpha' }, { name: 'beta' }, { name: 'alpha', stream: false, startedAt: '2026-11-23T13:00:00.000Z' }])).text;
    const ttft = section(md, 'TTFT (s)');
    expect(ttft.match(/^#### .*$/gm)!.map((h) => h.split(' · ')[2]).sort()).toEqual(['not streamed', 'streamed']);
    expect(ttft).toMatch(/^\| alpha \[S\] /m);
    expect(ttft).toContain('[S] not streamed: each answer arrived whole, so TTFT = E2E');
  });

  it('says a closed loop, a ramp and Poisson arrivals in words', () => {
    const [closed, poisson, ramp] = savedRuns([
      { name: 'c', edit: (s) => Object.assign(s.workload, { mode: 'closed', rate: null, concurrency: 5, max_requests: 150, timeout_s: 600 }) },
      { name: 'r', edit: (s) => Object.assign(s.workload, { arrival: 'ramp', ramp: { start_rate: 1, stages: [{ rate: 10, duration_s: 30 }, { rate: 20, duration_s: 90 }] } }) },
      { name: 'p', edit: (s) => Object.assign(s.workload, { arrival: 'poisson', burstiness: 0.5 }) },
    ]).sort((a, b) => a.summary.endpoint.name.localeCompare(b.summary.endpoint.name));
    expect(arrivalWords(closed.summary)).toBe('5 in flight (closed loop), 150 requests within 10 min');
    expect(arrivalWords(ramp.summary)).toBe('rate ramped 1 → 10 → 20 req/s over 2 min');
    expect(arrivalWords(poisson.summary)).toBe('5 req/s, gamma-distributed gaps (burstiness 0.5), for 30 s');
    const yaml = render([closed]).text.split('```yaml\n')[1].split('```')[0];
    expect(yaml).toMatch(/^concurrency: 5\nmax-requests: 150\ntimeout: 600s\n/m);
    expect(yaml).not.toMatch(/^(rate|duration|arrival):/m);
  });

  it('groups that the words cannot tell apart are headed by the setting they differ in', () => {
    const rs = savedRuns([{ name: 'alpha' }, { name: 'alpha', startedAt: '2026-11-23T13:00:00.000Z', edit: (s) => (s.workload.seed = 7) }]);
    const headings = section(render(rs).text, 'TTFT (s)').match(/^#### .*$/gm)!;
    expect(headings.map((h) => h.split(' · ').at(-1))).toEqual(['seed 42', 'seed 7']);
  });

  it('{{run_config}} is a workload file the CLI loads back to the same load; sampling params per endpoint when they differ', () => {
    const rs = savedRuns([
      { name: 'alpha', workloadFile: 'workloads/auto-testing.yaml', edit: (s) => (s.workload.sampling_params = { temperature: 0 }) },
      { name: 'beta', workloadFile: 'workloads/auto-testing.yaml', edit: (s) => (s.workload.sampling_params = { temperature: 0, ignore_eos: true }) },
    ]);
    const yaml = render(rs).text.split('```yaml\n')[1].split('```')[0];
    expect(yaml).toContain('# from workloads/auto-testing.yaml');
    expect(yaml).toContain('#   alpha: {"temperature":0}');
    expect(yaml).toContain('#   beta: {"ignore_eos":true,"temperature":0}');
    const file = join(mkdtempSync(join(tmpdir(), 'at-lb-yaml-')), 'w.yaml');
    writeFileSync(file, yaml);
    const problems: string[] = [];
    const w = resolveWorkload({ workload: file }, problems);
    expect(problems).toEqual([]);
    expect(w.values).toMatchObject({ rate: 5, duration: '30s', arrival: 'constant', 'max-tokens': 20, stream: true, seed: 42, tokenizer: 'llama2', 'drain-timeout': '60s' });
    expect(Object.entries(w.source).filter(([, s]) => s === 'file').map(([k]) => k)).toEqual(expect.arrayContaining(['rate', 'duration', 'max-tokens', 'stream', 'seed']));
  });
});

describe('validity: marks with footnotes, intervals, low counts', () => {
  it('a run with the generator-behind warning is marked [G] in every table, its warning quoted under the success table', () => {
    const rs = savedRuns([{ name: 'alpha', rate: 6, durationS: 30 }, { name: 'late', rate: 6, durationS: 30, sendLagMs: 5 }]);
    const late = rs.find((r) => r.summary.endpoint.name === 'late')!;
    expect(late.summary.warnings[0]).toMatch(/^GENERATOR BEHIND SCHEDULE: send lag p99 \d/);
    const md = render(rs).text;
    for (const title of ['TTFT (s)', 'TPOT (ms)', 'ITL (ms)', 'Total TPS (tokens/s)', 'Output TPS (tokens/s)', 'Success rate']) {
      const rows = tableRows(md, title);
      expect(rows.find((r) => r[0].startsWith('late'))![0], title).toBe('late [G]');
      expect(rows.find((r) => r[0].startsWith('alpha'))![0], title).toBe('alpha');
      expect(section(md, title), title).toContain('[G] the load generator could not keep up (behind schedule, saturated or dropping arrivals): its figures include client delay');
    }
    expect(section(md, 'Success rate')).toContain(`late: ${late.summary.warnings[0]}`);
    expect(section(md, 'TTFT (s)')).toContain(': late.\n');
  });

  it('gives each median its bootstrap 95 % interval from requests.csv, and marks ≈ a row that cannot be told from the row above', () => {
    const rs = savedRuns([
      { name: 'a', rate: 6, ttftMs: 50, seed: 1 },
      { name: 'b', rate: 6, ttftMs: 50, seed: 2 },
      { name: 'c', rate: 6, ttftMs: 200, seed: 3 },
    ]);
    const rows = tableRows(render(rs).text, 'TTFT (s)');
    expect(rows.map((r) => r[0])).toEqual(['a', 'b', 'c'].map((x) => expect.stringMatching(new RegExp(`^${x}`))));
    const interval = (r: string[]) => r[3].replace('≈ ', '').split('–').map(Number);
    for (const r of rows) {
      const [lo, hi] = interval(r);
      expect(lo).toBeLessThanOrEqual(Number(r[2]) + 0.001);
      expect(hi).toBeGreaterThanOrEqual(Number(r[2]) - 0.001);
    }
    expect(rows[1][3]).toMatch(/^≈ /);
    expect(rows[2][3]).not.toMatch(/≈/);
    expect(rows.map((r) => r.at(-2))).toEqual(['180', '180', '180']);
  });

  it('marks [L] the rows of runs under --min-requests, and not above', () => {
    const rs = savedRuns([{ name: 'small', rate: 2, durationS: 10 }, { name: 'big', rate: 6, durationS: 30 }]);
    const rows = tableRows(render(rs).text, 'TTFT (s)');
    expect(rows.map((r) => r[0]).sort()).toEqual(['big', 'small [L]']);
    expect(tableRows(render(rs, { minRequests: 10 }).text, 'TTFT (s)').map((r) => r[0]).sort()).toEqual(['big', 'small']);
  });

  it('turns each warning of a run into its mark: token counts [T], short answers [O], anything else [W]', () => {
    const [run] = savedRuns([{ name: 'x', edit: (s) => s.warnings.push('TOKEN COUNTS DISAGREE (output): 9 of 150', 'OUTPUT SHORT: 3 of 150', 'INCOMPLETE: shard 2 missing') }]);
    expect(runMarks(run, 150).map((m) => m.kind)).toEqual(['T', 'O', 'W']);
    const md = render([run]).text;
    expect(tableRows(md, 'TTFT (s)')[0][0]).toBe('x [T][O][W]');
    expect(section(md, 'Success rate')).toContain('[W] another warning of the run: x: INCOMPLETE: shard 2 missing.');
  });

  it('keeps two significant figures below 1 (0.048 s, not 0.05)', () => {
    expect([0.0484, 0.21, 1.234, 0, 0.00123, 12.5].map((v) => formatValue(v, 2))).toEqual(['0.048', '0.21', '1.23', '0.00', '0.0012', '12.50']);
    expect([0.5, 3.2].map((v) => formatValue(v, 0))).toEqual(['0.50', '3']);
    const md = render(savedRuns([{ name: 'quick', ttftMs: 40 }])).text;
    expect(tableRows(md, 'TTFT (s)')[0][2]).toMatch(/^0\.0\d\d$/);
  });
});

describe('throughput against latency', () => {
  it('draws a sweep from runs of one load at several rates and from capacity steps, per endpoint in rate order', () => {
    const root = mkdtempSync(join(tmpdir(), 'at-lb-sweep-'));
    for (const rate of [2, 4, 8]) writeSavedRun(root, { name: 'alpha', rate, durationS: 10, startedAt: `2026-11-23T12:0${rate}:00.000Z` });
    writeCapacitySearch(root, 'beta', [2, 4, 8, 6], { durationS: 10, ttftMs: 90 });
    const rs = latestPerEndpoint(runs(root));
    expect(rs.map((r) => r.summary.endpoint.name)).toEqual(['alpha', 'alpha', 'alpha']);
    const steps = findCapacityStepFolders(root).map((f) => readRun(root, f));
    const sweeps = findSweeps([...rs, ...steps]);
    expect(sweeps).toHaveLength(1);
    expect(sweeps[0].heading).toBe('evenly spaced, for 10 s · ~25 tokens in, ~20 out · streamed · openai-chat API · rates 2–8 req/s');
    expect(sweeps[0].series.map((s) => [s.endpoint, s.points.map((p) => p.load)])).toEqual([['alpha', [2, 4, 8]], ['beta', [2, 4, 6, 8]]]);
    const md = renderLeaderboard(TEMPLATE, data(rs, sweeps), { ...OPTIONS, chartLink: (f) => `charts/${f}` }).text;
    const tl = section(md, 'Throughput and latency');
    expect(tl).toContain('](charts/Throughput_latency.png)');
    expect(tableRows(md, 'Throughput and latency').map((r) => `${r[0]}@${r[1]}`)).toEqual(['alpha@2', 'alpha@4', 'alpha@8', 'beta@2', 'beta@4', 'beta@6', 'beta@8']);
    expect(section(md, 'TTFT (s)').match(/^#### /gm)).toHaveLength(3);
    expect(md).toContain('- Runs: 3 in the tables, 4 more in the throughput-latency chart; from 2026-11-23 12:00 UTC to 12:08 UTC');
  });

  it('says what to run when no endpoint ran at several rates', () => {
    expect(section(render(latestPerEndpoint(runs())).text, 'Throughput and latency')).toContain('An `auto-testing capacity` search');
  });
});

describe('template placeholders', () => {
  it('names unknown placeholders and values the template leaves out', () => {
    const r = fillTemplate('a {{known}} b {{ nope }} {{nope}} c', { known: 'K', unused: 'U' });
    expect(r.text).toBe('a K b {{ nope }} {{nope}} c');
    expect(r.unknown).toEqual(['nope']);
    expect(r.missing).toEqual(['unused']);
  });

  it('the shipped template uses every placeholder, tells the truth about this tool, and fences YAML as yaml', () => {
    const out = render(latestPerEndpoint(runs()), {}, SHIPPED);
    expect(out.unknown).toEqual([]);
    expect(out.missing).toEqual([]);
    for (const p of PLACEHOLDER_NAMES) expect(SHIPPED).toMatch(new RegExp(`\\{\\{\\s*${p}\\s*\\}\\}`));
    expect(SHIPPED).not.toMatch(/auto-testing\.py|```python|10 requests to the endpoints for one second/);
    expect(SHIPPED).toContain('```yaml\n{{run_config}}\n```');
    for (const h of ['## Time To First Token (seconds)', '## Time Per Output Token (ms)', '## Total TPS (Tokens per seconds)', '## Config the workload used in the benchmarking', '## Feedback']) expect(SHIPPED).toContain(h);
    expect(out.text).toContain('In our testing config, we send 5 requests per second to each endpoint (evenly spaced) and keep sending for 2 s, 10 requests per endpoint');
  });
});

describe('--inject', () => {
  const doc = `# Title\r\nintro ${'x'.repeat(10)}\n\n${START_MARKER}\nold table\n${END_MARKER}\n\ntail with {{braces}} \u00e9\n`;

  it('replaces only the text between the markers; every byte outside is unchanged', () => {
    const r = injectBetweenMarkers(doc, 'NEW\n\n');
    if ('problem' in r) throw new Error(r.problem);
    const [before, after] = [doc.slice(0, doc.indexOf(START_MARKER) + START_MARKER.length + 1), doc.slice(doc.indexOf(END_MARKER))];
    expect(r.text).toBe(`${before}NEW\n${after}`);
    const again = injectBetweenMarkers(r.text, 'NEW');
    expect('text' in again && again.text).toBe(r.text);
  });

  it('leaves markers in inline code, in fenced blocks (``` and ~~~) and indented code alone; only the standalone pair is replaced', () => {
    const text = [
      '# Project',
      '',
      `| flag | use \`${START_MARKER}\` and \`${END_MARKER}\` |`,
      '',
      '```markdown',
      START_MARKER,
      'example',
      END_MARKER,
      '```',
      '',
      '~~~~',
      START_MARKER,
      '```',
      END_MARKER,
      '~~~~',
      '',
      `    ${START_MARKER}`,
      '',
      START_MARKER,
      'stale',
      `${END_MARKER}  `,
      '',
      'end',
      '',
    ].join('\n');
    const r = injectBetweenMarkers(text, 'FRESH');
    if ('problem' in r) throw new Error(r.problem);
    const lines = r.text.split('\n');
    expect(r.text.replace('\nFRESH\n', '\nstale\n')).toBe(text);
    expect(lines.slice(18, 21)).toEqual([START_MARKER, 'FRESH', `${END_MARKER}  `]);
  });

  it('zero or several standalone pairs, or the end first: a problem naming the lines', () => {
    const fenced = `\`\`\`\n${START_MARKER}\n${END_MARKER}\n\`\`\`\n`;
    expect(injectBetweenMarkers(fenced, 'x')).toEqual({ problem: expect.stringMatching(/no line holding only <!-- leaderboard:start --> outside code \(ignored: line 2 \(inside a fenced code block\)\)/) });
    expect(injectBetweenMarkers(`see \`${START_MARKER}\`\n`, 'x')).toEqual({ problem: expect.stringContaining('line 1 (not alone on its line)') });
    const twice = `${START_MARKER}\na\n${END_MARKER}\n\n${START_MARKER}\nb\n${END_MARKER}\n`;
    expect(injectBetweenMarkers(twice, 'x')).toEqual({ problem: expect.stringContaining(`has 2 lines holding only ${START_MARKER} (lines 1, 5); has 2 lines holding only ${END_MARKER} (lines 3, 7)`) });
    expect(injectBetweenMarkers(`${END_MARKER}\n${START_MARKER}\n`, 'x')).toEqual({ problem: expect.stringContaining('(line 1) before') });
  });

  it('a CRLF file keeps CRLF, the injected lines included', () => {
    const crlf = `a\r\n${START_MARKER}\r\nold\r\n${END_MARKER}\r\nb\r\n`;
    const r = injectBetweenMarkers(crlf, 'one\ntwo\n');
    expect(r).toEqual({ text: `a\r\n${START_MARKER}\r\none\r\ntwo\r\n${END_MARKER}\r\nb\r\n` });
  });
});

describe('figures, colours and tables', () => {
  it('marks quantiles estimated from too few values', () => {
    const d = new Distribution(1000);
    for (let i = 1; i <= 20; i++) d.record(i);
    const f = figuresOf(d);
    expect(f.lowSample).toEqual(['p99']);
    expect(f.values).toMatchObject({ mean: 10.5, min: 1, max: 20 });
    expect(f.values.median).toBeCloseTo(10, 1);
  });

  it('twelve distinct colours, then dash patterns: no two of 48 series look alike', () => {
    expect(new Set(PALETTE).size).toBe(12);
    const styles = Array.from({ length: 48 }, (_, i) => JSON.stringify(seriesStyle(i)));
    expect(new Set(styles).size).toBe(48);
    expect(seriesStyle(11).dash).toBeNull();
    expect(seriesStyle(12)).toEqual({ color: PALETTE[0], dash: expect.any(String) });
  });

  it('pads columns, aligns numbers right and escapes pipes', () => {
    expect(markdownTable(['Name', 'N'], ['left', 'right'], [['a|b', '1'], ['long name', '22']])).toBe(
      ['| Name      |   N |', '|:----------|----:|', '| a\\|b      |   1 |', '| long name |  22 |'].join('\n'),
    );
  });
});
