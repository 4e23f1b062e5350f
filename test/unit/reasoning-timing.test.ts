import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/metrics/record.js';
import { Series } from '../../src/metrics/timeline.js';
import { protocolFor } from '../../src/protocols/registry.js';
import type { ApiName } from '../../src/protocols/types.js';
import { RequestTracker } from '../../src/workers/request-tracker.js';
import { fixtureBody } from '../helpers.js';
import { trackerInit } from './tracker-fixture.js';

/**
 * TTFT is the first generated token of any kind, TTFO the first answer token, in every protocol that
 * streams reasoning. Each captured event arrives 10 ms after the one before; the expected times come
 * from reading the events themselves.
 */
const CASES: { api: ApiName; dir: string; file: string; separator: string; reasoning: RegExp; answer: RegExp }[] = [
  { api: 'openai-chat', dir: 'llama-server', file: 'openai-chat-reasoning-stream.http', separator: '\n\n', reasoning: /"reasoning_content":"[^"]/, answer: /"content":"[^"]/ },
  { api: 'anthropic-messages', dir: 'llama-server', file: 'anthropic-messages-thinking-stream.http', separator: '\n\n', reasoning: /"thinking_delta", ?"thinking": ?"[^"]/, answer: /"text_delta", ?"text": ?"[^"]/ },
  { api: 'anthropic-messages', dir: 'anthropic', file: 'stream-thinking-ping.http', separator: '\n\n', reasoning: /"thinking_delta", ?"thinking": ?"[^"]/, answer: /"text_delta", ?"text": ?"[^"]/ },
  { api: 'openai-responses', dir: 'llama-server', file: 'openai-responses-reasoning-stream.http', separator: '\n\n', reasoning: /response\.reasoning(_summary)?_text\.delta/, answer: /response\.output_text\.delta/ },
  { api: 'gemini', dir: 'gemini', file: 'stream-thinking.http', separator: '\n\n', reasoning: /"thought": ?true/, answer: /"text": ?"[^"]+"(?!,\s*"thought")/ },
  { api: 'ollama', dir: 'ollama', file: 'chat-stream-thinking.http', separator: '\n', reasoning: /"thinking":"[^"]/, answer: /"content":"[^"]/ },
];

function run(api: ApiName, events: string[]): RequestRecord {
  let out: RequestRecord | null = null;
  const init = trackerInit({ id: 0, requestedOutputTokens: 100 });
  const t = new RequestTracker(init, protocolFor(api), new Series(), (r) => (out = r));
  t.onStatus(200, {}, 5);
  events.forEach((e, i) => t.onData(Buffer.from(e), 10 * (i + 1)));
  t.onEnd(10 * (events.length + 1));
  return out!;
}

describe('TTFT and TTFO on reasoning streams, per protocol', () => {
  it.each(CASES)('$api ($dir/$file)', ({ api, dir, file, separator, reasoning, answer }) => {
    const text = fixtureBody(file, dir).toString('utf8');
    const events = text.split(separator).filter((e) => e.trim() !== '').map((e) => e + separator);
    const at = (re: RegExp) => {
      const i = events.findIndex((e) => re.test(e));
      return i === -1 ? null : 10 * (i + 1);
    };
    const firstReasoning = at(reasoning);
    const firstAnswer = at(answer);
    expect(firstReasoning).not.toBeNull();
    const r = run(api, events);
    expect(r.outcome).toBe('completed');
    expect(r.first_token_ms).toBe(Math.min(firstReasoning!, firstAnswer ?? Infinity));
    expect(r.first_output_ms).toBe(firstAnswer);
    expect(r.reasoning_tokens).toBeGreaterThan(0);
  });
});
