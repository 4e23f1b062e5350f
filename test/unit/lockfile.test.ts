import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// `npm ci` refuses a lock file whose optional per-platform entries are missing (rollup's, under
// vitest) or whose root entry no longer matches package.json. .ci/run uses npm ci only, so this
// fails early, with the names, before an install on another platform would.
const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8'));
type Entry = { optionalDependencies?: Record<string, string>; dependencies?: Record<string, string> };
const packages = lock.packages as Record<string, Entry>;

function missingOptionals(entries: Record<string, Entry>): string[] {
  const missing: string[] = [];
  for (const [path, entry] of Object.entries(entries)) {
    for (const name of Object.keys(entry.optionalDependencies ?? {})) {
      const nested = `${path}/node_modules/${name}`;
      if (!(nested in entries) && !(`node_modules/${name}` in entries)) missing.push(`${name} (from ${path || 'root'})`);
    }
  }
  return missing;
}

describe('package-lock.json', () => {
  it('its root entry lists exactly the dependencies of package.json', () => {
    expect(packages[''].dependencies).toEqual(pkg.dependencies);
    expect((packages[''] as { devDependencies?: unknown }).devDependencies).toEqual(pkg.devDependencies);
  });

  it("holds every platform's optional packages, as npm ci requires", () => {
    expect(missingOptionals(packages)).toEqual([]);
  });

  it('the check finds a missing optional entry', () => {
    const broken = { 'node_modules/rollup': { optionalDependencies: { '@rollup/rollup-android-arm-eabi': '4.0.0' } } };
    expect(missingOptionals(broken)).toEqual(['@rollup/rollup-android-arm-eabi (from node_modules/rollup)']);
  });
});
