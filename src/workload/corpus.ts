import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../config/package-root.js';

/** The public-domain text prompts are synthesized from, one verse line per entry. */
export function readCorpus(): string[] {
  return readFileSync(join(packageRoot(), 'workloads', 'corpus', 'sonnets.txt'), 'utf8').split('\n').filter((l) => l.trim() !== '');
}
