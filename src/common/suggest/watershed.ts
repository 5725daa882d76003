/**
 * Over-segmentation of a boundary map into basins (seeded watershed) and their adjacency graph.
 *
 * Markers are flooded in order of boundary probability (bucket queue, 256 levels, Meyer's
 * algorithm), so two basins meet on the ridge of the boundary map, centred on the boundary.
 * Invalid pixels (nodata, clouds) stay unlabelled.
 * Markers: the interior (boundary probability below `core`) is cut at its necks: components of
 * pixels at least `neck` px from any boundary pixel are markers, so a gap of a few pixels in a
 * border does not join two fields; interior parts too thin for that get one marker each.
 * Each pair of touching basins gets the sums of max(b[p], b[q]) over the pixel pairs that
 * separate them (regions.ts turns them into merge decisions).
 */

import { edtSquared } from '../raster/edt';

export interface BoundaryMap {
  width: number;
  height: number;
  /** probability of a field boundary, 0..1 */
  boundary: Float32Array;
  /** probability of field (cropland) extent, 0..1 */
  extent: Float32Array;
  /** 1 = usable pixel */
  valid: Uint8Array;
  /** the model input (C x H x W), whose per-basin means tell neighbouring fields apart */
  channels?: Float32Array;
}

/** Between two basins or regions: [sum of ridge strength, pixel pairs, pairs with strength >= 0.5]. */
export type Edge = [number, number, number];

export interface WatershedParams {
  /** boundary probability below which a pixel is a basin core */
  core: number;
  /** smallest core, pixels */
  minCore: number;
  /** interiors are split where they narrow below 2 x neck pixels (gaps in boundaries) */
  neck: number;
}

export interface Basins {
  width: number;
  height: number;
  /** basin id 1..count per pixel, 0 = unlabelled (invalid) */
  labels: Int32Array;
  count: number;
  /** per basin (index = id): pixels, sum of extent, sum of boundary */
  area: Float64Array;
  sumExtent: Float64Array;
  sumBoundary: Float64Array;
  /** channels per basin, and their sums (count + 1) x channels */
  channels: number;
  sumChannels: Float64Array;
  /** adjacency: per basin id, neighbour id -> Edge */
  adj: Map<number, Edge>[];
}

export function watershed(map: BoundaryMap, p: WatershedParams): Basins {
  const { width: W, height: H, boundary: B, valid } = map;
  const N = W * H;
  const labels = new Int32Array(N);
  // markers: necks of the interior split by the distance to the nearest boundary pixel
  const wall = new Uint8Array(N);
  for (let i = 0; i < N; i++) wall[i] = !valid[i] || !(B[i]! < p.core) ? 1 : 0;
  const d2 = edtSquared(wall, W, H);
  const stack = new Int32Array(N);
  let count = 0;
  const comp = new Int32Array(N);
  const flood4 = (s: number, inside: (j: number) => boolean, id: number, visit: (i: number) => void) => {
    let sp = 0;
    stack[sp++] = s;
    comp[s] = id;
    while (sp > 0) {
      const i = stack[--sp]!;
      visit(i);
      const x = i % W;
      if (x > 0 && comp[i - 1] === 0 && inside(i - 1)) { comp[i - 1] = id; stack[sp++] = i - 1; }
      if (x < W - 1 && comp[i + 1] === 0 && inside(i + 1)) { comp[i + 1] = id; stack[sp++] = i + 1; }
      if (i >= W && comp[i - W] === 0 && inside(i - W)) { comp[i - W] = id; stack[sp++] = i - W; }
      if (i + W < N && comp[i + W] === 0 && inside(i + W)) { comp[i + W] = id; stack[sp++] = i + W; }
    }
  };
  const r2 = p.neck * p.neck;
  for (let s = 0; s < N; s++) {
    if (comp[s] !== 0 || d2[s]! < r2) continue;
    count++;
    flood4(s, (j) => d2[j]! >= r2, count, (i) => { labels[i] = count; });
  }
  // interior components too thin for a neck marker: one marker at their deepest pixel
  comp.fill(0);
  for (let s = 0; s < N; s++) {
    if (comp[s] !== 0 || wall[s]) continue;
    let size = 0, marked = false, deep = s;
    flood4(s, (j) => !wall[j], 1, (i) => {
      size++;
      if (labels[i]! > 0) marked = true;
      if (d2[i]! > d2[deep]!) deep = i;
    });
    if (!marked && size >= p.minCore) labels[deep] = ++count;
  }
  // flood: bucket queue over 256 levels; queue entries are pixels, label decided when pushed
  const LEVELS = 256;
  const buckets: number[][] = Array.from({ length: LEVELS }, () => []);
  const level = (i: number) => Math.min(LEVELS - 1, Math.max(0, Math.floor(B[i]! * (LEVELS - 1) + 0.5)));
  const queued = new Uint8Array(N);
  const push = (j: number, from: number, minLevel: number) => {
    queued[j] = 1;
    labels[j] = -labels[from]!; // pending: negative
    buckets[Math.max(minLevel, level(j))]!.push(j);
  };
  const neighbours = (i: number, f: (j: number) => void) => {
    const x = i % W;
    if (x > 0) f(i - 1);
    if (x < W - 1) f(i + 1);
    if (i >= W) f(i - W);
    if (i + W < N) f(i + W);
  };
  for (let i = 0; i < N; i++) {
    if (labels[i]! <= 0) continue;
    neighbours(i, (j) => {
      if (labels[j] === 0 && valid[j] && !queued[j]) push(j, i, 0);
    });
  }
  for (let lv = 0; lv < LEVELS; lv++) {
    const bucket = buckets[lv]!;
    for (let k = 0; k < bucket.length; k++) {
      const i = bucket[k]!;
      labels[i] = -labels[i]!;
      neighbours(i, (j) => {
        if (labels[j] === 0 && valid[j] && !queued[j]) push(j, i, lv);
      });
    }
    bucket.length = 0;
  }
  // statistics and adjacency
  const C = map.channels ? map.channels.length / N : 0;
  const area = new Float64Array(count + 1), sumExtent = new Float64Array(count + 1), sumBoundary = new Float64Array(count + 1);
  const sumChannels = new Float64Array((count + 1) * C);
  const adj: Map<number, Edge>[] = Array.from({ length: count + 1 }, () => new Map());
  const link = (a: number, b: number, s: number) => {
    const e = adj[a]!.get(b);
    if (e) {
      e[0] += s;
      e[1]++;
      if (s >= 0.5) e[2]++;
    } else adj[a]!.set(b, [s, 1, s >= 0.5 ? 1 : 0]);
  };
  for (let i = 0; i < N; i++) {
    const a = labels[i]!;
    if (a <= 0) continue;
    area[a] = area[a]! + 1;
    sumExtent[a] = sumExtent[a]! + map.extent[i]!;
    sumBoundary[a] = sumBoundary[a]! + B[i]!;
    for (let c = 0; c < C; c++) sumChannels[a * C + c] = sumChannels[a * C + c]! + map.channels![c * N + i]!;
    const x = i % W;
    for (const j of [x < W - 1 ? i + 1 : -1, i + W < N ? i + W : -1]) {
      if (j < 0) continue;
      const b = labels[j]!;
      if (b <= 0 || b === a) continue;
      const s = Math.max(B[i]!, B[j]!);
      link(a, b, s);
      link(b, a, s);
    }
  }
  return { width: W, height: H, labels, count, area, sumExtent, sumBoundary, channels: C, sumChannels, adj };
}
