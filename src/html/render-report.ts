import type { RequestRecord } from '../metrics/record.js';
import type { RunSummary } from '../metrics/summary.js';
import type { KnownSnapshot } from '../server-metrics/snapshot.js';
import { cell, type CellUnit } from './cells.js';
import { drawCharts, type ChartSpec } from './charts-script.js';
import { esc, htmlDocument } from './document.js';
import { cdfChart, clientCpuChart, errorsChart, fromSecondsChart, latencyChart, runSeconds, sendRateChart, serverCharts, type SecondRow } from './run-series.js';

/** Everything report.html is made of, read from a run folder (see read-report-inputs.ts). */
export interface ReportInputs {
  summary: RunSummary;
  records: RequestRecord[];
  seconds: SecondRow[];
  /** Known series of each scrape in server_metrics.csv (empty when not scraped). */
  scrapes: KnownSnapshot[];
}

const LATENCY_ROWS: { key: string; label: string; unit: CellUnit }[] = [
  { key: 'ttft_s', label: 'TTFT (s)', unit: 's' },
  { key: 'ttfo_s', label: 'TTFO (s)', unit: 's' },
  { key: 'tpot_ms', label: 'TPOT (ms)', unit: 'ms' },
  { key: 'itl_ms', label: 'ITL per token (ms)', unit: 'ms' },
  { key: 'inter_chunk_ms', label: 'Inter-chunk (ms)', unit: 'ms' },
  { key: 'e2e_s', label: 'E2E (s)', unit: 's' },
  { key: 'output_tps', label: 'Output TPS per request', unit: 'tokens_per_s' },
];
const LATENCY_COLS = ['mean', 'p50', 'p90', 'p95', 'p99', 'max'] as const;

type Row = [label: string, key: string, unit: CellUnit];

const RUN_ROWS: Row[] = [
  ['scheduled', 'requests.scheduled', 'count'],
  ['sent', 'requests.sent', 'count'],
  ['completed', 'requests.completed', 'count'],
  ['failed', 'requests.failed', 'count'],
  ['dropped', 'requests.dropped', 'count'],
  ['incomplete', 'requests.incomplete', 'count'],
  ['error rate', 'error_rate', 'ratio'],
  ['requests/s', 'throughput.requests_per_s', 'per_s'],
  ['output tokens/s', 'throughput.output_tokens_per_s', 'tokens_per_s'],
  ['Total TPS peak (1 s windows)', 'throughput.peak_total_tps', 'tokens_per_s'],
  ['Total TPS mean', 'throughput.mean_total_tps', 'tokens_per_s'],
  ['Total TPS peak (sum of requests, seed)', 'throughput.total_tps_sum_of_requests.peak', 'tokens_per_s'],
  ['goodput (requests/s)', 'goodput.requests_per_s', 'per_s'],
  ['good fraction', 'goodput.fraction', 'fraction_pct'],
];

const CLIENT_ROWS: Row[] = [
  ['send lag p50 (ms)', 'client.send_lag_ms.p50', 'ms'],
  ['send lag p99 (ms)', 'client.send_lag_ms.p99', 'ms'],
  ['send lag max (ms)', 'client.send_lag_ms.max', 'ms'],
  ['client CPU (of a core)', 'client.cpu.utilization', 'fraction_pct'],
  ['client peak RSS (MB)', 'client.memory_mb.rss_max', 'mb'],
  ['main event-loop delay p99 (ms)', 'client.event_loop_delay_ms.main.p99', 'ms'],
];

const SERVER_ROWS: Row[] = [
  ['queue depth p50', 'server_metrics.queue_depth.p50', 'count'],
  ['queue depth max', 'server_metrics.queue_depth.max', 'count'],
  ['running max', 'server_metrics.running.max', 'count'],
  ['KV-cache use max', 'server_metrics.kv_cache_usage.max', 'fraction_pct'],
  ['prefix-cache hit rate', 'server_metrics.cache_hit_rate', 'fraction_pct'],
  ['server TTFT p50 (s)', 'server_metrics.ttft_s.server.p50', 's'],
  ['client TTFT p50 (s)', 'server_metrics.ttft_s.client.p50', 's'],
  ['client - server TTFT, mean (s)', 'server_metrics.ttft_s.client_minus_server.mean', 's'],
  ['server ITL p50 (ms)', 'server_metrics.itl_ms.server.p50', 'ms'],
  ['client ITL p50 (ms)', 'server_metrics.itl_ms.client.p50', 'ms'],
  ['scrapes ok', 'server_metrics.scrapes.ok', 'count'],
  ['scrapes failed', 'server_metrics.scrapes.failed', 'count'],
];

function keyValueTable(summary: unknown, rows: Row[]): string {
  return `<table>${rows.map(([label, key, unit]) => `<tr><th>${esc(label)}</th>${cell(summary, key, unit)}</tr>`).join('')}</table>`;
}

function latencyTable(s: RunSummary): string {
  const head = `<tr><th>metric</th><th>n</th>${LATENCY_COLS.map((c) => `<th>${c}</th>`).join('')}</tr>`;
  const rows = LATENCY_ROWS.filter((r) => (s.metrics as Record<string, unknown>)[r.key]).map((r) => {
    const low = (s.metrics as Record<string, { low_sample?: string[] }>)[r.key].low_sample ?? [];
    return `<tr><td>${esc(r.label)}</td>${cell(s, `metrics.${r.key}.count`, 'count')}${LATENCY_COLS.map((c) => cell(s, `metrics.${r.key}.${c}`, r.unit, low.includes(c))).join('')}</tr>`;
  });
  return `<table>${head}${rows.join('')}</table>`;
}

function sloTable(s: RunSummary): string {
  if (!s.slo) return '';
  const rows = s.slo.results.map((r) => `<tr><td>${esc(r.slo)}</td><td>${r.measured === null ? '—' : esc(`${r.measured} ${r.unit}`)}</td><td class="${r.passed ? 'pass' : 'fail'}">${r.passed ? 'met' : 'FAILED'}</td></tr>`);
  return `<h3>Objectives</h3><table><tr><th>objective</th><th>measured</th><th>verdict</th></tr>${rows.join('')}</table>`;
}

function serverSection(s: ReportInputs['summary']): string {
  const m = s.server_metrics;
  if (!m) return '<p class="meta">Server metrics were not scraped (run with <code>--server-metrics auto</code> or a URL).</p>';
  const errors = Object.entries(m.scrapes.errors).map(([k, n]) => `${k} ${n}`).join(', ');
  return `<p class="meta">Scraped ${esc(m.url)} every ${m.interval_s} s; engine: ${esc(m.engine ?? 'not recognised')}${errors ? `; failures: ${esc(errors)}` : ''}${m.scrapes.first_error ? ` (first: ${esc(m.scrapes.first_error)})` : ''}</p>${keyValueTable(s, SERVER_ROWS)}`;
}

export function reportCharts(inp: ReportInputs): ChartSpec[] {
  const n = runSeconds(inp.records, inp.seconds);
  const h = inp.summary.histograms ?? {};
  const cdf = (metric: string, title: string, unit: string) => cdfChart(`chart-cdf-${metric.replace('_', '-')}`, title, unit, [{ label: metric, encoded: h[metric] }]);
  return [
    sendRateChart(inp.records, n),
    fromSecondsChart(inp.seconds, n, 'in_flight', 'Requests in flight (end of each second)', 'requests'),
    fromSecondsChart(inp.seconds, n, 'total_tps', 'Total TPS (output tokens received per second)', 'tokens/s'),
    latencyChart(inp.records, n, 'ttft_s', 'TTFT per second sent: p50 and p99', 's'),
    latencyChart(inp.records, n, 'itl_ms', 'ITL per token, per second sent: p50 and p99', 'ms'),
    errorsChart(inp.records, n),
    ...serverCharts(inp.scrapes),
    cdf('ttft_s', 'TTFT distribution (CDF)', 's'),
    cdf('itl_ms', 'ITL per token distribution (CDF)', 'ms'),
    cdf('tpot_ms', 'TPOT distribution (CDF)', 'ms'),
    cdf('e2e_s', 'E2E latency distribution (CDF)', 's'),
    clientCpuChart(inp.seconds, n),
  ].filter((c): c is ChartSpec => c !== null);
}

/** The settings a reader needs to reproduce the run (everything but the measured figures). */
function configuration(s: RunSummary): unknown {
  return { tool: s.tool, run: s.run, endpoint: s.endpoint, workload: s.workload, goodput_criteria: s.goodput?.criteria, slo: s.slo?.results.map((r) => r.slo) ?? [], shard: s.shard, shards: s.shards };
}

export function renderReport(inp: ReportInputs): string {
  const s = inp.summary;
  const charts = reportCharts(inp);
  const e = s.endpoint;
  const list = (items: string[], cls: string, none: string) => (items.length ? `<ul>${items.map((w) => `<li class="${cls}">${esc(w)}</li>`).join('')}</ul>` : `<p class="meta">${none}</p>`);
  const body = `
<h1>auto-testing report: ${esc(s.run.id)}</h1>
<p class="meta">${esc(e.name)} · ${esc(e.url)} · api ${esc(e.api)} · model ${esc(e.model)}${e.simulated ? ' · <b>SIMULATED endpoint</b>' : ''}</p>
<p class="meta">status <b class="status-${esc(s.status)}">${esc(s.status)}</b>${s.status_reason ? ` (${esc(s.status_reason)})` : ''} · started ${esc(s.run.started_at)} · ${s.run.mode === 'closed' ? `closed loop, ${s.run.concurrency} in flight` : `${s.run.rate} req/s ${esc(s.run.arrival)}`} for ${s.run.duration_s} s · ${esc(s.tool.name)} ${esc(s.tool.version)} · summary schema ${s.schema_version}</p>
<h2>Summary</h2>
<div class="grid"><div><h3>Requests and throughput</h3>${keyValueTable(s, RUN_ROWS)}</div><div><h3>Client (the generator itself)</h3>${keyValueTable(s, CLIENT_ROWS)}${sloTable(s)}</div></div>
<h3>Latency</h3>${latencyTable(s)}
<p class="meta">* quantile from too few samples: pX needs at least 1 / (1 - X/100) of them.</p>
<h2>Server metrics</h2>${serverSection(s)}
<h2>Over time and distributions</h2>
<div class="grid">${charts.map((c) => `<div class="chart" id="${esc(c.id)}"></div>`).join('')}</div>
<h2>Warnings</h2>${list(s.warnings ?? [], 'warn', 'None.')}
${s.notes?.length ? `<h2>Notes</h2>${list(s.notes, 'note', '')}` : ''}
<h2>Configuration</h2><pre>${esc(JSON.stringify(configuration(s), null, 2))}</pre>
<h2>Definitions</h2><table>${Object.entries(s.definitions ?? {}).map(([k, d]) => `<tr><td>${esc(k)}</td><td style="text-align:left">${esc(d)}</td></tr>`).join('')}</table>`;
  return htmlDocument({ title: `auto-testing report ${s.run.id}`, body, data: { charts }, main: drawCharts });
}
