import type { Options } from 'yargs';
import { SIM_DEFAULTS, type SimOptions } from '../sim/options.js';
import { FAULT_KINDS, parseFaults } from '../sim/faults.js';
import { parseChunkSizes } from '../sim/stream-plan.js';
import { TOKENIZERS, tokenizerProblem } from '../tokenize/tokenizers.js';
import type { CliArgs } from './args.js';

/** The simulator's knobs, defined once: `sim --decode-ms` and the main command's `--sim-decode-ms`. */
interface SimFlag {
  flag: string;
  describe: string;
  type: 'number' | 'string' | 'boolean';
  /** What a valid value looks like, when a number >= 0 (or any string) is not enough. */
  valid?: { test: (v: unknown) => boolean; expect: string };
}

const integerAtLeast = (min: number) => ({ test: (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= min, expect: `an integer >= ${min}` });
/** Numbers in [lo, hi], `lo` itself excluded when `openLow`. */
const fraction = (lo: number, hi: number, openLow: boolean, expect: string) => ({ test: (v: unknown) => typeof v === 'number' && (openLow ? v > lo : v >= lo) && v <= hi, expect });

const SIM_FLAGS: Record<keyof SimOptions, SimFlag> = {
  slots: { flag: 'slots', describe: 'Sequences decoded concurrently; further requests wait in a FIFO queue', type: 'number', valid: integerAtLeast(1) },
  prefillMs: { flag: 'prefill-ms', describe: 'Prefill base time before the first token (ms)', type: 'number' },
  prefillPerTokenMs: { flag: 'prefill-per-token-ms', describe: 'Extra prefill time per input token (ms)', type: 'number' },
  decodeMs: { flag: 'decode-ms', describe: 'Time between output tokens with one busy slot (ms)', type: 'number' },
  decodeGrowth: { flag: 'decode-growth', describe: 'Decode interval growth per extra busy slot (0.01 = +1% each)', type: 'number' },
  model: { flag: 'model', describe: 'Model name the simulator reports', type: 'string' },
  tokensPerChunk: {
    flag: 'tokens-per-chunk', describe: 'Tokens per streamed chunk: K, or A-B for a size drawn per chunk from the simulator seed; the decode interval stays per token', type: 'string',
    valid: { test: (v) => parseChunkSizes(String(v)) !== null, expect: "K or A-B with 1 <= A <= B, e.g. 4 or '1-4'" },
  },
  reasoningTokens: { flag: 'reasoning-tokens', describe: 'Reasoning tokens streamed before the answer in each API\'s reasoning shape (chat reasoning_content, anthropic thinking, ...), counted in max_tokens', type: 'number', valid: integerAtLeast(0) },
  stopEarly: { flag: 'stop-early', describe: 'Generate only this fraction of max_tokens, then finish with "stop" (1 = never early)', type: 'number', valid: fraction(0, 1, true, 'a fraction in (0, 1]') },
  usageSkew: { flag: 'usage-skew', describe: 'Multiply the completion_tokens reported in usage (0.8 under-reports by 20%)', type: 'number', valid: fraction(0, Infinity, true, 'a number > 0') },
  seed: { flag: 'seed', describe: 'Seed of the simulator\'s random choices (chunk sizes, fault draws)', type: 'number', valid: integerAtLeast(0) },
  wrongAnswers: { flag: 'wrong-answers', describe: 'Fraction of correctness prompts (auto-testing correctness) answered with a wrong number; the others get the right one', type: 'number', valid: fraction(0, 1, false, 'a fraction in [0, 1]') },
  faults: {
    flag: 'faults', describe: `Inject failures with per-request probabilities, e.g. 'refuse:0.05,http500:0.05,stall:0.02' (kinds: ${FAULT_KINDS.join(', ')})`, type: 'string',
    valid: { test: (v) => 'plan' in parseFaults(String(v)), expect: `KIND:PROBABILITY,... with KIND one of ${FAULT_KINDS.join(', ')} and probabilities adding up to at most 1` },
  },
  tokenizer: {
    flag: 'tokenizer', describe: `Counts prompt tokens for usage (${TOKENIZERS.join(', ')}; none: about 4 characters a token; or the path of a tokenizer.json); the built-in simulator follows --tokenizer unless given`, type: 'string',
    valid: { test: (v) => tokenizerProblem(v) === null, expect: `one of ${TOKENIZERS.join(', ')} or the path of a tokenizer.json` },
  },
  chatTemplate: {
    flag: 'chat-template', describe: "Chat template to render chat messages with before counting prompt tokens: a Jinja file, a tokenizer_config.json, or 'auto' (the one beside --tokenizer PATH); none by default", type: 'string',
  },
  prefixCacheTokens: { flag: 'prefix-cache-tokens', describe: 'Prefix cache size in tokens (LRU of blocks, 0 = off): cached leading blocks skip their prefill time and are reported as cached prompt tokens in each API\'s usage shape', type: 'number', valid: integerAtLeast(0) },
  prefixBlockTokens: { flag: 'prefix-block-tokens', describe: 'Tokens per prefix-cache block (vLLM: 16); only whole leading blocks are reused', type: 'number', valid: integerAtLeast(1) },
  stamp: { flag: 'stamp', describe: 'Put each content chunk\'s monotonic send time (ns) in it as "sim_ns", so a client can measure its own timing error', type: 'boolean' },
};

/** Settings the built-in simulator takes from the client's own when not given (a matched server counts alike). */
const FOLLOWS_CLIENT = new Set<keyof SimOptions>(['tokenizer', 'chatTemplate']);

export function simYargsOptions(prefix: string): Record<string, Options> {
  const out: Record<string, Options> = {};
  for (const [key, f] of Object.entries(SIM_FLAGS) as [keyof SimOptions, (typeof SIM_FLAGS)[keyof SimOptions]][]) {
    out[prefix + f.flag] = { type: f.type, default: FOLLOWS_CLIENT.has(key) ? undefined : SIM_DEFAULTS[key], defaultDescription: FOLLOWS_CLIENT.has(key) && prefix ? `the run's --${f.flag}` : String(SIM_DEFAULTS[key]), describe: prefix ? `Built-in simulator: ${f.describe.charAt(0).toLowerCase()}${f.describe.slice(1)}` : f.describe, group: prefix ? 'Built-in simulator (no --endpoint):' : 'Simulator:' };
  }
  return out;
}

type KeysOf<T> = { [K in keyof SimOptions]: SimOptions[K] extends T ? K : never }[keyof SimOptions];

/** Reads and validates the simulator flags; problems name the flag, and a bad value leaves the default. */
export function readSimOptions(argv: CliArgs, prefix: string, problems: string[]): SimOptions {
  const given = new Map<keyof SimOptions, unknown>();
  for (const [key, f] of Object.entries(SIM_FLAGS) as [keyof SimOptions, SimFlag][]) {
    const v = argv[prefix + f.flag];
    if (v === undefined) continue;
    const numberOk = f.type !== 'number' || (typeof v === 'number' && Number.isFinite(v) && v >= 0);
    if (numberOk && (!f.valid || f.valid.test(v))) given.set(key, v);
    else problems.push(`--${prefix}${f.flag}: must be ${f.valid?.expect ?? 'a number >= 0'}, got '${String(v)}'`);
  }
  const number = (k: KeysOf<number>): number => {
    const v = given.get(k);
    return typeof v === 'number' ? v : SIM_DEFAULTS[k];
  };
  const string = (k: KeysOf<string>): string => {
    const v = given.get(k);
    return typeof v === 'string' ? v : SIM_DEFAULTS[k];
  };
  const boolean = (k: KeysOf<boolean>): boolean => {
    const v = given.get(k);
    return typeof v === 'boolean' ? v : SIM_DEFAULTS[k];
  };
  return {
    slots: number('slots'), prefillMs: number('prefillMs'), prefillPerTokenMs: number('prefillPerTokenMs'), decodeMs: number('decodeMs'),
    decodeGrowth: number('decodeGrowth'), model: string('model'), stamp: boolean('stamp'),
    tokensPerChunk: string('tokensPerChunk'), reasoningTokens: number('reasoningTokens'), stopEarly: number('stopEarly'), usageSkew: number('usageSkew'),
    faults: string('faults'), seed: number('seed'), wrongAnswers: number('wrongAnswers'), tokenizer: string('tokenizer'),
    chatTemplate: string('chatTemplate'), prefixCacheTokens: number('prefixCacheTokens'), prefixBlockTokens: number('prefixBlockTokens'),
  };
}
