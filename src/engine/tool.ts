import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** package.json sits above both src/ (tests) and dist/src/ (the built CLI). */
function findPackageJson(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return join(dir, 'package.json');
}

const pkg = JSON.parse(readFileSync(findPackageJson(), 'utf8')) as { name: string; version: string };

export const TOOL = { name: pkg.name, version: pkg.version };
