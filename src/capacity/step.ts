import { BOTTLENECK } from '../metrics/bottleneck.js';
import { judgeSendLag, LAG_SHARE, type LagReference } from '../metrics/send-lag.js';
import type { RunSummary } from '../metrics/summary.js';
import type { EarlyStop } from './early-stop.js';
import type { Verdict } from './search.js';

/** One step of the search as capacity.json keeps it: the figures of its table row and its verdict. */
export interface StepResult {
  step: number;
  rate: number;
  /** The step's results folder, relative to the capacity folder. */
  folder: string;
  verdict: Verdict;
  early_stop: EarlyStop | null;
  /** Requests sent per second over the step's sending window: the load actually offered (schema 2). */
  sent_rps: number | null;
  /** Requests completed per second over the same window: what the endpoint served while offered it (schema 2). */
  completed_rps: number | null;
  /** Schema 1's name: completed / (last end - first send), the drain in its denominator (16 offered read 13.3). */
  achieved_rps: number;
  ttft_p50_s: number | null;
  ttft_p99_s: number | null;
  tpot_p50_ms: number | null;
  error_rate: number;
  peak_total_tps: number;
  goodput_rps: number;
  failed_slos: string[];
  /** Why the generator, not the endpoint, may have been the limit (empty: it was not). */
  client_limits: string[];
}

/** What a late send is weighed against: the step's TTFT p50 and its ttft/ttfo/e2e SLO thresholds. */
function lagReferences(s: RunSummary): LagReference[] {
  const refs: LagReference[] = [];
  if (s.metrics.ttft_s.p50 !== null) refs.push({ name: 'TTFT p50', ms: s.metrics.ttft_s.p50 * 1000 });
  const MS: Record<string, number> = { s: 1000, ms: 1, us: 0.001 };
  for (const r of s.slo?.results ?? []) if (/^(ttft|ttfo|e2e)_/.test(r.metric) && MS[r.unit]) refs.push({ name: r.slo, ms: r.threshold * MS[r.unit] });
  return refs;
}

/**
 * The generator limited a step when its self-monitoring says so: a send lag over `maxSendLagMs` that is
 * solid (enough sends for its quantile) and large beside what is judged (`judgeSendLag`), a worker thread
 * busy over 90 % of the time, or arrivals dropped at --max-in-flight.
 */
export function clientLimits(s: RunSummary, maxSendLagMs: number): string[] {
  const out: string[] = [];
  const lag = judgeSendLag(s.client.send_lag_ms, lagReferences(s), maxSendLagMs);
  if (lag?.blamed) out.push(`${lag.text}: above ${maxSendLagMs} ms${lag.reference ? ` and ${LAG_SHARE * 100}% of it` : ''}`);
  const busy = s.client.event_loop_delay_ms.workers.filter((w) => w.utilization > BOTTLENECK.workerUtilization);
  if (busy.length) out.push(`worker(s) ${busy.map((w) => w.worker).join(', ')} busy > ${BOTTLENECK.workerUtilization * 100}%`);
  if (s.requests.dropped > 0) out.push(`${s.requests.dropped} arrivals dropped at --max-in-flight`);
  return out;
}

/** Passing needs every objective met over the whole step; a failure counts only if the generator kept up. */
export function stepResult(step: number, folder: string, s: RunSummary, earlyStop: EarlyStop | null, maxSendLagMs: number): StepResult {
  const failed = s.slo?.results.filter((r) => !r.passed).map((r) => r.slo) ?? [];
  const limits = clientLimits(s, maxSendLagMs);
  const passed = !earlyStop && failed.length === 0;
  return {
    step, rate: s.run.rate ?? 0, folder,
    verdict: passed ? 'pass' : limits.length ? 'client-limited' : 'fail',
    early_stop: earlyStop,
    sent_rps: s.throughput.sending_window?.send_rate_per_s ?? null,
    completed_rps: s.throughput.sending_window?.completion_rate_per_s ?? null,
    achieved_rps: s.throughput.requests_per_s,
    ttft_p50_s: s.metrics.ttft_s.p50,
    ttft_p99_s: s.metrics.ttft_s.p99,
    tpot_p50_ms: s.metrics.tpot_ms.p50,
    error_rate: s.error_rate,
    peak_total_tps: s.throughput.peak_total_tps,
    goodput_rps: s.goodput.requests_per_s,
    failed_slos: failed,
    client_limits: limits,
  };
}
