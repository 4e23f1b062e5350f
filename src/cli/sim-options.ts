import type { Options } from 'yargs';
import { SIM_DEFAULTS, type SimOptions } from '../config/run-config.js';

/** The simulator's knobs, defined once: `sim --decode-ms` and the main command's `--sim-decode-ms`. */
const SIM_FLAGS: Record<keyof SimOptions, { flag: string; describe: string; type: 'number' | 'string' | 'boolean' }> = {
  slots: { flag: 'slots', describe: 'Sequences decoded concurrently; further requests wait in a FIFO queue', type: 'number' },
  prefillMs: { flag: 'prefill-ms', describe: 'Prefill base time before the first token (ms)', type: 'number' },
  prefillPerTokenMs: { flag: 'prefill-per-token-ms', describe: 'Extra prefill time per input token (ms)', type: 'number' },
  decodeMs: { flag: 'decode-ms', describe: 'Time between output tokens with one busy slot (ms)', type: 'number' },
  decodeGrowth: { flag: 'decode-growth', describe: 'Decode interval growth per extra busy slot (0.01 = +1% each)', type: 'number' },
  model: { flag: 'model', describe: 'Model name the simulator reports', type: 'string' },
  stamp: { flag: 'stamp', describe: 'Put each content chunk\'s monotonic send time (ns) in it as "sim_ns", so a client can measure its own timing error', type: 'boolean' },
};

export function simYargsOptions(prefix: string): Record<string, Options> {
  const out: Record<string, Options> = {};
  for (const [key, f] of Object.entries(SIM_FLAGS) as [keyof SimOptions, (typeof SIM_FLAGS)[keyof SimOptions]][]) {
    out[prefix + f.flag] = { type: f.type, default: SIM_DEFAULTS[key], describe: prefix ? `Built-in simulator: ${f.describe.charAt(0).toLowerCase()}${f.describe.slice(1)}` : f.describe, group: prefix ? 'Built-in simulator (no --endpoint):' : 'Simulator:' };
  }
  return out;
}

/** Reads and validates the simulator flags; problems name the flag. */
export function readSimOptions(argv: Record<string, unknown>, prefix: string, problems: string[]): SimOptions {
  const o = { ...SIM_DEFAULTS } as Record<keyof SimOptions, number | string | boolean>;
  for (const [key, f] of Object.entries(SIM_FLAGS) as [keyof SimOptions, (typeof SIM_FLAGS)[keyof SimOptions]][]) {
    const v = argv[prefix + f.flag];
    if (v === undefined) continue;
    if (f.type === 'number') {
      const min = key === 'slots' ? 1 : 0;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (key === 'slots' && !Number.isInteger(v))) {
        problems.push(`--${prefix}${f.flag}: must be ${key === 'slots' ? 'an integer >= 1' : 'a number >= 0'}, got '${String(v)}'`);
        continue;
      }
    }
    o[key] = v as never;
  }
  return o as unknown as SimOptions;
}
