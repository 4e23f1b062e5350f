import type { TokenizerName } from '../tokenize/tokenizers.js';

/** The simulated endpoint's settings (`sim` flags, or the main command's `--sim-*`). */
export interface SimOptions {
  slots: number;
  prefillMs: number;
  prefillPerTokenMs: number;
  decodeMs: number;
  decodeGrowth: number;
  model: string;
  /** Stamp each content chunk with its monotonic send time (bench mode). */
  stamp: boolean;
  /** Tokens per chunk: 'K' or 'A-B' (drawn per chunk from `seed`). */
  tokensPerChunk: string;
  /** Reasoning tokens before the answer (openai-chat: `reasoning_content` deltas). */
  reasoningTokens: number;
  /** Fraction of max_tokens generated before stopping with finish_reason "stop" (1 = never early). */
  stopEarly: number;
  /** Factor applied to the completion_tokens the simulator reports (0.8 = under-reports by 20 %). */
  usageSkew: number;
  /** Fault injection, `kind:probability,...` (see sim/faults.ts); '' = none. */
  faults: string;
  seed: number;
  /** Fraction of correctness prompts (auto-testing correctness) answered with a wrong number. */
  wrongAnswers: number;
  /** Counts prompt tokens for usage, as a real server counts with its own; 'none' = about 4 characters a token. */
  tokenizer: TokenizerName;
  /** Chat template the simulator renders chat messages with before counting ('' = none, 'auto' = the tokenizer's). */
  chatTemplate: string;
  /** Prefix cache size in tokens (0 = off): cached blocks skip their prefill time and are reported as cached. */
  prefixCacheTokens: number;
  /** Tokens per cache block (vLLM's default block size is 16). */
  prefixBlockTokens: number;
}

export const SIM_DEFAULTS: SimOptions = {
  slots: 256,
  prefillMs: 80,
  prefillPerTokenMs: 0.05,
  decodeMs: 20,
  decodeGrowth: 0,
  model: 'auto-testing-sim',
  stamp: false,
  tokensPerChunk: '1',
  reasoningTokens: 0,
  stopEarly: 1,
  usageSkew: 1,
  faults: '',
  seed: 42,
  wrongAnswers: 0,
  tokenizer: 'llama2',
  chatTemplate: '',
  prefixCacheTokens: 262_144,
  prefixBlockTokens: 16,
};
