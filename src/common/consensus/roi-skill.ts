/**
 * A labeller's skills measured the way STAPLE measures them, for its Beta priors (DOMAIN.md 3).
 *
 * STAPLE estimates sensitivity p and specificity q only inside its region of interest: pixels
 * some rater marks (field or unsure) dilated by `marginPx` (merge-site.ts), because all-agree
 * background inflates q. The Class 1 noFieldSkill of DOMAIN.md 2 is measured over the whole
 * cell, so as a prior for q it is inflated the same way (e.g. 0.95 for a labeller whose q in the
 * region of interest is 0.83) and drags STAPLE's q towards it. This measures the Class 1 map
 * against the reference on the consensus grid of the cell (`pixels` a side), inside the region
 * where the reference or the labeller marks something, dilated by `marginPx`:
 *   T(x) = 1 in reference field polygons, else 0;  D(x) = L(x) in {0, 0.5, 1} (unsure = 0.5)
 *   tp = sum T D,  fn = sum T (1 - D),  tn = sum (1 - T)(1 - D),  fp = sum (1 - T) D   (pixels)
 * Pooled over a labeller's history: fieldSkill = sum tp / sum (tp + fn),
 * noFieldSkill = sum tn / sum (tn + fp), the priors merge-site.ts uses as
 * `stapleFieldSkill` / `stapleNoFieldSkill`.
 */
import type { Polygon } from '../geo/geojson';
import { DEFAULT_CATEGORIES, type Category, type Feature } from '../quality/types';
import { cellGrid, rasterizeLabeller, type CellGrid, type Classify } from './label-raster';

export interface RoiConfusion {
  tp: number;
  fn: number;
  tn: number;
  fp: number;
}

export interface RoiSkillOptions {
  pixels?: number;
  marginPx?: number;
  categories?: readonly Category[];
  unsureCategories?: readonly string[];
}

/** The reference side of roiConfusion, rasterised once per site and reused for its labellers. */
export interface RoiReference {
  grid: CellGrid;
  R: Uint8Array;
  classify: Classify;
}

export function roiReference(reference: readonly Feature[], cell: Polygon, opts: RoiSkillOptions = {}): RoiReference {
  const grid = cellGrid(cell, opts.pixels ?? 200);
  const cats = opts.categories ?? DEFAULT_CATEGORIES;
  const field = new Set(cats.filter((c) => c.group === 'field').map((c) => c.id));
  const unsure = new Set(opts.unsureCategories ?? ['unsure']);
  const classify: Classify = (c) => (unsure.has(c) ? 1 : field.has(c) ? 2 : 0);
  return { grid, R: rasterizeLabeller(reference, grid, classify), classify };
}

export function roiConfusion(reference: readonly Feature[] | RoiReference, labels: readonly Feature[], cell: Polygon, opts: RoiSkillOptions = {}): RoiConfusion {
  const ref = Array.isArray(reference) ? roiReference(reference as readonly Feature[], cell, opts) : (reference as RoiReference);
  const { grid, R } = ref;
  const U = rasterizeLabeller(labels, grid, ref.classify);
  const n = grid.width * grid.height;
  const any = new Uint8Array(n);
  for (let k = 0; k < n; k++) if (R[k] || U[k]) any[k] = 1;
  const roi = dilateDisk(any, grid.width, grid.height, opts.marginPx ?? 5);
  const out: RoiConfusion = { tp: 0, fn: 0, tn: 0, fp: 0 };
  for (let k = 0; k < n; k++) {
    if (!grid.mask[k] || !roi[k]) continue;
    const d = U[k]! / 2;
    if (R[k] === 2) {
      out.tp += d;
      out.fn += 1 - d;
    } else {
      out.tn += 1 - d;
      out.fp += d;
    }
  }
  return out;
}

/**
 * Exact Euclidean dilation by a disk: out[x, y] = 1 when some set pixel lies within r pixels
 * (squared distance <= r^2, pixel centres), i.e. edtSquared(mask) <= r^2 without the full
 * transform: per row the horizontal distance h to the nearest set pixel (two scans), then
 * min over |dy| <= r of h[y + dy]^2 + dy^2 for the unset pixels only.
 */
export function dilateDisk(mask: Uint8Array, width: number, height: number, r: number): Uint8Array {
  const n = width * height;
  const out = new Uint8Array(n);
  const h = new Float64Array(n);
  const far = width + r + 1;
  for (let y = 0; y < height; y++) {
    const o = y * width;
    let last = -far;
    for (let x = 0; x < width; x++) {
      if (mask[o + x]) last = x;
      h[o + x] = x - last;
    }
    last = width + far;
    for (let x = width - 1; x >= 0; x--) {
      if (mask[o + x]) last = x;
      if (last - x < h[o + x]!) h[o + x] = last - x;
    }
  }
  const r2 = r * r;
  const ri = Math.floor(r);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const k = y * width + x;
      if (mask[k]) {
        out[k] = 1;
        continue;
      }
      for (let dy = -ri; dy <= ri; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        const hx = h[yy * width + x]!;
        if (hx * hx + dy * dy <= r2) {
          out[k] = 1;
          break;
        }
      }
    }
  }
  return out;
}
