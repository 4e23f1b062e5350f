import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { DerivedMetrics, RequestRecord } from '../metrics/record.js';
import { FILES } from './run-folder.js';

/** Columns recomputed from the others when records are read back (derive() is the one formula). */
const DERIVED = new Set<string>(['send_lag_ms', 'ttft_s', 'ttfo_s', 'e2e_s', 'tpot_ms', 'itl_ms', 'output_tps', 'inter_chunk_mean_ms'] satisfies (keyof DerivedMetrics)[]);
/** Text columns; '' is null for the nullable ones. Every other column is a number, '' = null. */
const TEXT = new Set<string>(['outcome', 'error_class', 'error_message', 'finish_reason', 'output_tokens_source', 'retry_after', 'usage_rejected', 'connection']);
const BOOLEAN = new Set<string>(['warmup', 'output_tokens_client_estimated']);
const NOT_NULL_TEXT = new Set<string>(['outcome', 'output_tokens_source']);

function field(name: string, v: string): unknown {
  if (BOOLEAN.has(name)) return v === '1' || v === 'true';
  if (TEXT.has(name)) return v === '' && !NOT_NULL_TEXT.has(name) ? null : v;
  return v === '' ? null : Number(v);
}

/** One numeric column of a run folder's timeseries.csv, indexed by second (0 where absent). */
export function readPerSecond(folder: string, column: string): number[] {
  const rows = parse(readFileSync(join(folder, FILES.timeseries), 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const out: number[] = [];
  for (const r of rows) out[Number(r.second)] = Number(r[column] ?? 0) || 0;
  return Array.from(out, (v) => v ?? 0);
}

/** A run folder's requests.csv back as records, exactly as they were written (times at CSV precision). */
export function readRecords(folder: string): RequestRecord[] {
  const rows = parse(readFileSync(join(folder, FILES.requests), 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return rows.map((row) => {
    const r: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) if (!DERIVED.has(k)) r[k] = field(k, v);
    return r as unknown as RequestRecord;
  });
}
