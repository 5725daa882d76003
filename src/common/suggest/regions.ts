/**
 * Region growing over the basin graph of watershed.ts.
 *
 * Two regions merge when the merge scorer (merge-model.ts) says they are one field with a
 * probability above `threshold`. A click grows its region greedily, most likely merge first,
 * never into a basin of a negative click or outside the box; whole-view proposals merge every
 * pair by the same rule (most likely first, scores of merged regions recomputed), so a click and
 * a proposal agree.
 */
import type { EdgeSums, MergeScorer, RegionSums } from './merge-model';
import type { Basins } from './watershed';

export interface MergeParams {
  /** merge when P(one field) is above this */
  threshold: number;
  /** stop growing beyond this many pixels */
  maxArea: number;
}

export function basinSums(b: Basins, id: number): RegionSums {
  const C = b.channels;
  return { area: b.area[id]!, ext: b.sumExtent[id]!, bnd: b.sumBoundary[id]!, ch: b.sumChannels.slice(id * C, id * C + C) };
}

function addSums(into: RegionSums, from: RegionSums): void {
  into.area += from.area;
  into.ext += from.ext;
  into.bnd += from.bnd;
  for (let c = 0; c < into.ch.length; c++) into.ch[c] = into.ch[c]! + from.ch[c]!;
}

function addEdge(into: Map<number, EdgeSums>, n: number, e: EdgeSums): void {
  const x = into.get(n);
  if (x) { x[0] += e[0]; x[1] += e[1]; x[2] += e[2]; } else into.set(n, [e[0], e[1], e[2]]);
}

export interface RegionStats {
  area: number;
  meanExtent: number;
  meanBoundary: number;
  /** mean ridge strength around the region, NaN when it touches no other basin */
  outline: number;
  /** fraction of the outline that is a strong ridge (>= 0.5) */
  strongOutline: number;
}

export function regionStats(b: Basins, members: Iterable<number>): RegionStats {
  const set = new Set(members);
  let area = 0, e = 0, bd = 0, s = 0, c = 0, strong = 0;
  for (const m of set) {
    area += b.area[m]!;
    e += b.sumExtent[m]!;
    bd += b.sumBoundary[m]!;
    for (const [n, x] of b.adj[m]!) if (!set.has(n)) { s += x[0]; c += x[1]; strong += x[2]; }
  }
  return { area, meanExtent: area ? e / area : 0, meanBoundary: area ? bd / area : 1, outline: c ? s / c : NaN, strongOutline: c ? strong / c : 0 };
}

/**
 * The basins of the region grown from `seeds` (basin ids). `allowed(id)` limits the growth (box
 * prompts); `forbidden` basins (negative clicks) are never entered.
 */
export function growRegion(b: Basins, seeds: readonly number[], forbidden: ReadonlySet<number>, score: MergeScorer, p: MergeParams, allowed: (id: number) => boolean = () => true): Set<number> {
  const region = new Set<number>();
  const frontier = new Map<number, EdgeSums>();
  let sums: RegionSums | null = null;
  const add = (id: number) => {
    region.add(id);
    frontier.delete(id);
    const s = basinSums(b, id);
    if (sums) addSums(sums, s); else sums = s;
    for (const [n, e] of b.adj[id]!) if (!region.has(n) && !forbidden.has(n) && allowed(n)) addEdge(frontier, n, e);
  };
  for (const s of seeds) if (s > 0 && !forbidden.has(s) && !region.has(s)) add(s);
  while (sums !== null && (sums as RegionSums).area < p.maxArea) {
    let best = -1, bestP = p.threshold;
    for (const [n, e] of frontier) {
      const pr = score(sums, basinSums(b, n), e);
      if (pr > bestP) { best = n; bestP = pr; }
    }
    if (best < 0) break;
    add(best);
  }
  return region;
}

/** Every basin's region after merging the whole graph: root basin id per basin id. */
export function mergeAll(b: Basins, score: MergeScorer, p: MergeParams): Int32Array {
  const n = b.count;
  const parent = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) parent[i] = i;
  const find = (i: number): number => {
    while (parent[i] !== i) { parent[i] = parent[parent[i]!]!; i = parent[i]!; }
    return i;
  };
  const adj: Map<number, EdgeSums>[] = b.adj.map((m) => new Map([...m].map(([k, v]) => [k, [v[0], v[1], v[2]] as EdgeSums])));
  const sums: RegionSums[] = [];
  for (let i = 0; i <= n; i++) sums.push(i === 0 ? { area: 0, ext: 0, bnd: 0, ch: new Float64Array(b.channels) } : basinSums(b, i));
  // max-heap on probability: entries [p, a, c]
  const heap: [number, number, number][] = [];
  const push = (e: [number, number, number]) => {
    heap.push(e);
    for (let i = heap.length - 1; i > 0; ) {
      const q = (i - 1) >> 1;
      if (heap[q]![0] >= heap[i]![0]) break;
      [heap[q], heap[i]] = [heap[i]!, heap[q]!];
      i = q;
    }
  };
  const pop = (): [number, number, number] | undefined => {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < heap.length && heap[l]![0] > heap[m]![0]) m = l;
        if (r < heap.length && heap[r]![0] > heap[m]![0]) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i]!, heap[m]!];
        i = m;
      }
    }
    return top;
  };
  const consider = (a: number, c: number) => {
    const e = adj[a]!.get(c);
    if (!e) return;
    const pr = score(sums[a]!, sums[c]!, e);
    if (pr > p.threshold) push([pr, a, c]);
  };
  for (let a = 1; a <= n; a++) for (const c of adj[a]!.keys()) if (a < c) consider(a, c);
  for (let e = pop(); e; e = pop()) {
    const [pr, a0, c0] = e;
    const a = find(a0), c = find(c0);
    if (a === c || a !== a0 || c !== c0) continue; // stale: a side was merged since
    const link = adj[a]!.get(c);
    if (!link) continue;
    const now = score(sums[a]!, sums[c]!, link);
    if (now !== pr) continue; // rescored since: a fresher entry is in the heap
    if (sums[a]!.area + sums[c]!.area > p.maxArea) continue;
    const [keep, gone] = adj[a]!.size >= adj[c]!.size ? [a, c] : [c, a];
    parent[gone] = keep;
    addSums(sums[keep]!, sums[gone]!);
    const ka = adj[keep]!, ga = adj[gone]!;
    ka.delete(gone);
    for (const [m, x] of ga) {
      if (m === keep) continue;
      addEdge(ka, m, x);
      const back = adj[m]!;
      const g = back.get(gone)!;
      back.delete(gone);
      addEdge(back, keep, g);
    }
    ga.clear();
    // every edge of the grown region changes: rescore them
    for (const m of ka.keys()) consider(Math.min(keep, m), Math.max(keep, m));
  }
  const root = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) root[i] = find(i);
  return root;
}
