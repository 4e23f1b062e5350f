import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { END_MARKER, START_MARKER } from '../../src/leaderboard/inject.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const RESULTS = join(ROOT, 'test', 'fixtures', 'results');

function leaderboard(args: string[]): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'leaderboard', '--results', RESULTS, '--no-charts', ...args], { encoding: 'utf8', env: { ...process.env, SOURCE_DATE_EPOCH: '1795000000' } });
  return { code: r.status, stderr: r.stderr };
}

describe('auto-testing leaderboard (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'at-leaderboard-'));

  it('renders the shipped seed template and its charts, warning about the tables it leaves out', () => {
    const out = join(dir, 'seed.md');
    const r = leaderboard(['--out', out, '--charts']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('the template has no {{Output_TPS_table}}');
    expect(r.stderr).toContain('the template has no {{Success_rate_table}}');
    const md = readFileSync(out, 'utf8');
    expect(md).toContain('> Last update: 2026-11-18 11:06 UTC');
    expect(md).not.toMatch(/\{\{/);
    expect(md).toContain('| fast-sim ');
    for (const f of ['TTFT.png', 'TPOT.png', 'Total_TPS.png']) expect(readFileSync(join(dir, f)).subarray(1, 4).toString()).toBe('PNG');
  });

  it('an unknown placeholder is an error naming it (exit 2), and nothing is written', () => {
    const template = join(dir, 'bad.md');
    writeFileSync(template, '{{TTFT_table}}\n{{TTFT_tabel}}\n');
    const out = join(dir, 'never.md');
    const r = leaderboard(['--template', template, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown placeholder {{TTFT_tabel}}');
    expect(() => readFileSync(out)).toThrow();
  });

  it('--inject rewrites only the text between the markers of the target file', () => {
    const readme = join(dir, 'README.md');
    const before = `# My project\n\nIntro.\n\n${START_MARKER}\nstale\n${END_MARKER}\n\n## Licence\n`;
    writeFileSync(readme, before);
    const r = leaderboard(['--out', join(dir, 'lb.md'), '--inject', readme]);
    expect(r.code).toBe(0);
    const after = readFileSync(readme, 'utf8');
    const head = before.slice(0, before.indexOf(START_MARKER) + START_MARKER.length);
    const tail = before.slice(before.indexOf(END_MARKER));
    expect(after.startsWith(head)).toBe(true);
    expect(after.endsWith(tail)).toBe(true);
    expect(after).not.toContain('stale');
    expect(after).toContain(readFileSync(join(dir, 'lb.md'), 'utf8').trimEnd());
  });

  it('a file without markers is refused (exit 2) and left untouched', () => {
    const readme = join(dir, 'plain.md');
    writeFileSync(readme, 'no markers here\n');
    const r = leaderboard(['--out', join(dir, 'lb2.md'), '--inject', readme]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--inject');
    expect(readFileSync(readme, 'utf8')).toBe('no markers here\n');
  });

  it('no results: one line naming --results, exit 2', () => {
    const r = spawnSync(process.execPath, [CLI, 'leaderboard', '--results', join(dir, 'nothing-here'), '--out', join(dir, 'x.md')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^auto-testing: --results: no run folder/);
  });
});
