import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkWritable, claimFree, RunFolder, RunIdTakenError } from '../../src/results/run-folder.js';
import { runIdProblem, timeStamp } from '../../src/results/run-id.js';
import { defaultRunId } from '../../src/engine/run-meta.js';
import { resolveRunConfig } from '../../src/cli/run-options.js';
import { readEndpointsFile } from '../../src/config/endpoints.js';
import type { RunConfig } from '../../src/config/run-config.js';

const root = () => mkdtempSync(join(tmpdir(), 'at-folder-'));

describe('a run claims its folder for itself', () => {
  it('a second run naming the same folder is refused, and the first one\'s file is untouched', () => {
    const dir = root();
    const first = new RunFolder(dir, 'same');
    expect(() => new RunFolder(dir, 'same')).toThrow(RunIdTakenError);
    first.close();
    expect(readFileSync(join(dir, 'same', 'requests.csv'), 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('an existing empty folder is taken; one holding anything is refused', () => {
    const dir = root();
    mkdirSync(join(dir, 'empty'));
    new RunFolder(dir, 'empty').close();
    mkdirSync(join(dir, 'other'));
    writeFileSync(join(dir, 'other', 'notes.txt'), 'x');
    expect(() => new RunFolder(dir, 'other')).toThrow(/already holds a run \(or other files\)/);
  });

  it('a default id that is taken is drawn again; a --run-id is not', () => {
    const dir = root();
    const claim = (id: string) => new RunFolder(dir, id);
    new RunFolder(dir, 'a').close();
    new RunFolder(dir, 'a-2').close();
    expect(claimFree(null, (draw) => (draw > 1 ? `a-${draw}` : 'a'), claim).id).toBe('a-3');
    expect(() => claimFree('a', () => 'c', claim)).toThrow(RunIdTakenError);
    expect(existsSync(join(dir, 'c'))).toBe(false);
  });

  it('default ids: sortable by start time to the millisecond; a second draw (same millisecond, or a name that slugs alike) is suffixed', () => {
    const cfg = { startAtMs: null, shard: null } as unknown as RunConfig;
    const at = new Date('2026-12-03T05:15:24.123Z');
    expect(defaultRunId(cfg, at, 'a/b')).toBe('20261203T051524.123Z-a-b');
    expect(defaultRunId(cfg, at, 'A/B', 2)).toBe('20261203T051524.123Z-a-b-2');
    expect(timeStamp(Date.parse('2026-12-03T05:15:24.999Z')) < timeStamp(Date.parse('2026-12-03T05:15:25.000Z'))).toBe(true);
    const shard = defaultRunId({ startAtMs: at.getTime(), shard: { index: 1, count: 4 } } as unknown as RunConfig, new Date(), 'v');
    expect(shard).toBe('20261203T051524.123Z-v-shard-1-of-4');
  });

  it('--results-dir under /proc fails at once with the reason (Node\'s recursive mkdir never returns there)', () => {
    expect(checkWritable('/proc/self/x')).toMatch(/ENOENT/);
    expect(checkWritable(join(root(), 'new', 'deeper'))).toBeNull();
  });
});

describe('--run-id names one folder inside --results-dir', () => {
  it.each([
    ['', /names no folder of its own/],
    ['.', /names no folder of its own/],
    ['..', /names no folder of its own/],
    ['../x', /path separator/],
    ['a/b', /path separator/],
    ['a\\b', /path separator/],
    ['x\u001b[2Jy', /control character/],
    ['x'.repeat(300), /bytes long/],
  ])('%j is refused, naming the flag', async (id, why) => {
    const r = await resolveRunConfig({ 'run-id': id, api: 'openai-chat', 'results-dir': 'results', progress: 'none' });
    expect('problems' in r && r.problems.find((p) => p.startsWith('--run-id:'))).toMatch(why);
  });

  it('a plain name passes', () => {
    expect(runIdProblem('nightly-vllm_2.1')).toBeNull();
  });
});

describe('endpoints whose names slug alike', () => {
  it('are refused: they would share a results folder', () => {
    const dir = root();
    const f = join(dir, 'eps.yaml');
    writeFileSync(f, ['- {name: a/b, url: "http://127.0.0.1:1/v1", api: openai-chat, model: m}', '- {name: A/B, url: "http://127.0.0.1:2/v1", api: openai-chat, model: m}'].join('\n'));
    const r = readEndpointsFile(f, ['openai-chat']);
    expect('problems' in r && r.problems).toEqual([`${f}: names 'a/b' and 'A/B' share the results folder 'a-b'; make them differ in letters or digits`]);
    expect(readdirSync(dir)).toEqual(['eps.yaml']);
  });
});
