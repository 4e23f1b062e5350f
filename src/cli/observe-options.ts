import type { Options } from 'yargs';
import { parseDuration } from '../config/duration.js';
import { OBSERVE_DEFAULTS, type ObserveSettings } from '../config/observe.js';
import type { CliArgs } from './args.js';

const GROUP = 'Observe:';

export const OBSERVE_OPTIONS: Record<string, Options> = {
  'server-metrics': { type: 'string', group: GROUP, describe: "Scrape the server's Prometheus metrics during the run: a URL, or 'auto' (the endpoint's origin + /metrics, tried once); saved to server_metrics.csv, summarised in summary.json" },
  'server-metrics-interval': { type: 'string', group: GROUP, default: '1s', describe: 'Time between scrapes (each bounded to min(10 s, max(1 s, interval)))' },
  'prometheus-port': { type: 'number', group: GROUP, describe: "Serve this run's live figures at http://HOST:PORT/metrics (Prometheus text format) while it lasts; 0 = any free port" },
  'prometheus-host': { type: 'string', group: GROUP, default: OBSERVE_DEFAULTS.prometheusHost, describe: 'Address --prometheus-port listens on' },
  quiet: { type: 'boolean', group: GROUP, default: false, describe: 'No progress output (= --progress none)' },
};

const MIN_INTERVAL_MS = 100;
const MAX_INTERVAL_MS = 3_600_000;

/** The observe flags as settings, every problem one line naming the flag. */
export function readObserveOptions(argv: CliArgs, problems: string[]): ObserveSettings {
  const out: ObserveSettings = { ...OBSERVE_DEFAULTS };
  const spec = argv['server-metrics'];
  if (spec !== undefined && spec !== '') {
    const s = String(spec);
    if (s === 'auto' || isHttpUrl(s)) out.serverMetrics = s;
    else problems.push(`--server-metrics: '${s}' is neither 'auto' nor an http(s) URL; e.g. --server-metrics auto or http://127.0.0.1:8000/metrics`);
  }
  const interval = parseDuration(String(argv['server-metrics-interval'] ?? '1s'));
  if (interval === null || interval < MIN_INTERVAL_MS || interval > MAX_INTERVAL_MS) {
    problems.push(`--server-metrics-interval: '${String(argv['server-metrics-interval'])}' must be a duration from 100ms to 1h, e.g. 1s`);
  } else out.serverMetricsIntervalMs = interval;
  const port = argv['prometheus-port'];
  if (port !== undefined) {
    if (typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65535) out.prometheusPort = port;
    else problems.push(`--prometheus-port: must be an integer 0..65535 (0: any free port), got '${String(port)}'`);
  }
  out.prometheusHost = String(argv['prometheus-host'] ?? OBSERVE_DEFAULTS.prometheusHost);
  return out;
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
