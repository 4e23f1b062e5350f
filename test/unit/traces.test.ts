import { traceArrivals } from '../../src/workload/traces/sessions.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/config/package-root.js';
import { azureTimestampMs } from '../../src/workload/traces/azure-csv.js';
import { readTrace } from '../../src/workload/traces/read.js';
import { parseTraceWindow, traceSchedule } from '../../src/workload/traces/schedule.js';
import { TokenBlocks } from '../../src/workload/traces/token-blocks.js';
import { tracePacer } from '../../src/schedule/trace-pacer.js';
import { workerStripe } from '../../src/schedule/pacer.js';
import { loadTokenizer } from '../../src/tokenize/tokenizers.js';
import { loadChatTemplate } from '../../src/tokenize/chat-template.js';
import { qwen3Dir } from '../fixtures/tokenizers/qwen3-tiktoken.js';

const dir = mkdtempSync(join(tmpdir(), 'at-traces-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sample = (name: string) => join(packageRoot(), 'workloads', 'traces', name);

function file(name: string, content: string): string {
  const f = join(dir, name);
  writeFileSync(f, content);
  return f;
}

function read(path: string, format = 'auto') {
  const problems: string[] = [];
  return { trace: readTrace(path, '--trace', format, problems), problems };
}

describe('trace formats: the shipped samples', () => {
  it('Mooncake: 300 requests, offsets from the first, hash_ids as 512-token blocks', () => {
    const { trace, problems } = read(sample('mooncake-sample.jsonl'));
    expect(problems).toEqual([]);
    expect(trace!.format).toBe('mooncake');
    expect(trace!.requests).toHaveLength(300);
    expect(trace!.requests[0]).toMatchObject({ offsetMs: 0, line: 1, maxTokens: 116, input: { kind: 'tokens', tokens: 1731, hashIds: [0, 1, 25, 26] } });
    expect(trace!.spanMs).toBe(59176 - 2);
    expect(trace!.notes).toEqual([]);
  });

  it('Azure CSV: 300 requests, the 100 ns timestamps kept to the microsecond', () => {
    const { trace, problems } = read(sample('azure-conv-sample.csv'));
    expect(problems).toEqual([]);
    expect(trace!.format).toBe('azure');
    expect(trace!.requests).toHaveLength(300);
    expect(trace!.requests[1].offsetMs).toBeCloseTo(527.0256, 3);
    expect(trace!.requests[0]).toMatchObject({ maxTokens: 216, input: { kind: 'tokens', tokens: 141, hashIds: null } });
    expect(azureTimestampMs('2023-11-16 18:15:46.6805900')).toBe(Date.UTC(2023, 10, 16, 18, 15, 46) + 680.59);
  });

  it("auto-testing's own: prompts, messages, token counts and sessions", () => {
    const { trace, problems } = read(sample('auto-testing-sample.jsonl'));
    expect(problems).toEqual([]);
    expect(trace!.requests).toHaveLength(200);
    const kinds = new Set(trace!.requests.map((r) => r.input.kind));
    expect([...kinds].sort()).toEqual(['messages', 'prompt', 'tokens']);
    expect(trace!.requests.filter((r) => r.session !== null).length).toBeGreaterThan(20);
  });
});

describe('bad traces', () => {
  it('a malformed line is one line naming file and line; stops after 20', () => {
    const f = file('bad.jsonl', ['{"timestamp": 0, "input_length": 600, "output_length": 5, "hash_ids": [1, 2]}', '{"timestamp": 5, "input_length": 600, "output_length": 5, "hash_ids": [1]}', 'nope', '{"timestamp": -1, "input_length": 1, "output_length": 1}'].join('\n'));
    const { trace, problems } = read(f);
    expect(trace).toBeNull();
    expect(problems).toEqual([
      expect.stringMatching(new RegExp(`^${f}:2: input_length 600 is 2 block\\(s\\) of 512 tokens, but hash_ids has 1; write \\{"timestamp"`)),
      expect.stringMatching(new RegExp(`^${f}:3: not a JSON object; write`)),
      expect.stringMatching(new RegExp(`^${f}:4: "timestamp" must be a number of ms >= 0, got -1`)),
    ]);
    const many = file('many.csv', ['TIMESTAMP,ContextTokens,GeneratedTokens', ...Array.from({ length: 40 }, () => 'yesterday,1,1')].join('\n'));
    const m = read(many).problems;
    expect(m).toHaveLength(21);
    expect(m[0]).toMatch(/many\.csv:2: TIMESTAMP must look like 2023-11-16 18:15:46\.6805900, got 'yesterday'/);
    expect(m[20]).toMatch(/many\.csv: stopped at line 21 after 20 bad records/);
  });

  it('an unknown format names the ones it reads; an empty file is one line', () => {
    expect(read(file('x.jsonl', '{"time": 1}\n')).problems).toEqual([expect.stringMatching(/x\.jsonl:1: not a trace format this tool reads; use one of: Mooncake .*Azure .*auto-testing/)]);
    expect(read(file('e.jsonl', '\n\n')).problems).toEqual([expect.stringMatching(/^--trace: '.*e\.jsonl' holds no requests/)]);
  });

  it('out of time order: replayed sorted (stably), with a note naming the first line out of order', () => {
    const f = file('late.jsonl', ['{"offset_ms": 100, "input_tokens": 5}', '{"offset_ms": 300, "input_tokens": 6}', '{"offset_ms": 200, "input_tokens": 7, "session": "a"}', '{"offset_ms": 200, "input_tokens": 8, "session": "a"}'].join('\n'));
    const { trace } = read(f);
    expect(trace!.requests.map((r) => r.line)).toEqual([1, 3, 4, 2]);
    expect(trace!.requests.map((r) => r.offsetMs)).toEqual([0, 100, 100, 200]);
    expect(trace!.notes).toEqual([`${f}: 2 request(s) out of time order (first at line 3: 200 ms after 300 ms); replayed in time order`]);
  });
});

describe('trace schedule', () => {
  it('--trace-window cuts a slice and --trace-speed divides the offsets; shards and workers split it like any schedule', () => {
    const { trace } = read(sample('mooncake-sample.jsonl'));
    const all = traceSchedule(trace!, null, 1);
    expect(all.dueMs).toEqual(trace!.requests.map((r) => r.offsetMs));
    const w = parseTraceWindow('10s,20s');
    if (typeof w === 'string') throw new Error(w);
    const s = traceSchedule(trace!, w, 2);
    const inside = trace!.requests.filter((r) => r.offsetMs >= 10_000 && r.offsetMs < 20_000);
    expect(s.index).toEqual(inside.map((r) => trace!.requests.indexOf(r)));
    expect(s.dueMs).toEqual(inside.map((r) => (r.offsetMs - 10_000) / 2));
    const pacer = tracePacer(s.dueMs);
    const seen = [0, 1].flatMap((shard) => [0, 1, 2].flatMap((worker) => [...workerStripe(pacer, { index: shard, count: 2 }, worker, 3)]));
    expect(seen.map((a) => a.index).sort((a, b) => a - b)).toEqual(s.dueMs.map((_, i) => i));
    expect(seen.every((a) => a.dueMs === s.dueMs[a.index])).toBe(true);
  });

  it('window syntax', () => {
    expect(parseTraceWindow('60s,')).toEqual({ startMs: 60_000, endMs: null });
    expect(parseTraceWindow('0,1m30s')).toEqual({ startMs: 0, endMs: 90_000 });
    expect(parseTraceWindow('20s,10s')).toMatch(/END must be after START/);
    expect(parseTraceWindow('soon')).toMatch(/not START,END/);
  });
});

describe('Mooncake hash_ids as 512-token blocks', () => {
  it('two requests sharing k leading hash_ids share exactly k x 512 leading tokens and differ right after (re-tokenized, with a chat template)', async () => {
    const tok = await loadTokenizer(qwen3Dir());
    const template = await loadChatTemplate('auto', join(qwen3Dir(), 'tokenizer.json'));
    if (typeof template === 'string') throw new Error(template);
    const blocks = TokenBlocks.build(tok);
    if (typeof blocks === 'string') throw new Error(blocks);
    const { trace } = read(sample('mooncake-sample.jsonl'));
    const reqs = trace!.requests.map((r) => r.input).filter((x) => x.kind === 'tokens');
    // pairs from the sample with 1, 2 and 3+ shared leading ids
    const pairs: [number, number, number][] = [];
    for (let i = 0; i < reqs.length && pairs.length < 6; i++) {
      for (let j = i + 1; j < reqs.length; j++) {
        const a = reqs[i].hashIds!;
        const b = reqs[j].hashIds!;
        let k = 0;
        while (k < a.length && k < b.length && a[k] === b[k]) k++;
        if (k > 0 && k < a.length && k < b.length && !pairs.some((p) => p[2] === k)) pairs.push([i, j, k]);
      }
    }
    expect(pairs.length).toBeGreaterThanOrEqual(3);
    const offset = tok.encode(template.render([{ role: 'user', content: '' }])).length;
    for (const [i, j, k] of pairs) {
      const a = reqs[i] as { tokens: number; hashIds: number[] };
      const b = reqs[j] as { tokens: number; hashIds: number[] };
      const pa = blocks.hashPrompt(a.hashIds, a.tokens);
      const pb = blocks.hashPrompt(b.hashIds, b.tokens);
      expect(tok.encode(pa)).toHaveLength(a.tokens);
      const ia = tok.encode(template.render([{ role: 'user', content: pa }]));
      const ib = tok.encode(template.render([{ role: 'user', content: pb }]));
      expect(ia).toHaveLength(a.tokens + offset);
      let same = 0;
      while (ia[same] === ib[same]) same++;
      // the template's leading tokens (offset minus its closing tokens) come first
      const lead = tok.encode('<|im_start|>user\n').length;
      expect(same - lead).toBe(k * 512);
    }
  });

  it('requests without hash_ids get prompts of their own, exactly as long', async () => {
    const tok = await loadTokenizer('llama2');
    const blocks = TokenBlocks.build(tok) as TokenBlocks;
    const a = blocks.uniquePrompt(0, 700);
    const b = blocks.uniquePrompt(1, 700);
    expect(tok.encode(a)).toHaveLength(700);
    expect(tok.encode(b)).toHaveLength(700);
    expect(tok.encode(a)[0]).not.toBe(tok.encode(b)[0]);
  });
});

describe('trace sessions as arrivals', () => {
  it('each session arrives once, at its first turn, its later turns carried in order with their due times; requests of their own arrive as they are', () => {
    const r = (session: string | null, dueMs: number) => ({ input: { kind: 'prompt' as const, prompt: `${session}@${dueMs}` }, maxTokens: null, session, dueMs });
    const { items, dueMs } = traceArrivals([r('a', 0), r(null, 5), r('b', 7), r('a', 10), r('b', 12), r('a', 30)]);
    expect(dueMs).toEqual([0, 5, 7]);
    expect(items.map((i) => [i.session, (i.input as { prompt: string }).prompt, i.later.map((t) => [(t.input as { prompt: string }).prompt, t.dueMs])])).toEqual([
      ['a', 'a@0', [['a@10', 10], ['a@30', 30]]],
      [null, 'null@5', []],
      ['b', 'b@7', [['b@12', 12]]],
    ]);
  });
});
