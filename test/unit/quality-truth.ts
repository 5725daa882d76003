/**
 * Known truth of the demo campaign for the quality validation tests: the simulated labellers'
 * true expected score (from their profiles, on the demo's own world), the true fields near a
 * cell, STAPLE's region of interest, rank correlations.
 */
import { bboxOf, type AreaGeometry, type BBox, type Polygon } from '../../src/common/geo/geojson';
import { type CellGrid } from '../../src/common/consensus';
import { edtSquared } from '../../src/common/raster/edt';
import { DEFAULT_CATEGORIES, scoreAssignment, type Feature } from '../../src/common/quality';
import { referenceLabels, toPolygon } from '../../src/node/demo/assignments';
import { buildLayout } from '../../src/node/demo/fields';
import { quadExtent } from '../../src/node/demo/generate-demo';
import { mercInverse } from '../../src/node/demo/geo';
import { simulateLabels } from '../../src/node/demo/labellers';
import { Rng } from '../../src/node/demo/rng';
import { siteCandidates } from '../../src/node/demo/sites';
import type { DemoLabellerProfile } from '../../src/node/demo/types';
import type { Db } from '../../src/node/store/database';

const rectPolygon = (b: readonly number[]): Polygon => ({
  type: 'Polygon',
  coordinates: [[[b[0]!, b[1]!], [b[2]!, b[1]!], [b[2]!, b[3]!], [b[0]!, b[3]!], [b[0]!, b[1]!]]],
});

/**
 * Each profile's true expected score: the profile simulated by the demo's own labeller model on
 * every reference-like cell of the demo world (cells over 15% fields, as Class 1 sites are
 * picked), `reps` times, scored against the true fields.
 */
export function trueExpectedScores(seed: number, profiles: Map<string, DemoLabellerProfile>, reps = 1, quadSize = 2048): Map<string, { mean: number; n: number }> {
  const world = buildLayout(seed, quadExtent(seed, quadSize));
  const [a, b] = mercInverse(world.extent[0], world.extent[1]);
  const [c, d] = mercInverse(world.extent[2], world.extent[3]);
  const cands = siteCandidates(world, [a, b, c, d]).filter((x) => x.fieldFrac > 0.15);
  const out = new Map<string, { mean: number; n: number }>();
  let k = 0;
  for (const [id, profile] of profiles) {
    const rng = new Rng(9001 + k++);
    let sum = 0;
    let n = 0;
    for (const cand of cands) {
      const reference: Feature[] = referenceLabels(world, cand.fieldIdx).map((l) => ({ geometry: l.polygon as AreaGeometry, category: l.category }));
      for (let r = 0; r < reps; r++) {
        const labels: Feature[] = simulateLabels(world, cand.fieldIdx, cand.rect, profile, rng).map((p) => ({ geometry: toPolygon(p.ring) as AreaGeometry, category: p.category }));
        sum += scoreAssignment({ reference, labels, cell: rectPolygon(cand.cell), categories: DEFAULT_CATEGORIES }).score;
        n++;
      }
    }
    out.set(id, { mean: sum / n, n });
  }
  return out;
}

export interface TruthIndex {
  features: { f: Feature; bbox: BBox }[];
}

export function truthIndex(db: Db): TruthIndex {
  const rows = db.prepare('SELECT crop, geometry FROM truth_fields').all() as { crop: string; geometry: string }[];
  return {
    features: rows.map((r) => {
      const geometry = JSON.parse(r.geometry) as AreaGeometry;
      return { f: { geometry, category: r.crop === 'fallow' ? 'fallow' : 'annualcropland' }, bbox: bboxOf(geometry) };
    }),
  };
}

export function truthNear(index: TruthIndex, b: BBox): Feature[] {
  return index.features.filter((x) => x.bbox[0] <= b[2] && x.bbox[2] >= b[0] && x.bbox[1] <= b[3] && x.bbox[3] >= b[1]).map((x) => x.f);
}

/** STAPLE's region of interest as merge-site.ts builds it: any mark, dilated by margin px, in the cell. */
export function stapleRoi(layers: readonly Uint8Array[], grid: CellGrid, marginPx = 5): Uint8Array {
  const n = grid.width * grid.height;
  const any = new Uint8Array(n);
  for (const L of layers) for (let k = 0; k < n; k++) if (L[k]) any[k] = 1;
  const d2 = edtSquared(any, grid.width, grid.height);
  const roi = new Uint8Array(n);
  for (let k = 0; k < n; k++) if (grid.mask[k] && d2[k]! <= marginPx * marginPx) roi[k] = 1;
  return roi;
}

function ranks(v: readonly number[]): number[] {
  const idx = v.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(v.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1]![0] === idx[i]![0]) j++;
    for (let k = i; k <= j; k++) r[idx[k]![1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

export function spearman(a: readonly number[], b: readonly number[]): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const n = a.length;
  const ma = ra.reduce((s, x) => s + x, 0) / n;
  const mb = rb.reduce((s, x) => s + x, 0) / n;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    num += (ra[i]! - ma) * (rb[i]! - mb);
    da += (ra[i]! - ma) ** 2;
    db += (rb[i]! - mb) ** 2;
  }
  return num / Math.sqrt(da * db);
}

export function kendallTau(a: readonly number[], b: readonly number[]): number {
  let c = 0;
  let d = 0;
  for (let i = 0; i < a.length; i++)
    for (let j = i + 1; j < a.length; j++) {
      const s = Math.sign(a[i]! - a[j]!) * Math.sign(b[i]! - b[j]!);
      if (s > 0) c++;
      else if (s < 0) d++;
    }
  return (c - d) / ((a.length * (a.length - 1)) / 2);
}
