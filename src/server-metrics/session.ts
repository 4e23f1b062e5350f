import type { Stats } from '../metrics/distribution.js';
import { publicUrl } from '../engine/target.js';
import { ServerMetricsCsv } from '../results/server-metrics-csv.js';
import { Scraper } from './scraper.js';
import { summariseServerMetrics, type ServerMetricsSummary } from './summarise.js';

export interface ServerMetricsSettings {
  /** --server-metrics: a URL, or 'auto' for the endpoint's origin + /metrics. */
  spec: string;
  intervalMs: number;
  /** The load's endpoint URL (what 'auto' is derived from). */
  endpoint: string;
  /** Sent only when the metrics URL has the endpoint's origin (never hand a key to another host). */
  headers: Record<string, string>;
  insecure: boolean;
  redact?(text: string): string;
}

/** Bounds of one scrape: never longer than 10 s nor than an interval (at least 1 s), never over 8 MiB. */
export function scrapeLimits(intervalMs: number): { timeoutMs: number; maxBytes: number } {
  return { timeoutMs: Math.min(10_000, Math.max(1_000, intervalMs)), maxBytes: 8 * 1024 * 1024 };
}

/** The URL to scrape and where it came from. */
export function metricsUrl(spec: string, endpoint: string): { url: string; source: 'flag' | 'auto' } {
  if (spec === 'auto') return { url: `${new URL(endpoint).origin}/metrics`, source: 'auto' };
  return { url: spec, source: 'flag' };
}

export interface ServerMetricsRun {
  /** The last scrape, then the summary (client figures set beside the server's). */
  finish(endMs: number, client: { ttft_s: Stats | null; itl_ms: Stats | null }): Promise<ServerMetricsSummary>;
}

/**
 * Scraping for one run, on the main thread: a first scrape before t0 (the baseline the histograms are
 * differenced from), then one every interval, and a last one in `finish`. With 'auto' a failed first
 * scrape ends it (reported in the summary, the run goes on); with a URL every failure is counted and
 * scraping goes on. Rows go to server_metrics.csv in `folder` as they arrive.
 */
export async function startServerMetrics(s: ServerMetricsSettings, folder: string, clockMs: () => number, log: (line: string) => void): Promise<ServerMetricsRun> {
  const { url, source } = metricsUrl(s.spec, s.endpoint);
  const shown = publicUrl(url);
  const sameOrigin = new URL(url).origin === new URL(s.endpoint).origin;
  const csv = new ServerMetricsCsv(folder);
  const scraper = new Scraper({
    url, intervalMs: s.intervalMs, limits: scrapeLimits(s.intervalMs), headers: sameOrigin ? s.headers : {}, insecure: s.insecure,
    clockMs, onSamples: (t, samples) => csv.append(t, samples), redact: s.redact,
  });
  const first = await scraper.scrapeOnce();
  const going = first || source === 'flag';
  if (going) scraper.start();
  const counts = scraper.counts();
  if (first) log(`Server metrics: scraping ${shown} every ${s.intervalMs / 1000} s.`);
  else log(`Server metrics: ${shown} did not answer with metrics (${counts.first_error}); ${going ? 'still scraping, failures counted' : 'not scraping (--server-metrics auto)'}.`);
  return {
    async finish(endMs, client) {
      const outcome = await scraper.stop(going);
      csv.close();
      if (csv.problem) log(`Server metrics: ${csv.problem}; later scrapes are not in the file`);
      return summariseServerMetrics({ url: shown, source, intervalMs: s.intervalMs, scrapes: outcome.counts, snapshots: outcome.snapshots, endMs, client });
    },
  };
}
