import { stringify } from 'yaml';
import { canonicalJson, type SavedRun } from '../results/read-runs.js';
import { WORKLOAD_KEY_NAMES, WORKLOAD_KEYS, type WorkloadKeyName } from '../workload/keys.js';
import type { Group } from './groups.js';
import { isSeedWorkload, seedTerms } from './seed-config.js';

/** Summary keys that follow from others (the mode from concurrency, the prompt source from its keys). */
const DERIVED = ['file', 'name', 'mode', 'api', 'sampling_params', 'source', 'prompts_in_dataset', 'dataset_sample'];
/** Open-loop keys that mean nothing in closed loop, and the other way round. */
const OPEN_ONLY = ['rate', 'duration_s', 'arrival', 'burstiness', 'ramp'];
const CLOSED_ONLY = ['concurrency', 'max_requests', 'timeout_s'];

/** Summary keys named otherwise than their workload key. */
const RENAMED: Record<string, string> = { exact_output: 'ignore-eos' };

/** A summary key as the workload key it came from: `duration_s` -> `duration` ("120s"), `max_tokens` -> `max-tokens`. */
function asWorkloadKey(key: string, v: unknown): [WorkloadKeyName, unknown] | null {
  const seconds = /_s$/.test(key);
  const name = RENAMED[key] ?? key.replace(/_s$/, '').replace(/_/g, '-');
  if (!(WORKLOAD_KEY_NAMES as string[]).includes(name)) return null;
  const k = name as WorkloadKeyName;
  return [k, seconds && WORKLOAD_KEYS[k].type === 'duration' ? `${Number(Number(v).toPrecision(6))}s` : v];
}

interface Ramp {
  start_rate?: number;
  stages?: { rate: number; duration_s: number }[];
}

/**
 * A run's workload written back as a `--workload` file (keys in WORKLOAD_KEYS order), plus comment
 * lines for what such a file cannot hold: the API (each endpoint's), settings without a key.
 */
function workloadFile(run: SavedRun): { values: Partial<Record<WorkloadKeyName, unknown>>; comments: string[] } {
  const s = run.summary;
  const w = s.workload ?? {};
  const closed = w.mode === 'closed';
  const values: Partial<Record<WorkloadKeyName, unknown>> = {};
  const comments = [`api: ${String(w.api ?? s.endpoint.api)} (set per endpoint, in the endpoints file)`];
  const put = (key: string, v: unknown) => {
    if (v === null || v === undefined || DERIVED.includes(key) || (closed ? OPEN_ONLY : CLOSED_ONLY).includes(key)) return;
    const kv = asWorkloadKey(key, v);
    if (kv) values[kv[0]] = kv[1];
    else comments.push(`${key}: ${canonicalJson(v)} (recorded in summary.json; no workload key)`);
  };
  for (const [k, v] of Object.entries(w)) {
    if (k === 'prompts' && v && typeof v === 'object') for (const [pk, pv] of Object.entries(v)) put(pk, pv);
    else if (k === 'ramp' && v && !closed) rampKeys(v as Ramp, values);
    else if (!(k === 'arrival' && v === 'ramp')) put(k, v);
  }
  for (const k of ['max_in_flight', 'drain_timeout_s', 'request_timeout_s', 'ttft_timeout_s', 'stall_timeout_s'] as const) put(k, s.run[k]);
  return { values, comments };
}

function rampKeys(r: Ramp, values: Partial<Record<WorkloadKeyName, unknown>>): void {
  values.ramp = (r.stages ?? []).map((st) => `${st.rate}:${st.duration_s}s`).join(',');
  values['start-rate'] = r.start_rate ?? 0;
}

function ordered(values: Partial<Record<WorkloadKeyName, unknown>>): Record<string, unknown> {
  return Object.fromEntries(WORKLOAD_KEY_NAMES.filter((k) => values[k] !== undefined).map((k) => [k, values[k]]));
}

/** The sampling parameters sent: one mapping when every endpoint got the same, else a comment line per endpoint. */
function samplingParams(runs: readonly SavedRun[]): { shared: Record<string, unknown> | null; perEndpoint: string[] } {
  const params = runs.map((r) => ({ name: r.summary.endpoint.name, p: (r.summary.workload?.sampling_params ?? {}) as Record<string, unknown> }));
  if (new Set(params.map((x) => canonicalJson(x.p))).size <= 1) return { shared: Object.keys(params[0].p).length ? params[0].p : null, perEndpoint: [] };
  const lines = [...new Map(params.map((x) => [x.name, `  ${x.name}: ${canonicalJson(x.p)}`])).values()].sort();
  return { shared: null, perEndpoint: ['sampling-params differ per endpoint (the endpoints file\'s params):', ...lines] };
}

/**
 * `{{run_config}}`: each group's workload as a loadable workload file, with its sampling parameters;
 * headed by the group's words when there are several, and by the file it came from.
 */
export function runConfig(groups: readonly Group[]): string {
  return groups.map((g) => {
    const { values, comments } = workloadFile(g.runs[0]);
    const sampling = samplingParams(g.runs);
    if (sampling.shared) values['sampling-params'] = sampling.shared;
    const file = g.runs.map((r) => r.summary.workload?.file).find((f) => typeof f === 'string');
    const head = [...(g.heading ? [g.heading] : []), ...(file ? [`from ${String(file)}`] : []), ...(isSeedWorkload(g.runs[0]) ? seedTerms(g.runs[0]) : [])];
    return [...head.map((h) => `# ${h}`), stringify(ordered(values)).trimEnd(), ...[...comments, ...sampling.perEndpoint].map((c) => `# ${c}`)].join('\n');
  }).join('\n\n');
}
