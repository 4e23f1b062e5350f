import { chatbotArena } from './formats/arena.js';
import { openAiMessages } from './formats/openai-messages.js';
import { promptLines } from './formats/prompt-lines.js';
import { shareGpt } from './formats/sharegpt.js';
import type { DatasetFormat } from './types.js';

/** Every dataset format, in the order auto-detection tries them. Adding one: its file, and a line here. */
export const DATASET_FORMATS: readonly DatasetFormat[] = [
  promptLines,
  shareGpt,
  openAiMessages,
  chatbotArena,
];

export const DATASET_FORMAT_NAMES = ['auto', ...DATASET_FORMATS.map((f) => f.name)] as const;

export function datasetFormat(name: string): DatasetFormat | undefined {
  return DATASET_FORMATS.find((f) => f.name === name);
}
