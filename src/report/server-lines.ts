import type { ServerMetricsSummary } from '../server-metrics/summary-types.js';

const f = (v: number | null | undefined, digits: number) => (v === null || v === undefined ? '-' : v.toFixed(digits));
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '-' : `${(v * 100).toFixed(1)}%`);

/** ' (within its bucket 80-100 ms)': a server quantile is only known to lie in its histogram bucket. */
function bucket(v: number | null, bounds: readonly number[], unit: string): string {
  if (v === null) return '';
  const i = bounds.findIndex((b) => v <= b);
  if (i === -1) return ` (above ${bounds.at(-1)} ${unit})`;
  return ` (interpolated in its bucket ${i === 0 ? 0 : bounds[i - 1]}-${bounds[i]} ${unit})`;
}

/** The terminal's lines for the server's side of the run (nothing when it was not scraped). */
export function serverMetricsLines(m: ServerMetricsSummary | null | undefined): string[] {
  if (!m) return [];
  const c = m.scrapes;
  const errors = Object.entries(c.errors).map(([k, n]) => `${k} ${n}`).join(', ');
  const head = `server  ${m.url} (${m.engine ?? 'no known engine names'}): scrapes ok ${c.ok}, failed ${c.failed}${errors ? ` (${errors})` : ''}`;
  if (!c.ok) return [head];
  const parts = [
    m.queue_depth && `queue depth p50 ${f(m.queue_depth.p50, 0)} max ${f(m.queue_depth.max, 0)}`,
    m.running && `running max ${f(m.running.max, 0)}`,
    m.kv_cache_usage && `KV cache max ${pct(m.kv_cache_usage.max)}`,
    m.cache_hit_rate !== null && `prefix-cache hit rate ${pct(m.cache_hit_rate)}`,
  ].filter(Boolean);
  const lines = [head];
  if (parts.length) lines.push(`server  ${parts.join('  ')}`);
  if (m.ttft_s) lines.push(`server  TTFT p50 ${f(m.ttft_s.server.p50, 3)} s${bucket(m.ttft_s.server.p50, m.ttft_s.server_bucket_bounds, 's')} (ours ${f(m.ttft_s.client.p50, 3)} s); ours - server's, mean ${f(m.ttft_s.client_minus_server.mean, 3)} s: network + HTTP + client`);
  if (m.itl_ms) lines.push(`server  ITL p50 ${f(m.itl_ms.server.p50, 2)} ms${bucket(m.itl_ms.server.p50, m.itl_ms.server_bucket_bounds, 'ms')} (ours ${f(m.itl_ms.client.p50, 2)} ms)`);
  return lines;
}
