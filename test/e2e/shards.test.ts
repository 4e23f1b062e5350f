import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Distribution } from '../../src/metrics/distribution.js';
import { STEP_MS, WINDOW_MS } from '../../src/metrics/build-summary.js';
import { derive, type RequestRecord } from '../../src/metrics/record.js';
import { Series, slidingRate } from '../../src/metrics/timeline.js';
import { readRecords } from '../../src/results/read-records.js';
import { pacerFrom } from '../../src/schedule/pacers.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');
const SHARDS = 3;
const TOTAL = pacerFrom({ kind: 'poisson', rate: 15, durationMs: 2000, burstiness: 1, seed: 7 }).total!;
const WORKLOAD = ['--arrival', 'poisson', '--seed', '7', '--rate', '15', '--duration', '2s', '--max-tokens', '8', '--slo', `ttft_p99<=30s,requests_completed>=${TOTAL}`];

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** The built CLI with extra environment variables (a pod's JOB_COMPLETION_INDEX); never rejects. */
function cli(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, maxBuffer: 1 << 26 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const summaryIn = (folder: string) => JSON.parse(readFileSync(join(folder, 'summary.json'), 'utf8'));
const folders = (dir: string) => readdirSync(dir).sort().map((f) => join(dir, f));
const byId = (rs: RequestRecord[]) => [...rs].sort((a, b) => a.id - b.id);
const perSecond = (rs: RequestRecord[]) => rs.reduce<Record<number, number>>((m, r) => ((m[Math.floor(r.scheduled_ms / 1000)] = (m[Math.floor(r.scheduled_ms / 1000)] ?? 0) + 1), m), {});

describe('sharded runs merged, as a Kubernetes Indexed Job runs them', () => {
  let sim: ChildProcess;
  let url = '';
  let shared = '';
  let single = '';
  let merged = '';
  let mergeRun: Ran;

  beforeAll(async () => {
    sim = spawn(process.execPath, [CLI, 'sim', '--port', '0', '--prefill-ms', '5', '--decode-ms', '5']);
    url = await new Promise<string>((resolve, reject) => {
      let err = '';
      sim.stderr!.on('data', (d) => {
        err += d;
        const m = /(http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(err);
        if (m) resolve(m[1]);
      });
      sim.on('exit', (c) => reject(new Error(`sim exited ${c}: ${err}`)));
    });
    shared = mkdtempSync(join(tmpdir(), 'at-shards-'));
    single = mkdtempSync(join(tmpdir(), 'at-single-'));
    const target = ['--endpoint', url, '--model', 'auto-testing-sim', ...WORKLOAD, '--progress', 'none'];
    // the pods: same arguments, same start instant, the index from the environment, one results volume;
    // the lead covers worker start-up and warm-up on a busy machine (a late shard still merges exactly)
    const startAt = String(Date.now() + 5000);
    const runs = await Promise.all([
      ...Array.from({ length: SHARDS }, (_, i) => cli([...target, '--shards', String(SHARDS), '--start-at', startAt, '--workers', '2', '--results-dir', shared], { JOB_COMPLETION_INDEX: String(i) })),
      cli([...target, '--workers', '1', '--results-dir', single]),
    ]);
    // each shard alone completes too few requests for its objective (exit 3); the single run meets it
    expect(runs.map((r) => r.code), runs.map((r) => r.stderr).join('\n')).toEqual([3, 3, 3, 0]);
    merged = join(mkdtempSync(join(tmpdir(), 'at-merged-')), 'run');
    mergeRun = await cli(['merge', ...folders(shared), '--out', merged]);
  });

  afterAll(() => {
    sim?.kill('SIGTERM');
  });

  it('the merged run holds exactly the single-process schedule: count, ids, scheduled times, arrivals per second', () => {
    expect(mergeRun.code, mergeRun.stderr).toBe(0);
    const total = TOTAL;
    const m = summaryIn(merged);
    const s = summaryIn(folders(single)[0]);
    expect(m.requests.scheduled).toBe(total);
    expect(s.requests.scheduled).toBe(total);
    expect(m.requests).toMatchObject({ sent: total, completed: total, failed: 0 });
    const mr = readRecords(merged);
    const sr = readRecords(folders(single)[0]);
    expect(byId(mr).map((r) => [r.id, r.scheduled_ms])).toEqual(byId(sr).map((r) => [r.id, r.scheduled_ms]));
    expect(perSecond(mr)).toEqual(perSecond(sr));
    // requests.csv in send order
    expect(mr.map((r) => r.id)).toEqual(byId(mr).map((r) => r.id));
    expect(new Set(mr.map((r) => r.worker)).size).toBe(SHARDS * 2);
    expect(m.shards).toMatchObject({ count: SHARDS, merged: [0, 1, 2], missing: [] });
    // objectives judged on the merged run: every request of the schedule completed, which no shard has alone
    expect(m.goodput).toMatchObject({ criteria: ['ttft_p99<=30s'], good: total, total });
    expect(m.slo.passed).toBe(true);
    for (const f of folders(shared)) expect(summaryIn(f).slo.passed).toBe(false);
    expect(m.shards.first_send_late_ms.spread).toBeGreaterThanOrEqual(0);
    expect(mergeRun.stderr).toMatch(/first send late per shard: .* \(spread [\d.]+ ms\)/);
  });

  it('the leaderboard ranks the merged run, never a shard', async () => {
    const root = mkdtempSync(join(tmpdir(), 'at-board-'));
    cpSync(shared, join(root, 'shards'), { recursive: true });
    cpSync(merged, join(root, 'merged'), { recursive: true });
    const r = await cli(['leaderboard', '--results', root, '--all', '--out', join(root, 'board.md')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('1 run(s)');
  });

  it('merged histograms equal the shards\' histograms added and a histogram built from the merged records', () => {
    const m = summaryIn(merged);
    const shardSummaries = folders(shared).map(summaryIn);
    const completed = readRecords(merged).filter((r) => r.outcome === 'completed' && !r.warmup);
    for (const name of ['ttft_s', 'e2e_s', 'tpot_ms', 'output_tokens']) {
      const fromMerge = Distribution.decode(m.histograms[name]);
      const added = Distribution.decode(shardSummaries[0].histograms[name]);
      for (const s of shardSummaries.slice(1)) added.add(Distribution.decode(s.histograms[name]));
      const fromRecords = new Distribution(m.histograms[name].scale);
      for (const r of completed) fromRecords.record(name === 'output_tokens' ? r.output_tokens : derive(r)[name as 'ttft_s']);
      for (const other of [added, fromRecords]) {
        const [a, b] = [fromMerge.stats(), other.stats()];
        expect({ ...a, mean: 0, stddev: 0 }).toEqual({ ...b, mean: 0, stddev: 0 });
        expect(a.mean).toBeCloseTo(b.mean!, 9);
        for (let q = 5; q <= 100; q += 5) expect(fromMerge.quantile(q)).toBe(other.quantile(q));
      }
    }
    // inter-chunk gaps exist only as histograms: the merge adds the shards'
    const gaps = Distribution.decode(shardSummaries[0].histograms.inter_chunk_ms);
    for (const s of shardSummaries.slice(1)) gaps.add(Distribution.decode(s.histograms.inter_chunk_ms));
    const mergedGaps = Distribution.decode(m.histograms.inter_chunk_ms);
    expect(mergedGaps.count).toBeGreaterThan(0);
    expect(mergedGaps.count).toBe(gaps.count);
    for (let q = 5; q <= 100; q += 5) expect(mergedGaps.quantile(q)).toBe(gaps.quantile(q));
  });

  it('token buckets add on the wall clock; peak Total TPS is recomputed from the merged buckets', () => {
    const rows = (f: string) => readFileSync(join(f, 'buckets.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    const sums = new Map<number, number>();
    for (const f of folders(shared)) for (const r of rows(f)) sums.set(r[2], (sums.get(r[2]) ?? 0) + r[6]);
    const m = summaryIn(merged);
    const tokens = new Series();
    for (const r of rows(merged)) {
      expect(r[6]).toBeCloseTo(sums.get(r[2]) ?? 0, 6);
      tokens.add(r[0], r[6]);
    }
    expect(m.tokens.output_total).toBe(folders(shared).reduce((a, f) => a + summaryIn(f).tokens.output_total, 0));
    const sent = readRecords(merged).filter((r) => r.sent_ms !== null);
    const first = Math.min(...sent.map((r) => r.sent_ms!));
    const last = Math.max(...sent.map((r) => r.end_ms ?? -Infinity));
    const window = slidingRate(tokens, WINDOW_MS, STEP_MS, first, last);
    expect(m.throughput.peak_total_tps).toBeCloseTo(window.peak, 6);
    expect(m.throughput.mean_total_tps).toBeCloseTo(window.mean, 6);
    // the client's CPU per second adds too
    const cpu = (f: string) => readFileSync(join(f, 'timeseries.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[5]));
    const shardCpu = folders(shared).map(cpu);
    cpu(merged).forEach((v, second) => expect(v).toBeCloseTo(shardCpu.reduce((a, c) => a + (c[second] ?? 0), 0), 2));
  });

  it('refuses a shard merged with itself, other workloads and runs that are not shards; warns on an incomplete set', async () => {
    const [first, second] = folders(shared);
    const out = () => join(mkdtempSync(join(tmpdir(), 'at-merged-')), 'run');
    const other = join(mkdtempSync(join(tmpdir(), 'at-other-')), 'shard');
    cpSync(second, other, { recursive: true });
    const s = summaryIn(other);
    writeFileSync(join(other, 'summary.json'), JSON.stringify({ ...s, run: { ...s.run, id: 'other' }, workload: { ...s.workload, seed: 8 } }));
    // four merges of their own, each into a folder of its own: side by side
    const [twice, different, notShard, partial] = await Promise.all([
      cli(['merge', first, first, '--out', out()]),
      cli(['merge', first, other, '--out', out()]),
      cli(['merge', first, folders(single)[0], '--out', out()]),
      cli(['merge', first, second, '--out', out()]),
    ]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('are the same run');
    expect(different.code).toBe(2);
    expect(different.stderr).toMatch(/differs from .* in its workload \(seed\)/);
    expect(notShard.code).toBe(2);
    expect(notShard.stderr).toContain('is not a shard');
    expect(partial.code).toBe(3); // requests_completed>=TOTAL fails on two thirds of the schedule
    expect(partial.stdout).toMatch(new RegExp(`requests_completed>=${TOTAL} .*FAIL`));
    expect(partial.stderr).toContain('INCOMPLETE: shard(s) 2 of 3 missing');
  });

  it('a bad shard is one line and exit 2, before anything is sent; a closed loop cannot be sharded', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'at-endpoints-')), 'endpoints.yaml');
    writeFileSync(file, ['a', 'b'].map((n) => `- {name: ${n}, url: '${url}', api: openai-chat, model: m}\n`).join(''));
    const [r, closed, two] = await Promise.all([
      cli(['--shard', '3/3', '--duration', '1s']),
      cli(['--shard', '0/2', '--concurrency', '2', '--max-requests', '4']),
      cli(['--endpoints', file, '--shard', '0/2', '--start-at', String(Date.now() + 60_000)]),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/^auto-testing: --shard: '3\/3' is not a shard I\/N/);
    expect(closed.code).toBe(2);
    expect(closed.stderr.split('\n')[0]).toMatch(/^auto-testing: --shard: a closed loop/);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('--start-at: one instant cannot start 2 endpoints');
  });
});
