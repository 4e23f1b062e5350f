import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/config/package-root.js';

describe('packageRoot', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'package-root-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('finds the repository from the code', () => {
    expect(packageRoot()).toBe(resolve(dirname(fileURLToPath(import.meta.url)), '../..'));
  });

  it('climbs to the nearest package.json', () => {
    const deep = join(tmp, 'pkg', 'dist', 'src', 'config');
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(tmp, 'pkg', 'package.json'), '{}');
    expect(packageRoot(deep)).toBe(join(tmp, 'pkg'));
  });

  it('stops at the root of the file system outside a package (it used to climb forever)', () => {
    const outside = join(tmp, 'loose', 'a', 'b');
    mkdirSync(outside, { recursive: true });
    expect(() => packageRoot(outside)).toThrow(`package root not found above ${outside}`);
  });
});
