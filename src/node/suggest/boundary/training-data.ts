/**
 * Training and validation data of the boundary model from the synthetic demo world
 * (src/node/demo): windows of each rendered scene, their true field extent and the distance of
 * every pixel centre to the nearest true field boundary, and seeded pixel samples with their
 * filter-bank features and targets.
 */
import type { WorldLayout } from '../../demo/fields';
import { SceneGrid } from '../../demo/grid';
import { Rng } from '../../demo/rng';
import type { RenderedScene, SceneSpec } from '../../demo/scene-render';
import { computeFeatures, featureCount, type BankSpec } from './filter-bank';
import { preprocess, type Preprocessed } from './preprocess';
import { bilinear, nearest, resampleAxis } from '../resample';

/** UDM2 bands (0-based): shadow 2, heavy haze 4, cloud 5, legacy udm 7 (bit 0 = no data). */
export function udm2Unusable(udm: readonly Uint8Array[], i: number): boolean {
  return udm[2]![i] === 1 || udm[4]![i] === 1 || udm[5]![i] === 1 || (udm[7]![i]! & 1) === 1;
}

export interface SceneWindow {
  sceneId: string;
  x0: number;
  y0: number;
  width: number;
  height: number;
  bands: Uint16Array[];
  cloud: Uint8Array;
}

/** Windows of `size` px tiling the scene (the last row / column aligned to the far edge). */
export function sceneWindows(id: string, spec: SceneSpec, r: RenderedScene, size: number): SceneWindow[] {
  const W = spec.width, H = spec.height;
  const starts = (n: number) => {
    if (n <= size) return [0];
    const out: number[] = [];
    for (let s = 0; s + size < n; s += size) out.push(s);
    out.push(n - size);
    return out;
  };
  const out: SceneWindow[] = [];
  for (const y0 of starts(H)) {
    for (const x0 of starts(W)) {
      const w = Math.min(size, W), h = Math.min(size, H);
      const bands = r.bands.map(() => new Uint16Array(w * h));
      const cloud = new Uint8Array(w * h);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const i = (y0 + y) * W + x0 + x, o = y * w + x;
          for (let c = 0; c < 4; c++) bands[c]![o] = r.bands[c]![i]!;
          cloud[o] = udm2Unusable(r.udm, i) ? 1 : 0;
        }
      }
      out.push({ sceneId: id, x0, y0, width: w, height: h, bands, cloud });
    }
  }
  return out;
}

export interface FieldPx {
  idx: number;
  /** ring in window pixel coordinates (x right, y down), flat [x0, y0, x1, y1, ...], not closed */
  ring: Float64Array;
  bbox: [number, number, number, number];
}

export interface WindowTruth {
  /** index + 1 of the true field at each pixel centre, 0 outside fields */
  fieldId: Int32Array;
  /** distance (px) from each pixel centre to the nearest field boundary: exact inside fields, at most `cap` outside */
  bdist: Float32Array;
  fields: FieldPx[];
}

function distSeg(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
  let t = l2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / l2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

function insideRing(x: number, y: number, r: Float64Array): boolean {
  let inside = false;
  const n = r.length >> 1;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = r[2 * i]!, yi = r[2 * i + 1]!, xj = r[2 * j]!, yj = r[2 * j + 1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function windowTruth(world: WorldLayout, spec: SceneSpec, win: { x0: number; y0: number; width: number; height: number }, cap = 4): WindowTruth {
  const grid = new SceneGrid(spec);
  const fields: FieldPx[] = [];
  for (const f of world.fields) {
    const ring = new Float64Array(f.ring.length * 2);
    for (let k = 0; k < f.ring.length; k++) {
      const [px, py] = grid.toPixel(f.ring[k]![0], f.ring[k]![1]);
      ring[2 * k] = px - win.x0;
      ring[2 * k + 1] = py - win.y0;
    }
    fields.push({ idx: f.idx, ring, bbox: ringBox(ring) });
  }
  return truthFromRings(fields, win.width, win.height, cap);
}

export function ringBox(ring: Float64Array): [number, number, number, number] {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let k = 0; k < ring.length; k += 2) {
    x0 = Math.min(x0, ring[k]!); x1 = Math.max(x1, ring[k]!);
    y0 = Math.min(y0, ring[k + 1]!); y1 = Math.max(y1, ring[k + 1]!);
  }
  return [x0, y0, x1, y1];
}

/** Truth rasters of polygons given in window pixel coordinates (outer rings; `idx` + 1 is painted). */
export function truthFromRings(all: readonly FieldPx[], W: number, H: number, cap = 4): WindowTruth {
  const fieldId = new Int32Array(W * H);
  const bdist = new Float32Array(W * H).fill(Infinity);
  const fields: FieldPx[] = [];
  for (const f of all) {
    const [bx0, by0, bx1, by1] = f.bbox;
    if (bx1 < -cap || by1 < -cap || bx0 > W + cap || by0 > H + cap) continue;
    fields.push(f);
    const ring = f.ring;
    const ix0 = Math.max(0, Math.floor(bx0 - cap)), ix1 = Math.min(W - 1, Math.ceil(bx1 + cap));
    const iy0 = Math.max(0, Math.floor(by0 - cap)), iy1 = Math.min(H - 1, Math.ceil(by1 + cap));
    const n = ring.length >> 1;
    for (let y = iy0; y <= iy1; y++) {
      for (let x = ix0; x <= ix1; x++) {
        const cx = x + 0.5, cy = y + 0.5, o = y * W + x;
        if (insideRing(cx, cy, ring)) fieldId[o] = f.idx + 1;
        let d = bdist[o]!;
        for (let i = 0, j = n - 1; i < n; j = i++) {
          const dd = distSeg(cx, cy, ring[2 * j]!, ring[2 * j + 1]!, ring[2 * i]!, ring[2 * i + 1]!);
          if (dd < d) d = dd;
        }
        bdist[o] = d;
      }
    }
  }
  for (let i = 0; i < bdist.length; i++) if (!(bdist[i]! <= cap) && fieldId[i] === 0) bdist[i] = cap;
  return { fieldId, bdist, fields };
}

/** Boundary target of a pixel at distance d (px) from the true boundary. */
export function boundaryTarget(d: number): number {
  return Math.exp((-d * d) / (2 * 0.75 * 0.75));
}

export interface Samples {
  X: Float32Array;
  Y: Float32Array;
  count: number;
}

/** Seeded samples of one window: near-boundary pixels and others, valid pixels only. */
export function windowSamples(win: SceneWindow, truth: WindowTruth, pre: Preprocessed, bank: BankSpec, perWindow: number, rng: Rng): Samples {
  const N = win.width * win.height;
  const near: number[] = [], far: number[] = [];
  for (let i = 0; i < N; i++) {
    if (!pre.valid[i]) continue;
    (truth.bdist[i]! < 2 ? near : far).push(i);
  }
  const take = (pool: number[], k: number): number[] => {
    const out: number[] = [];
    const n = Math.min(k, pool.length);
    for (let j = 0; j < n; j++) {
      const r = j + rng.int(pool.length - j);
      const t = pool[j]!; pool[j] = pool[r]!; pool[r] = t;
      out.push(pool[j]!);
    }
    return out;
  };
  const picked = [...take(near, Math.round(perWindow * 0.4)), ...take(far, Math.round(perWindow * 0.6))].sort((a, b) => a - b);
  const pick = Int32Array.from(picked);
  const X = computeFeatures(pre.input, win.width, win.height, bank, pick);
  const Y = new Float32Array(pick.length * 2);
  for (let p = 0; p < pick.length; p++) {
    const i = pick[p]!;
    Y[2 * p] = boundaryTarget(truth.bdist[i]!);
    Y[2 * p + 1] = truth.fieldId[i]! > 0 ? 1 : 0;
  }
  if (X.length !== pick.length * featureCount(bank)) throw new Error('feature count mismatch');
  return { X, Y, count: pick.length };
}

export function preprocessWindow(win: SceneWindow): Preprocessed {
  return preprocess(win.bands, win.width, win.height, { nodata: 0, cloud: win.cloud, reflectanceScale: 1e-4 });
}

/** Ground size (m) of one pixel of a scene at its centre, as the host measures it. */
export function groundPixelM(spec: SceneSpec): number {
  const g = new SceneGrid(spec);
  const cx = spec.width / 2, cy = spec.height / 2;
  const hav = (a: [number, number], b: [number, number]) => {
    const R = 6371008.8, d = Math.PI / 180;
    const dl = (b[1] - a[1]) * d, dn = (b[0] - a[0]) * d;
    const h = Math.sin(dl / 2) ** 2 + Math.cos(a[1] * d) * Math.cos(b[1] * d) * Math.sin(dn / 2) ** 2;
    return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
  };
  const c = g.pixelToLonLat(cx, cy) as [number, number];
  return (hav(c, g.pixelToLonLat(cx + 1, cy) as [number, number]) + hav(c, g.pixelToLonLat(cx, cy + 1) as [number, number])) / 2;
}

/**
 * A scene as the host sees it under model.json `window.resample`: coarser than `aboveM`, on a grid
 * of `toM` pixels (same origin; bands bilinear with 0 = no data, UDM2 nearest); else unchanged.
 */
export function resampleScene(spec: SceneSpec, r: RenderedScene, resample?: { aboveM: number; toM: number }): { spec: SceneSpec; r: RenderedScene; scale: number } {
  const m = resample ? groundPixelM(spec) : 0;
  if (!resample || !(m > resample.aboveM)) return { spec, r, scale: 1 };
  const scale = m / resample.toM;
  const W = Math.floor(spec.width * scale), H = Math.floor(spec.height * scale);
  const ax = resampleAxis(W, 0, 0, spec.width, scale), ay = resampleAxis(H, 0, 0, spec.height, scale);
  const bands = r.bands.map((b) => Uint16Array.from(bilinear(b, spec.width, ax, ay, 0), (v) => Math.round(v)));
  const udm = r.udm.map((b) => nearest(b, spec.width, ax, ay));
  return { spec: { ...spec, width: W, height: H, pixelSize: spec.pixelSize / scale }, r: { ...r, bands, udm, valid: r.valid ? nearest(r.valid, spec.width, ax, ay) : null }, scale };
}
