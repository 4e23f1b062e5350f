import { seededRandom } from '../../schedule/random.js';
import type { Tokenizer } from '../../tokenize/tokenizers.js';
import type { Conversation } from './types.js';

/**
 * vLLM bench's ShareGPT length rules (`is_valid_sequence`): a prompt or an answer of fewer than
 * `minTokens`, a prompt over `maxInputTokens`, or prompt + answer over `maxTotalTokens` is skipped.
 */
export interface LengthFilter {
  minTokens: number;
  maxInputTokens: number;
  maxTotalTokens: number;
}

export const VLLM_LENGTH_FILTER: LengthFilter = { minTokens: 4, maxInputTokens: 1024, maxTotalTokens: 2048 };

export interface SampleOptions {
  seed: number;
  /** Requests to prepare; fewer valid conversations are reused in turn (vLLM oversamples likewise). */
  count: number;
  /** Shuffle with the seed first (vLLM's bench), or keep the file's order. */
  shuffle: boolean;
  tokenizer: Tokenizer | null;
  /** Length rules; null keeps every conversation. Needs a tokenizer. */
  filter: LengthFilter | null;
  /** max_tokens for every request (vLLM's --sharegpt-output-len); null: the record's, else its answer's length. */
  outputTokens: number | null;
}

/** A conversation chosen for the run, with the lengths its first turn was judged by. */
export interface SampledConversation {
  conversation: Conversation;
  /** max_tokens of its first turn, or null: the run's --max-tokens. */
  outputTokens: number | null;
}

export interface Sampled {
  items: SampledConversation[];
  /** Conversations looked at and skipped by the length rules. */
  filtered: number;
}

/**
 * vLLM bench's sampling: shuffle with the seed, walk the conversations taking those that pass the
 * length rules until `count` are taken. Only the conversations looked at are tokenized, so a large file
 * costs little when the run is short.
 */
export function sampleConversations(all: readonly Conversation[], o: SampleOptions): Sampled {
  const order = o.shuffle ? shuffled(all.length, o.seed) : all.map((_, i) => i);
  const items: SampledConversation[] = [];
  let filtered = 0;
  for (const i of order) {
    if (items.length >= o.count) break;
    const c = all[i];
    const out = o.outputTokens ?? c.outputTokens ?? (o.tokenizer && c.turns[0].assistant !== null ? o.tokenizer.encode(c.turns[0].assistant).length : null);
    if (o.filter && o.tokenizer && !passes(o.filter, o.tokenizer.encode(c.turns[0].user).length, out, o.outputTokens !== null)) {
      filtered++;
      continue;
    }
    items.push({ conversation: c, outputTokens: out === null ? null : Math.max(1, out) });
  }
  return { items, filtered };
}

function passes(f: LengthFilter, input: number, output: number | null, outputFixed: boolean): boolean {
  if (input < f.minTokens || input > f.maxInputTokens) return false;
  if (output === null) return true;
  if (!outputFixed && output < f.minTokens) return false;
  return input + output <= f.maxTotalTokens;
}

/** Fisher-Yates over 0..n-1 with the run's seed. */
function shuffled(n: number, seed: number): number[] {
  const rand = seededRandom(seed);
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
