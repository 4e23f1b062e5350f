import { WORKLOAD_KEYS, WORKLOAD_KEY_NAMES, type KeyType, type WorkloadKey, type WorkloadKeyName } from './keys.js';
import { readWorkloadFile } from './file.js';
import { DECIMAL } from '../config/decimal.js';

export type Source = 'default' | 'file' | 'cli';

/** The workload after merging defaults < file < command line, every value of its key's type. */
export interface ResolvedWorkload {
  file: string | null;
  values: Partial<Record<WorkloadKeyName, unknown>>;
  source: Partial<Record<WorkloadKeyName, Source>>;
  /** How a problem names a key: `--rate`, or `workloads/x.yaml: rate` when the value came from the file. */
  label(key: WorkloadKeyName): string;
}

/**
 * The keys that choose how arrivals happen, each with the keys that belong to it. A mode chosen on the
 * command line sets aside the file's keys of the other modes (`--concurrency 4` on an open-loop file).
 */
const MODES = {
  rate: ['rate', 'duration'],
  ramp: ['ramp', 'start-rate'],
  concurrency: ['concurrency', 'max-requests', 'timeout'],
  trace: ['trace', 'trace-speed', 'trace-window', 'trace-format'],
} as const satisfies Record<string, readonly WorkloadKeyName[]>;
const MODE_KEYS = Object.keys(MODES) as (keyof typeof MODES)[];

/**
 * Merges `argv` (flags the user typed: the workload options carry no yargs defaults) with `--workload`.
 * `defaults` replace keys' own defaults for one command (correctness asks for 20 tokens), below file and flags.
 */
export function resolveWorkload(argv: Record<string, unknown>, problems: string[], defaults: Partial<Record<WorkloadKeyName, unknown>> = {}): ResolvedWorkload {
  const file = argv.workload === undefined ? null : String(argv.workload);
  const fromFile = file === null ? {} : readWorkloadFile(file, problems);
  const values: ResolvedWorkload['values'] = {};
  const source: ResolvedWorkload['source'] = {};
  const label = (key: WorkloadKeyName) => (source[key] === 'file' ? `${file}: ${key}` : `--${key}`);
  const cliMode = MODE_KEYS.find((k) => argv[k] !== undefined);
  const setAside = new Set<string>(cliMode ? MODE_KEYS.filter((m) => m !== cliMode).flatMap((m) => MODES[m]) : []);
  for (const key of WORKLOAD_KEY_NAMES) {
    const spec: WorkloadKey = WORKLOAD_KEYS[key];
    const fileValue = setAside.has(key) ? undefined : (fromFile as Record<string, unknown>)[key];
    const fallback = key in defaults ? defaults[key] : spec.default;
    const [raw, from]: [unknown, Source] = argv[key] !== undefined ? [argv[key], 'cli'] : fileValue !== undefined ? [fileValue, 'file'] : [fallback, 'default'];
    if (raw === undefined) continue;
    source[key] = from;
    const value = typed(raw, spec);
    // a value of the wrong type is reported once, and its default stands in so no other check trips on it
    if (value === undefined) problems.push(`${label(key)}: must be ${describeType(spec)}, got '${show(raw)}'`);
    const why = typeof value === 'string' && spec.check ? spec.check(value) : null;
    if (why !== null) problems.push(`${label(key)}: ${why}`);
    values[key] = why === null ? (value ?? spec.default) : spec.default;
    if (values[key] === undefined) delete source[key];
  }
  const modes = MODE_KEYS.filter((k) => source[k] !== undefined && source[k] !== 'default');
  if (modes.length > 1) problems.push(`${modes.map(label).join(' and ')}: choose one: --rate (open loop), --ramp (ramping open loop), --concurrency (closed loop) or --trace (a replayed schedule)`);
  return { file, values, source, label };
}

function typed(v: unknown, spec: WorkloadKey): unknown {
  switch (spec.type) {
    case 'number':
      return numeric(v);
    case 'boolean':
      return typeof v === 'boolean' ? v : undefined;
    case 'string':
      return typeof v === 'string' && (!spec.choices || spec.choices.includes(v)) ? v : undefined;
    case 'duration':
      return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) ? String(v) : undefined;
    case 'object':
      return jsonObject(v);
    case 'list':
      return typeof v === 'string' ? v : Array.isArray(v) && v.every((x) => typeof x === 'string') ? v.join(',') : undefined;
  }
}

function jsonObject(v: unknown): Record<string, unknown> | undefined {
  let o = v;
  if (typeof v === 'string') {
    try {
      o = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  return o !== null && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>) : undefined;
}

const TYPE_WORDS: Record<KeyType, string> = {
  number: 'a number',
  boolean: 'true or false',
  string: 'a string',
  duration: 'a duration such as 120s, 2m, 500ms or plain seconds',
  object: 'a JSON object (a YAML mapping in a file), e.g. \'{"temperature":0.7}\'',
  list: 'comma-separated text (a YAML list of strings in a file)',
};

function describeType(spec: WorkloadKey): string {
  return spec.choices ? `one of ${spec.choices.join(', ')}` : TYPE_WORDS[spec.type];
}

function numeric(v: unknown): number | undefined {
  const n = typeof v === 'string' ? (DECIMAL.test(v.trim()) ? Number(v) : undefined) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}
