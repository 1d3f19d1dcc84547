/**
 * The import graph of a source tree and the cycles in it, for test/lint/import-cycles.test.ts.
 * Specifiers come from the TypeScript compiler's own pre-processor (static imports, re-exports,
 * import(), require()); only relative ones are followed, so packages are leaves.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const SOURCE_EXT = ['.ts', '.mts', '.vue', '.mjs', '.js'];
/** Tests import the code, never the other way round, so they cannot close a cycle: left out. */
const isTest = (f: string) => /\.(test|spec)\.ts$/.test(f);

export type ImportGraph = Map<string, string[]>;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (SOURCE_EXT.includes(path.extname(name)) && !name.endsWith('.d.ts') && !isTest(name)) out.push(full);
  }
  return out;
}

/** The <script> blocks of a single-file component, as one text. */
function scriptOf(file: string, text: string): string {
  if (!file.endsWith('.vue')) return text;
  return [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
}

function resolve(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  const candidates = [
    base,
    ...SOURCE_EXT.map((e) => base + e),
    base.replace(/\.js$/, '.ts'),
    path.join(base, 'index.ts'),
  ];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** file → the files it imports (absolute paths), for every source file under `dir` (tests left out). */
export function importGraph(dir: string): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of sourceFiles(dir)) {
    const { importedFiles } = ts.preProcessFile(scriptOf(file, readFileSync(file, 'utf8')), true, true);
    const deps = importedFiles
      .map((f) => f.fileName)
      .filter((s) => s.startsWith('.'))
      .map((s) => resolve(file, s))
      .filter((f): f is string => f !== undefined && !isTest(f));
    graph.set(file, [...new Set(deps)]);
  }
  return graph;
}

/** Strongly connected components with more than one file (or a file importing itself): Tarjan's algorithm. */
function tangles(graph: ImportGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || graph.get(v)?.includes(v)) out.push(scc);
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

/** The shortest path from `start` back to itself through the files of `scc`. */
function loopThrough(graph: ImportGraph, scc: string[]): string[] {
  const inside = new Set(scc);
  const start = [...scc].sort()[0]!;
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const loop = [start];
        for (let u = v; u !== start; u = prev.get(u)!) loop.splice(1, 0, u);
        return [...loop, start];
      }
      if (!prev.has(w)) (prev.set(w, v), queue.push(w));
    }
  }
  return [start, start];
}

/** One line per tangle of mutually importing files: a loop through it (`a → b → a`) and, if larger, its size. */
export function importCycles(graph: ImportGraph, root: string): string[] {
  return tangles(graph)
    .map((scc) => {
      const loop = loopThrough(graph, scc)
        .map((f) => path.relative(root, f))
        .join(' → ');
      return scc.length > loop.split(' → ').length - 1 ? `${loop} (${scc.length} files import each other)` : loop;
    })
    .sort();
}
