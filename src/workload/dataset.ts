import { readDatasetFile } from './datasets/read.js';
import type { Conversation } from './datasets/types.js';
import { requestRandom } from './prompts.js';
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

/** How requests take the dataset's prompts: in turn (vLLM's bench, after its shuffle) or drawn at random with replacement (the seed). */
export const DATASET_DRAWS = ['in-turn', 'with-replacement'] as const;
export type DatasetDraw = (typeof DATASET_DRAWS)[number];

export interface DatasetOptions {
  /** --dataset-format: auto or a format name. */
  format: string;
  /** Shuffle with the seed (vLLM's bench); null: the format's default (on for conversations, off for prompt lines). */
  shuffle: boolean | null;
  seed: number;
  /** Candidates kept at most when taken in turn (the run's requests, with room for the length rules to skip some). */
  limit: number;
  draw: DatasetDraw;
  /** Multi-turn sessions: each item is a whole conversation, whatever the format's single-turn rule. */
  sessions: boolean;
}

export const DATASET_DEFAULTS: DatasetOptions = { format: 'auto', shuffle: false, seed: 0, limit: Infinity, draw: 'in-turn', sessions: false };

/** A dataset file's prompts in the run's order, and what a reader of the run should know of them. */
export interface Dataset {
  items: DatasetItem[];
  /** The format read (`--dataset-format` or detected). */
  format: string;
  /** Whether the format applies vLLM's length rules unless --dataset-filter says. */
  lengthRules: boolean;
  conversations: number;
  /** Prompts in the file under the format's rule, and how many distinct texts they hold. */
  prompts: number;
  distinct: number;
}

/**
 * The records of a dataset file in any format the dataset readers know, in the run's order (shuffled
 * with the seed unless told otherwise; all of them when drawn with replacement, else at most `limit`):
 * the workers then apply the length rules with their tokenizer and use the survivors. Each bad record
 * is one problem naming file and line (or record); the result is then null.
 */
export async function readDataset(path: string, label: string, problems: string[], o: DatasetOptions = DATASET_DEFAULTS): Promise<Dataset | null> {
  const read = await readDatasetFile(path, label, o.format, problems);
  if (!read) return null;
  const everyMessage = !o.sessions && read.format.rule.prompts === 'every-user-message';
  const all = everyMessage ? read.conversations.flatMap(userMessages) : read.conversations.map(item);
  const replacement = o.draw === 'with-replacement';
  const shuffle = !replacement && (o.shuffle ?? read.format.name !== 'prompt');
  const order = shuffle ? shuffled(all.length, o.seed) : all.map((_, i) => i);
  const kept = replacement ? order : order.slice(0, Math.min(order.length, o.limit));
  return {
    items: kept.map((i) => all[i]), format: read.format.name, lengthRules: read.format.rule.lengthRules,
    conversations: read.conversations.length, prompts: all.length, distinct: new Set(all.map((x) => x.prompt)).size,
  };
}

function item(c: Conversation): DatasetItem {
  return { prompt: c.turns[0].user, outputTokens: c.outputTokens, answer: c.turns[0].assistant, system: c.system, turns: c.turns.map((t) => t.user) };
}

/** The seed's rule: each user message a single-turn prompt; without its answer, so every request asks the run's max_tokens, as the seed did. */
function userMessages(c: Conversation): DatasetItem[] {
  return c.turns.map((t) => ({ prompt: t.user, outputTokens: c.outputTokens, answer: null, system: c.system, turns: [t.user] }));
}

/** Salt of the draw's random stream, so it is independent of the request's other draws (output length). */
const DRAW_SALT = 0x5eed;

/**
 * The item request (or session) `index` uses out of `n`: in turn, or drawn uniformly with replacement as a
 * function of (seed, index) only, so every worker and shard draws the same.
 */
export function datasetPick(draw: DatasetDraw, seed: number, index: number, n: number): number {
  return draw === 'in-turn' ? index % n : Math.floor(requestRandom(seed ^ DRAW_SALT, index)() * n);
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
