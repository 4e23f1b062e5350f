import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it, type ExpectStatic } from 'vitest';

// What a user gets is not the work tree: the image holds what the Dockerfile copies, the npm package
// what `npm pack` lists. Both are assembled here from those very lists, given production dependencies
// only (from the npm cache: no network), and run from, so a file they miss fails here and not in a
// container or after `npm install -g`.
const ROOT = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface Stage {
  from: string;
  lines: string[];
}

/** The Dockerfile's stages, each with its instructions (comments dropped, continuations joined). */
function dockerStages(text: string): Stage[] {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const l of lines) {
    const from = /^FROM\s+(\S+)/i.exec(l);
    if (from) stages.push({ from: from[1], lines: [] });
    else stages.at(-1)?.lines.push(l);
  }
  return stages;
}

/** .dockerignore patterns (top-level names and simple globs) as a test of a context path. */
function dockerIgnored(patterns: string[]): (path: string) => boolean {
  const res = patterns.map((p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/|$)`));
  return (path) => res.some((r) => r.test(path));
}

/** Copies what the final stage's COPY lines copy into `tree` (the image's /app); returns its npm install command. */
function assembleImage(tree: string): string[] {
  const stages = dockerStages(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
  const ignored = dockerIgnored(readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean));
  const final = stages.at(-1)!;
  expect(final.lines).toContain('WORKDIR /app');
  let install: string[] | null = null;
  for (const line of final.lines) {
    const copy = /^COPY\s+(--from=\S+\s+)?(.+)$/i.exec(line);
    if (copy) {
      const parts = copy[2].split(/\s+/);
      const dest = join(tree, parts.pop()!);
      for (const src of parts) {
        // the build stage runs `npm run build` on the same sources: its /app/X is this tree's X
        const from = copy[1] ? relative('/app', src) : src;
        expect(copy[1] ? true : !ignored(from), `${from} is in .dockerignore`).toBe(true);
        const target = parts.length > 1 || dest.endsWith('/') ? join(dest, from.split('/').pop()!) : dest;
        mkdirSync(dirname(target), { recursive: true });
        cpSync(join(ROOT, from), target, { recursive: true, filter: (p) => copy[1] !== undefined || !ignored(relative(ROOT, p)) });
      }
    }
    const npmCi = /\b(npm ci [^&;]*)/.exec(line);
    if (line.startsWith('RUN') && npmCi) install = npmCi[1].trim().split(/\s+/).slice(1);
  }
  expect(install, 'the runtime stage installs with npm ci').not.toBeNull();
  return install!;
}

/** `npm pack`'s file list (without running `prepare`: dist/ is built already). */
async function packList(): Promise<string[]> {
  const { stdout } = await run(NPM, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT });
  return (JSON.parse(stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
}

const cli = (cwd: string, tree: string, args: string[]) =>
  run(process.execPath, [join(tree, 'dist', 'src', 'cli', 'main.js'), ...args], { cwd, env: { ...process.env, NODE_ENV: 'production' } })
    .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }))
    .catch((e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));

/** A short run then `leaderboard` over its results, from `tree`; the rendered page and chart files. */
async function runAndRender(expect: ExpectStatic, cwd: string, tree: string, runArgs: string[]) {
  const results = mkdtempSync(join(tmpdir(), 'at-tree-results-'));
  const r = await cli(cwd, tree, [...runArgs, '--results-dir', results, '--progress', 'none']);
  expect(r.code, r.stderr).toBe(0);
  const [folder] = readdirSync(results);
  const summary = JSON.parse(readFileSync(join(results, folder, 'summary.json'), 'utf8'));
  const out = join(mkdtempSync(join(tmpdir(), 'at-tree-board-')), 'README.md');
  const board = await cli(cwd, tree, ['leaderboard', '--results', results, '--out', out]);
  expect(board.code, board.stderr).toBe(0);
  return { summary, page: readFileSync(out, 'utf8'), charts: readdirSync(dirname(out)).filter((f) => f.endsWith('.png')) };
}

describe.concurrent('what users install: the image and the npm package', () => {
  const image = mkdtempSync(join(tmpdir(), 'at-image-'));
  const pkg = mkdtempSync(join(tmpdir(), 'at-package-'));
  let packed: string[] = [];

  beforeAll(async () => {
    const install = assembleImage(image);
    // what the image runs, from the npm cache that `npm ci` filled: a missing tarball fails, no download
    await run(NPM, [...install, '--offline', '--no-audit', '--no-fund'], { cwd: image });
    packed = await packList();
    for (const f of packed) cpSync(join(ROOT, f), join(pkg, f));
    // the same package.json and lock: the same production dependencies
    symlinkSync(join(image, 'node_modules'), join(pkg, 'node_modules'), 'dir');
  }, 120_000);

  it('the package holds the compiled CLI and its data, and no tests, sources, source maps or bench-only code', () => {
    expect(packed).toContain('dist/src/cli/main.js');
    expect(packed).toContain('workloads/corpus/sonnets.txt');
    expect(packed).toContain('leaderboard_data/template.md');
    const unwanted = packed.filter((f) => /^(test|scripts|src|bench|deploy|\.ci)\/|^dist\/(scripts|src\/bench)\/|\.map$|\.ts$|^(Dockerfile|tsconfig\.json|vitest\.config\.ts)$/.test(f));
    expect(unwanted).toEqual([]);
    // and nothing it needs is left out: every module a shipped one imports is shipped
    const shipped = new Set(packed.filter((f) => f.endsWith('.js')));
    const missing: string[] = [];
    for (const file of shipped) {
      for (const m of readFileSync(join(ROOT, file), 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
        const target = join(dirname(file), m[1]);
        if (!shipped.has(target)) missing.push(`${target} (imported by ${file})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('the image runs a shipped workload file (corpus prompts) and renders the leaderboard, from its WORKDIR', async ({ expect }) => {
    expect(existsSync(join(image, 'test'))).toBe(false);
    const { summary, page, charts } = await runAndRender(expect, image, image, ['--workload', 'workloads/llmperf-550-150.yaml', '--max-requests', '4', '--mean-output-tokens', '4']);
    expect(summary.status).toBe('completed');
    expect(summary.requests.completed).toBe(4);
    expect(summary.workload.prompts).toMatchObject({ source: 'synthetic', mean_input_tokens: 550 });
    expect(page).toContain('simulated');
    expect(charts.length).toBeGreaterThan(0);
  });

  it('the npm package runs synthesized prompts (--mean-input-tokens) and the leaderboard from any folder', async ({ expect }) => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'at-cwd-'));
    const { summary, page, charts } = await runAndRender(expect, elsewhere, pkg, ['--mean-input-tokens', '64', '--rate', '4', '--duration', '1s', '--max-tokens', '4']);
    expect(summary.status).toBe('completed');
    expect(summary.requests.completed).toBe(4);
    expect(summary.workload.prompts).toMatchObject({ source: 'synthetic', mean_input_tokens: 64 });
    expect(page).toContain('simulated');
    expect(charts.length).toBeGreaterThan(0);
  });

  it("engines is honest: every Node version it admits is admitted by every production dependency, and the image's Node is one of them", () => {
    const ours = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).engines.node as string;
    const samples = sampleVersions(ours);
    expect(samples.every((v) => satisfies(v, ours))).toBe(true);
    expect(satisfies(process.versions.node, ours)).toBe(true);
    const refused: string[] = [];
    for (const dep of installedPackages(join(image, 'node_modules'))) {
      const range = dep.engines?.node;
      if (!range) continue;
      for (const v of samples) if (!satisfies(v, range)) refused.push(`${dep.name} (${range}) refuses Node ${v}`);
    }
    expect(refused).toEqual([]);
    for (const stage of dockerStages(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))) {
      const major = Number(/^node:(\d+)/.exec(stage.from)?.[1]);
      // Node 20 left maintenance in 2026: a maintained even (LTS) line
      expect(major >= 22 && major % 2 === 0, stage.from).toBe(true);
      expect(satisfies(`${major}.999.0`, ours)).toBe(true);
    }
  });

  it('the range check is a real one: it refuses what yargs refuses', () => {
    expect(sampleVersions('>=20.19')).toContain('21.0.0');
    expect(satisfies('21.0.0', '^20.19.0 || ^22.12.0 || >=23')).toBe(false);
    expect(satisfies('22.11.0', '^20.19.0 || ^22.12.0 || >=23')).toBe(false);
    expect(satisfies('24.1.0', '6.* || 8.* || >= 10.*')).toBe(true);
    expect(satisfies('14.5.0', '>= 14.6')).toBe(false);
  });
});

function installedPackages(nodeModules: string): { name: string; engines?: { node?: string } }[] {
  const out: { name: string; engines?: { node?: string } }[] = [];
  const walk = (dir: string) => {
    for (const name of existsSync(dir) ? readdirSync(dir) : []) {
      if (name.startsWith('.')) continue;
      if (name.startsWith('@')) {
        walk(join(dir, name));
        continue;
      }
      const manifest = join(dir, name, 'package.json');
      if (existsSync(manifest)) out.push(JSON.parse(readFileSync(manifest, 'utf8')));
      walk(join(dir, name, 'node_modules'));
    }
  };
  walk(nodeModules);
  return out;
}

type Version = [number, number, number];

const parse = (v: string): Version => {
  const [a = 0, b = 0, c = 0] = v.replace(/^v/, '').split('.').map((x) => (/^\d+$/.test(x) ? Number(x) : 0));
  return [a, b, c];
};
const cmp = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** One comparator of a node-semver range as [low inclusive, high exclusive]. */
function bounds(c: string): [Version, Version] {
  const ANY: Version = [Infinity, 0, 0];
  const m = /^(>=|>|<=|<|\^|~|=)?v?([\dx*]+(?:\.[\dx*]+)*)$/.exec(c)!;
  const [op = '', text] = [m[1], m[2]];
  const parts = text.split('.').filter((p) => /^\d+$/.test(p));
  const v = parse(parts.join('.'));
  const next: Version = parts.length === 1 ? [v[0] + 1, 0, 0] : parts.length === 2 ? [v[0], v[1] + 1, 0] : [v[0], v[1], v[2] + 1];
  switch (op) {
    case '>=': return [v, ANY];
    case '>': return [next, ANY];
    case '<': return [[0, 0, 0], v];
    case '<=': return [[0, 0, 0], next];
    case '^': return [v, v[0] > 0 ? [v[0] + 1, 0, 0] : [0, v[1] + 1, 0]];
    case '~': return [v, parts.length === 1 ? [v[0] + 1, 0, 0] : [v[0], v[1] + 1, 0]];
    default: return parts.length === 0 ? [[0, 0, 0], ANY] : [v, next];
  }
}

const sets = (range: string) => range.split('||').map((part) => part.trim().replace(/([<>]=?|\^|~|=)\s+/g, '$1').split(/\s+/).filter(Boolean));

function satisfies(version: string, range: string): boolean {
  const v = parse(version);
  return sets(range).some((set) => set.every((c) => {
    const [lo, hi] = bounds(c);
    return cmp(v, lo) >= 0 && cmp(v, hi) < 0;
  }));
}

/** The versions at the edges of each part of a range (its lowest, the last of its line, a later major). */
function sampleVersions(range: string): string[] {
  const out = new Set<string>();
  for (const set of sets(range)) {
    const [lo, hi] = set.map(bounds).reduce(([l, h], [l2, h2]) => [cmp(l2, l) > 0 ? l2 : l, cmp(h2, h) < 0 ? h2 : h]);
    out.add(lo.join('.'));
    out.add(`${lo[0]}.999.0`);
    if (hi[0] === Infinity) for (const d of [1, 2, 4]) out.add(`${lo[0] + d}.0.0`);
  }
  return [...out];
}
