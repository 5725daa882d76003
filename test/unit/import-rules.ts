/**
 * The layer rules of ARCHITECTURE.md, checked mechanically:
 *   src/common -> itself + pure npm packages (no node:*, fs, DOM-only or native packages, electron)
 *   src/node   -> src/common, src/node, node:*, npm packages (never electron/ or renderer/)
 *   electron/  -> src/common, src/node, electron, node:*
 *   renderer/  -> src/common, renderer/, maplibre-gl and pure packages (never src/node, electron, node:*)
 * plus: no circular imports between our own modules.
 */
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';

export type Layer = 'common' | 'node' | 'electron' | 'renderer' | 'other';

const NATIVE_OR_HOST = ['electron', 'better-sqlite3', 'onnxruntime-node', 'onnxruntime-web'];
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

export function layerOf(root: string, file: string): Layer {
  const rel = relative(root, file).split(sep).join('/');
  if (rel.startsWith('src/common/')) return 'common';
  if (rel.startsWith('src/node/')) return 'node';
  if (rel.startsWith('electron/')) return 'electron';
  if (rel.startsWith('renderer/')) return 'renderer';
  return 'other';
}

/** Import specifiers of a TS/JS source: static imports/exports, dynamic import(), require(). */
export function importsOf(source: string): string[] {
  const out: string[] = [];
  const patterns = [
    /(?:^|[\s;])(?:import|export)\s[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]/g,
    /(?:^|[\s;])import\s*['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const re of patterns) for (const m of code.matchAll(re)) out.push(m[1]!);
  return out;
}

function resolveRelative(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec);
  const tsTwin = base.replace(/\.(m?)js$/, '.$1ts');
  for (const cand of [base, tsTwin, `${base}.ts`, `${base}.mts`, join(base, 'index.ts')]) {
    if (existsSync(cand) && statSync(cand).isFile()) return cand;
  }
  return null;
}

export interface Violation {
  file: string;
  spec: string;
  reason: string;
}

export function checkFile(root: string, file: string, source: string): { violations: Violation[]; deps: string[] } {
  const layer = layerOf(root, file);
  const violations: Violation[] = [];
  const deps: string[] = [];
  const rel = relative(root, file).split(sep).join('/');
  for (const spec of importsOf(source)) {
    const bad = (reason: string) => violations.push({ file: rel, spec, reason });
    if (spec.startsWith('.')) {
      const target = resolveRelative(file, spec);
      if (!target) {
        bad('does not resolve to a file');
        continue;
      }
      deps.push(target);
      const tl = layerOf(root, target);
      const allowed: Record<Layer, Layer[]> = {
        common: ['common'],
        node: ['common', 'node'],
        electron: ['common', 'node', 'electron'],
        renderer: ['common', 'renderer'],
        other: ['common', 'node', 'electron', 'renderer', 'other'],
      };
      // Tests beside the code may also reach test helpers and scripts (layer 'other').
      const isTest = file.endsWith('.test.ts');
      if (!allowed[layer].includes(tl) && !(isTest && tl === 'other')) bad(`${layer} may not import from ${tl}`);
      continue;
    }
    const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
    if (layer === 'common' || layer === 'renderer') {
      if (BUILTINS.has(spec) || BUILTINS.has(pkg) || spec.startsWith('node:')) bad(`${layer} may not import Node built-ins`);
      if (NATIVE_OR_HOST.includes(pkg)) bad(`${layer} may not import ${pkg}`);
      if (layer === 'common' && pkg === 'maplibre-gl') bad('common may not import maplibre-gl (DOM)');
    }
    if (layer === 'node' && pkg === 'electron') bad('src/node may not import electron');
  }
  return { violations, deps };
}

export function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'dist') out.push(...sourceFiles(p));
    } else if (/\.(ts|mts)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Finds one import cycle among the given files (test files excluded by the caller), or null. */
export function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): string[] | null => {
    state.set(n, 1);
    stack.push(n);
    for (const d of graph.get(n) ?? []) {
      if (!graph.has(d)) continue;
      const s = state.get(d);
      if (s === 1) return [...stack.slice(stack.indexOf(d)), d];
      if (s === undefined) {
        const c = visit(d);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, 2);
    return null;
  };
  for (const n of graph.keys()) {
    if (!state.has(n)) {
      const c = visit(n);
      if (c) return c;
    }
  }
  return null;
}

export function checkTree(root: string): { violations: Violation[]; cycle: string[] | null; files: number } {
  const files = ['src/common', 'src/node', 'electron', 'renderer'].flatMap((d) => sourceFiles(join(root, d)));
  const violations: Violation[] = [];
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const r = checkFile(root, f, readFileSync(f, 'utf8'));
    violations.push(...r.violations);
    if (!f.endsWith('.test.ts')) graph.set(f, r.deps);
  }
  const cycle = findCycle(graph);
  return { violations, cycle: cycle ? cycle.map((f) => relative(root, f)) : null, files: files.length };
}
