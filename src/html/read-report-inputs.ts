import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { readRecords } from '../results/read-records.js';
import { FILES } from '../results/run-folder.js';
import { SERVER_METRICS_FILE } from '../results/server-metrics-csv.js';
import { knownSampleNames } from '../server-metrics/known-series.js';
import { parseSampleLine, type PromSample } from '../server-metrics/prom-text.js';
import { knownSnapshot, type KnownSnapshot } from '../server-metrics/snapshot.js';
import type { ReportInputs } from './render-report.js';
import type { SecondRow } from './run-series.js';

function csvRows(file: string): Record<string, string>[] {
  return existsSync(file) ? (parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true, relax_column_count: true }) as Record<string, string>[]) : [];
}

const num = (v: string | undefined): number | null => (v === undefined || v === '' || !Number.isFinite(Number(v)) ? null : Number(v));

/** A run folder (any schema version; files written before a column existed just lack it) -> the report's inputs. */
export function readReportInputs(folder: string): ReportInputs {
  const summary = JSON.parse(readFileSync(join(folder, FILES.summary), 'utf8')) as ReportInputs['summary'];
  const records = existsSync(join(folder, FILES.requests)) ? readRecords(folder) : [];
  const seconds: SecondRow[] = csvRows(join(folder, FILES.timeseries)).map((r) => ({
    second: Number(r.second), in_flight: num(r.in_flight) ?? 0, total_tps: num(r.total_tps) ?? 0, client_cpu_ms: num(r.client_cpu_ms),
  }));
  return { summary, records, seconds, scrapes: readScrapes(join(folder, SERVER_METRICS_FILE)) };
}

/** server_metrics.csv back into one snapshot of the known series per scrape (other series are skipped). */
export function readScrapes(file: string): KnownSnapshot[] {
  const known = knownSampleNames();
  const byTime = new Map<number, PromSample[]>();
  for (const r of csvRows(file)) {
    if (!known.has(r.metric)) continue;
    const s = parseSampleLine(`${r.metric}${r.labels ?? ''} ${r.value}`);
    const t = Number(r.t_ms);
    if (typeof s === 'string' || !Number.isFinite(t)) continue;
    const list = byTime.get(t);
    if (list) list.push(s);
    else byTime.set(t, [s]);
  }
  return [...byTime].sort((a, b) => a[0] - b[0]).map(([t, samples]) => knownSnapshot(t, samples));
}
