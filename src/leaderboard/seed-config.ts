import { basename } from 'node:path';
import type { SavedRun } from '../results/read-runs.js';
import { synthesizerPacer } from '../schedule/pacer.js';
import { count } from './format.js';

/** The seed's own auto-testing configuration: what a seed-workload run is compared with, setting by setting. */
const SEED = { rate: 10, duration_s: 120, seed: 1234, dataset_draw: 'with-replacement', temperature: 0.7, top_p: 1, max_tokens: 1024, stream: true, request_timeout_s: 3600 } as const;

/** Whether a run has the seed workload's shape: its `synthesizer` arrivals and Chatbot Arena prompts. */
export function isSeedWorkload(run: SavedRun): boolean {
  const w = run.summary.workload;
  return w?.arrival === 'synthesizer' && w.prompts?.dataset_format === 'arena';
}

/** The run's settings beside the seed's, keyed as above (a setting the run did not record is undefined). */
function settings(run: SavedRun): Record<keyof typeof SEED, unknown> {
  const s = run.summary;
  const w = s.workload;
  const p = w.sampling_params ?? {};
  return {
    rate: w.rate ?? s.run.rate, duration_s: w.duration_s ?? s.run.duration_s, seed: w.seed, dataset_draw: w.prompts?.dataset_draw,
    temperature: p.temperature, top_p: p.top_p, max_tokens: w.max_tokens ?? s.run.max_tokens, stream: w.stream ?? s.run.stream, request_timeout_s: s.run.request_timeout_s,
  };
}

/** The seed's `func`, written as it wrote it at 10 req/s. */
function func(rate: number, durationS: number): string {
  return `lambda t: int(${rate === 10 ? 't / 0.1' : `t * ${rate}`} + 1) if t < ${durationS} else None`;
}

function python(v: unknown): string {
  return v === true ? 'True' : v === false ? 'False' : v === undefined ? 'not recorded' : String(v);
}

function differences(run: SavedRun): string {
  const mine = settings(run);
  const keys = (Object.keys(SEED) as (keyof typeof SEED)[]).filter((k) => mine[k] !== SEED[k]);
  if (!keys.length) return "Every setting above is the seed's.";
  return `Differs from the seed's: ${keys.map((k) => `${k} ${python(mine[k])} (seed: ${python(SEED[k])})`).join(', ')}.`;
}

/**
 * `{{run_config}}`'s head for a seed-workload run: its effective settings in the words of the seed's
 * auto-testing.py (what a reader of the seed's page knows), what differs from the seed's configuration,
 * and that the metric definitions are this tool's, with where they differ from the template's.
 */
export function seedTerms(run: SavedRun): string[] {
  const m = settings(run);
  const rate = Number(m.rate);
  const durationS = Number(m.duration_s);
  const total = synthesizerPacer(rate, durationS * 1000).total ?? 0;
  const prompts = run.summary.workload.prompts;
  const from = prompts?.dataset_sample ? 'the shipped sample workloads/arena-sample.jsonl, written for this project (not LMSYS data)' : `${basename(String(prompts?.dataset ?? 'a local file'))}`;
  return [
    "The seed's auto-testing workload, in the terms of its auto-testing.py:",
    `  dataset_name: synthesizer, func: ${func(rate, durationS)}  (1 request at t = 0, then ${rate} at each whole second to t = ${Math.ceil(durationS) - 1}: ${count(total)} requests)`,
    `  prompt_source: arena  (every user message of conversation_a in the Chatbot Arena conversations, each request one drawn ${m.dataset_draw === 'with-replacement' ? 'with replacement' : 'in turn'} (seed ${python(m.seed)}), sent as a single-turn chat; read from ${from})`,
    `  temperature: ${python(m.temperature)}, top_p: ${python(m.top_p)}, max_tokens: ${python(m.max_tokens)}, stream: ${python(m.stream)}, request_timeout: ${python(m.request_timeout_s)}`,
    differences(run),
    "The workload is the seed's; the metric definitions are this tool's (README, \"Metrics and their formulas\"). TTFT, TPOT and Total TPS",
    'follow the template\'s formulas; where they differ: times are stamped as each socket read arrives; the first token is the first chunk',
    'with generated text (a role-only chunk is none, a reasoning chunk is one); output tokens are the server\'s usage count, else the',
    "chunks counted; Total TPS's peak is exact (the sum changes only when a request starts or ends). The template does not say how the",
    'seed counted tokens or sampled its sum.',
  ];
}
