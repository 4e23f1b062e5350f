import type { ObserveSettings } from '../config/observe.js';
import { startLiveExport, type LiveExport, type LiveFigures } from '../live/prometheus-export.js';
import type { Stats } from '../metrics/distribution.js';
import type { RequestRecord } from '../metrics/record.js';
import { startServerMetrics, type ServerMetricsRun } from '../server-metrics/session.js';
import type { ServerMetricsSummary } from '../server-metrics/summarise.js';

/** A --prometheus-port that cannot be served: the run stops before anything is sent (exit 2). */
export class ObserveStartError extends Error {}

export interface ObserveContext {
  /** The load's endpoint URL. */
  endpoint: string;
  headers: Record<string, string>;
  insecure: boolean;
  folder: string;
  runId: string;
  name: string;
  log(line: string): void;
  redact?(text: string): string;
}

/**
 * What a run watches on its main thread beside its own measurements: the live export (started at once,
 * so a port in use stops the run before it sends anything) and the server's metrics (from just before t0
 * to a last scrape after the last request). Neither is in the workers' path; neither can fail the run.
 */
export interface RunObservers {
  progress(s: LiveFigures): void;
  records(rs: readonly RequestRecord[]): void;
  /** The first scrape (the baseline), then one every interval: before t0 is chosen, so nothing waits on it. */
  beforeStart(): Promise<void>;
  /** The schedule origin (monotonic ns): scrape times are saved as ms from it. */
  started(t0Ns: bigint): void;
  /** The last scrape, the server summary (null when not scraping), the live export closed. */
  finish(endMs: number, client: { ttft_s: Stats | null; itl_ms: Stats | null }): Promise<ServerMetricsSummary | null>;
  /** The run ended by an error: everything stopped, no last scrape. */
  abort(): Promise<void>;
}

export async function startObservers(o: ObserveSettings, ctx: ObserveContext): Promise<RunObservers> {
  let live: LiveExport | null = null;
  if (o.prometheusPort !== null) {
    try {
      live = await startLiveExport(o.prometheusPort, o.prometheusHost, { run_id: ctx.runId, endpoint: ctx.name });
    } catch (e) {
      throw new ObserveStartError(`--prometheus-port: cannot listen on ${o.prometheusHost}:${o.prometheusPort} (${(e as Error).message}); choose another port or --prometheus-host`);
    }
    ctx.log(`Live figures: ${live.url} (Prometheus text format, while the run lasts).`);
  }
  let scraping: ServerMetricsRun | null = null;
  return {
    progress: (s) => live?.status(s),
    records: (rs) => live?.records(rs),
    async beforeStart() {
      if (o.serverMetrics === null) return;
      const settings = { spec: o.serverMetrics, intervalMs: o.serverMetricsIntervalMs, endpoint: ctx.endpoint, headers: ctx.headers, insecure: ctx.insecure, redact: ctx.redact };
      scraping = await startServerMetrics(settings, ctx.folder, ctx.log);
    },
    started: (t0Ns) => scraping?.setOrigin(t0Ns),
    async finish(endMs, client) {
      const summary = scraping ? await scraping.finish(endMs, client) : null;
      await live?.close();
      return summary;
    },
    async abort() {
      await scraping?.abort();
      await live?.close();
    },
  };
}
