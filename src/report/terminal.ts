import chalk from 'chalk';
import Table from 'cli-table3';
import type { Stats } from '../metrics/distribution.js';
import type { MetricName, RunSummary } from '../metrics/summary.js';
import { serverMetricsLines } from './server-lines.js';

const ROWS: { key: MetricName; label: string; digits: number }[] = [
  { key: 'ttft_s', label: 'TTFT (s)', digits: 3 },
  { key: 'ttfo_s', label: 'TTFO (s)', digits: 3 },
  { key: 'tpot_ms', label: 'TPOT (ms)', digits: 2 },
  { key: 'itl_ms', label: 'ITL per token (ms)', digits: 2 },
  { key: 'inter_chunk_ms', label: 'Inter-chunk (ms)', digits: 2 },
  { key: 'e2e_s', label: 'E2E (s)', digits: 3 },
  { key: 'output_tps', label: 'Output TPS / request', digits: 1 },
  { key: 'output_tokens', label: 'Output tokens', digits: 0 },
];

const COLS = ['mean', 'min', 'p25', 'p50', 'p75', 'p90', 'p95', 'p99', 'max'] as const;

export function fmt(v: number | null | undefined, digits: number): string {
  return v === null || v === undefined ? '-' : v.toFixed(digits);
}

/** A quantile from too few samples gets a `*` (see LOW_SAMPLE_NOTE). */
function cell(st: Stats, col: (typeof COLS)[number], digits: number): string {
  const v = fmt(st[col], digits);
  return st[col] !== null && st.low_sample?.includes(col) ? `${v}*` : v;
}

export const LOW_SAMPLE_NOTE = '* quantile from too few samples: pX needs at least 1 / (1 - X/100) (p99: 100, p95: 20, p90: 10)';

function steadyLine(s: RunSummary): string {
  const st = s.steady_state;
  if (!st) return 'steady state  none: the run never held its arrival rate for 1 s with its first requests finished';
  const m = st.metrics;
  return (
    `steady state  ${st.from_s.toFixed(1)}-${st.to_s.toFixed(1)} s (${st.requests} requests)  output ${fmt(st.output_tokens_per_s, 1)} tok/s  ${fmt(st.requests_per_s, 2)} req/s` +
    `  TTFT p50 ${fmt(m.ttft_s.p50, 3)} s  TPOT p50 ${fmt(m.tpot_ms.p50, 2)} ms  E2E p50 ${fmt(m.e2e_s.p50, 3)} s`
  );
}

/** The end-of-run report: a distribution table, then counts, throughput and warnings. */
export function renderSummary(s: RunSummary): string {
  const table = new Table({ head: ['metric', 'n', ...COLS].map((h) => chalk.bold(h)), style: { head: [], border: [] } });
  for (const row of ROWS) {
    const st: Stats = s.metrics[row.key];
    table.push([row.label, String(st.count), ...COLS.map((c) => cell(st, c, row.digits))]);
  }
  const lowSample = ROWS.some((row) => s.metrics[row.key].low_sample?.length);
  const r = s.requests;
  const t = s.throughput;
  const lag = s.client.send_lag_ms;
  const lines = [
    chalk.bold(`auto-testing: ${s.endpoint.name} (${s.endpoint.api}, model ${s.endpoint.model})${s.endpoint.simulated ? chalk.yellow(' [SIMULATED endpoint]') : ''}`),
    `status ${s.status === 'completed' ? chalk.green(s.status) : chalk.red(s.status)}${s.status_reason ? ` (${s.status_reason})` : ''}`,
    table.toString(),
    ...(lowSample ? [LOW_SAMPLE_NOTE] : []),
    `requests  scheduled ${r.scheduled}  sent ${r.sent}  completed ${r.completed}  failed ${r.failed}  dropped ${r.dropped}  incomplete ${r.incomplete}` +
      `  error rate ${(s.error_rate * 100).toFixed(2)}%`,
    // JSON quoting: a server's text reaches the terminal with its control characters escaped
    ...Object.entries(s.errors).map(([k, n]) => `  errors: ${k} ${n}${s.error_examples?.[k] ? `  first: ${JSON.stringify(s.error_examples[k])}` : ''}`),
    `throughput  Total TPS windowed peak ${fmt(t.total_tps_windowed.peak, 1)} mean ${fmt(t.total_tps_windowed.mean, 1)} tok/s (${t.window_s} s window, ${t.step_s} s step)` +
      `  sum of request TPS peak ${fmt(t.total_tps_sum_of_requests.peak, 1)} mean ${fmt(t.total_tps_sum_of_requests.mean, 1)} tok/s` +
      `  output ${fmt(t.output_tokens_per_s, 1)} tok/s`,
    rateLine(s),
    `tokens  output ${s.tokens.output_total} (reasoning ${s.tokens.reasoning_total}, answer ${s.tokens.answer_total}; all count in TPOT, ITL, TPS)` + cachedText(s),
    ...sessionLines(s),
    steadyLine(s),
    `client  ${lag ? `send lag p50 ${fmt(lag.p50, 3)} ms  p99 ${fmt(lag.p99, 3)} ms  max ${fmt(lag.max, 3)} ms` : 'send lag n/a (closed loop)'}  CPU ${(s.client.cpu.utilization * 100).toFixed(0)}% of a core` +
      `  main loop delay p99 ${fmt(s.client.event_loop_delay_ms.main.p99, 2)} ms`,
    ...measurementErrorLines(s),
    ...phaseLines(s),
    ...serverMetricsLines(s.server_metrics),
    ...(s.notes ?? []).map((n) => chalk.cyan(`NOTE: ${n}`)),
    ...s.warnings.map((w) => chalk.red(`WARNING: ${w}`)),
  ];
  return lines.join('\n');
}

/** Sent and completed per second over the sending window (a run at 5 req/s reads 5.00), then the overall figure with the drain. */
function rateLine(s: RunSummary): string {
  const t = s.throughput;
  const w = t.sending_window;
  const window = w ? `sent ${fmt(w.send_rate_per_s, 2)} req/s  completed ${fmt(w.completion_rate_per_s, 2)} req/s (sending window ${fmt(w.from_s, 1)}-${fmt(w.to_s, 1)} s)  ` : '';
  return `rates  ${window}completed ${fmt(t.requests_per_s, 2)} req/s over first send to last byte (drain included)`;
}

/** Where the requests' time went (p50 of each phase), and which part grew in the slow tail. */
function phaseLines(s: RunSummary): string[] {
  const p = s.phases;
  if (!p) return [];
  const st = p.stats;
  const c = p.connections;
  const q = (name: keyof typeof st, k: 'p50' | 'p99' = 'p50') => fmt(st[name][k], 2);
  const tls = st.tls_ms.count ? `  TLS ${q('tls_ms')}` : '';
  return [
    `phases p50 (ms)  connections ${c.new} new, ${c.reused} reused  connect ${q('connect_ms')}${tls}  write ${q('write_ms')}  server to first byte ${q('wait_ms')}` +
      `  first byte to token ${q('first_token_ms')}  decode ${q('decode_ms')}  loop delay at send p50 ${q('loop_delay_ms')} p99 ${q('loop_delay_ms', 'p99')}`,
    ...(p.growth ? [`latency growth  ${p.growth.text}`] : []),
  ];
}

function measurementErrorLines(s: RunSummary): string[] {
  const e = s.client.measurement_error;
  if (!e) return [];
  const row = (st: Stats) => `p50 ${fmt(st.p50, 3)}  p99 ${fmt(st.p99, 3)}  max ${fmt(st.max, 3)} ms (n ${st.count})`;
  return [`measurement error  TTFT ${row(e.ttft_ms)}  ITL ${row(e.itl_ms)}`];
}

/** `  input 12000, 8000 from the server's prefix cache (66.7%)` when the server reports cached prompt tokens. */
function cachedText(s: RunSummary): string {
  const t = s.tokens;
  if (!t.cached_input_reported) return '';
  const share = t.cached_input_fraction === null || t.cached_input_fraction === undefined ? '' : ` (${(t.cached_input_fraction * 100).toFixed(1)}%)`;
  return `  input ${t.input_total}, ${t.cached_input_total} from the server's prefix cache${share}`;
}

/** Multi-turn runs: how sessions ended, then TTFT p50 and mean input tokens by turn (1-based, as people count turns). */
function sessionLines(s: RunSummary): string[] {
  const x = s.sessions;
  if (!x) return [];
  const turns = x.by_turn.map((t) => `${t.turn + 1}: ${fmt(t.ttft_s.p50 ?? 0, 3)} s / ${Math.round(t.input_tokens.mean ?? 0)} tok`);
  return [`sessions  started ${x.started}  completed ${x.completed}  cut short ${x.cut_short}`, `  by turn (TTFT p50 / mean input tokens)  ${turns.join('  ')}`];
}
