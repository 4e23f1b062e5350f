import type { Options } from 'yargs';
import { ARRIVALS } from '../schedule/pacers.js';
import { TOKENIZERS, tokenizerProblem } from '../tokenize/tokenizers.js';
import { DATASET_DRAWS } from './dataset.js';
import { DATASET_FORMAT_NAMES } from './datasets/registry.js';
import { TRACE_FORMAT_NAMES } from './traces/read.js';

/**
 * How a workload value is written: `duration` accepts '120s' / '2m' / plain seconds; `object` is a YAML
 * mapping in a file and a JSON object on the command line; `list` is a YAML list of strings in a file
 * and comma-separated on the command line.
 */
export type KeyType = 'number' | 'string' | 'boolean' | 'duration' | 'object' | 'list';

export interface WorkloadKey {
  type: KeyType;
  describe: string;
  /** Absent: the key is unset unless given (e.g. closed-loop keys, which switch the mode on). */
  default?: string | number | boolean;
  choices?: readonly string[];
  /** A further check of a value of the right type: why it is unusable, or null. */
  check?: (value: string) => string | null;
}

export const LOAD_GROUP = 'Load (each also a key of a --workload file):';

/**
 * Every key a workload file may hold, and the CLI flag of the same name: one entry per key.
 * Precedence: a flag given on the command line > the workload file > the default here.
 */
export const WORKLOAD_KEYS = {
  rate: { type: 'number', default: 10, describe: 'Arrival rate, requests per second (open loop: independent of completions)' },
  arrival: { type: 'string', default: 'constant', choices: ARRIVALS, describe: 'constant: evenly spaced; poisson: random gaps (see --burstiness); burst: rate requests together at each whole second; synthesizer: the seed script\'s, 1 request at t = 0 then rate at each whole second (int(rate x t + 1) sent by second t: 1,191 in 120 s at 10 req/s)' },
  burstiness: { type: 'number', default: 1, describe: 'With --arrival poisson: gamma shape of the gaps (1 = Poisson, < 1 burstier, > 1 more regular), as vLLM bench' },
  ramp: { type: 'string', describe: "Ramping arrival rate, k6 style: 'rate:duration,...' e.g. 1:30s,10:60s,20:30s; linear from the previous target (first: --start-rate); the run lasts the sum of the stages" },
  'start-rate': { type: 'number', default: 0, describe: 'With --ramp: the rate the first stage starts from (requests per second)' },
  concurrency: { type: 'number', describe: 'Closed loop (LLMPerf): keep N requests in flight, a new one as each finishes (instead of --rate)' },
  'max-requests': { type: 'number', describe: 'Closed loop: stop after this many requests (completed or failed), exactly, across all workers' },
  timeout: { type: 'duration', default: '90s', describe: 'Closed loop: stop sending after this long (LLMPerf --timeout)' },
  seed: { type: 'number', default: 42, describe: 'Seed of every random choice (arrival gaps, prompts), so a run is reproducible' },
  duration: { type: 'duration', default: '120s', describe: 'Open loop: how long arrivals are fired: 120s, 2m, 500ms or seconds' },
  'max-in-flight': { type: 'number', default: 0, describe: 'Concurrency cap; an arrival finding it reached is dropped and counted (0 = no cap)' },
  'drain-timeout': { type: 'duration', default: '60s', describe: 'After the last send, how long in-flight requests may finish before being marked incomplete' },
  warmup: { type: 'duration', default: '0s', describe: 'Requests scheduled in this first stretch are sent and written but flagged and left out of the statistics' },
  'sampling-params': { type: 'object', describe: 'JSON object merged into every request body, e.g. \'{"temperature":0.7}\' (LLMPerf --additional-sampling-params)' },
  'max-tokens': { type: 'number', default: 150, describe: 'max_tokens asked of every request' },
  stream: { type: 'boolean', default: true, describe: 'Stream responses (--no-stream: TTFT then equals E2E)' },
  tokenizer: {
    type: 'string', default: 'llama2', check: tokenizerProblem,
    describe: `Counts prompt and answer tokens on the client (input_tokens_client, output_tokens_client) and sizes synthesized prompts: ${TOKENIZERS.join(', ')} (llama2 as LLMPerf; none: no client counts), or the path of the model's own Hugging Face tokenizer.json (or of its folder)`,
  },
  'mean-input-tokens': { type: 'number', describe: 'Synthesize each prompt from the shipped corpus with exactly this many tokens (normal, see --stddev-input-tokens) under --tokenizer, instead of --prompt' },
  'stddev-input-tokens': { type: 'number', default: 0, describe: 'Spread of the prompt lengths (normal, clipped at >= 1)' },
  'mean-output-tokens': { type: 'number', describe: 'Per-request max_tokens drawn from normal(mean, --stddev-output-tokens), clipped at >= 1 (instead of --max-tokens)' },
  'stddev-output-tokens': { type: 'number', default: 0, describe: 'Spread of the requested output lengths' },
  'ignore-eos': { type: 'boolean', default: true, describe: 'With --mean-output-tokens or a dataset\'s output_tokens, also send min_tokens and ignore_eos (vLLM, SGLang, llama.cpp) so lengths are reached; --no-ignore-eos for APIs that reject unknown fields' },
  dataset: { type: 'string', describe: 'Prompts from a local file (instead of --prompt): {"prompt": "...", "output_tokens"?: n} lines, ShareGPT JSON, OpenAI {"messages": [...]} lines, or Chatbot Arena conversations (JSON, JSON lines or Parquet), recognised from the fields' },
  'dataset-format': { type: 'string', default: 'auto', choices: DATASET_FORMAT_NAMES, describe: "The --dataset format, when the fields do not say (auto: from the first record); arena without --dataset: the shipped sample of Chatbot Arena-style conversations (written for this project)" },
  'dataset-draw': { type: 'string', default: 'in-turn', choices: DATASET_DRAWS, describe: "How requests take the dataset's prompts: in-turn (after --dataset-shuffle, as vLLM's bench) or with-replacement (each request draws one at random from all of them with --seed, as the seed script)" },
  'dataset-shuffle': { type: 'boolean', describe: "Shuffle the dataset with --seed before taking records in turn, as vLLM's bench (default: on for sharegpt and messages, off for prompt lines)" },
  'dataset-filter': { type: 'boolean', default: true, describe: "vLLM bench's length rules: skip a prompt or answer under 4 tokens, a prompt over 1,024, both over 2,048 (--no-dataset-filter keeps all; off by default for arena, whose prompts the seed sent unfiltered)" },
  'dataset-output-tokens': { type: 'number', describe: "max_tokens for every dataset request (vLLM's --sharegpt-output-len); default: the record's output_tokens, else the recorded answer's length, else --max-tokens" },
  trace: { type: 'string', describe: 'Replay a trace: each request at its own offset (an absolute schedule, instead of --rate/--arrival/--duration): Mooncake JSON lines (hash_ids as 512-token blocks), the Azure LLM inference CSV, or this tool\'s own JSON lines (see workloads/traces/README.md)' },
  'trace-format': { type: 'string', default: 'auto', choices: TRACE_FORMAT_NAMES, describe: 'The --trace format (auto: from the first line)' },
  'trace-speed': { type: 'number', default: 1, describe: 'Replay speed: 2 fires the trace twice as fast (offsets / 2), 0.5 half as fast' },
  'trace-window': { type: 'string', describe: "Replay only the trace's requests from START to END (trace time, before --trace-speed), e.g. 60s,120s or 60s, for the rest" },
  'prefix-tokens': { type: 'number', describe: 'Shared prefixes: each request starts with one of --prefix-groups system prompts of exactly this many tokens, then its own part of the usual length' },
  'prefix-groups': { type: 'number', default: 1, describe: 'With --prefix-tokens: how many distinct shared prefixes' },
  'prefix-choice': { type: 'string', default: 'round-robin', choices: ['round-robin', 'random'], describe: "With --prefix-tokens: a request's group in turn (index mod groups) or drawn from --seed" },
  turns: { type: 'number', describe: 'Multi-turn sessions: --rate counts sessions per second, each sending this many turns on average (normal, --turns-stddev), each turn the whole conversation so far with the answers actually received' },
  'turns-stddev': { type: 'number', default: 0, describe: 'Spread of the turns per session (normal, clipped at >= 1)' },
  'think-time': { type: 'duration', default: '0s', describe: "With --turns: the pause between the end of an answer and the session's next message" },
  'chat-template': { type: 'string', describe: "Count chat prompts as the server does: render the messages with the model's chat template (a Jinja file, a tokenizer_config.json, or auto: the one beside --tokenizer PATH); the built-in simulator renders with the same" },
  prompt: { type: 'string', default: 'Write a long story about a lighthouse keeper who finds a message in a bottle, with vivid detail.', describe: 'Prompt text; each request gets a distinct prefix so no prompt is a cache hit' },
  connections: { type: 'number', default: 0, describe: 'Connections to the endpoint: all opened before the first request and never more at once; an arrival finding them all busy is dropped and counted (0 = no cap: spare keep-alive connections are opened ahead of demand)' },
  'new-connection-per-request': { type: 'boolean', default: false, describe: "Open a new connection for every request and close it after (the seed script's behaviour): connect time then falls inside TTFT" },
  'connect-timeout': { type: 'duration', default: '10s', describe: 'Limit on opening a connection, name lookup and TCP (and TLS) handshake included (error class connect_timeout)' },
  'request-timeout': { type: 'duration', default: '600s', describe: 'Whole-request limit, send to last byte (error class timeout)' },
  'ttft-timeout': { type: 'duration', default: '300s', describe: 'Limit from send to the first generated token, response headers included (error class timeout)' },
  'stall-timeout': { type: 'duration', default: '120s', describe: 'Longest silence allowed after the first token (error class stall)' },
  'max-response-bytes': { type: 'number', default: 64 * 1024 * 1024, describe: 'A response body larger than this is cut (error class response_too_large; 0 = no limit)' },
  slo: { type: 'list', describe: "Service-level objectives checked at the end (exit code 3 if one fails), e.g. 'ttft_p99<=2s,tpot_p50<=40ms,error_rate<=1%,total_tps_peak>=500'; per-request ones (ttft/ttfo/tpot/itl/e2e) also define goodput" },
} as const satisfies Record<string, WorkloadKey>;

export type WorkloadKeyName = keyof typeof WORKLOAD_KEYS;
export const WORKLOAD_KEY_NAMES = Object.keys(WORKLOAD_KEYS) as WorkloadKeyName[];

/**
 * The yargs options for every workload key. No yargs defaults: a value in argv then means the user
 * typed the flag, which is what lets it override the workload file. Help still shows the default.
 */
export function workloadYargsOptions(): Record<string, Options> {
  const out: Record<string, Options> = {};
  for (const name of WORKLOAD_KEY_NAMES) {
    const k: WorkloadKey = WORKLOAD_KEYS[name];
    out[name] = {
      // numbers arrive as text so a bad value can be quoted back as typed (yargs would make it NaN)
      type: k.type === 'boolean' ? 'boolean' : 'string',
      group: LOAD_GROUP,
      describe: k.describe,
      ...(k.choices ? { choices: [...k.choices] } : {}),
      ...(k.default !== undefined ? { defaultDescription: String(k.default) } : {}),
    };
  }
  return out;
}
