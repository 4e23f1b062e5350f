import { join } from 'node:path';
import { packageRoot } from '../config/package-root.js';

/**
 * The shipped sample in the Chatbot Arena conversations schema: original prompts written for this project
 * by `scripts/make-arena-sample.ts` (no LMSYS data), used when --dataset-format arena names no file.
 */
export const ARENA_SAMPLE = join(packageRoot(), 'workloads', 'arena-sample.jsonl');
