import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join, parse, resolve } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { RECORD_COLUMNS, type RequestRecord } from '../metrics/record.js';
import type { RunSummary } from '../metrics/summary.js';
import { csvLine } from './csv-line.js';
import { recordRow } from './csv-rows.js';

/**
 * The results-folder contract (see ARCHITECTURE.md): one folder per run holding
 *   requests.csv    one row per request, appended as records arrive (a crash loses nothing written)
 *   summary.json    the RunSummary, written atomically (temp file + rename), rewritten at the end
 *   timeseries.csv  per-second sent / completed / in-flight / total TPS / client CPU and memory
 *   buckets.csv     the same counts per 100 ms bucket on the run timeline (exact merge input)
 */
export const FILES = { requests: 'requests.csv', summary: 'summary.json', timeseries: 'timeseries.csv', buckets: 'buckets.csv' } as const;
/** The run's self-contained HTML report, written beside the results (`html/write-report.ts`). */
export const REPORT_FILE = 'report.html';

/**
 * `mkdir -p` one level at a time. Node's recursive mkdir never returns under /proc (`/proc/self/x` spins
 * on ENOENT), so each missing folder is made on its own and the first refusal is thrown.
 */
export function makeDirs(dir: string): void {
  const full = resolve(dir);
  let path = parse(full).root;
  for (const part of full.slice(path.length).split(/[\\/]/).filter(Boolean)) {
    path = join(path, part);
    try {
      mkdirSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(path).isDirectory()) throw e;
    }
  }
}

/** Null when `dir` can hold results, else why not (checked before any request is sent). */
export function checkWritable(dir: string): string | null {
  const probe = join(dir, `.write-probe-${process.pid}`);
  try {
    makeDirs(dir);
    writeFileSync(probe, 'x');
    unlinkSync(probe);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** A write to the run folder failed (disk full, folder removed or made read-only): says which file and why. */
export class ResultsWriteError extends Error {}

/** The run id names a folder that holds another run (or anything else): nothing of it was touched. */
export class RunIdTakenError extends Error {}

/** Default ids drawn before giving up: as many runs as could start in one millisecond on one results folder. */
const ID_DRAWS = 100;

/**
 * What `claim` makes of the first id it can have: `id` (a --run-id: taken means RunIdTakenError) or, when
 * null, the first free one of `drawId(1)`, `drawId(2)`, ...
 */
export function claimFree<T>(id: string | null, drawId: (draw: number) => string, claim: (id: string) => T): T {
  for (let draw = 1; ; draw++) {
    try {
      return claim(id ?? drawId(draw));
    } catch (e) {
      if (!(e instanceof RunIdTakenError) || id !== null || draw === ID_DRAWS) throw e;
    }
  }
}

function attempt<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RunIdTakenError) throw e;
    const err = e as NodeJS.ErrnoException;
    const code = err.code && !err.message.startsWith(err.code) ? `${err.code} ` : '';
    throw new ResultsWriteError(`cannot write ${what}: ${code}${err.message}`);
  }
}

export class RunFolder {
  readonly id: string;
  readonly path: string;
  readonly #requestsFd: number;
  /** A write failed: later appends are skipped (the file may end in a partial row). */
  #broken = false;
  /** Bytes of whole rows written so far. */
  #size = 0;

  /**
   * Claims `<resultsDir>/<runId>`: the folder is made, or found empty, and its requests.csv created
   * exclusively (O_EXCL), so of two runs naming one folder at once exactly one gets it.
   */
  constructor(resultsDir: string, runId: string) {
    this.id = runId;
    this.path = join(resultsDir, runId);
    const file = join(this.path, FILES.requests);
    attempt(this.path, () => claimFolder(this.path));
    this.#requestsFd = attempt(file, () => createExclusive(file));
    attempt(file, () => writeAll(this.#requestsFd, Buffer.from(stringify([RECORD_COLUMNS as unknown as string[]]))));
    this.#size = fstatSync(this.#requestsFd).size;
  }

  /**
   * Appends rows straight to the file (a write syscall per batch, no user-space buffering: flushed as they
   * come). A failed or short write is cut back off, so the file always ends with a whole row.
   */
  appendRecords(records: readonly RequestRecord[]): void {
    if (!records.length || this.#broken) return;
    let text = '';
    for (const r of records) text += csvLine(recordRow(r));
    const bytes = Buffer.from(text);
    const file = join(this.path, FILES.requests);
    try {
      attempt(file, () => writeAll(this.#requestsFd, bytes));
      this.#size += bytes.length;
    } catch (e) {
      this.#broken = true;
      try {
        ftruncateSync(this.#requestsFd, this.#size);
      } catch {
        // the error that matters is the write's, thrown below
      }
      throw e;
    }
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

function taken(path: string): RunIdTakenError {
  return new RunIdTakenError(`--run-id: '${path}' already holds a run (or other files); choose another id, or leave it out for a unique one`);
}

/** Makes `path` (its parents too) for this process alone, or takes it if it exists and is empty. */
export function claimFolder(path: string): void {
  makeDirs(dirname(path));
  try {
    mkdirSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    if (!statSync(path).isDirectory() || readdirSync(path).length) throw taken(path);
  }
}

function createExclusive(file: string): number {
  try {
    return openSync(file, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw taken(file.slice(0, -FILES.requests.length - 1));
    throw e;
  }
}

/** A short write is continued; the one that cannot go on throws the system's reason (ENOSPC, EFBIG, ...). */
function writeAll(fd: number, bytes: Buffer): void {
  for (let off = 0; off < bytes.length; ) {
    const n = writeSync(fd, bytes, off);
    if (n <= 0) throw new Error('the write made no progress');
    off += n;
  }
}

/** Temp file + rename: a reader sees the old or the new file, never half of one. */
export function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  attempt(file, () => {
    try {
      writeFileSync(tmp, text);
      renameSync(tmp, file);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
  });
}
