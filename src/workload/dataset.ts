import { readDatasetFile } from './datasets/read.js';

export interface DatasetItem {
  prompt: string;
  /** max_tokens for this prompt; null: the run's --max-tokens / --mean-output-tokens. */
  outputTokens: number | null;
}

/**
 * The prompts of a dataset file in any format the dataset readers know (detected from the fields), as
 * single-turn requests: each conversation's first user message. Each bad record is one problem naming
 * the file and line.
 */
export function readDataset(path: string, label: string, problems: string[]): DatasetItem[] {
  const read = readDatasetFile(path, label, 'auto', problems);
  return read ? read.conversations.map((c) => ({ prompt: c.turns[0].user, outputTokens: c.outputTokens })) : [];
}
