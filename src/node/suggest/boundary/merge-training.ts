/**
 * Training data of the region-merging model and the tuning of the post-processing, from windows
 * whose boundary maps came from the trained network and whose true fields are known.
 *
 * Merge pairs imitate the click: for each true field, a region grows from one of its basins
 * through its own basins in random order; at every step each basin on the region's frontier is a
 * sample (label 1 when it belongs to the same field).
 */
import { basinSums, growRegion, mergeAll } from '../../../common/suggest/regions';
import { mergeFeatureCount, mergeFeatures, mergeScorer, type DenseNet, type EdgeSums } from '../../../common/suggest/merge-model';
import { watershed, type Basins, type BoundaryMap } from '../../../common/suggest/watershed';
import type { SegmentParams } from '../../../common/suggest/segment';
import type { Rng } from '../../demo/rng';
import type { WindowTruth } from './training-data';

export interface TuningWindow {
  sceneId: string;
  map: BoundaryMap;
  truth: WindowTruth;
}

/** Majority true field (index + 1, 0 = none) of every basin. */
export function basinFields(b: Basins, truth: WindowTruth): Int32Array {
  const counts = new Map<number, Map<number, number>>();
  for (let i = 0; i < b.labels.length; i++) {
    const l = b.labels[i]!;
    if (!l) continue;
    let m = counts.get(l);
    if (!m) counts.set(l, (m = new Map()));
    const f = truth.fieldId[i]!;
    m.set(f, (m.get(f) ?? 0) + 1);
  }
  const major = new Int32Array(b.count + 1);
  for (const [l, m] of counts) {
    let bf = 0, bc = -1;
    for (const [f, c] of m) if (c > bc) { bc = c; bf = f; }
    major[l] = bf;
  }
  return major;
}

export function mergePairs(w: TuningWindow, p: Pick<SegmentParams, 'core' | 'neck' | 'minCore'>, rng: Rng, xs: number[], ys: number[]): void {
  const b = watershed(w.map, p);
  const major = basinFields(b, w.truth);
  const C = b.channels;
  const buf = new Float64Array(mergeFeatureCount(C));
  const byField = new Map<number, number[]>();
  for (let l = 1; l <= b.count; l++) {
    if (major[l]! <= 0) continue;
    const a = byField.get(major[l]!);
    if (a) a.push(l); else byField.set(major[l]!, [l]);
  }
  for (const [f, ls] of byField) {
    const start = ls[rng.int(ls.length)]!;
    const region = new Set<number>([start]);
    const sums = basinSums(b, start);
    for (let step = 0; step < 12; step++) {
      const frontier = new Map<number, EdgeSums>();
      for (const m of region) {
        for (const [n, e] of b.adj[m]!) {
          if (region.has(n)) continue;
          const x = frontier.get(n);
          if (x) { x[0] += e[0]; x[1] += e[1]; x[2] += e[2]; } else frontier.set(n, [e[0], e[1], e[2]]);
        }
      }
      const pos: number[] = [];
      for (const [n, e] of frontier) {
        mergeFeatures(sums, basinSums(b, n), e, buf);
        for (const v of buf) xs.push(v);
        const same = major[n] === f;
        ys.push(same ? 1 : 0);
        if (same) pos.push(n);
      }
      if (pos.length === 0) break;
      const nx = pos[rng.int(pos.length)]!;
      region.add(nx);
      const s2 = basinSums(b, nx);
      sums.area += s2.area;
      sums.ext += s2.ext;
      sums.bnd += s2.bnd;
      for (let c = 0; c < C; c++) sums.ch[c] = sums.ch[c]! + s2.ch[c]!;
    }
  }
}

export interface PixelScores {
  /** per scene: median click IoU, whole-view recall at IoU > 0.5, number of fields */
  scenes: Record<string, { medianIoU: number; recall: number; fields: number }>;
  objective: number;
}

/**
 * Pixel-level click IoU (click at the pixel farthest from the true boundary) and whole-view
 * recall of every true field fully inside a window and >= 95% usable.
 */
export function pixelScores(wins: readonly TuningWindow[], merge: DenseNet | null, p: SegmentParams): PixelScores {
  const per = new Map<string, { ious: number[]; hit: number; n: number }>();
  for (const w of wins) {
    const acc = per.get(w.sceneId) ?? { ious: [], hit: 0, n: 0 };
    per.set(w.sceneId, acc);
    const { width: W, height: H } = w.map;
    const b = watershed(w.map, p);
    const score = mergeScorer(merge, b.channels);
    const root = mergeAll(b, score, p);
    const rArea = new Float64Array(b.count + 1), rExt = new Float64Array(b.count + 1);
    for (let l = 1; l <= b.count; l++) { rArea[root[l]!] = rArea[root[l]!]! + b.area[l]!; rExt[root[l]!] = rExt[root[l]!]! + b.sumExtent[l]!; }
    for (const f of w.truth.fields) {
      const [bx0, by0, bx1, by1] = f.bbox;
      if (bx0 < 1 || by0 < 1 || bx1 > W - 1 || by1 > H - 1) continue;
      let area = 0, usable = 0, best = -1, bestD = -1;
      const cells: number[] = [];
      for (let y = Math.floor(by0); y <= Math.min(H - 1, Math.ceil(by1)); y++) {
        for (let x = Math.floor(bx0); x <= Math.min(W - 1, Math.ceil(bx1)); x++) {
          const i = y * W + x;
          if (w.truth.fieldId[i] !== f.idx + 1) continue;
          cells.push(i);
          area++;
          if (w.map.valid[i]) usable++;
          if (w.truth.bdist[i]! > bestD) { bestD = w.truth.bdist[i]!; best = i; }
        }
      }
      if (area < 20 || usable < 0.95 * area || !b.labels[best]) continue;
      const reg = growRegion(b, [b.labels[best]!], new Set(), score, p);
      let ra = 0;
      for (const l of reg) ra += b.area[l]!;
      let inter = 0;
      const counts = new Map<number, number>();
      for (const i of cells) {
        const l = b.labels[i]!;
        if (!l) continue;
        if (reg.has(l)) inter++;
        counts.set(root[l]!, (counts.get(root[l]!) ?? 0) + 1);
      }
      acc.ious.push(inter / (area + ra - inter));
      let bestIou = 0;
      for (const [r, c] of counts) if (rExt[r]! / rArea[r]! >= 0.5) bestIou = Math.max(bestIou, c / (area + rArea[r]! - c));
      acc.n++;
      if (bestIou > 0.5) acc.hit++;
    }
  }
  const scenes: PixelScores['scenes'] = {};
  let objective = 0;
  for (const [id, a] of per) {
    a.ious.sort((x, y) => x - y);
    const medianIoU = a.ious.length ? a.ious[Math.floor(a.ious.length / 2)]! : 0;
    const recall = a.n ? a.hit / a.n : 0;
    scenes[id] = { medianIoU, recall, fields: a.n };
    objective += medianIoU + recall;
  }
  return { scenes, objective };
}
