import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_PROBLEMS } from '../../src/workload/input-file.js';
import { readDatasetFile } from '../../src/workload/datasets/read.js';
import { applyLengthRules, VLLM_LENGTH_FILTER } from '../../src/workload/datasets/sample.js';
import { DATASET_DEFAULTS, readDataset } from '../../src/workload/dataset.js';
import type { Conversation } from '../../src/workload/datasets/types.js';
import { loadTokenizer } from '../../src/tokenize/tokenizers.js';

const dir = mkdtempSync(join(tmpdir(), 'at-datasets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const f = join(dir, name);
  writeFileSync(f, content);
  return f;
}

async function read(path: string, format = 'auto') {
  const problems: string[] = [];
  const r = await readDatasetFile(path, '--dataset', format, problems);
  return { r, problems };
}

const sharegpt = [
  { id: 'a', conversations: [{ from: 'human', value: 'What is a lighthouse?' }, { from: 'gpt', value: 'A tower with a light.' }, { from: 'human', value: 'Who keeps it?' }, { from: 'gpt', value: 'A keeper.' }] },
  { id: 'b', conversations: [{ from: 'human', value: 'Only a question' }] },
  { id: 'c', conversations: [{ from: 'system', value: 'Be brief.' }, { from: 'human', value: 'Hi' }, { from: 'human', value: 'there' }, { from: 'gpt', value: 'Hello' }] },
];

describe('dataset formats', () => {
  it('ShareGPT as a JSON array (pretty-printed, records spanning lines): turns, system prompt, short conversations skipped', async () => {
    const { r, problems } = await read(file('sg.json', JSON.stringify(sharegpt, null, 2)));
    expect(problems).toEqual([]);
    expect(r!.format.name).toBe('sharegpt');
    expect(r!.skipped).toBe(1);
    expect(r!.conversations).toEqual<Conversation[]>([
      { system: null, turns: [{ user: 'What is a lighthouse?', assistant: 'A tower with a light.' }, { user: 'Who keeps it?', assistant: 'A keeper.' }], outputTokens: null },
      { system: 'Be brief.', turns: [{ user: 'Hi\n\nthere', assistant: 'Hello' }], outputTokens: null },
    ]);
  });

  it('OpenAI messages JSON lines, with a UTF-8 BOM and CRLF line ends; content parts; tool messages left out', async () => {
    const lines = [
      { messages: [{ role: 'developer', content: 'sys' }, { role: 'user', content: [{ type: 'text', text: 'q1' }] }, { role: 'assistant', content: 'a1' }, { role: 'tool', content: 'x' }, { role: 'user', content: 'q2' }] },
      { messages: [{ role: 'user', content: 'only' }] },
    ];
    const { r, problems } = await read(file('m.jsonl', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.map((l) => JSON.stringify(l)).join('\r\n'))])));
    expect(problems).toEqual([]);
    expect(r!.format.name).toBe('messages');
    expect(r!.conversations[0]).toEqual({ system: 'sys', turns: [{ user: 'q1', assistant: 'a1' }, { user: 'q2', assistant: null }], outputTokens: null });
    expect(r!.conversations[1].turns).toEqual([{ user: 'only', assistant: null }]);
  });

  it('a bad record is one line naming file and line (JSON array records by the line they start on)', async () => {
    const f = file('bad.json', '[\n  {"conversations": [{"from": "human", "value": "ok"}, {"from": "gpt", "value": "ok"}]},\n  {"conversations": [{"from": "robot", "value": "x"}]},\n  {"conversations": "no"}\n]\n');
    expect((await read(f)).problems).toEqual([
      `${f}:3: conversations[0].from must be human or gpt, got "robot"; write {"conversations": [{"from": "human", "value": "..."}, {"from": "gpt", "value": "..."}]} (a JSON array, or one per line)`,
      `${f}:4: "conversations" must be a list of {"from": ..., "value": ...}; write {"conversations": [{"from": "human", "value": "..."}, {"from": "gpt", "value": "..."}]} (a JSON array, or one per line)`,
    ]);
  });

  it('stops after 20 bad records and says where', async () => {
    const f = file('many.jsonl', Array.from({ length: 50 }, (_, i) => (i === 0 ? '{"prompt":"ok"}' : `{"prompt": ${i}}`)).join('\n'));
    const { r, problems } = await read(f);
    expect(r).toBeNull();
    expect(problems).toHaveLength(MAX_PROBLEMS + 1);
    expect(problems[0]).toMatch(new RegExp(`^${f}:2: "prompt" must be a non-empty string`));
    expect(problems[MAX_PROBLEMS]).toBe(`${f}: stopped at line 21 after 20 bad records; fix these and run again`);
  });

  it('binary input is refused in one line; unknown fields name the formats; a cut-off array is named', async () => {
    expect((await read(file('bin.jsonl', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00])))).problems).toEqual([expect.stringMatching(/^--dataset: '.*bin\.jsonl' is binary \(a NUL byte at offset 3\)/)]);
    expect((await read(file('latin1.jsonl', Buffer.from([0x7b, 0xe9, 0xe9, 0x7d])))).problems).toEqual([expect.stringMatching(/is not UTF-8 text/)]);
    expect((await read(file('odd.jsonl', '{"text": "x", "label": 1}\n'))).problems).toEqual([expect.stringMatching(/:1: no dataset format has these fields \(text, label\); use one of: prompt: .*sharegpt: .*messages: /)]);
    expect((await read(file('cut.json', '[{"conversations": [{"from": "human", "value": "a"}, {"from": "gpt", "value": "b"}]}, {"conver'))).problems).toEqual([expect.stringMatching(/cut\.json:1: the JSON array is not closed/)]);
  });

  it('--dataset-format names the format: a record of another format is a bad record', async () => {
    const f = file('p.jsonl', '{"prompt": "x"}\n');
    expect((await read(f, 'sharegpt')).problems).toEqual([expect.stringMatching(/p\.jsonl:1: "conversations" must be a list/)]);
  });

  it('reads a JSON array streamed in blocks: a record crossing the 1 MB block edge', async () => {
    const big = 'w'.repeat(1_100_000);
    const f = file('big.json', JSON.stringify([{ conversations: [{ from: 'human', value: big }, { from: 'gpt', value: 'x' }] }, { conversations: [{ from: 'human', value: 'é "q" \\ ]' }, { from: 'gpt', value: 'y' }] }]));
    const { r, problems } = await read(f);
    expect(problems).toEqual([]);
    expect(r!.conversations.map((c) => c.turns[0].user.length)).toEqual([big.length, 9]);
  });
});

describe("vLLM bench's sampling", () => {
  const items = Array.from({ length: 40 }, (_, i) => ({
    prompt: 'word '.repeat(i === 3 ? 2 : i === 5 ? 1200 : 10 + i),
    answer: 'answer '.repeat(i === 7 ? 2 : 20),
    outputTokens: null,
  }));

  it('the length rules skip a prompt or answer under 4 tokens and a prompt over 1,024; the answer length becomes max_tokens', async () => {
    const tok = await loadTokenizer('llama2');
    const kept = applyLengthRules(items, tok, VLLM_LENGTH_FILTER, null);
    expect(kept).toHaveLength(37);
    expect(kept.map((x) => x.prompt)).not.toContain(items[3].prompt);
    expect(kept.map((x) => x.prompt)).not.toContain(items[5].prompt);
    expect(kept.map((x) => x.prompt)).not.toContain(items[7].prompt);
    expect(new Set(kept.map((x) => x.outputTokens))).toEqual(new Set([tok.encode('answer '.repeat(20)).length]));
  });

  it('a fixed output length skips the answer-length rule (as --sharegpt-output-len); without a tokenizer nothing is filtered', async () => {
    const tok = await loadTokenizer('llama2');
    expect(applyLengthRules(items, tok, VLLM_LENGTH_FILTER, 64).map((x) => x.outputTokens)).toEqual(Array(38).fill(64));
    expect(applyLengthRules(items, null, VLLM_LENGTH_FILTER, null)).toHaveLength(40);
  });

  it('--dataset: conversations shuffled with the seed (the same order under the same seed), prompt lines in file order', async () => {
    const f = file('order.json', JSON.stringify(Array.from({ length: 30 }, (_, i) => ({ conversations: [{ from: 'human', value: `q${i}` }, { from: 'gpt', value: 'a' }] }))));
    const order = async (seed: number) => (await readDataset(f, '--dataset', [], { ...DATASET_DEFAULTS, shuffle: null, seed, limit: 10 }))!.items.map((x) => x.prompt);
    expect(await order(1)).toHaveLength(10);
    expect(await order(1)).toEqual(await order(1));
    expect(await order(1)).not.toEqual(await order(2));
    expect(await order(1)).not.toEqual(Array.from({ length: 10 }, (_, i) => `q${i}`));
    const p = file('order.jsonl', Array.from({ length: 5 }, (_, i) => JSON.stringify({ prompt: `p${i}` })).join('\n'));
    expect((await readDataset(p, '--dataset', [], { ...DATASET_DEFAULTS, shuffle: null, seed: 1, limit: 100 }))!.items.map((x) => x.prompt)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
  });
});
