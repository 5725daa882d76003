/**
 * From a boundary map to field masks: the basins (watershed.ts), grown from a click, limited by
 * negative clicks and a box (regions.ts), or merged over the whole window for proposals. Pixel
 * coordinates of one window throughout (x right, y down); the engine maps them to lon/lat.
 */
import { mergeScorer, type DenseNet, type MergeScorer } from './merge-model';
import { growRegion, mergeAll, regionStats, type RegionStats } from './regions';
import { watershed, type Basins, type BoundaryMap } from './watershed';

export interface SegmentParams {
  /** watershed: interior threshold, neck radius (px), smallest core (px) */
  core: number;
  neck: number;
  minCore: number;
  /** merge when P(one field) is above this */
  threshold: number;
  /** largest region, px */
  maxArea: number;
}

export const DEFAULT_SEGMENT_PARAMS: SegmentParams = { core: 0.1, neck: 3, minCore: 4, threshold: 0.5, maxArea: 200_000 };

export interface PixelPrompt {
  /** the click (absent for a box alone) */
  point?: [number, number];
  negatives?: [number, number][];
  /** [x0, y0, x1, y1] in pixels */
  box?: [number, number, number, number];
}

export interface Segmenter {
  map: BoundaryMap;
  basins: Basins;
  score: MergeScorer;
  params: SegmentParams;
  /** lazily: root basin per basin after merging the whole window */
  merged?: Int32Array;
}

export function segmenter(map: BoundaryMap, merge: DenseNet | null, params: SegmentParams): Segmenter {
  const basins = watershed(map, { core: params.core, neck: params.neck, minCore: params.minCore });
  const channels = map.channels ? map.channels.length / (map.width * map.height) : 0;
  return { map, basins, score: mergeScorer(merge, channels), params };
}

export interface RegionMask {
  mask: Uint8Array;
  /** pixel index of the click (or the region's deepest basin pixel), for the polygon tracer */
  seed: number;
  stats: RegionStats;
  score: number;
  /** the region touches these window edges (it may continue beyond them) */
  edges: { left: boolean; top: boolean; right: boolean; bottom: boolean };
}

export class PromptError extends Error {}

/** Confidence 0..1: field-like inside, a clear outline around. */
export function regionScore(s: RegionStats): number {
  const outline = Number.isNaN(s.outline) ? 0 : s.strongOutline;
  return Math.max(0, Math.min(1, s.meanExtent * (0.4 + 0.6 * outline) * (1 - 0.5 * s.meanBoundary)));
}

function basinAt(seg: Segmenter, x: number, y: number, radius = 2): number {
  const { width: W, height: H } = seg.basins;
  const xi = Math.floor(x), yi = Math.floor(y);
  for (let r = 0; r <= radius; r++) {
    for (let dy = -r; dy <= r; dy++) {
      for (let dx = -r; dx <= r; dx++) {
        const px = xi + dx, py = yi + dy;
        if (px < 0 || py < 0 || px >= W || py >= H) continue;
        const l = seg.basins.labels[py * W + px]!;
        if (l > 0) return l;
      }
    }
  }
  return 0;
}

function maskOf(seg: Segmenter, members: ReadonlySet<number>, box?: [number, number, number, number]): { mask: Uint8Array; edges: RegionMask['edges'] } {
  const { width: W, height: H, labels } = seg.basins;
  const mask = new Uint8Array(W * H);
  const edges = { left: false, top: false, right: false, bottom: false };
  const [bx0, by0, bx1, by1] = box ?? [0, 0, W, H];
  for (let y = Math.max(0, Math.floor(by0)); y < Math.min(H, Math.ceil(by1)); y++) {
    for (let x = Math.max(0, Math.floor(bx0)); x < Math.min(W, Math.ceil(bx1)); x++) {
      const i = y * W + x;
      if (!members.has(labels[i]!)) continue;
      mask[i] = 1;
      if (x === 0) edges.left = true;
      if (y === 0) edges.top = true;
      if (x === W - 1) edges.right = true;
      if (y === H - 1) edges.bottom = true;
    }
  }
  return { mask, edges };
}

function insideShare(seg: Segmenter, box: [number, number, number, number]): Map<number, number> {
  const { width: W, height: H, labels } = seg.basins;
  const inside = new Map<number, number>();
  for (let y = Math.max(0, Math.floor(box[1])); y < Math.min(H, Math.ceil(box[3])); y++) {
    for (let x = Math.max(0, Math.floor(box[0])); x < Math.min(W, Math.ceil(box[2])); x++) {
      const l = labels[y * W + x]!;
      if (l > 0) inside.set(l, (inside.get(l) ?? 0) + 1);
    }
  }
  for (const [l, n] of inside) inside.set(l, n / seg.basins.area[l]!);
  return inside;
}

/** The field at a click (and/or in a box), as a mask over the window. Throws PromptError. */
export function clickRegion(seg: Segmenter, prompt: PixelPrompt): RegionMask {
  const { width: W, height: H } = seg.basins;
  const forbidden = new Set<number>();
  for (const [x, y] of prompt.negatives ?? []) {
    const l = basinAt(seg, x, y, 0);
    if (l > 0) forbidden.add(l);
  }
  let seeds: number[] = [];
  let allowed: (id: number) => boolean = () => true;
  const share = prompt.box ? insideShare(seg, prompt.box) : null;
  if (share) allowed = (id) => (share.get(id) ?? 0) >= 0.5;
  if (prompt.point) {
    const [x, y] = prompt.point;
    if (x < 0 || y < 0 || x >= W || y >= H) throw new PromptError('the click lies outside the processed window');
    const i = Math.floor(y) * W + Math.floor(x);
    if (!seg.map.valid[i]) throw new PromptError('the click falls on no-data or cloud pixels');
    const l = basinAt(seg, x, y);
    if (l === 0) throw new PromptError('no field can be traced at the click (no usable pixels around it)');
    if (forbidden.has(l)) throw new PromptError('the click and a negative click fall in the same region');
    seeds = [l];
  } else if (share) {
    // a box alone: the field-like basins mostly inside it, the largest first
    const cand = [...share].filter(([l, s]) => s >= 0.5 && !forbidden.has(l)).sort((a, b) => seg.basins.area[b[0]]! - seg.basins.area[a[0]]!);
    const fieldy = cand.filter(([l]) => seg.basins.sumExtent[l]! / seg.basins.area[l]! >= 0.5);
    const pick = (fieldy.length ? fieldy : cand)[0];
    if (!pick) throw new PromptError('the box holds no usable pixels');
    seeds = [pick[0]];
  } else throw new PromptError('a click or a box is needed');
  const members = growRegion(seg.basins, seeds, forbidden, seg.score, { threshold: seg.params.threshold, maxArea: seg.params.maxArea }, allowed);
  const { mask, edges } = maskOf(seg, members, prompt.box);
  let seed = prompt.point ? Math.floor(prompt.point[1]) * W + Math.floor(prompt.point[0]) : -1;
  if (seed < 0 || !mask[seed]) seed = mask.indexOf(1);
  const stats = regionStats(seg.basins, members);
  return { mask, seed, stats, score: regionScore(stats), edges };
}

export interface Proposal {
  members: number[];
  stats: RegionStats;
  score: number;
}

/** Every field-like region of the window after merging, best first. */
export function proposeRegions(seg: Segmenter, minAreaPx: number): Proposal[] {
  seg.merged ??= mergeAll(seg.basins, seg.score, { threshold: seg.params.threshold, maxArea: seg.params.maxArea });
  const groups = new Map<number, number[]>();
  for (let l = 1; l <= seg.basins.count; l++) {
    const r = seg.merged[l]!;
    const g = groups.get(r);
    if (g) g.push(l); else groups.set(r, [l]);
  }
  const out: Proposal[] = [];
  for (const members of groups.values()) {
    const stats = regionStats(seg.basins, members);
    if (stats.area < minAreaPx || stats.meanExtent < 0.5) continue;
    out.push({ members, stats, score: regionScore(stats) });
  }
  return out.sort((a, b) => b.score - a.score || b.stats.area - a.stats.area);
}

export function proposalMask(seg: Segmenter, p: Proposal): RegionMask {
  const { mask, edges } = maskOf(seg, new Set(p.members));
  return { mask, seed: mask.indexOf(1), stats: p.stats, score: p.score, edges };
}
