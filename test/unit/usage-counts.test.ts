import { describe, expect, it } from 'vitest';
import { Aggregator } from '../../src/metrics/aggregator.js';
import { buildSummary } from '../../src/metrics/build-summary.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { Series } from '../../src/metrics/timeline.js';
import { openaiChat } from '../../src/protocols/openai-chat.js';
import { RequestTracker } from '../../src/workers/request-tracker.js';
import { trackerInit } from './tracker-fixture.js';

const chunk = (text: string) => `data: {"choices":[{"delta":{"content":"${text}"}}]}\n\n`;
const usage = (completion: string, prompt = '12') => `data: {"choices":[],"usage":{"prompt_tokens":${prompt},"completion_tokens":${completion}}}\n\n`;

/** One streamed request of three content chunks and then `tail` (usage events), ended by [DONE]; its record and token series. */
function stream(tail: string[], stream = true): { record: RequestRecord; tokens: Series } {
  const tokens = new Series();
  let record: RequestRecord | null = null;
  const t = new RequestTracker(trackerInit({ stream }), openaiChat, tokens, (r) => (record = r));
  t.onStatus(200, {}, 5);
  const body = stream ? [chunk('a'), chunk('b'), chunk('c'), ...tail, 'data: [DONE]\n\n'] : tail;
  body.forEach((piece, i) => t.onData(Buffer.from(piece), 10 + 100 * i));
  t.onEnd(1000);
  return { record: record!, tokens };
}

const sum = (s: Series) => Array.from({ length: s.length }, (_, b) => s.at(b)).reduce((a, b) => a + b, 0);

describe('usage counts a server cannot mean are not taken as true', () => {
  it.each([
    ['-1000', 'output=-1000'],
    ['1e308', 'output=1e+308'],
    ['1e15', 'output=1000000000000000'],
    ['2.5', 'output=2.5'],
  ])('completion_tokens %s: the three chunks are counted instead, the record says why', (completion, rejected) => {
    const { record, tokens } = stream([usage(completion)]);
    expect(record.outcome).toBe('completed');
    expect(record).toMatchObject({ output_tokens: 3, output_tokens_source: 'chunks', usage_rejected: rejected, input_tokens: 12 });
    expect(sum(tokens)).toBe(3);
  });

  it('a count that decreases within the stream (12, then 5): neither is believed', () => {
    const { record } = stream([usage('12'), usage('5')]);
    expect(record).toMatchObject({ output_tokens: 3, output_tokens_source: 'chunks', usage_rejected: 'output=5 after 12' });
  });

  it('a nonsense prompt count leaves input_tokens unknown; the output count still stands', () => {
    const { record } = stream([usage('7', '-3')]);
    expect(record).toMatchObject({ output_tokens: 7, output_tokens_source: 'usage', input_tokens: null, usage_rejected: 'input=-3' });
  });

  it('a non-streamed body claiming 1e15 tokens: counted by its one piece of text', () => {
    const body = '{"choices":[{"message":{"content":"hello"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1e15}}';
    const { record, tokens } = stream([body], false);
    expect(record).toMatchObject({ outcome: 'completed', output_tokens: 1, output_tokens_source: 'chunks', usage_rejected: 'output=1000000000000000' });
    expect(sum(tokens)).toBe(1);
  });

  it('believable counts (growing, up to 10,000,000) are used as before', () => {
    const { record } = stream([usage('4'), usage('9')]);
    expect(record).toMatchObject({ output_tokens: 9, output_tokens_source: 'usage', usage_rejected: null });
  });

  it('the run warns once, with the count of such requests and the first count refused; totals stay finite', () => {
    const agg = new Aggregator();
    for (const c of ['-1000', '1e308', '1e15']) agg.add(stream([usage(c)]).record);
    agg.add(stream([usage('4')]).record);
    const s = buildSummary(agg, {
      status: 'completed', status_reason: null, tool: { name: 't', version: '0' },
      run: { id: 'r', started_at: '', t0_wall_ms: 0, duration_s: 1, elapsed_s: 1, rate: 1, arrival: 'constant', workers: 1, max_in_flight: null, drain_timeout_s: 1, max_tokens: 1, stream: true },
      endpoint: { name: 'e', url: 'u', api: 'openai-chat', model: 'm', simulated: true }, workload: {},
      client: { event_loop_delay_ms: { main: { p50: 0, p99: 0, max: 0 }, workers: [] }, cpu: { user_s: 0, system_s: 0, utilization: 0 } }, warnings: [],
    } as never);
    expect(s.warnings.filter((w) => w.startsWith('USAGE COUNTS IGNORED'))).toEqual([
      'USAGE COUNTS IGNORED: 3 request(s) reported a token count that is not an integer from 0 to 10,000,000 or fell within the stream (first: output=-1000); their chunks were counted instead (requests.csv usage_rejected)',
    ]);
    expect(s.tokens).toMatchObject({ output_total: 3 * 3 + 4, usage_rejected: 3 });
    expect(Number.isFinite(s.metrics.output_tps.max!)).toBe(true);
    expect(s.metrics.output_tps.min).toBeGreaterThan(0);
  });
});
