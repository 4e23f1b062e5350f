import { SCALES, type Aggregator } from './aggregator.js';
import { sumOfRequestTps, type RequestSpan } from './concurrent-tps.js';
import { STEADY_RULE, steadyState } from './steady-state.js';
import { promptWarning } from './prompt-figures.js';
import { DEFINITIONS, METRIC_NAMES, SUMMARY_SCHEMA_VERSION, type RunSummary } from './summary.js';
import { slidingRate } from './timeline.js';
import { tokenCheckNotes, tokenCheckWarnings } from './token-checks.js';
import { judgeSendLag, LAG_SHARE, type LagVerdict } from './send-lag.js';
import { sendingWindow } from './sending-window.js';
import { MAX_USAGE_TOKENS } from './record.js';
import { BOTTLENECK } from './bottleneck.js';

export const WINDOW_MS = 1000;
export const STEP_MS = 100;


export type SummaryMeta = Omit<
  RunSummary,
  'schema_version' | 'requests' | 'error_rate' | 'error_rate_of_sent' | 'errors' | 'metrics' | 'throughput' | 'goodput' | 'slo' | 'tokens' | 'histograms' | 'definitions' | 'client' | 'warnings' | 'token_checks' | 'steady_state' | 'steady_state_rule' | 'phases'
> & {
  client: Omit<RunSummary['client'], 'send_lag_ms' | 'bottleneck' | 'measurement_error'>;
  warnings: string[];
};

export function buildSummary(agg: Aggregator, meta: SummaryMeta): RunSummary {
  const c = agg.counts;
  const span = agg.lastEndMs > agg.firstSentMs ? agg.lastEndMs - agg.firstSentMs : 0;
  const window = span > 0 ? slidingRate(agg.tokens, WINDOW_MS, STEP_MS, agg.firstSentMs, agg.lastEndMs) : { peak: 0, mean: 0, peak_at_ms: 0 };
  const summed = sumOfRequestTps([...requestSpans(agg)]);
  const metrics = Object.fromEntries(METRIC_NAMES.map((m) => [m, agg.dists.get(m)!.stats()])) as RunSummary['metrics'];
  const closed = meta.run.mode === 'closed';
  const sendLag = closed ? null : agg.dists.get('send_lag_ms')!.stats();
  const ttftP50 = metrics.ttft_s.p50;
  const lagCheck = judgeSendLag(sendLag, ttftP50 === null ? [] : [{ name: 'TTFT p50', ms: ttftP50 * 1000 }], BOTTLENECK.sendLagP99Ms);
  const tokenChecks = agg.tokenChecks.summary();
  const warnings = [...meta.warnings, ...bottleneckWarnings(lagCheck, c.dropped, meta.client), ...fdLimitWarning(agg.errors.fd_limit), ...tokenCheckWarnings(tokenChecks), ...usageWarning(agg)];
  const warmupS = typeof meta.workload.warmup_s === 'number' ? meta.workload.warmup_s : 0;
  const { usage, chunks } = agg.sources;
  return {
    schema_version: SUMMARY_SCHEMA_VERSION,
    status: meta.status,
    status_reason: meta.status_reason,
    tool: meta.tool,
    ...(meta.host && { host: meta.host }),
    run: meta.run,
    endpoint: meta.endpoint,
    workload: meta.workload,
    requests: { ...c },
    error_rate: errorRate(agg),
    error_rate_of_sent: c.sent ? c.failed / c.sent : 0,
    errors: { ...agg.errors },
    error_examples: { ...agg.errorExamples },
    metrics,
    throughput: {
      peak_total_tps: window.peak,
      mean_total_tps: window.mean,
      window_s: WINDOW_MS / 1000,
      step_s: STEP_MS / 1000,
      output_tokens_per_s: span ? agg.outputTotal / (span / 1000) : 0,
      requests_per_s: span ? c.completed / (span / 1000) : 0,
      sending_window: sendingWindow(agg, meta.run, warmupS),
      total_tps_windowed: { peak: window.peak, mean: window.mean, window_s: WINDOW_MS / 1000, step_s: STEP_MS / 1000, peak_at_s: window.peak_at_ms / 1000 },
      total_tps_sum_of_requests: { peak: summed.peak, mean: summed.mean, peak_at_s: summed.peak_at_ms / 1000 },
    },
    goodput: goodput(agg, span),
    slo: null,
    tokens: {
      output_source: usage && chunks ? 'mixed' : chunks ? 'chunks' : 'usage',
      output_total: agg.outputTotal,
      input_total: agg.inputTotal,
      reasoning_total: agg.reasoningTotal,
      answer_total: agg.outputTotal - agg.reasoningTotal,
      cached_input_total: agg.cachedTotal,
      cached_input_reported: agg.cachedReported,
      cached_input_fraction: agg.cachedOfInput > 0 ? agg.cachedTotal / agg.cachedOfInput : null,
      usage_rejected: agg.usageRejected.requests,
      counted: 'every generated token, reasoning and answer alike, counts in TPOT, ITL and every TPS figure',
    },
    token_checks: tokenChecks,
    sessions: agg.sessions.summary(),
    steady_state: steadyState({
      log: agg.log, tokens: agg.tokens, completed: agg.completed, firstSentMs: agg.firstSentMs, lastSentMs: agg.lastSentMs,
      e2eP90S: metrics.e2e_s.p90, scales: SCALES,
    }),
    steady_state_rule: STEADY_RULE,
    client: { ...meta.client, send_lag_ms: sendLag, send_lag_check: lagCheck, ...measurementError(agg), bottleneck: warnings.some((w) => w.startsWith('GENERATOR')) },
    warnings,
    ...(meta.shard && { shard: meta.shard }),
    ...(meta.shards && { shards: meta.shards }),
    notes: [...(meta.notes ?? []), ...tokenCheckNotes(tokenChecks)],
    phases: agg.phases.summary(),
    histograms: {
      ...Object.fromEntries([...agg.dists].filter(([k]) => !(closed && k === 'send_lag_ms')).map(([k, d]) => [k, d.encode()])),
      ...Object.fromEntries([...agg.phases.dists].map(([k, d]) => [`phase_${k}`, d.encode()])),
    },
    definitions: DEFINITIONS,
  };
}

/** Said once per run: the requests whose server's token counts were not believed, and the first such count. */
function usageWarning(agg: Aggregator): string[] {
  const { requests, first } = agg.usageRejected;
  if (!requests) return [];
  return [`USAGE COUNTS IGNORED: ${requests} request(s) reported a token count that is not an integer from 0 to ${MAX_USAGE_TOKENS.toLocaleString('en-US')} or fell within the stream (first: ${first}); their chunks were counted instead (requests.csv usage_rejected)`];
}

/** Every non-warm-up request that did not complete, sent or not (DEFINITIONS.error_rate). */
function errorRate(agg: Aggregator): number {
  const judged = agg.counts.scheduled - agg.counts.warmup;
  return judged ? (judged - agg.succeeded) / judged : 0;
}

function goodput(agg: Aggregator, spanMs: number): RunSummary['goodput'] {
  const total = agg.counts.scheduled - agg.counts.warmup;
  return {
    criteria: [...agg.goodput.criteria],
    good: agg.good,
    total,
    fraction: total ? agg.good / total : null,
    requests_per_s: spanMs ? agg.good / (spanMs / 1000) : 0,
  };
}

function measurementError(agg: Aggregator): Pick<RunSummary['client'], 'measurement_error'> {
  const ttft = agg.dists.get('measurement_error_ttft_ms');
  const itl = agg.dists.get('measurement_error_itl_ms');
  return ttft && itl ? { measurement_error: { ttft_ms: ttft.stats(), itl_ms: itl.stats() } } : {};
}

function* requestSpans(agg: Aggregator): Generator<RequestSpan> {
  for (const r of agg.log.rows()) if (r.output_tps !== null) yield { sentMs: r.sent_ms!, endMs: r.end_ms!, tps: r.output_tps };
}

/** Requests that could not open a connection because the process had no file descriptor left. */
function fdLimitWarning(count: number | undefined): string[] {
  if (!count) return [];
  return [`FD LIMIT: ${count} requests could not open a connection: the client ran out of file descriptors (EMFILE); raise the limit (\`ulimit -n\`) or lower --rate / --max-in-flight`];
}

function bottleneckWarnings(lag: LagVerdict | null, dropped: number, client: SummaryMeta['client']): string[] {
  const out: string[] = [];
  if (lag?.blamed) {
    const bound = `above ${BOTTLENECK.sendLagP99Ms} ms${lag.reference ? ` and ${LAG_SHARE * 100}% of it` : ''}`;
    out.push(`GENERATOR BEHIND SCHEDULE: ${lag.text}: ${bound}, late enough to change the load measured`);
  }
  const busy = client.event_loop_delay_ms.workers.filter((w) => w.utilization > BOTTLENECK.workerUtilization);
  if (busy.length) {
    out.push(`GENERATOR SATURATED: worker(s) ${busy.map((w) => w.worker).join(', ')} busy > ${BOTTLENECK.workerUtilization * 100}% of a core; add --workers or machines`);
  }
  const prompts = promptWarning(client.prompts);
  if (prompts) out.push(prompts);
  if (dropped > 0) out.push(`GENERATOR DROPPED ${dropped} arrivals (--max-in-flight or --connections reached, or a worker died; see error_message): the offered load was not fully sent`);
  return out;
}
