import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTokenizer } from '../../src/tokenize/tokenizers.js';
import { readTrace } from '../../src/workload/traces/read.js';
import { traceSchedule } from '../../src/workload/traces/schedule.js';
import { TokenBlocks } from '../../src/workload/traces/token-blocks.js';
import { qwen3Dir } from '../fixtures/tokenizers/qwen3-tiktoken.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const MOONCAKE = join(ROOT, 'workloads', 'traces', 'mooncake-sample.jsonl');

interface Run {
  code: number | null;
  stderr: string;
  summary: any;
  rows: Record<string, string>[];
}

function cli(args: string[]): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'at-traffic-'));
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args, '--progress', 'none', '--results-dir', dir], { cwd: ROOT });
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += d));
    p.stdout.resume();
    p.on('close', (code) => {
      const [run] = readdirSync(dir);
      const read = (f: string) => readFileSync(join(dir, run, f), 'utf8');
      resolve({ code, stderr, summary: run ? JSON.parse(read('summary.json')) : null, rows: run ? table(read('requests.csv')) : [] });
    });
  });
}

/** requests.csv as objects by column name (the columns read here hold no quoted commas). */
function table(csv: string): Record<string, string>[] {
  const [head, ...lines] = csv.trim().split('\n').map((l) => l.split(','));
  return lines.map((cells) => Object.fromEntries(head.map((h, i) => [h, cells[i]])));
}

const num = (v: string) => Number(v);

/** A loopback endpoint that stamps each request's arrival (CLOCK_MONOTONIC, as the client) and answers at once. */
function recordingServer(): Promise<{ server: Server; url: string; arrivals: { atMs: number; prompt: string; messages: { role: string; content: string }[] }[] }> {
  const arrivals: { atMs: number; prompt: string; messages: { role: string; content: string }[] }[] = [];
  const server = createServer((req, res) => {
    const atMs = Number(process.hrtime.bigint()) / 1e6;
    const parts: Buffer[] = [];
    req.on('data', (c) => parts.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(parts).toString('utf8'));
      arrivals.push({ atMs, prompt: body.messages.at(-1).content, messages: body.messages });
      const chunk = (o: object) => `data: ${JSON.stringify(o)}\n\n`;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(
        chunk({ choices: [{ index: 0, delta: { content: ' ok' }, finish_reason: null }] }) +
          chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'length' }] }) +
          chunk({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }) +
          'data: [DONE]\n\n',
      );
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, arrivals })));
}

describe('--trace: a Mooncake replay', () => {
  let rec: Awaited<ReturnType<typeof recordingServer>>;
  beforeAll(async () => (rec = await recordingServer()));
  afterAll(() => new Promise<void>((r) => rec.server.close(() => r())));

  it('every request reaches the server at its trace offset (within the run\'s own send lag), and the count is exact', async () => {
    const r = await cli(['--endpoint', rec.url, '--model', 'm', '--trace', MOONCAKE, '--trace-window', '0,16s', '--trace-speed', '4']);
    expect(r.code).toBe(0);
    const problems: string[] = [];
    const trace = readTrace(MOONCAKE, '--trace', 'auto', problems)!;
    const schedule = traceSchedule(trace, { startMs: 0, endMs: 16_000 }, 4);
    expect(rec.arrivals).toHaveLength(schedule.index.length);
    expect(r.summary.requests).toMatchObject({ scheduled: schedule.index.length, completed: schedule.index.length });
    // which arrival is which request: its prompt, rebuilt from the trace's hash_ids
    const blocks = TokenBlocks.build(await loadTokenizer('llama2')) as TokenBlocks;
    const byPrompt = new Map<string, number[]>();
    schedule.index.forEach((ti, i) => {
      const input = trace.requests[ti].input as { tokens: number; hashIds: number[] };
      const p = blocks.hashPrompt(input.hashIds, input.tokens);
      byPrompt.set(p, [...(byPrompt.get(p) ?? []), i]);
    });
    const rows = new Map(r.rows.map((row) => [num(row.id), row]));
    const seen = rec.arrivals.map((a) => {
      const i = byPrompt.get(a.prompt)!.shift()!;
      const row = rows.get(i)!;
      expect(num(row.scheduled_ms)).toBeCloseTo(schedule.dueMs[i], 3);
      return { late: a.atMs - schedule.dueMs[i], delivery: a.atMs - num(row.sent_ms) };
    });
    // both clocks are CLOCK_MONOTONIC with different origins: offsets are judged from the earliest
    const minLate = Math.min(...seen.map((x) => x.late));
    const minDelivery = Math.min(...seen.map((x) => x.delivery));
    const error = seen.map((x) => x.late - minLate).sort((a, b) => a - b);
    const delivery = seen.map((x) => x.delivery - minDelivery).sort((a, b) => a - b);
    // from the rows, not the summary's HDR maximum, whose rounding grows with the value
    const sendLagMax = Math.max(...r.rows.map((row) => num(row.sent_ms) - num(row.scheduled_ms)));
    const q = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))];
    console.log(
      `mooncake replay: ${seen.length} requests; arrival offset error p50 ${q(error, 0.5).toFixed(2)} max ${error.at(-1)!.toFixed(2)} ms; ` +
        `send lag max ${sendLagMax.toFixed(2)} ms; loopback delivery beyond its least p50 ${q(delivery, 0.5).toFixed(2)} max ${delivery.at(-1)!.toFixed(2)} ms`,
    );
    // each arrival is as late as its send lag plus the loopback's delivery, and no later: the schedule is the trace's
    seen.forEach((x, k) => expect(x.late - minLate).toBeLessThanOrEqual(sendLagMax + (x.delivery - minDelivery) + 0.5));
    expect(q(error, 0.5)).toBeLessThanOrEqual(sendLagMax + q(delivery, 0.5) + 0.5);
  });
});

describe("--trace: sessions of auto-testing's own trace", () => {
  let rec: Awaited<ReturnType<typeof recordingServer>>;
  beforeAll(async () => (rec = await recordingServer()));
  afterAll(() => new Promise<void>((r) => rec.server.close(() => r())));

  it("a session's turns carry the conversation so far, the answers received included; requests.csv says session and turn", async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'at-sessions-')), 'trace.jsonl');
    const lines = [
      { offset_ms: 0, session: 'chat-a', prompt: 'first question' },
      { offset_ms: 5, prompt: 'a request of its own' },
      { offset_ms: 10, session: 'chat-a', prompt: 'second question' },
      { offset_ms: 20, session: 'chat-a', messages: [{ role: 'user', content: 'third question' }] },
      // due after the last arrival by more than the drain timeout: still the schedule, not the drain
      { offset_ms: 4000, session: 'chat-a', prompt: 'much later' },
    ];
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'));
    const r = await cli(['--endpoint', rec.url, '--model', 'm', '--trace', file, '--max-tokens', '4', '--drain-timeout', '2s']);
    expect(r.code, r.stderr).toBe(0);
    const turns = rec.arrivals.filter((a) => a.messages[0].content === 'first question').map((a) => a.messages.map((m) => `${m.role}: ${m.content}`));
    expect(turns.sort((a, b) => a.length - b.length)).toEqual([
      ['user: first question'],
      ['user: first question', 'assistant:  ok', 'user: second question'],
      ['user: first question', 'assistant:  ok', 'user: second question', 'assistant:  ok', 'user: third question'],
      ['user: first question', 'assistant:  ok', 'user: second question', 'assistant:  ok', 'user: third question', 'assistant:  ok', 'user: much later'],
    ]);
    expect(rec.arrivals.find((a) => a.prompt === 'a request of its own')!.messages).toHaveLength(1);
    const rows = r.rows.map((w) => [w.session, w.turn, w.session_turns, w.outcome]).sort();
    expect(rows).toEqual([['', '', '', 'completed'], ...[0, 1, 2, 3].map((t) => ['0', String(t), '4', 'completed'])]);
    // each turn went after its previous answer (the record's own stamps)
    const byTurn = r.rows.filter((w) => w.session === '0').sort((a, b) => num(a.turn) - num(b.turn));
    for (let t = 1; t < byTurn.length; t++) expect(num(byTurn[t].sent_ms)).toBeGreaterThanOrEqual(num(byTurn[t - 1].end_ms));
    expect(r.summary.sessions).toMatchObject({ started: 1, completed: 1 });
  });
});

describe('bad traces and conflicts: one line, exit 2, nothing sent', () => {
  it('a malformed trace line names the file and line; --trace with --rate is a conflict', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'at-badtrace-'));
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"timestamp": 0, "input_length": 10, "output_length": 5, "hash_ids": [1]}\n{"timestamp": 5, "input_length": 10}\n');
    const [a, b] = await Promise.all([cli(['--trace', bad]), cli(['--trace', MOONCAKE, '--duration', '10s'])]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain(`${bad}:2: "output_length" must be an integer > 0`);
    expect(a.summary).toBeNull();
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('--duration and --trace: a trace sets its own schedule');
    expect(b.summary).toBeNull();
  });
});

// prefill-dominant (PLAN.md), and light on the machine: the simulator counts ~4 characters a token
// (no tokenizing of 2,000-token prompts), one worker each
const PREFILL_DOMINANT = ['--sim-prefill-ms', '10', '--sim-prefill-per-token-ms', '0.2', '--sim-decode-ms', '5', '--max-tokens', '8', '--sim-tokenizer', 'none', '--workers', '1'];

describe('shared prefixes against the simulator\'s prefix cache', () => {
  it('--prefix-groups 1 --prefix-tokens 2000 cuts TTFT p50 at least 3x against the same prompt lengths unshared; the summary shows the cached tokens', async () => {
    // side by side, so a busy machine slows both alike
    const [shared, unshared] = await Promise.all([
      cli(['--rate', '5', '--duration', '3s', '--prefix-groups', '1', '--prefix-tokens', '2000', '--mean-input-tokens', '100', ...PREFILL_DOMINANT]),
      cli(['--rate', '5', '--duration', '3s', '--mean-input-tokens', '2100', ...PREFILL_DOMINANT]),
    ]);
    expect([shared.code, unshared.code]).toEqual([0, 0]);
    expect(shared.rows.every((row) => row.input_tokens_client === '2100')).toBe(true);
    expect(unshared.rows.every((row) => row.input_tokens_client === '2100')).toBe(true);
    expect(shared.rows.every((row) => row.prefix_group === '0')).toBe(true);
    expect(shared.summary.tokens.cached_input_fraction).toBeGreaterThan(0.6);
    expect(unshared.summary.tokens.cached_input_total).toBe(0);
    const ratio = unshared.summary.metrics.ttft_s.p50 / shared.summary.metrics.ttft_s.p50;
    console.log(`shared prefix: TTFT p50 ${shared.summary.metrics.ttft_s.p50} s vs ${unshared.summary.metrics.ttft_s.p50} s unshared (${ratio.toFixed(1)}x); cached ${(shared.summary.tokens.cached_input_fraction * 100).toFixed(1)}%`);
    expect(ratio).toBeGreaterThanOrEqual(3);
  });
});

describe.concurrent('the model\'s tokenizer and chat template', () => {
  const QWEN = ['--workers', '1', '--tokenizer', qwen3Dir(), '--sim-decode-ms', '2', '--sim-prefill-ms', '2'];

  it('5-turn sessions: every turn counted alike by client and server, each turn the earlier user and assistant turns plus the template', async () => {
    const r = await cli(['--rate', '2', '--duration', '2s', '--turns', '5', '--think-time', '100ms', '--mean-input-tokens', '40', '--max-tokens', '12', '--chat-template', 'auto', ...QWEN]);
    expect(r.code).toBe(0);
    expect(r.summary.sessions).toMatchObject({ started: 4, completed: 4, cut_short: 0 });
    expect(r.summary.sessions.by_turn.map((t: any) => t.turn)).toEqual([0, 1, 2, 3, 4]);
    const bySession = new Map<string, Record<string, string>[]>();
    for (const row of r.rows) bySession.set(row.session, [...(bySession.get(row.session) ?? []), row]);
    const overheads = new Set<number>();
    for (const turns of bySession.values()) {
      turns.sort((a, b) => num(a.turn) - num(b.turn));
      expect(turns.map((t) => t.turn)).toEqual(['0', '1', '2', '3', '4']);
      for (const [k, t] of turns.entries()) {
        expect(t.input_tokens).toBe(t.input_tokens_client);
        // this turn's prompt = the last one + its answer + the new 40-token message + the template's tokens around them
        if (k > 0) overheads.add(num(t.input_tokens) - num(turns[k - 1].input_tokens) - num(turns[k - 1].output_tokens) - 40);
      }
    }
    expect(overheads.size).toBe(1);
    console.log(`sessions: ${bySession.size} sessions x 5 turns, template overhead per turn ${[...overheads][0]} tokens`);
    expect(r.summary.warnings.filter((w: string) => w.includes('TOKEN COUNTS'))).toEqual([]);
  });

  it('with the template, client and server input counts agree exactly; without it, the constant offset is a note, not an alarm', async () => {
    const base = ['--rate', '5', '--duration', '1s', '--mean-input-tokens', '30', '--max-tokens', '4', '--sim-chat-template', 'auto', ...QWEN];
    const [matched, plain] = await Promise.all([cli([...base, '--chat-template', 'auto']), cli(base)]);
    expect(matched.code).toBe(0);
    expect(matched.rows.every((row) => row.input_tokens === row.input_tokens_client)).toBe(true);
    expect(matched.summary.token_checks.input_offset).toBeNull();
    expect(plain.code).toBe(0);
    expect(plain.summary.token_checks.input_offset).toMatchObject({ tokens: num(matched.rows[0].input_tokens) - 30 });
    expect(plain.summary.warnings.filter((w: string) => w.includes('(input)'))).toEqual([]);
    expect(plain.summary.notes.filter((n: string) => n.includes('more prompt tokens per request'))).toHaveLength(1);
  });
});
