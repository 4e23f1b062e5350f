import { seededRandom } from '../schedule/random.js';
import { loadTokenizer, type TokenizerName } from '../tokenize/tokenizers.js';
import { readCorpus } from '../workload/corpus.js';
import { PromptBuilder, requestRandom } from '../workload/prompts.js';

export interface PromptRate {
  tokenizer: string;
  tokens: number;
  /** Measuring the corpus ring once per thread (a worker pays it before it reports ready). */
  setup_ms: number;
  /** Median over the rounds of prompts built / CPU seconds of this process (one thread builds). */
  prompts_per_s_per_core: number;
  /** The first round alone: the cut positions' memo still cold. */
  first_round_prompts_per_s: number;
  rounds: number;
  prompts_per_round: number;
  /** Prompts that were re-encoded whole instead of summed over the ring (expected: none at these lengths). */
  reencoded: number;
}

/** Prompts of exactly `tokens` tokens built in `rounds` rounds of `perRound`, CPU time per round. */
export async function promptRate(name: Exclude<TokenizerName, 'none'>, tokens: number, perRound: number, rounds: number): Promise<PromptRate> {
  const tok = await loadTokenizer(name);
  const t0 = performance.now();
  const builder = new PromptBuilder(tok, readCorpus());
  const setupMs = performance.now() - t0;
  const rates: number[] = [];
  let sink = 0;
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    for (let i = r * perRound; i < (r + 1) * perRound; i++) sink += builder.build(i, tokens, requestRandom(1, i)).prompt.length;
    const c = process.cpuUsage(c0);
    rates.push(perRound / ((c.user + c.system) / 1e6));
  }
  if (sink === 0) throw new Error('no prompt built');
  return {
    tokenizer: name, tokens, setup_ms: Math.round(setupMs), prompts_per_s_per_core: Math.round(median(rates)), first_round_prompts_per_s: Math.round(rates[0]),
    rounds, prompts_per_round: perRound, reencoded: builder.stats.reencoded,
  };
}

export interface ExactCheck {
  tokenizer: string;
  prompts: number;
  /** Prompts whose whole re-encoding differs from the count the builder claimed (must be 0). */
  mismatches: number;
  max_tokens: number;
}

/** Re-encodes `count` prompts of seeded log-uniform lengths from 1 to `maxTokens`, each whole. */
export async function exactCheck(name: Exclude<TokenizerName, 'none'>, count: number, maxTokens: number, seed: number): Promise<ExactCheck> {
  const tok = await loadTokenizer(name);
  const builder = new PromptBuilder(tok, readCorpus());
  const rand = seededRandom(seed);
  let mismatches = 0;
  for (let i = 0; i < count; i++) {
    const n = Math.max(1, Math.round(Math.exp(rand() * Math.log(maxTokens))));
    const p = builder.build(i, n, requestRandom(seed, i));
    if (p.inputTokens !== n || tok.encode(p.prompt).length !== n) mismatches++;
  }
  return { tokenizer: name, prompts: count, mismatches, max_tokens: maxTokens };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
