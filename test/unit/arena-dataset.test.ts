import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import { DATASET_DEFAULTS, readDataset, type DatasetOptions } from '../../src/workload/dataset.js';
import { RequestPlanner, type PromptSpec } from '../../src/workload/request-plan.js';

const dir = mkdtempSync(join(tmpdir(), 'at-arena-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Three conversations in the Chatbot Arena schema, with fields the reader ignores. */
const RECORDS = [
  { question_id: 'a1', model_a: 'm1', model_b: 'm2', winner: 'model_a', conversation_a: [{ role: 'user', content: 'What is a lighthouse?' }, { role: 'assistant', content: 'A tower.' }, { role: 'user', content: 'Who keeps it?' }, { role: 'assistant', content: 'A keeper.' }], conversation_b: [{ role: 'user', content: 'ignored' }], turn: 2, anony: true, language: 'English', tstamp: 1682351591.5 },
  { question_id: 'b2', conversation_a: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'Hello!' }], turn: 1, tstamp: 1682351600 },
  { question_id: 'c3', conversation_a: [{ role: 'user', content: 'Write a haiku about owls.' }, { role: 'assistant', content: '...' }, { role: 'user', content: 'Make it sadder.' }, { role: 'assistant', content: '...' }, { role: 'user', content: 'Thanks' }, { role: 'assistant', content: 'Welcome' }], turn: 3, tstamp: 1682351700 },
];
const USER_MESSAGES = ['What is a lighthouse?', 'Who keeps it?', 'hi', 'Write a haiku about owls.', 'Make it sadder.', 'Thanks'];

function file(name: string, content: string | Uint8Array): string {
  const f = join(dir, name);
  writeFileSync(f, content);
  return f;
}

/** A Parquet export as Hugging Face writes it: conversation_a a list of {role, content} structs, turn an INT64. */
function parquet(name: string, records: readonly Record<string, unknown>[]): string {
  const column = (key: string) => records.map((r) => r[key] ?? null);
  const buf = parquetWriteBuffer({
    columnData: [
      { name: 'question_id', data: column('question_id'), type: 'STRING' },
      { name: 'model_a', data: records.map((r) => String(r.model_a ?? 'x')), type: 'STRING' },
      { name: 'conversation_a', data: column('conversation_a') },
      { name: 'turn', data: records.map((r) => BigInt(Number(r.turn))), type: 'INT64' },
      { name: 'tstamp', data: column('tstamp'), type: 'DOUBLE' },
    ],
  });
  return file(name, new Uint8Array(buf));
}

async function read(path: string, o: Partial<DatasetOptions> = {}) {
  const problems: string[] = [];
  const d = await readDataset(path, '--dataset', problems, { ...DATASET_DEFAULTS, ...o });
  return { d, problems };
}

describe('Chatbot Arena conversations (the seed workload\'s dataset)', () => {
  it('JSON lines: recognised by conversation_a; every user message is a single-turn prompt, in file order; other fields ignored', async () => {
    const { d, problems } = await read(file('arena.jsonl', RECORDS.map((r) => JSON.stringify(r)).join('\n')));
    expect(problems).toEqual([]);
    expect(d).toMatchObject({ format: 'arena', conversations: 3, prompts: 6, distinct: 6, lengthRules: false });
    expect(d!.items.map((x) => x.prompt)).toEqual(USER_MESSAGES);
    // the seed asked every prompt for the run's max_tokens: no recorded answer sizes it
    expect(d!.items.every((x) => x.answer === null && x.outputTokens === null && x.turns!.length === 1)).toBe(true);
  });

  it('a JSON array and a Parquet export give the same prompts', async () => {
    const fromArray = await read(file('arena.json', JSON.stringify(RECORDS, null, 2)));
    const fromParquet = await read(parquet('arena.parquet', RECORDS));
    expect(fromArray.problems).toEqual([]);
    expect(fromParquet.problems).toEqual([]);
    expect(fromArray.d!.items.map((x) => x.prompt)).toEqual(USER_MESSAGES);
    expect(fromParquet.d!.items.map((x) => x.prompt)).toEqual(USER_MESSAGES);
    expect(fromParquet.d!.format).toBe('arena');
  });

  it('with sessions (--turns) each conversation is one item holding all its user messages', async () => {
    const { d } = await read(file('arena-s.jsonl', RECORDS.map((r) => JSON.stringify(r)).join('\n')), { sessions: true });
    expect(d!.items.map((x) => x.turns)).toEqual([['What is a lighthouse?', 'Who keeps it?'], ['hi'], ['Write a haiku about owls.', 'Make it sadder.', 'Thanks']]);
  });

  it('a malformed record is one line naming the file and its line (JSON) or record number (Parquet)', async () => {
    const bad = [RECORDS[0], { ...RECORDS[1], conversation_a: [{ role: 'robot', content: 'x' }] }, { ...RECORDS[2], turn: 0 }, { ...RECORDS[2], question_id: 7 }, { ...RECORDS[1], conversation_a: [{ role: 'user', content: 3 }] }];
    const f = file('bad.jsonl', bad.map((r) => JSON.stringify(r)).join('\n'));
    const { d, problems } = await read(f);
    expect(d).toBeNull();
    expect(problems.map((p) => p.split('; write ')[0])).toEqual([
      `${f}:2: conversation_a[0].role must be user or assistant, got "robot"`,
      `${f}:3: "turn" must be an integer >= 1, got 0`,
      `${f}:4: "question_id" must be a non-empty string, got 7`,
      `${f}:5: conversation_a[0].content must be a string`,
    ]);
    const pq = parquet('bad.parquet', [RECORDS[0], { ...RECORDS[1], conversation_a: [{ role: 'robot', content: 'x' }] }]);
    expect((await read(pq)).problems).toEqual([expect.stringMatching(new RegExp(`^${pq}: record 2: conversation_a\\[0\\]\\.role must be user or assistant, got "robot"; write \\{"question_id"`))]);
  });

  it('a file that starts as Parquet but is not, or has no column a format reads, is one line', async () => {
    const broken = file('broken.parquet', Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64, 7)]));
    expect((await read(broken)).problems).toEqual([expect.stringMatching(/^--dataset: '.*broken\.parquet' is not a Parquet file hyparquet can read \(/)]);
    const other = file('other.parquet', new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'text', data: ['a', 'b'], type: 'STRING' }] })));
    expect((await read(other)).problems).toEqual([expect.stringMatching(/^--dataset: '.*other\.parquet' has none of the columns a dataset format reads \(it has text\); the formats read prompt, output_tokens, id, conversations, messages, question_id, conversation_a, turn, tstamp$/)]);
  });
});

describe('drawing prompts with replacement (--dataset-draw with-replacement)', () => {
  const spec = (dataset: PromptSpec['dataset'], seed: number): PromptSpec => ({
    text: '', input: null, output: null, dataset, datasetFilter: null, datasetOutputTokens: null, datasetDraw: 'with-replacement', tokenizer: 'none', seed,
    exactOutput: true, chat: true, chatTemplate: null, prefix: null, trace: null, sessions: null,
  });

  it('each request draws a user message of the file: the same draws under the same seed whatever the order asked, others under another seed', async () => {
    const { d } = await read(file('draw.jsonl', RECORDS.map((r) => JSON.stringify(r)).join('\n')), { draw: 'with-replacement', seed: 1234 });
    const draws = async (seed: number, order: number[]) => {
      const p = await RequestPlanner.create(spec(d!.items, seed), 1024);
      return new Map(order.map((i) => [i, p.plan(i).prompt]));
    };
    const forward = Array.from({ length: 60 }, (_, i) => i);
    const a = await draws(1234, forward);
    const b = await draws(1234, [...forward].reverse());
    expect(forward.map((i) => a.get(i))).toEqual(forward.map((i) => b.get(i)));
    expect([...a.values()].every((p) => USER_MESSAGES.includes(p))).toBe(true);
    expect(new Set(a.values()).size).toBe(USER_MESSAGES.length);
    const other = await draws(99, forward);
    expect(forward.map((i) => other.get(i))).not.toEqual(forward.map((i) => a.get(i)));
    const plan = (await RequestPlanner.create(spec(d!.items, 1234), 1024)).plan(0);
    expect([plan.maxTokens, plan.exact]).toEqual([1024, false]);
  });

  it('as multi-turn sessions (--turns) a drawn conversation sends its own user messages in order, each after the answer received', async () => {
    const { d } = await read(file('sessions.jsonl', RECORDS.map((r) => JSON.stringify(r)).join('\n')), { sessions: true, draw: 'with-replacement' });
    const p = await RequestPlanner.create({ ...spec(d!.items, 1234), sessions: { turns: { mean: 100, stddev: 0 }, thinkTimeMs: 0 } }, 1024);
    const session = Array.from({ length: 50 }, (_, s) => s).find((s) => p.sessionTurns(s) === 3)!;
    const { conversation } = p.openSession(session);
    const first = p.planTurn(session, 0, session, conversation, null);
    p.answer(conversation, 'an answer');
    const second = p.planTurn(session, 1, 1000 + session, conversation, null);
    expect(first.messages).toEqual([{ role: 'user', content: 'Write a haiku about owls.' }]);
    expect(second.messages).toEqual([{ role: 'user', content: 'Write a haiku about owls.' }, { role: 'assistant', content: 'an answer' }, { role: 'user', content: 'Make it sadder.' }]);
  });
});
