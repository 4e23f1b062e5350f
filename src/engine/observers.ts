import type { ObserveSettings } from '../config/observe.js';
import type { LiveExport, LiveFigures } from '../live/prometheus-export.js';
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

/**
 * --prometheus-port bound before anything of the run exists (its folder, the simulator, the workers), so a
 * port in use is one line and exit 2 with nothing left behind; null without the flag.
 */
export async function openLiveExport(o: ObserveSettings): Promise<LiveExport | null> {
  if (o.prometheusPort === null) return null;
  // prom-client is loaded only by a run that exports (tens of ms of start-up on the main thread otherwise)
  const { startLiveExport } = await import('../live/prometheus-export.js');
  try {
    return await startLiveExport(o.prometheusPort, o.prometheusHost);
  } catch (e) {
    throw new ObserveStartError(`--prometheus-port: cannot listen on ${o.prometheusHost}:${o.prometheusPort} (${(e as Error).message}); choose another port or --prometheus-host`);
  }
}

/** Why --prometheus-port cannot be served, or null: for a command of several runs, before it claims its folder. */
export async function liveExportProblem(o: ObserveSettings): Promise<string | null> {
  try {
    await (await openLiveExport(o))?.close();
    return null;
  } catch (e) {
    if (e instanceof ObserveStartError) return e.message;
    throw e;
  }
}

/** `live`: the run's `openLiveExport`, labelled here once the run's id and name are known. */
export async function startObservers(o: ObserveSettings, ctx: ObserveContext, live: LiveExport | null): Promise<RunObservers> {
  if (live) {
    live.label({ run_id: ctx.runId, endpoint: ctx.name });
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
