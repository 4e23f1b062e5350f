import { Distribution, type EncodedDistribution } from './distribution.js';
import { derive, type DerivedMetrics, type RequestRecord } from './record.js';
import { RequestLog } from './request-log.js';
import { METRIC_NAMES, type MetricName } from './summary.js';
import { Series } from './timeline.js';
import { TokenChecks } from './token-checks.js';
import { PhaseTally } from './phases.js';
import { SessionTally } from './sessions.js';

/** Scale turning each metric into integer HDR units (finer than any figure we print). */
/** Enough of an error message to see what went wrong (the record keeps it whole). */
const EXAMPLE_CHARS = 300;

export const SCALES: Record<MetricName | 'send_lag_ms', number> = {
  ttft_s: 1e6, ttfo_s: 1e6, e2e_s: 1e6, tpot_ms: 1e3, itl_ms: 1e3, send_lag_ms: 1e3,
  output_tps: 1e3, output_tokens: 1, input_tokens: 1, reasoning_tokens: 1, inter_chunk_ms: 1e3,
};

/** Which completed requests count as good; `slo/goodput.ts` builds it from the per-request objectives. */
export interface Goodput {
  /** The objectives applied, as written (saved in the summary). */
  readonly criteria: readonly string[];
  meets(d: DerivedMetrics): boolean;
}

/** No per-request objective: every completed request is good. */
const EVERY_REQUEST: Goodput = { criteria: [], meets: () => true };

/**
 * Folds finished records into mergeable distributions, counters and time series as they arrive.
 * Of each completed request it keeps only a fixed row of numbers (`log`, 72 bytes), for the figures
 * that need the requests themselves: the seed's Total TPS and the steady-state window.
 */
export class Aggregator {
  readonly dists = new Map<string, Distribution>();
  readonly counts = { scheduled: 0, sent: 0, completed: 0, failed: 0, dropped: 0, incomplete: 0, warmup: 0 };
  readonly errors: Record<string, number> = {};
  /** The first error message of each class (already redacted by the worker), to show what went wrong. */
  readonly errorExamples: Record<string, string> = {};
  /** Output tokens per 100 ms bucket (from the workers, as chunks arrived). */
  readonly tokens = new Series();
  readonly sent = new Series();
  readonly finished = new Series();
  readonly completed = new Series();
  /** Client process CPU (all threads), ms per 100 ms bucket, sampled by the main thread. */
  readonly cpuMs = new Series();
  /** Client process memory in MB, the highest sample per 100 ms bucket (main thread's view: RSS covers every
   *  thread, the heap is the main thread's, where records and aggregates live). */
  readonly rssMb = new Series();
  readonly heapUsedMb = new Series();
  readonly sources = { usage: 0, chunks: 0 };
  /** Completed requests that met every per-request criterion (goodput); counts add exactly across shards. */
  good = 0;
  /** Completed non-warm-up requests: what the error rate counts as success. */
  succeeded = 0;
  /** Requests whose server sent a token count not believed (`usage_rejected`), and the first such count. */
  readonly usageRejected = { requests: 0, first: null as string | null };
  readonly log = new RequestLog();
  readonly tokenChecks = new TokenChecks();
  readonly sessions = new SessionTally();
  readonly phases = new PhaseTally();
  outputTotal = 0;
  inputTotal = 0;
  reasoningTotal = 0;
  /** Prompt tokens served from the server's cache, over the requests whose server said (`cachedReported`). */
  cachedTotal = 0;
  cachedReported = 0;
  /** Prompt tokens of those same requests: the denominator of the cached share. */
  cachedOfInput = 0;
  firstSentMs = Infinity;
  lastSentMs = -Infinity;
  lastEndMs = -Infinity;

  constructor(readonly goodput: Goodput = EVERY_REQUEST) {
    for (const name of [...METRIC_NAMES, 'send_lag_ms'] as const) this.dists.set(name, new Distribution(SCALES[name]));
  }

  /** Bench mode: a worker's stamp errors (`measurement_error_{ttft,itl}_ms`, kept beside the metrics). */
  addMeasurementError(e: { ttft: EncodedDistribution; itl: EncodedDistribution }): void {
    for (const [name, enc] of [['measurement_error_ttft_ms', e.ttft], ['measurement_error_itl_ms', e.itl]] as const) {
      const d = Distribution.decode(enc);
      const have = this.dists.get(name);
      if (have) have.add(d);
      else this.dists.set(name, d);
    }
  }

  /** A worker's histogram of every gap between content chunks. */
  addInterChunk(e: EncodedDistribution): void {
    this.dists.get('inter_chunk_ms')!.add(Distribution.decode(e));
  }

  addTokens(sparse: readonly number[]): void {
    for (let i = 0; i < sparse.length; i += 2) this.tokens.add(sparse[i], sparse[i + 1]);
  }

  add(r: RequestRecord): void {
    const c = this.counts;
    c.scheduled++;
    c[r.outcome]++;
    if (r.sent_ms !== null) {
      c.sent++;
      this.sent.addAt(r.sent_ms, 1);
      this.firstSentMs = Math.min(this.firstSentMs, r.sent_ms);
      this.lastSentMs = Math.max(this.lastSentMs, r.sent_ms);
    }
    if (r.end_ms !== null && r.sent_ms !== null) {
      this.finished.addAt(r.end_ms, 1);
      this.lastEndMs = Math.max(this.lastEndMs, r.end_ms);
    }
    if (r.error_class) {
      this.errors[r.error_class] = (this.errors[r.error_class] ?? 0) + 1;
      this.errorExamples[r.error_class] ??= (r.error_message ?? '').slice(0, EXAMPLE_CHARS);
    }
    if (r.usage_rejected) {
      this.usageRejected.requests++;
      this.usageRejected.first ??= r.usage_rejected;
    }
    const d = derive(r);
    this.dists.get('send_lag_ms')!.record(d.send_lag_ms);
    if (r.warmup) {
      c.warmup++;
      return;
    }
    this.sessions.add(r);
    if (r.outcome !== 'completed') return;
    this.succeeded++;
    this.completed.addAt(r.end_ms!, 1);
    if (this.goodput.meets(d)) this.good++;
    this.sources[r.output_tokens_source]++;
    this.outputTotal += r.output_tokens;
    this.inputTotal += r.input_tokens ?? 0;
    this.reasoningTotal += r.reasoning_tokens;
    if (r.cached_input_tokens !== null && r.cached_input_tokens !== undefined) {
      this.cachedTotal += r.cached_input_tokens;
      this.cachedReported++;
      this.cachedOfInput += r.input_tokens ?? 0;
    }
    for (const name of ['ttft_s', 'ttfo_s', 'tpot_ms', 'itl_ms', 'e2e_s', 'output_tps'] as const) this.dists.get(name)!.record(d[name]);
    this.dists.get('output_tokens')!.record(r.output_tokens);
    this.dists.get('input_tokens')!.record(r.input_tokens);
    this.dists.get('reasoning_tokens')!.record(r.reasoning_tokens);
    this.tokenChecks.add(r);
    this.phases.add(r, d.send_lag_ms ?? 0);
    this.log.push({ sent_ms: r.sent_ms, end_ms: r.end_ms, output_tokens: r.output_tokens, ...d });
  }
}
