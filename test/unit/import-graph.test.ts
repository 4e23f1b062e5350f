import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

type Graph = Map<string, string[]>;

/** Every project import of every module under `dirs`, `import type` and `import()` included (TypeScript's own scanner). */
function importGraph(dirs: string[]): Graph {
  const graph: Graph = new Map();
  for (const dir of dirs) {
    for (const file of readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))) {
      const path = join(ROOT, dir, file);
      const specs = ts.preProcessFile(readFileSync(path, 'utf8'), true, true).importedFiles.map((f) => f.fileName).filter((s) => s.startsWith('.'));
      graph.set(relative(ROOT, path), specs.map((s) => relative(ROOT, resolve(dirname(path), s.replace(/\.js$/, '.ts')))));
    }
  }
  return graph;
}

/** A circle as the path that closes it (`a -> b -> a`), or null: depth-first, the first back edge found. */
function findCycle(graph: Graph): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node];
    if (state.get(node) === 'done') return null;
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of [...graph.keys()].sort()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}

const folderOf = (module: string): string => dirname(module).split('/').slice(0, 2).join('/');

/**
 * The folders' graph. An import of a module that imports nothing of the project (a pure helper such as
 * `config/duration.ts`) does not count: it cannot pull a higher layer in, so any folder may use it.
 */
function folderGraph(modules: Graph): Graph {
  const folders: Graph = new Map();
  for (const [from, targets] of modules) {
    const edges = folders.get(folderOf(from)) ?? [];
    for (const to of targets) if (folderOf(to) !== folderOf(from) && (modules.get(to)?.length ?? 0) > 0) edges.push(folderOf(to));
    folders.set(folderOf(from), [...new Set(edges)]);
  }
  return folders;
}

/**
 * What loading `entry` evaluates before any of its code runs: the closure of its static value imports
 * (`import type` and `import()` left out), as project modules and the packages they name.
 */
function eagerClosure(entry: string): { modules: Set<string>; packages: Set<string> } {
  const modules = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (modules.has(file)) return;
    modules.add(file);
    const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest);
    for (const st of source.statements) {
      const eager = (ts.isImportDeclaration(st) && !st.importClause?.isTypeOnly) || (ts.isExportDeclaration(st) && !st.isTypeOnly);
      if (!eager || !st.moduleSpecifier || !ts.isStringLiteral(st.moduleSpecifier)) continue;
      const spec = st.moduleSpecifier.text;
      if (spec.startsWith('.')) visit(relative(ROOT, resolve(dirname(join(ROOT, file)), spec.replace(/\.js$/, '.ts'))));
      else if (!spec.startsWith('node:')) packages.add(spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/'));
    }
  };
  visit(entry);
  return { modules, packages };
}

describe('import graph', () => {
  const modules = importGraph(['src', 'scripts']);

  it('finds a circle and names its path', () => {
    const graph: Graph = new Map([['a', ['b']], ['b', ['c']], ['c', ['a', 'd']], ['d', []]]);
    expect(findCycle(graph)).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]]))).toBeNull();
  });

  it('counts type-only imports', () => {
    expect(modules.get('src/workers/messages.ts')).toContain('src/schedule/pacers.ts');
  });

  it('has no circle between modules', () => {
    expect(findCycle(modules)?.join(' -> ') ?? null).toBeNull();
  });

  it('has no circle between folders: no folder imports one that depends on it', () => {
    expect(findCycle(folderGraph(modules))?.join(' -> ') ?? null).toBeNull();
  });

  it('the CLI entry imports a command\'s code only when that command runs: the simulator child and a refused flag start light', () => {
    const main = eagerClosure('src/cli/main.ts');
    // none of the commands' handlers: no run engine, worker pool, HTTP client, leaderboard, comparison or charts ...
    const handlers = ['src/cli/run.ts', 'src/engine/run-load.ts', 'src/workers/pool.ts', 'src/transport/undici.ts', 'src/leaderboard/render.ts', 'src/compare/compare-runs.ts', 'src/charts/png.ts', 'src/sim/server.ts'];
    expect(handlers.filter((m) => main.modules.has(m))).toEqual([]);
    expect(['undici', 'piscina', 'prom-client', 'hdr-histogram-js', '@resvg/resvg-wasm'].filter((p) => main.packages.has(p))).toEqual([]);
    // ... and every command's flags (to parse, check and suggest before the command is known)
    expect(main.modules).toContain('src/cli/run-options.ts');
    expect(main.modules).toContain('src/cli/command-options.ts');
    // the simulator's own code stays free of the load generator's
    const sim = eagerClosure('src/cli/sim.ts');
    expect(['src/engine/run-load.ts', 'src/workers/pool.ts'].filter((m) => sim.modules.has(m))).toEqual([]);
    expect(['undici', 'piscina', 'hdr-histogram-js'].filter((p) => sim.packages.has(p))).toEqual([]);
  });

  it('a run\'s threads load undici only for --http-client undici, a /metrics scrape or a model look-up, and prom-client only to export', () => {
    for (const entry of ['src/workers/task.ts', 'src/cli/run.ts']) {
      const { packages } = eagerClosure(entry);
      expect([entry, ['undici', 'prom-client'].filter((p) => packages.has(p))]).toEqual([entry, []]);
    }
  });
});
