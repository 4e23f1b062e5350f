import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareRuns, runSamples, type RunSamples } from '../../src/compare/compare-runs.js';
import { breaches, parseRegressionRules } from '../../src/compare/regression.js';
import { workloadDiff } from '../../src/compare/workload-diff.js';
import { seededRandom } from '../../src/schedule/random.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { record } from './summary-fixture.js';
import type { RunSummary } from '../../src/metrics/summary.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'results', 'fast-sim', 'cli', '20261123T120000Z-fast-sim', 'summary.json');
const summary = (): RunSummary => JSON.parse(readFileSync(FIXTURE, 'utf8'));
const BOOT = { resamples: 2000, confidence: 0.95, seed: 7 };

/** n completed requests with a per-token gap drawn around `itlMs` (jitter +-1 ms) and TTFT around 100 ms. */
function run(label: string, n: number, itlMs: number, seed: number): RunSamples {
  const rand = seededRandom(seed);
  const records: RequestRecord[] = Array.from({ length: n }, (_, i) => {
    const gap = itlMs + (rand() - 0.5) * 2;
    const ttft = 100 + rand() * 20;
    return record({
      id: i, worker: 0, outcome: 'completed', warmup: false, scheduled_ms: i * 100, sent_ms: i * 100, first_token_ms: i * 100 + ttft, first_output_ms: i * 100 + ttft,
      end_ms: i * 100 + ttft + 19 * gap, http_status: 200, error_class: null, error_message: null, finish_reason: 'length', output_tokens: 20, output_tokens_source: 'usage',
      reasoning_tokens: 0, input_tokens: 10, chunks: 20, chunk_gap_sum_ms: 19 * gap, chunk_gap_max_ms: gap, requested_output_tokens: 20, first_chunk_tokens: 1,
      input_tokens_client: null, output_tokens_client: null, retry_after: null, response_bytes: 1,
    });
  });
  return runSamples(label, label, summary(), records);
}

describe('compareRuns', () => {
  it('two samples of the same distribution: no significant change on any metric', () => {
    const [c] = compareRuns([run('A', 600, 20, 1), run('B', 600, 20, 2)], BOOT);
    expect(c.changes.filter((x) => x.verdict !== 'no significant change').map((x) => x.name)).toEqual([]);
  });

  it('p99 from fewer than 500 samples per run: the interval is shown, no verdict drawn (the bootstrap of a maximum is not to be trusted)', () => {
    const [c] = compareRuns([run('A', 40, 20, 1), run('B', 40, 20, 2)], BOOT);
    const p99 = c.changes.filter((x) => x.p === 99);
    expect(p99.every((x) => x.verdict === 'too few samples' && !x.significant && x.low_sample && x.difference !== null)).toBe(true);
    expect(c.changes.filter((x) => x.p === 50).every((x) => !x.low_sample)).toBe(true);
  });

  it('decode 20 ms vs 30 ms: ITL, TPOT and E2E significantly worse, output TPS significantly worse (lower), TTFT unchanged', () => {
    const [c] = compareRuns([run('A', 600, 20, 1), run('B', 600, 30, 2)], BOOT);
    const v = Object.fromEntries(c.changes.map((x) => [x.name, x.verdict]));
    expect(v).toMatchObject({ itl_p50: 'worse', itl_p99: 'worse', tpot_p50: 'worse', e2e_p50: 'worse', output_tps_p50: 'worse', ttft_p50: 'no significant change' });
    const itl = c.changes.find((x) => x.name === 'itl_p50')!;
    expect(itl.relative!.estimate).toBeCloseTo(0.5, 1);
    expect(itl.difference!.low).toBeGreaterThan(8);
  });

  it('is reproducible: the same runs and seed give the same intervals', () => {
    const a = compareRuns([run('A', 50, 20, 1), run('B', 50, 21, 2)], BOOT);
    const b = compareRuns([run('A', 50, 20, 1), run('B', 50, 21, 2)], BOOT);
    expect(a).toEqual(b);
  });

  it('a run with no completed request: no data, never significant', () => {
    const empty = runSamples('B', 'B', summary(), []);
    const [c] = compareRuns([run('A', 10, 20, 1), empty], BOOT);
    expect(c.changes.every((x) => x.verdict === 'no data' && !x.significant)).toBe(true);
  });
});

describe('--fail-on-regression', () => {
  const rules = (s: string) => {
    const r = parseRegressionRules(s);
    if ('problems' in r) throw new Error(r.problems.join('; '));
    return r.rules;
  };

  it('parses relative and absolute thresholds in the metric unit', () => {
    expect(rules('itl_p50>10%, ttft_p99>50ms,output_tps_p50<-5%,e2e_p50>0.5s')).toEqual([
      { text: 'itl_p50>10%', name: 'itl_p50', op: '>', threshold: 0.1, relative: true },
      { text: 'ttft_p99>50ms', name: 'ttft_p99', op: '>', threshold: 0.05, relative: false },
      { text: 'output_tps_p50<-5%', name: 'output_tps_p50', op: '<', threshold: -0.05, relative: true },
      { text: 'e2e_p50>0.5s', name: 'e2e_p50', op: '>', threshold: 0.5, relative: false },
    ]);
  });

  it('names every bad rule and the fix', () => {
    const r = parseRegressionRules('itl_p51>10%,ttft_p99>5,nonsense');
    expect(r).toEqual({
      problems: [
        expect.stringContaining("'itl_p51>10%': unknown metric 'itl_p51'; use one of ttft_p50, ttft_p99"),
        "--fail-on-regression: 'ttft_p99>5': ttft_p99 is a time: give a unit (s, ms or us) or a percentage",
        expect.stringContaining("'nonsense': not '<metric><op><value>'"),
      ],
    });
  });

  it('breaks only on a significant change beyond the threshold', () => {
    const worse = compareRuns([run('A', 200, 20, 1), run('B', 200, 30, 2)], BOOT);
    const same = compareRuns([run('A', 200, 20, 1), run('B', 200, 20, 2)], BOOT);
    expect(breaches(rules('itl_p50>10%'), worse)).toEqual([{ rule: 'itl_p50>10%', candidate: 'B', change: expect.stringMatching(/^4\d\.\d %|^5\d\.\d %/) }]);
    expect(breaches(rules('itl_p50>60%'), worse)).toEqual([]);
    expect(breaches(rules('itl_p50>0%'), same)).toEqual([]);
    expect(breaches(rules('output_tps_p50<-10%'), worse)).toHaveLength(1);
  });
});

describe('workload differences, in words', () => {
  it('a different rate refuses; a different seed is only noted', () => {
    const a = summary();
    const b = summary();
    b.workload = { ...b.workload, rate: 20, seed: 7 };
    const d = workloadDiff([{ label: 'A', summary: a }, { label: 'B', summary: b }]);
    expect(d.differences).toEqual([`rate: ${JSON.stringify(a.workload.rate)} in A, 20 in B`]);
    expect(d.notes).toEqual([`seed: ${JSON.stringify(a.workload.seed)} in A, 7 in B`]);
    expect(workloadDiff([{ label: 'A', summary: a }, { label: 'B', summary: summary() }])).toEqual({ differences: [], notes: [] });
  });
});
