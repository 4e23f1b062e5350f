import { dirname, isAbsolute, join } from 'node:path';
import { parseDuration } from '../config/duration.js';
import type { ResolvedWorkload } from './resolve.js';
import type { WorkloadKeyName } from './keys.js';
import { readTrace, type Trace } from './traces/read.js';
import { parseTraceWindow, traceSchedule, type TraceSchedule } from './traces/schedule.js';
import type { PrefixSpec } from './shared-prefix.js';
import type { SessionSpec } from './sessions.js';
import { traceArrivals, type TraceItem } from './traces/sessions.js';

export type { TraceItem } from './traces/sessions.js';

/** A trace ready to run: arrival i of the run is `items[i]` (a request, or a session), due at `dueMs[i]`. */
export interface TraceRun {
  file: string;
  format: string;
  items: TraceItem[];
  dueMs: number[];
  /** Trace requests in the window (a session's turns each count), and in the file. */
  requests: number;
  inFile: number;
  spanMs: number;
  speed: number;
  window: string | null;
  notes: string[];
}

/** The production-shaped traffic settings: a trace, shared prefixes, sessions, a chat template. */
export interface Traffic {
  trace: TraceRun | null;
  prefix: PrefixSpec | null;
  sessions: SessionSpec | null;
  chatTemplate: string | null;
}

const given = (w: ResolvedWorkload, key: WorkloadKeyName) => w.source[key] === 'cli' || w.source[key] === 'file';

/**
 * Reads and checks the traffic keys; problems name the key where the value came from. A trace is its
 * own schedule: --rate, --arrival, --duration, --ramp or --concurrency beside it is a conflict.
 */
export function resolveTraffic(w: ResolvedWorkload, problems: string[]): Traffic {
  const v = w.values;
  const trace = v.trace === undefined ? null : traceRun(w, problems);
  if (v.trace !== undefined) {
    // --rate, --ramp and --concurrency are other modes: resolveWorkload already says to choose one
    for (const key of ['arrival', 'duration', 'dataset', 'mean-input-tokens', 'turns', 'prefix-tokens'] as const) {
      if (given(w, key)) problems.push(`${w.label(key)} and ${w.label('trace')}: a trace sets its own schedule and prompts; remove ${w.label(key)} (--trace-speed and --trace-window shape the replay)`);
    }
  } else {
    for (const key of ['trace-speed', 'trace-window', 'trace-format'] as const) if (given(w, key)) problems.push(`${w.label(key)}: only applies with --trace; remove it`);
  }
  return { trace, prefix: prefixSpec(w, problems), sessions: sessionSpec(w, problems), chatTemplate: v['chat-template'] === undefined ? null : String(v['chat-template']) };
}

function traceRun(w: ResolvedWorkload, problems: string[]): TraceRun | null {
  const v = w.values;
  const speed = v['trace-speed'] as number;
  if (!(speed > 0)) problems.push(`${w.label('trace-speed')}: must be a number > 0, got '${String(speed)}'`);
  const windowText = v['trace-window'] === undefined ? null : String(v['trace-window']);
  const window = windowText === null ? null : parseTraceWindow(windowText);
  if (typeof window === 'string') problems.push(`${w.label('trace-window')}: ${window}`);
  // a workload file names its trace from its own folder, so the file works from anywhere
  const file = w.source.trace === 'file' && w.file && !isAbsolute(String(v.trace)) ? join(dirname(w.file), String(v.trace)) : String(v.trace);
  const trace = readTrace(file, w.label('trace'), String(v['trace-format']), problems);
  if (!trace || !(speed > 0) || typeof window === 'string') return null;
  const schedule = traceSchedule(trace, window, speed);
  if (schedule.index.length === 0) {
    problems.push(`${w.label('trace-window')}: '${windowText}' holds none of the trace's requests (they span 0 to ${(trace.spanMs / 1000).toFixed(1)} s)`);
    return null;
  }
  return toRun(file, trace, schedule, speed, windowText);
}

function toRun(file: string, trace: Trace, s: TraceSchedule, speed: number, window: string | null): TraceRun {
  const { items, dueMs } = traceArrivals(s.index.map((i, k) => ({ ...trace.requests[i], dueMs: s.dueMs[k] })));
  return { file, format: trace.format, items, dueMs, requests: s.index.length, inFile: trace.requests.length, spanMs: s.spanMs, speed, window, notes: trace.notes };
}

function prefixSpec(w: ResolvedWorkload, problems: string[]): PrefixSpec | null {
  const v = w.values;
  if (v['prefix-tokens'] === undefined) {
    for (const key of ['prefix-groups', 'prefix-choice'] as const) if (given(w, key)) problems.push(`${w.label(key)}: only applies with --prefix-tokens; remove it`);
    return null;
  }
  const tokens = v['prefix-tokens'] as number;
  const groups = v['prefix-groups'] as number;
  if (!(Number.isInteger(tokens) && tokens > 0)) problems.push(`${w.label('prefix-tokens')}: must be an integer > 0, got '${String(tokens)}'`);
  if (!(Number.isInteger(groups) && groups > 0)) problems.push(`${w.label('prefix-groups')}: must be an integer > 0, got '${String(groups)}'`);
  if (given(w, 'dataset')) problems.push(`${w.label('prefix-tokens')} and ${w.label('dataset')}: shared prefixes go before synthesized or --prompt prompts; choose one`);
  if (v.tokenizer === 'none') problems.push(`${w.label('tokenizer')}: shared prefixes of exact length (--prefix-tokens) need a tokenizer`);
  return { tokens, groups, choice: v['prefix-choice'] as PrefixSpec['choice'] };
}

function sessionSpec(w: ResolvedWorkload, problems: string[]): SessionSpec | null {
  const v = w.values;
  if (v.turns === undefined) {
    for (const key of ['turns-stddev', 'think-time'] as const) if (given(w, key)) problems.push(`${w.label(key)}: only applies with --turns; remove it`);
    return null;
  }
  const mean = v.turns as number;
  const stddev = v['turns-stddev'] as number;
  const think = parseDuration(String(v['think-time']));
  if (!(mean >= 1)) problems.push(`${w.label('turns')}: must be a number >= 1, got '${String(mean)}'`);
  if (!(stddev >= 0)) problems.push(`${w.label('turns-stddev')}: must be a number >= 0, got '${String(stddev)}'`);
  if (think === null) problems.push(`${w.label('think-time')}: '${String(v['think-time'])}' is not a duration; use e.g. 2s or 500ms`);
  if (given(w, 'concurrency')) problems.push(`${w.label('turns')} and ${w.label('concurrency')}: sessions arrive open loop (--rate counts sessions per second); remove --concurrency`);
  return { turns: { mean, stddev }, thinkTimeMs: think ?? 0 };
}
