import { parseDuration } from '../../config/duration.js';
import type { Trace } from './read.js';

/** `--trace-window START,END`: the part of the trace replayed, in trace time (END exclusive; END may be omitted). */
export interface TraceWindow {
  startMs: number;
  endMs: number | null;
}

/** 'START,END' or 'START,' as durations (60s,120s; 1m,; 0,90s); a string says what is wrong. */
export function parseTraceWindow(text: string): TraceWindow | string {
  const [a, b, ...rest] = text.split(',').map((s) => s.trim());
  if (b === undefined || rest.length) return `'${text}' is not START,END; write e.g. 60s,120s (or 60s, for the rest of the trace)`;
  const startMs = parseDuration(a === '' ? '0' : a);
  const endMs = b === '' ? null : parseDuration(b);
  if (startMs === null || (b !== '' && endMs === null)) return `'${text}' is not START,END durations; write e.g. 60s,120s`;
  if (endMs !== null && endMs <= startMs) return `'${text}': END must be after START`;
  return { startMs, endMs };
}

/** The run's schedule from a trace: request i of the run is trace request `index[i]`, due at `dueMs[i]`. */
export interface TraceSchedule {
  index: number[];
  dueMs: number[];
  /** How long the replay fires: the last due time (ms after t0). */
  spanMs: number;
}

/**
 * The requests inside the window, their offsets moved so the window starts at t0 and divided by
 * `speed` (2 = twice as fast). Every request keeps its own offset: an absolute schedule, not a rate.
 */
export function traceSchedule(trace: Trace, window: TraceWindow | null, speed: number): TraceSchedule {
  const start = window?.startMs ?? 0;
  const end = window?.endMs ?? Infinity;
  const index: number[] = [];
  const dueMs: number[] = [];
  trace.requests.forEach((r, i) => {
    if (r.offsetMs < start || r.offsetMs >= end) return;
    index.push(i);
    dueMs.push((r.offsetMs - start) / speed);
  });
  return { index, dueMs, spanMs: dueMs.length ? dueMs[dueMs.length - 1] : 0 };
}
