import type { Tokenizer } from '../../tokenize/tokenizers.js';
import type { DatasetItem } from '../dataset.js';

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

/**
 * The candidates (already in the run's order: vLLM shuffles with the seed first) that pass the length
 * rules, each with its max_tokens: `fixed` (vLLM's --sharegpt-output-len; the answer-length rule is then
 * skipped), else the record's, else the recorded answer's length. Without a tokenizer nothing is
 * measured and everything is kept; when nothing passes, every candidate is kept rather than none.
 */
export function applyLengthRules(items: readonly DatasetItem[], tok: Tokenizer | null, filter: LengthFilter | null, fixed: number | null): DatasetItem[] {
  const out: DatasetItem[] = [];
  for (const item of items) {
    const answer = fixed ?? item.outputTokens ?? (tok && item.answer ? tok.encode(item.answer).length : null);
    if (filter && tok && !passes(filter, tok.encode(item.prompt).length, answer, fixed !== null)) continue;
    out.push({ ...item, outputTokens: answer === null ? null : Math.max(1, answer) });
  }
  return out.length ? out : [...items];
}

function passes(f: LengthFilter, input: number, output: number | null, outputFixed: boolean): boolean {
  if (input < f.minTokens || input > f.maxInputTokens) return false;
  if (output === null) return true;
  if (!outputFixed && output < f.minTokens) return false;
  return input + output <= f.maxTotalTokens;
}
