import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding package.json: data files ship beside the code, outside dist/ (which has only compiled TS). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('auto-testing: package root not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

/** The public-domain text prompts are synthesized from, one verse line per entry. */
export function readCorpus(): string[] {
  return readFileSync(join(packageRoot(), 'workloads', 'corpus', 'sonnets.txt'), 'utf8').split('\n').filter((l) => l.trim() !== '');
}
