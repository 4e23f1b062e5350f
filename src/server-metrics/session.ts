import type { Stats } from '../metrics/distribution.js';
import { publicUrl } from '../transport/endpoint.js';
import { ServerMetricsCsv } from '../results/server-metrics-csv.js';
import type { PromSample } from './prom-text.js';
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
  /** The run's schedule origin t0 (monotonic ns), once known: times are saved as ms from it. */
  setOrigin(t0Ns: bigint): void;
  /** The last scrape, then the summary (client figures set beside the server's). */
  finish(endMs: number, client: { ttft_s: Stats | null; itl_ms: Stats | null }): Promise<ServerMetricsSummary>;
  /** Stops without a last scrape (the run ended by an error). */
  abort(): Promise<void>;
}

const monoMs = () => Number(process.hrtime.bigint()) / 1e6;
const round = (ms: number) => Math.round(ms * 1000) / 1000;

/**
 * Scraping for one run, on the main thread: a first scrape (the baseline the histograms are differenced
 * from) before t0 is even chosen, so the schedule never waits on it, then one every interval, and a last
 * one in `finish`. With 'auto' a failed first scrape ends it (reported in the summary, the run goes on);
 * with a URL every failure is counted and scraping goes on. Rows go to server_metrics.csv in `folder` as
 * they arrive (those before `setOrigin`, held until then).
 */
export async function startServerMetrics(s: ServerMetricsSettings, folder: string, log: (line: string) => void): Promise<ServerMetricsRun> {
  const { url, source } = metricsUrl(s.spec, s.endpoint);
  const shown = publicUrl(url);
  const sameOrigin = new URL(url).origin === new URL(s.endpoint).origin;
  const csv = new ServerMetricsCsv(folder, s.redact);
  let originMs: number | null = null;
  const held: [number, readonly PromSample[]][] = [];
  const scraper = new Scraper({
    url, intervalMs: s.intervalMs, limits: scrapeLimits(s.intervalMs), headers: sameOrigin ? s.headers : {}, insecure: s.insecure, clockMs: monoMs, redact: s.redact,
    onSamples: (t, samples) => (originMs === null ? held.push([t, samples]) : csv.append(round(t - originMs), samples)),
  });
  const first = await scraper.scrapeOnce();
  const going = first || source === 'flag';
  if (going) scraper.start();
  const counts = scraper.counts();
  if (first) log(`Server metrics: scraping ${shown} every ${s.intervalMs / 1000} s.`);
  else log(`Server metrics: ${shown} did not answer with metrics (${counts.first_error}); ${going ? 'still scraping, failures counted' : 'not scraping (--server-metrics auto)'}.`);
  return {
    setOrigin(t0Ns) {
      originMs = Number(t0Ns) / 1e6;
      for (const [t, samples] of held.splice(0)) csv.append(round(t - originMs), samples);
    },
    async finish(endMs, client) {
      const outcome = await scraper.stop(going);
      const origin = originMs ?? monoMs();
      for (const [t, samples] of held.splice(0)) csv.append(round(t - origin), samples);
      csv.close();
      if (csv.problem) log(`Server metrics: ${csv.problem}; later scrapes are not in the file`);
      const snapshots = outcome.snapshots.map((snap) => ({ ...snap, tMs: round(snap.tMs - origin) }));
      return summariseServerMetrics({ url: shown, source, intervalMs: s.intervalMs, scrapes: outcome.counts, snapshots, endMs, client });
    },
    async abort() {
      await scraper.stop(false);
      csv.close();
    },
  };
}
