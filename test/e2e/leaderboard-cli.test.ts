import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { END_MARKER, START_MARKER } from '../../src/leaderboard/inject.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const RESULTS = join(ROOT, 'test', 'fixtures', 'results');

/** `auto-testing leaderboard` run from `cwd` (so its default --out lands there). */
function leaderboard(args: string[], cwd: string): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'leaderboard', '--results', RESULTS, ...args], { encoding: 'utf8', cwd });
  return { code: r.status, stderr: r.stderr };
}

/** Every image link of a Markdown file, resolved as a viewer does: relative to the file's folder. */
function images(markdownFile: string): { link: string; file: string }[] {
  const md = readFileSync(markdownFile, 'utf8');
  return [...md.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => ({ link: m[1], file: resolve(dirname(markdownFile), decodeURIComponent(m[1])) }));
}

/** Each image link opens a PNG; returns the links. */
function expectImagesResolve(markdownFile: string): string[] {
  const found = images(markdownFile);
  expect(found.length).toBeGreaterThanOrEqual(4);
  for (const { link, file } of found) {
    expect(existsSync(file), `${link} from ${markdownFile}`).toBe(true);
    expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
  }
  return found.map((f) => f.link);
}

describe('auto-testing leaderboard (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'at-leaderboard-'));

  it('default: the shipped template, every placeholder filled, no warning, and image links that open the charts', () => {
    const cwd = join(dir, 'default');
    mkdirSync(cwd);
    const r = leaderboard([], cwd);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/warning/i);
    const out = join(cwd, 'leaderboard_data', 'README.md');
    const md = readFileSync(out, 'utf8');
    expect(md).not.toMatch(/\{\{|\}\}/);
    expect(md).toContain('> Last update: 2026-11-23 12:55 UTC');
    expect(md).toContain('| fast-sim [G][L] ');
    expect(expectImagesResolve(out)).toEqual(['TTFT.png', 'TPOT.png', 'ITL.png', 'Total_TPS.png']);
  });

  it('--out, --charts-dir and --inject elsewhere: the links of each file are relative to it; only the standalone markers count', () => {
    const cwd = join(dir, 'elsewhere');
    mkdirSync(join(cwd, 'project'), { recursive: true });
    const readme = join(cwd, 'project', 'README.md');
    const quoted = `Flags: \`${START_MARKER}\` / \`${END_MARKER}\`\n\n\`\`\`\n${START_MARKER}\n${END_MARKER}\n\`\`\`\n`;
    writeFileSync(readme, `# My project\r\n\r\n${quoted}\r\n${START_MARKER}\r\nstale\r\n${END_MARKER}\r\n\r\n## Licence\r\n`);
    const r = leaderboard(['--out', 'docs/board/leaderboard.md', '--charts-dir', 'site/img dir', '--inject', 'project/README.md'], cwd);
    expect(r.code).toBe(0);
    expect(expectImagesResolve(join(cwd, 'docs', 'board', 'leaderboard.md'))[0]).toBe('../../site/img%20dir/TTFT.png');
    expect(expectImagesResolve(readme)[0]).toBe('../site/img%20dir/TTFT.png');
    const after = readFileSync(readme, 'utf8');
    expect(after.startsWith(`# My project\r\n\r\n${quoted}\r\n${START_MARKER}\r\n`)).toBe(true);
    expect(after.endsWith(`\r\n${END_MARKER}\r\n\r\n## Licence\r\n`)).toBe(true);
    expect(after).not.toContain('stale');
    // the injected lines take the file's CRLF
    const injected = after.slice(after.lastIndexOf(`${START_MARKER}\r\n`), after.lastIndexOf(END_MARKER));
    expect(injected.split('\n').slice(0, -1).every((l) => l.endsWith('\r'))).toBe(true);
  });

  it('an --inject that cannot be done writes nothing: no Markdown, no charts, the target untouched (exit 2)', () => {
    const cwd = join(dir, 'refused');
    mkdirSync(cwd);
    const twice = `${START_MARKER}\n${END_MARKER}\n${START_MARKER}\n${END_MARKER}\n`;
    writeFileSync(join(cwd, 'README.md'), twice);
    const r = leaderboard(['--out', 'out/lb.md', '--inject', 'README.md'], cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--inject: 'README.md' has 2 lines holding only ${START_MARKER} (lines 1, 3)`);
    expect(readFileSync(join(cwd, 'README.md'), 'utf8')).toBe(twice);
    expect(readdirSync(cwd)).toEqual(['README.md']);
  });

  it('--no-charts: no image links (nothing would be there to open)', () => {
    const cwd = join(dir, 'no-charts');
    mkdirSync(cwd);
    expect(leaderboard(['--no-charts'], cwd).code).toBe(0);
    expect(images(join(cwd, 'leaderboard_data', 'README.md'))).toEqual([]);
    expect(readdirSync(join(cwd, 'leaderboard_data'))).toEqual(['README.md']);
  });

  it('an unknown placeholder is an error naming it (exit 2), and nothing is written', () => {
    const template = join(dir, 'bad.md');
    writeFileSync(template, '{{TTFT_table}}\n{{TTFT_tabel}}\n');
    const r = leaderboard(['--template', template, '--out', join(dir, 'never.md')], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown placeholder {{TTFT_tabel}}');
    expect(existsSync(join(dir, 'never.md'))).toBe(false);
  });

  it('no results: one line naming --results, exit 2', () => {
    const r = spawnSync(process.execPath, [CLI, 'leaderboard', '--results', join(dir, 'nothing-here'), '--out', join(dir, 'x.md')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^auto-testing: --results: no run folder/);
  });
});
