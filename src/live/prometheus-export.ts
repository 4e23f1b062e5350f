import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { derive, type RequestRecord } from '../metrics/record.js';

/** The cumulative live figures the run reports every 250 ms (engine's LiveStatus has these and more). */
export interface LiveFigures {
  sent: number;
  inFlight: number;
  elapsedMs: number;
  totalMs: number;
  /** Output tokens received over the last second. */
  totalTps: number;
}

export interface LiveExport {
  /** Where the page is served, e.g. http://127.0.0.1:9464/metrics */
  url: string;
  /** The labels every series carries (run_id, endpoint), once the run has them: the port is bound first. */
  label(labels: { run_id: string; endpoint: string }): void;
  status(s: LiveFigures): void;
  /** Each batch of finished records (main thread, after the aggregator). */
  records(rs: readonly RequestRecord[]): void;
  close(): Promise<void>;
}

const TTFT_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80];
const ITL_BUCKETS = [0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.2, 0.5, 1];
const E2E_BUCKETS = [0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 320];
const LAG_BUCKETS = [0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1, 1];

/**
 * `--prometheus-port N`: this run's own live figures in the Prometheus text format (prom-client), for the
 * dashboards users already run, served on the main thread at /metrics while the run lasts. Every series
 * carries run_id and endpoint labels. Fed from the run's live hooks: nothing touches the workers' path.
 */
export async function startLiveExport(port: number, host: string): Promise<LiveExport> {
  const registry = new Registry();
  const m = metrics(registry);
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || new URL(req.url ?? '/', 'http://x').pathname !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (e: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${e.message}\n`),
    );
  });
  await listen(server, port, host);
  const addr = server.address() as AddressInfo;
  let lastSent = 0;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}/metrics`,
    // prom-client adds default labels when it writes the page, so series made before carry them too
    label: (labels) => registry.setDefaultLabels(labels),
    status(s) {
      if (s.sent > lastSent) m.sent.inc(s.sent - lastSent);
      lastSent = Math.max(lastSent, s.sent);
      m.inFlight.set(s.inFlight);
      m.tps.set(s.totalTps);
      m.elapsed.set(s.elapsedMs / 1000);
      m.progress.set(s.totalMs > 0 ? Math.min(1, s.elapsedMs / s.totalMs) : 0);
    },
    records(rs) {
      for (const r of rs) observe(m, r);
    },
    // closed by the observers at the run's end and again by runLoad whatever happened: once is enough
    close: () => (closed ??= new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    })),
  };
}

function metrics(registers: Registry) {
  const r = { registers: [registers] };
  return {
    sent: new Counter({ name: 'auto_testing_requests_sent_total', help: 'Requests handed to the transport.', ...r }),
    finished: new Counter({ name: 'auto_testing_requests_finished_total', help: 'Requests finished, by outcome (completed, failed, dropped, incomplete).', labelNames: ['outcome'], ...r }),
    errors: new Counter({ name: 'auto_testing_request_errors_total', help: 'Failed requests by error class.', labelNames: ['error_class'], ...r }),
    inFlight: new Gauge({ name: 'auto_testing_requests_in_flight', help: 'Requests sent and not finished.', ...r }),
    tps: new Gauge({ name: 'auto_testing_output_tokens_per_second', help: 'Output tokens received over the last second, all requests.', ...r }),
    elapsed: new Gauge({ name: 'auto_testing_run_elapsed_seconds', help: 'Time since the schedule origin t0.', ...r }),
    progress: new Gauge({ name: 'auto_testing_run_progress_ratio', help: 'Elapsed time / the run duration (0..1).', ...r }),
    ttft: new Histogram({ name: 'auto_testing_ttft_seconds', help: 'Time to first token: first token - sent.', buckets: TTFT_BUCKETS, ...r }),
    itl: new Histogram({ name: 'auto_testing_itl_seconds', help: 'Per request, decode time per token after the first chunk.', buckets: ITL_BUCKETS, ...r }),
    e2e: new Histogram({ name: 'auto_testing_e2e_seconds', help: 'Last byte - sent.', buckets: E2E_BUCKETS, ...r }),
    sendLag: new Histogram({ name: 'auto_testing_send_lag_seconds', help: 'Sent - scheduled: how late the generator fired.', buckets: LAG_BUCKETS, ...r }),
  };
}

function observe(m: ReturnType<typeof metrics>, r: RequestRecord): void {
  if (r.warmup) return;
  m.finished.inc({ outcome: r.outcome });
  if (r.outcome === 'failed' || r.outcome === 'incomplete') m.errors.inc({ error_class: r.error_class ?? 'unknown' });
  const d = derive(r);
  if (d.send_lag_ms !== null) m.sendLag.observe(Math.max(0, d.send_lag_ms) / 1000);
  if (d.ttft_s !== null) m.ttft.observe(d.ttft_s);
  if (d.itl_ms !== null) m.itl.observe(d.itl_ms / 1000);
  if (d.e2e_s !== null) m.e2e.observe(d.e2e_s);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
