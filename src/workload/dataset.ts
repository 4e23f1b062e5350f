import { readDatasetFile } from './datasets/read.js';
import type { Conversation } from './datasets/types.js';
import { seededRandom } from '../schedule/random.js';

export interface DatasetItem {
  /** The conversation's first user message: what a single-turn request sends. */
  prompt: string;
  /** max_tokens for this prompt; null: the run's --max-tokens / --mean-output-tokens. */
  outputTokens: number | null;
  /** The recorded answer to the first message (its length sizes max_tokens, as vLLM's bench); null when absent. */
  answer?: string | null;
  /** The conversation's system prompt, if any. */
  system?: string | null;
  /** Every user message in order, for multi-turn sessions. */
  turns?: string[];
}

export interface DatasetOptions {
  /** --dataset-format: auto or a format name. */
  format: string;
  /** Shuffle with the seed (vLLM's bench); null: the format's default (on for conversations, off for prompt lines). */
  shuffle: boolean | null;
  seed: number;
  /** Candidates kept at most (the run's requests, with room for the length rules to skip some). */
  limit: number;
}

/**
 * The records of a dataset file in any format the dataset readers know, in the run's order (shuffled
 * with the seed unless told otherwise), at most `limit` of them: the workers then apply the length rules
 * with their tokenizer and use the survivors in turn. Each bad record is one problem naming file and line.
 */
export function readDataset(path: string, label: string, problems: string[], o: DatasetOptions = { format: 'auto', shuffle: false, seed: 0, limit: Infinity }): DatasetItem[] {
  const read = readDatasetFile(path, label, o.format, problems);
  if (!read) return [];
  const all = read.conversations;
  const shuffle = o.shuffle ?? read.format.name !== 'prompt';
  const order = shuffle ? shuffled(all.length, o.seed) : all.map((_, i) => i);
  return order.slice(0, Math.min(order.length, o.limit)).map((i) => item(all[i]));
}

function item(c: Conversation): DatasetItem {
  return { prompt: c.turns[0].user, outputTokens: c.outputTokens, answer: c.turns[0].assistant, system: c.system, turns: c.turns.map((t) => t.user) };
}

/** Fisher-Yates over 0..n-1 with the run's seed (vLLM's bench shuffles before sampling). */
function shuffled(n: number, seed: number): number[] {
  const rand = seededRandom(seed);
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
