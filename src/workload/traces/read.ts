import { FileProblems, lines, openInput, type Located } from '../input-file.js';
import { azureCsv } from './azure-csv.js';
import { mooncake } from './mooncake.js';
import { nativeTrace } from './native.js';
import type { TraceFormat, TraceRequest } from './types.js';

/** Every trace format, in the order auto-detection tries them. Adding one: its file, and a line here. */
export const TRACE_FORMATS: readonly TraceFormat[] = [mooncake, azureCsv, nativeTrace];
export const TRACE_FORMAT_NAMES = ['auto', ...TRACE_FORMATS.map((f) => f.name)] as const;

/** A trace ready to schedule: requests in time order, each with its offset from the first. */
export interface Trace {
  format: string;
  requests: (TraceRequest & { offsetMs: number })[];
  /** Offset of the last request, ms: how long the replay fires at speed 1. */
  spanMs: number;
  /** Things said once about the file (e.g. that it was out of order and sorted). */
  notes: string[];
}

/**
 * Reads a trace file: the format named, or with 'auto' the one whose `detect` accepts the first line.
 * A trace out of time order is sorted (stably, so a session's turns keep their order) with a note naming
 * the first line out of order. Problems are one line each, naming file and line; the result is then null.
 */
export function readTrace(path: string, label: string, formatName: string, problems: string[]): Trace | null {
  const p = new FileProblems(label, path, problems);
  const input = openInput(path, p);
  if (!input) return null;
  const it = lines(input, p)[Symbol.iterator]();
  const first = it.next();
  if (first.done) {
    p.file('holds no requests');
    return null;
  }
  const format = formatName === 'auto' ? TRACE_FORMATS.find((f) => f.detect(first.value.value)) : TRACE_FORMATS.find((f) => f.name === formatName);
  if (!format) {
    p.at(first.value.line, `not a trace format this tool reads; use one of: ${TRACE_FORMATS.map((f) => f.source).join('; ')}`);
    return null;
  }
  const all = (function* (): Generator<Located<string>> {
    yield first.value;
    for (let r = it.next(); !r.done; r = it.next()) yield r.value;
  })();
  const requests = format.read(all, p);
  if (p.full) p.stopped();
  if (p.count > 0) return null;
  if (requests.length === 0) {
    p.file('holds no requests');
    return null;
  }
  return inTimeOrder(path, format.name, requests);
}

function inTimeOrder(path: string, format: string, requests: TraceRequest[]): Trace {
  const notes: string[] = [];
  let late = 0;
  let firstLate: { line: number; at: number; after: number } | null = null;
  let latest = -Infinity;
  for (const r of requests) {
    if (r.atMs < latest) {
      late++;
      firstLate ??= { line: r.line, at: r.atMs, after: latest };
    }
    latest = Math.max(latest, r.atMs);
  }
  if (firstLate) {
    requests = requests.map((r, i) => ({ r, i })).sort((a, b) => a.r.atMs - b.r.atMs || a.i - b.i).map((x) => x.r);
    notes.push(`${path}: ${late} request(s) out of time order (first at line ${firstLate.line}: ${firstLate.at} ms after ${firstLate.after} ms); replayed in time order`);
  }
  const origin = requests[0].atMs;
  const sorted = requests.map((r) => ({ ...r, offsetMs: r.atMs - origin }));
  return { format, requests: sorted, spanMs: sorted[sorted.length - 1].offsetMs, notes };
}
