/** What a run watches beside its own measurements: the server's metrics and a live export of its own. */
export interface ObserveSettings {
  /** --server-metrics: a URL, 'auto' (the endpoint's origin + /metrics), or null for none. */
  serverMetrics: string | null;
  serverMetricsIntervalMs: number;
  /** --prometheus-port: null for none, 0 for any free port. */
  prometheusPort: number | null;
  prometheusHost: string;
}

export const OBSERVE_DEFAULTS: ObserveSettings = { serverMetrics: null, serverMetricsIntervalMs: 1000, prometheusPort: null, prometheusHost: '127.0.0.1' };
