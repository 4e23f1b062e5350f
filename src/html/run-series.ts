import { derive, type RequestRecord } from '../metrics/record.js';
import { Distribution, type EncodedDistribution } from '../metrics/distribution.js';
import type { KnownSnapshot } from '../server-metrics/snapshot.js';
import type { ChartSpec } from './charts-script.js';

/**
 * The report's charts as pure functions of finished data: per-second series from the records
 * (offered vs achieved sends, latency quantiles, errors by class) and timeseries.csv, server gauges
 * from the scrapes, and CDFs from the summary's HDR histograms (so merged and old runs draw too).
 */

export interface SecondRow {
  second: number;
  in_flight: number;
  total_tps: number;
  client_cpu_ms: number | null;
}

const seconds = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Exact quantile of an ascending list (nearest rank), null when empty. */
function nearestRank(sorted: number[], q: number): number | null {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] : null;
}

function bySecond(records: readonly RequestRecord[], n: number, at: (r: RequestRecord) => number | null): RequestRecord[][] {
  const out: RequestRecord[][] = seconds(n).map(() => []);
  for (const r of records) {
    const t = at(r);
    if (t === null || t < 0) continue;
    const s = Math.floor(t / 1000);
    if (s < n) out[s].push(r);
  }
  return out;
}

/** Seconds the run's figures span: the longest of timeseries.csv and the records' last event. */
export function runSeconds(records: readonly RequestRecord[], rows: readonly SecondRow[]): number {
  let last = rows.length;
  for (const r of records) last = Math.max(last, Math.floor(Math.max(r.scheduled_ms, r.sent_ms ?? 0, r.end_ms ?? 0) / 1000) + 1);
  return last;
}

export function sendRateChart(records: readonly RequestRecord[], n: number): ChartSpec {
  const offered = bySecond(records, n, (r) => r.scheduled_ms).map((l) => l.length);
  const achieved = bySecond(records, n, (r) => r.sent_ms).map((l) => l.length);
  return { id: 'chart-send-rate', title: 'Send rate: offered (scheduled) vs achieved (sent)', xLabel: 'second', yLabel: 'requests/s', x: seconds(n), series: [{ label: 'offered', values: offered }, { label: 'achieved', values: achieved }] };
}

export function fromSecondsChart(rows: readonly SecondRow[], n: number, key: 'in_flight' | 'total_tps', title: string, yLabel: string): ChartSpec {
  const values: (number | null)[] = seconds(n).map(() => null);
  for (const r of rows) if (r.second < n) values[r.second] = r[key];
  return { id: `chart-${key.replace('_', '-')}`, title, xLabel: 'second', yLabel, x: seconds(n), series: [{ label: yLabel, values }] };
}

export function clientCpuChart(rows: readonly SecondRow[], n: number): ChartSpec | null {
  if (!rows.some((r) => r.client_cpu_ms !== null)) return null;
  const values: (number | null)[] = seconds(n).map(() => null);
  for (const r of rows) if (r.second < n && r.client_cpu_ms !== null) values[r.second] = r.client_cpu_ms / 10;
  return { id: 'chart-client-cpu', title: 'Client CPU (all threads)', xLabel: 'second', yLabel: '% of a core', x: seconds(n), series: [{ label: 'CPU %', values }] };
}

/** p50 and p99 of a per-request figure over the requests sent in each second. */
export function latencyChart(records: readonly RequestRecord[], n: number, metric: 'ttft_s' | 'itl_ms', title: string, yLabel: string): ChartSpec {
  const groups = bySecond(records.filter((r) => r.outcome === 'completed' && !r.warmup), n, (r) => r.sent_ms);
  const sorted = groups.map((g) => g.map((r) => derive(r)[metric]).filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b));
  return {
    id: `chart-${metric.replace('_', '-')}`, title, xLabel: 'second (sent)', yLabel, x: seconds(n),
    series: [{ label: 'p50', values: sorted.map((s) => nearestRank(s, 0.5)) }, { label: 'p99', values: sorted.map((s) => nearestRank(s, 0.99)) }],
  };
}

/** Failed requests per second by error class (by the second they ended, else were sent); a flat 0 when none failed. */
export function errorsChart(records: readonly RequestRecord[], n: number): ChartSpec {
  const failed = records.filter((r) => r.outcome === 'failed' || r.outcome === 'incomplete');
  const classes = [...new Set(failed.map((r) => r.error_class ?? 'unknown'))].sort();
  const groups = bySecond(failed, n, (r) => r.end_ms ?? r.sent_ms ?? r.scheduled_ms);
  const series = classes.length
    ? classes.map((c) => ({ label: c, values: groups.map((g) => g.filter((r) => (r.error_class ?? 'unknown') === c).length) }))
    : [{ label: 'errors (none)', values: groups.map(() => 0) }];
  return { id: 'chart-errors', title: 'Errors by class', xLabel: 'second', yLabel: 'failed requests/s', x: seconds(n), series };
}

/** Server gauges at each scrape inside the run (x: seconds on the run's clock). */
export function serverCharts(snaps: readonly KnownSnapshot[]): ChartSpec[] {
  const inRun = snaps.filter((s) => s.tMs >= 0);
  const x = inRun.map((s) => s.tMs / 1000);
  const charts: ChartSpec[] = [];
  const has = (role: 'queue' | 'running' | 'kv_usage') => inRun.some((s) => s.gauges[role] !== undefined);
  if (has('queue') || has('running')) {
    charts.push({
      id: 'chart-server-queue', title: 'Server: waiting and running requests', xLabel: 'second', yLabel: 'requests', x,
      series: [
        ...(has('queue') ? [{ label: 'waiting', values: inRun.map((s) => s.gauges.queue ?? null) }] : []),
        ...(has('running') ? [{ label: 'running', values: inRun.map((s) => s.gauges.running ?? null) }] : []),
      ],
    });
  }
  if (has('kv_usage')) {
    charts.push({ id: 'chart-server-kv', title: 'Server: KV-cache use', xLabel: 'second', yLabel: '%', x, series: [{ label: 'KV cache %', values: inRun.map((s) => (s.gauges.kv_usage === undefined ? null : s.gauges.kv_usage * 100)) }] });
  }
  return charts;
}

const CDF_STEPS = 200;

/** Value at each percentile 0.5 .. 100 of a saved HDR histogram: x = value, y = percentile. */
export function cdfPoints(encoded: EncodedDistribution | undefined): { x: number[]; y: number[] } | null {
  if (!encoded || encoded.count === 0) return null;
  const d = Distribution.decode(encoded);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 1; i <= CDF_STEPS; i++) {
    const p = (100 * i) / CDF_STEPS;
    x.push(d.quantile(p)!);
    y.push(p);
  }
  return { x, y };
}

/** CDFs of one metric for several runs on a shared x (the union of their values), for overlaying. */
export function cdfChart(id: string, title: string, xLabel: string, runs: { label: string; encoded: EncodedDistribution | undefined }[]): ChartSpec | null {
  const curves = runs.map((r) => ({ label: r.label, pts: cdfPoints(r.encoded) })).filter((c) => c.pts !== null);
  if (!curves.length) return null;
  const x = [...new Set(curves.flatMap((c) => c.pts!.x))].sort((a, b) => a - b);
  const series = curves.map((c) => {
    const at = new Map<number, number>();
    c.pts!.x.forEach((v, i) => at.set(v, Math.max(at.get(v) ?? 0, c.pts!.y[i])));
    return { label: c.label, values: x.map((v) => at.get(v) ?? null) };
  });
  const positive = x.every((v) => v > 0);
  return { id, title, xLabel, yLabel: 'percentile', x, series, spanGaps: true, xScale: positive && x[x.length - 1] / x[0] > 50 ? 'log' : 'linear' };
}
