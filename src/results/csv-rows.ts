/** The rows of the run folder's CSV files (requests.csv, timeseries.csv, buckets.csv), as functions of finished data. */
import type { Aggregator } from '../metrics/aggregator.js';
import { csvNumber, derive, RECORD_COLUMNS, type DerivedMetrics, type RequestRecord } from '../metrics/record.js';
import { BUCKET_MS } from '../metrics/timeline.js';

/** A requests.csv row: the record and its derived figures, in `RECORD_COLUMNS` order, numbers at CSV precision. */
export function recordRow(r: RequestRecord): unknown[] {
  const d = derive(r);
  // read from the two objects rather than a spread of both: a row costs a tenth (bench/README)
  return RECORD_COLUMNS.map((k) => {
    const v = k in d ? d[k as keyof DerivedMetrics] : r[k as keyof RequestRecord];
    return typeof v === 'number' ? csvNumber(v) : v;
  });
}

export const SECOND_HEADER = ['second', 'sent', 'completed', 'in_flight', 'total_tps', 'client_cpu_ms', 'rss_mb', 'heap_used_mb'];
export const BUCKET_HEADER = ['bucket', 't_ms', 'wall_ms', 'sent', 'finished', 'completed', 'output_tokens'];

function lastBucket(agg: Aggregator): number {
  return Math.max(agg.sent.length, agg.finished.length, agg.tokens.length, agg.completed.length);
}

/** Per whole second of the run: arrivals sent, requests completed, in flight at the second's end, tokens/s,
 *  client CPU ms (steady-state cost without start-up, as the benchmark reads it), the client's peak memory
 *  in that second (a leak shows as a rising line over a long run). */
export function secondRows(agg: Aggregator): number[][] {
  const per = 1000 / BUCKET_MS;
  const seconds = Math.ceil(lastBucket(agg) / per);
  const rows: number[][] = [];
  let inFlight = 0;
  for (let s = 0; s < seconds; s++) {
    let sent = 0, completed = 0, finished = 0, tokens = 0, cpu = 0, rss = 0, heap = 0;
    for (let b = s * per; b < (s + 1) * per; b++) {
      sent += agg.sent.at(b);
      completed += agg.completed.at(b);
      finished += agg.finished.at(b);
      tokens += agg.tokens.at(b);
      cpu += agg.cpuMs.at(b);
      rss = Math.max(rss, agg.rssMb.at(b));
      heap = Math.max(heap, agg.heapUsedMb.at(b));
    }
    inFlight += sent - finished;
    rows.push([s, sent, completed, inFlight, round(tokens), round(cpu), round(rss), round(heap)]);
  }
  return rows;
}

/** Per 100 ms bucket, with its wall-clock start: what a merge of shards adds up exactly. */
export function bucketRows(agg: Aggregator, t0WallMs: number): number[][] {
  const rows: number[][] = [];
  for (let b = 0; b < lastBucket(agg); b++) {
    rows.push([b, b * BUCKET_MS, t0WallMs + b * BUCKET_MS, agg.sent.at(b), agg.finished.at(b), agg.completed.at(b), round(agg.tokens.at(b))]);
  }
  return rows;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
