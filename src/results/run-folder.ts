import { closeSync, mkdirSync, openSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { csvNumber, derive, RECORD_COLUMNS, type RequestRecord } from '../metrics/record.js';
import type { RunSummary } from '../metrics/summary.js';

/**
 * The results-folder contract (see ARCHITECTURE.md): one folder per run holding
 *   requests.csv    one row per request, appended as records arrive (a crash loses nothing written)
 *   summary.json    the RunSummary, written atomically (temp file + rename), rewritten at the end
 *   timeseries.csv  per-second sent / completed / in-flight / total TPS
 *   buckets.csv     the same counts per 100 ms bucket on the run timeline (exact merge input)
 */
export const FILES = { requests: 'requests.csv', summary: 'summary.json', timeseries: 'timeseries.csv', buckets: 'buckets.csv' } as const;

/** Null when `dir` can hold results, else why not (checked before any request is sent). */
export function checkWritable(dir: string): string | null {
  const probe = join(dir, `.write-probe-${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(probe, 'x');
    unlinkSync(probe);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

function recordRow(r: RequestRecord): unknown[] {
  const d = derive(r);
  const all: Record<string, unknown> = { ...r, ...d };
  return RECORD_COLUMNS.map((k) => {
    const v = all[k];
    return typeof v === 'number' ? csvNumber(v) : v;
  });
}

export class RunFolder {
  readonly path: string;
  readonly #requestsFd: number;

  constructor(resultsDir: string, runId: string) {
    this.path = join(resultsDir, runId);
    mkdirSync(this.path, { recursive: true });
    this.#requestsFd = openSync(join(this.path, FILES.requests), 'a');
    writeSync(this.#requestsFd, stringify([RECORD_COLUMNS as unknown as string[]]));
  }

  /** Appends rows straight to the file (a write syscall per batch; no user-space buffering). */
  appendRecords(records: readonly RequestRecord[]): void {
    if (records.length) writeSync(this.#requestsFd, stringify(records.map(recordRow)));
  }

  writeSummary(s: RunSummary): void {
    writeAtomic(join(this.path, FILES.summary), `${JSON.stringify(s, null, 2)}\n`);
  }

  writeCsv(name: string, header: string[], rows: unknown[][]): void {
    writeAtomic(join(this.path, name), stringify([header, ...rows]));
  }

  close(): void {
    closeSync(this.#requestsFd);
  }
}

/** Temp file + rename: a reader sees the old or the new file, never half of one. */
export function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
