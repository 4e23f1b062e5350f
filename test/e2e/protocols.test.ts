import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protocolFor } from '../../src/protocols/registry.js';
import type { ApiName } from '../../src/protocols/types.js';
import { runCli, startSimCli, type CliResult } from './run-cli.js';

const HTTP_APIS: ApiName[] = ['openai-chat', 'openai-completions', 'openai-responses', 'anthropic-messages', 'gemini', 'tgi', 'ollama'];
/** APIs with no reasoning field: the simulator plans no reasoning phase for them. */
const NO_REASONING_FIELD = new Set(['openai-completions', 'tgi']);
/** Non-streaming by path (gemini, tgi) and by body flag (anthropic); every format's whole body is unit-tested. */
const NON_STREAM_APIS: ApiName[] = ['gemini', 'tgi', 'anthropic-messages'];
const MAX_TOKENS = 6;
const REASONING = 2;
/** Reasoning counts against max_tokens, as vLLM does. */
const PER_REQUEST = MAX_TOKENS;
const SECRET = 'sk-fake-e2e-7f3a9c1d5e';
const KEY_ENV = { AT_E2E_FAKE_KEY: SECRET };
const RUN = ['--rate', '5', '--duration', '1s', '--workers', '1', '--max-tokens', String(MAX_TOKENS), '--api-key-env', 'AT_E2E_FAKE_KEY'];

function runFolder(r: CliResult): string {
  const [run] = readdirSync(r.dir);
  return join(r.dir, run);
}

/** Every file of the run folder, then stdout and stderr: where a key must never show up. */
function everything(r: CliResult): string {
  const folder = runFolder(r);
  return [...readdirSync(folder).map((f) => readFileSync(join(folder, f), 'utf8')), r.stdout, r.stderr].join('\n');
}

function summaryOf(r: CliResult): any {
  return JSON.parse(readFileSync(join(runFolder(r), 'summary.json'), 'utf8'));
}

function rows(r: CliResult): Record<string, string>[] {
  const [head, ...lines] = readFileSync(join(runFolder(r), 'requests.csv'), 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}

/** A few CLI runs at a time: the machine is shared, and other tests time things. */
async function inBatches(jobs: (() => Promise<unknown>)[], size: number): Promise<void> {
  for (let i = 0; i < jobs.length; i += size) await Promise.all(jobs.slice(i, i + size).map((j) => j()));
}

describe('every HTTP protocol end to end against the simulator (2 of the 6 tokens reasoning)', () => {
  let sim: { origin: string; stop: () => void };
  const streamed = new Map<string, CliResult>();
  const whole = new Map<string, CliResult>();
  beforeAll(async () => {
    sim = await startSimCli(['--decode-ms', '2', '--prefill-ms', '5', '--reasoning-tokens', String(REASONING)]);
    const run = (api: ApiName, extra: string[]) => runCli(['--api', api, '--endpoint', sim.origin + protocolFor(api).basePath, '--model', 'm', ...RUN, ...extra], KEY_ENV);
    const jobs = [...HTTP_APIS.map((api) => () => run(api, []).then((r) => streamed.set(api, r))), ...NON_STREAM_APIS.map((api) => () => run(api, ['--no-stream']).then((r) => whole.set(api, r)))];
    await inBatches(jobs, 3);
  });
  afterAll(() => sim?.stop());

  it.each(HTTP_APIS)("%s streaming: every request completes; token counts come from usage and equal the simulator's", (api) => {
    const r = streamed.get(api)!;
    const s = summaryOf(r);
    expect(r.code).toBe(0);
    expect(s.requests).toMatchObject({ scheduled: 5, completed: 5, failed: 0 });
    expect(s.tokens).toMatchObject({ output_source: 'usage', output_total: 5 * PER_REQUEST });
    let answerAfterReasoningMs = 0;
    for (const row of rows(r)) {
      expect(Number(row.output_tokens)).toBe(PER_REQUEST);
      expect(Number(row.input_tokens)).toBeGreaterThan(0);
      expect(Number(row.reasoning_tokens)).toBe(NO_REASONING_FIELD.has(api) ? 0 : REASONING);
      // reasoning comes first, so the first answer token never arrives before the first token (the same
      // socket read, on a busy machine, stamps both alike)
      expect(Number(row.first_output_ms)).toBeGreaterThanOrEqual(Number(row.first_token_ms));
      answerAfterReasoningMs += Number(row.first_output_ms) - Number(row.first_token_ms);
    }
    if (!NO_REASONING_FIELD.has(api)) expect(answerAfterReasoningMs).toBeGreaterThan(0);
  });

  it.each(NON_STREAM_APIS)('%s --no-stream: the whole body decoded, TTFT = E2E, usage counted, and the summary says so', (api) => {
    const r = whole.get(api)!;
    const s = summaryOf(r);
    expect(s.requests).toMatchObject({ completed: 5, failed: 0 });
    expect(s.run.stream).toBe(false);
    expect(s.notes.join(' ')).toContain('TTFT = TTFO = E2E');
    expect(r.stdout).toContain('NOTE: non-streaming run');
    expect(s.tokens).toMatchObject({ output_source: 'usage', output_total: 5 * PER_REQUEST });
    for (const row of rows(r)) expect(row.first_token_ms).toBe(row.end_ms);
  });

  it.each(HTTP_APIS)('%s: the API key is sent but appears in no result file, stdout or stderr', (api) => {
    for (const r of [streamed.get(api), whole.get(api)]) if (r) expect(everything(r)).not.toContain(SECRET);
  });
});

describe('the built-in simulator', () => {
  it('is addressed at the protocol base path (gemini: /v1beta)', async () => {
    const r = await runCli(['--api', 'gemini', ...RUN, '--sim-decode-ms', '2']);
    const s = summaryOf(r);
    expect(new URL(s.endpoint.url).pathname).toBe('/v1beta');
    expect(s.requests).toMatchObject({ completed: 5, failed: 0 });
  });
});
