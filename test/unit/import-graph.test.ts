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
});
