/**
 * Mask -> polygon: the connected part of the mask at the seed (or the largest), holes smaller
 * than `minHolePx` filled, traced with the consensus vectorizer (pixel edges smoothed to the
 * marching-squares line, Douglas-Peucker, holes kept), at the smallest tolerance whose polygon
 * fits the vertex budget.
 */
import { vectorizeLabels } from '../consensus/vectorize';

export interface MaskPolygonOptions {
  /** most vertices of the whole polygon (all rings, closing vertices not counted) */
  vertexBudget: number;
  /** holes smaller than this (pixels) are filled */
  minHolePx: number;
  /** lattice corner (x right, y down, in mask pixels) -> output coordinates */
  toWorld: (x: number, y: number) => [number, number];
}

export interface MaskPolygon {
  rings: [number, number][][];
  vertices: number;
  /** Douglas-Peucker tolerance used, pixels */
  tolerance: number;
  /** pixels of the kept part */
  pixels: number;
  /** [x0, y0, x1, y1) pixel bounds of the kept part */
  bbox: [number, number, number, number];
}

const TOLERANCES = [0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8, 12];

/** 4-connected component of `value` pixels containing `start`; writes `id` into comp. */
function flood(mask: Uint8Array, W: number, H: number, start: number, value: number, comp: Int32Array, id: number, stack: Int32Array): number {
  let sp = 0, n = 0;
  stack[sp++] = start;
  comp[start] = id;
  while (sp > 0) {
    const i = stack[--sp]!;
    n++;
    const x = i % W, y = (i - x) / W;
    const nb = [x > 0 ? i - 1 : -1, x < W - 1 ? i + 1 : -1, y > 0 ? i - W : -1, y < H - 1 ? i + W : -1];
    for (const j of nb) {
      if (j >= 0 && comp[j] === 0 && mask[j] === value) {
        comp[j] = id;
        stack[sp++] = j;
      }
    }
  }
  return n;
}

export function maskToPolygon(mask: Uint8Array, W: number, H: number, seed: number | null, opts: MaskPolygonOptions): MaskPolygon | null {
  const N = W * H;
  const comp = new Int32Array(N), stack = new Int32Array(N);
  let keep = -1, keepSize = 0;
  if (seed !== null && seed >= 0 && seed < N && mask[seed] === 1) {
    keepSize = flood(mask, W, H, seed, 1, comp, 1, stack);
    keep = 1;
  } else {
    let id = 0;
    for (let i = 0; i < N; i++) {
      if (mask[i] !== 1 || comp[i] !== 0) continue;
      const n = flood(mask, W, H, i, 1, comp, ++id, stack);
      if (n > keepSize) { keepSize = n; keep = id; }
    }
  }
  if (keep < 0) return null;
  let x0 = W, y0 = H, x1 = 0, y1 = 0;
  for (let i = 0; i < N; i++) {
    if (comp[i] !== keep) continue;
    const x = i % W, y = (i - x) / W;
    if (x < x0) x0 = x;
    if (x >= x1) x1 = x + 1;
    if (y < y0) y0 = y;
    if (y >= y1) y1 = y + 1;
  }
  // crop with a 1-px frame, so that background touching the frame is "outside"
  const cw = x1 - x0 + 2, ch = y1 - y0 + 2;
  const crop = new Uint8Array(cw * ch);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (comp[y * W + x] === keep) crop[(y - y0 + 1) * cw + x - x0 + 1] = 1;
  // fill small holes: background components not connected to the frame
  const bg = new Int32Array(cw * ch), st = new Int32Array(cw * ch);
  flood(crop, cw, ch, 0, 0, bg, 1, st);
  let id = 1;
  for (let i = 0; i < crop.length; i++) {
    if (crop[i] !== 0 || bg[i] !== 0) continue;
    const hid = ++id;
    const n = flood(crop, cw, ch, i, 0, bg, hid, st);
    if (n < opts.minHolePx) for (let j = 0; j < crop.length; j++) if (bg[j] === hid) crop[j] = 1;
  }
  const toWorld = (x: number, y: number) => opts.toWorld(x + x0 - 1, y + y0 - 1);
  let best: MaskPolygon | null = null;
  for (const tolerance of TOLERANCES) {
    const regions = vectorizeLabels(crop, cw, ch, { tolerance, toWorld });
    const region = regions[0];
    if (!region) return null;
    const vertices = region.rings.reduce((s, r) => s + r.length - 1, 0);
    best = { rings: region.rings, vertices, tolerance, pixels: keepSize, bbox: [x0, y0, x1, y1] };
    if (vertices <= opts.vertexBudget) break;
  }
  return best;
}
