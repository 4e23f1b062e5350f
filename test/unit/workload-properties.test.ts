import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../../src/cli/run-options.js';
import { WORKLOAD_KEY_NAMES } from '../../src/workload/keys.js';

const dir = mkdtempSync(join(tmpdir(), 'at-workload-prop-'));

/** Real key names often enough to reach the per-key checks, and arbitrary names otherwise. */
const key = fc.oneof(fc.constantFrom(...WORKLOAD_KEY_NAMES), fc.string({ maxLength: 12 }));
const value = fc.oneof(fc.string({ maxLength: 16 }), fc.double(), fc.integer(), fc.boolean(), fc.constant(null),
  fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 6 }), fc.integer(), { maxKeys: 3 }));
const text = fc.oneof(fc.dictionary(key, value, { maxKeys: 8 }).map((o) => stringify(o)), fc.string({ maxLength: 80 }));

describe('property: the workload validator', () => {
  it('any file text resolves to a config or to problems, one line each, and never throws', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(text, async (t) => {
        const p = join(dir, `w${n++}.yaml`);
        writeFileSync(p, t);
        const r = await resolveRunConfig({ api: 'openai-chat', 'results-dir': dir, workload: p });
        if ('problems' in r) for (const line of r.problems) expect(line).not.toContain('\n');
        else expect(r.config.rate === null || r.config.rate > 0).toBe(true);
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
