import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding package.json, found upwards from `from` (by default this module's folder): shipped
 * files (workloads/, leaderboard_data/) sit beside the code, above both src/ (tests) and dist/src/ (the
 * built CLI). Throws at the file system's root instead of climbing forever.
 */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`auto-testing: package root not found above ${from}`);
  }
}
