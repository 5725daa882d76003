/**
 * Assignment score of one labeller map against the reference map of one site (DOMAIN.md 2).
 *
 * Pipeline: project both maps and the cell to a local Lambert azimuthal equal-area plane
 * (metres) centred on the cell; keep field-group polygons; repair them; rasterise each map once
 * into an instance-id grid (pixel-centre sampling, `pixelM` pixels over the union extent); one
 * pass builds the contingency table (contingency.ts), from which every area and object term
 * follows; boundary terms come from an exact EDT (boundary.ts); the DOMAIN edge score is exact
 * vector geometry (edge.ts). R = union of reference fields, U = union of labeller fields,
 * A = the cell; |.| are pixel counts times pixel area (ratios of counts on one grid, so a
 * perfect match scores exactly 1).
 *
 *   area          = (tp + tn) / (tp + tn + fp + fn),  tp = |R n U n A|, fp = |U n A - R|,
 *                   fn = |R n A - U|, tn = |A - R - U|
 *   fieldSkill    = tp / (tp + fn),   noFieldSkill = tn / (tn + fp)   (1 when 0/0)
 *   iou           = tp / (tp + fp + fn),  f1 = 2tp / (2tp + fp + fn)   (in the cell; 1 when 0/0)
 *   fragmentation = #{r : exists u, |r n u| > |r|/2 and |r n u| > |u|/2} / #r   (whole maps)
 *   edge          = mean over matched (r, u) of len(du within tol of dr) / len(du)
 *   legacyEdge    = mean over matched (r, u) of |ring(dr, tol) n ring(du, 0.1)| / |ring(dr, tol)|
 *   categorical   = sum_c |R_c n U_c| / |R n U|   (whole maps, as the lab's code)
 *   score         = (w_a area + w_f fragmentation + w_e edge + w_c categorical) / (w_a + w_f + w_e + w_c)
 *   object P/R/F1 : a pair matches when IoU(r, u) = |r n u| / (|r| + |u| - |r n u|) > 0.5 (at most
 *                   one partner each); P = matches / #u, R = matches / #r, F1 = 2PR / (P + R)
 *   over/under segmentation: mean over reference fields O of 1 - |O n S|/|O| and 1 - |O n S|/|S|,
 *                   S = the labeller polygon with the largest overlap (no overlap: 1 and 1)
 *   boundaryF, meanBoundaryDistance, p95BoundaryDistance: boundary.ts
 *   byCategory[c] = { |R_c|, |U_c|, |R_c n U_c| } in m^2 over the whole maps (per-category breakdowns)
 * Cases: neither map has a field polygon -> every component 1 (errors 0); exactly one has ->
 * fragmentation, edge, legacyEdge, categorical = 0, the rest computed as usual.
 */
import type { AssignmentScores } from '../api/contract';
import type { Polygon } from '../geo/geojson';
import type { GridSpec } from '../raster/grid';
import { rasterizeRings, rowExtents } from '../raster/rasterize';
import { boundaryStats } from './boundary';
import { buildContingency } from './contingency';
import { lengthWithin } from './edge';
import { prepareInstances, type Instance } from './instances';
import { legacyEdgePair } from './legacy-edge';
import { ringsBBox } from './planar';
import { laea } from './project';
import { repairPolygon } from './repair';
import { DEFAULT_WEIGHTS, emptyRepairStats, type Category, type Feature, type RepairStats, type ScoreWeights } from './types';

export interface ScoreInput {
  reference: readonly Feature[];
  labels: readonly Feature[];
  /** the site cell (EPSG:4326) */
  cell: Polygon;
  categories: readonly Category[];
  weights?: ScoreWeights;
  /** edge / boundary tolerance in metres (default 9 = 3 Planet pixels) */
  edgeToleranceM?: number;
  /** raster pixel size in metres (default 1.5) */
  pixelM?: number;
  /** the raster covers at most the cell grown by this on every side (default: one cell width) */
  maxMarginM?: number;
}

/** The DOMAIN.md metrics (the `compare` keys, defined once in the API contract) plus diagnostics. */
export interface ScoreResult extends AssignmentScores {
  /** field polygons after repair */
  nReference: number;
  nLabels: number;
  /** reference polygons matched by the fragmentation rule */
  matched: number;
  /** pairs with IoU > 0.5 */
  objectMatches: number;
  /** in-cell confusion areas, m^2 (pool these across sites for campaign-level skills) */
  areas: { tp: number; fp: number; fn: number; tn: number };
  /** per field-group category, whole maps, m^2: reference area, labeller area, their overlap with the same category */
  byCategory: Record<string, { reference: number; labels: number; agree: number }>;
  pixelM: number;
  repair: { reference: RepairStats; labels: RepairStats };
}

export const DEFAULT_EDGE_TOLERANCE_M = 9;
export const DEFAULT_PIXEL_M = 1.5;
const MAX_PIXELS = 4_000_000;

const ratio = (num: number, den: number, empty: number): number => (den > 0 ? num / den : empty);

let refGrid = new Int32Array(0);
let labGrid = new Int32Array(0);

export function scoreAssignment(input: ScoreInput): ScoreResult {
  const tol = input.edgeToleranceM ?? DEFAULT_EDGE_TOLERANCE_M;
  const w = input.weights ?? DEFAULT_WEIGHTS;
  if (!(tol > 0)) throw new RangeError(`edgeToleranceM must be > 0 (got ${tol})`);
  const cellCoords = input.cell?.coordinates;
  if (!Array.isArray(cellCoords) || !Array.isArray(cellCoords[0])) throw new RangeError('cell: not a polygon');
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (const p of cellCoords[0]) {
    if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) continue;
    minLon = Math.min(minLon, p[0]);
    maxLon = Math.max(maxLon, p[0]);
    minLat = Math.min(minLat, p[1]);
    maxLat = Math.max(maxLat, p[1]);
  }
  const proj = laea((minLon + maxLon) / 2, (minLat + maxLat) / 2);
  const repairOpts = { epsLength: 1e-6, epsArea: 1e-4 };
  const cellRings = Number.isFinite(minLon) ? repairPolygon(cellCoords, proj.project, repairOpts, emptyRepairStats()) : null;
  if (!cellRings) throw new RangeError('cell: polygon has no area');

  const fieldIds = new Set(input.categories.filter((c) => c.group === 'field').map((c) => c.id));
  const keep = (c: string): boolean => fieldIds.has(c);
  const refStats = emptyRepairStats();
  const labStats = emptyRepairStats();
  const ref = prepareInstances(input.reference, keep, proj.project, repairOpts, refStats);
  const lab = prepareInstances(input.labels, keep, proj.project, repairOpts, labStats);
  const nR = ref.length;
  const nU = lab.length;
  const hasRef = nR > 0;
  const hasLab = nU > 0;

  // Raster over the union extent, clipped to the cell grown by the margin.
  const cb = ringsBBox(cellRings);
  const margin = input.maxMarginM ?? Math.max(cb.maxX - cb.minX, cb.maxY - cb.minY);
  const ext = { ...cb };
  for (const inst of [...ref, ...lab]) {
    ext.minX = Math.min(ext.minX, Math.max(inst.bbox.minX, cb.minX - margin));
    ext.minY = Math.min(ext.minY, Math.max(inst.bbox.minY, cb.minY - margin));
    ext.maxX = Math.max(ext.maxX, Math.min(inst.bbox.maxX, cb.maxX + margin));
    ext.maxY = Math.max(ext.maxY, Math.min(inst.bbox.maxY, cb.maxY + margin));
  }
  let pixel = input.pixelM ?? DEFAULT_PIXEL_M;
  if (!(pixel > 0)) throw new RangeError(`pixelM must be > 0 (got ${pixel})`);
  const spanX = ext.maxX - ext.minX;
  const spanY = ext.maxY - ext.minY;
  if ((spanX / pixel + 2) * (spanY / pixel + 2) > MAX_PIXELS) pixel = Math.sqrt((spanX * spanY) / MAX_PIXELS) * 1.01;
  // Grid snapped to multiples of the pixel size in the projected plane (origin = cell centre),
  // with one pixel of background around the extent.
  const originX = (Math.floor(ext.minX / pixel) - 1) * pixel;
  const originY = (Math.ceil(ext.maxY / pixel) + 1) * pixel;
  const width = Math.ceil((ext.maxX - originX) / pixel) + 1;
  const height = Math.ceil((originY - ext.minY) / pixel) + 1;
  const grid: GridSpec = { originX, originY, pixelX: pixel, pixelY: pixel, width, height };
  const n = width * height;
  if (refGrid.length < n) {
    refGrid = new Int32Array(n);
    labGrid = new Int32Array(n);
  }
  const R = refGrid.subarray(0, n);
  const U = labGrid.subarray(0, n);
  R.fill(0);
  U.fill(0);
  // Paint, recording per row the columns [lo, hi) that hold any instance.
  const occupied = { lo: new Int32Array(height).fill(width), hi: new Int32Array(height) };
  const paint = (target: Int32Array, inst: Instance): void =>
    rasterizeRings(inst.rings, grid, (row, start, end) => {
      target.fill(inst.id, row * width + start, row * width + end);
      if (start < occupied.lo[row]!) occupied.lo[row] = start;
      if (end > occupied.hi[row]!) occupied.hi[row] = end;
    });
  for (const r of ref) paint(R, r);
  for (const u of lab) paint(U, u);
  for (let j = 0; j < height; j++) if (occupied.hi[j]! <= occupied.lo[j]!) occupied.lo[j] = occupied.hi[j] = 0;
  const cellRows = rowExtents(grid, cellRings);
  const ct = buildContingency(R, U, width, height, nR, nU, cellRows.start, cellRows.end, occupied);

  // In-cell confusion.
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  ct.cell.forEach((a, b, c) => {
    if (a > 0 && b > 0) tp += c;
    else if (b > 0) fp += c;
    else if (a > 0) fn += c;
    else tn += c;
  });
  const area = ratio(tp + tn, tp + tn + fp + fn, 1);

  // Object terms over the whole maps.
  const best = new Float64Array(nR + 1);
  const bestU = new Int32Array(nR + 1);
  const fragPartner = new Int32Array(nR + 1);
  let objectMatches = 0;
  const byCategory: ScoreResult['byCategory'] = {};
  const cat = (c: string): { reference: number; labels: number; agree: number } => (byCategory[c] ??= { reference: 0, labels: 0, agree: 0 });
  let catSame = 0;
  let catAll = 0;
  ct.all.forEach((a, b, c) => {
    if (a === 0 || b === 0) return;
    const ra = ct.refCount[a]!;
    const ub = ct.labCount[b]!;
    if (c > 0.5 * ra && c > 0.5 * ub) fragPartner[a] = b;
    if (c / (ra + ub - c) > 0.5) objectMatches++;
    if (c > best[a]!) {
      best[a] = c;
      bestU[a] = b;
    }
    catAll += c;
    const rc = ref[a - 1]!.category;
    if (rc === lab[b - 1]!.category) {
      catSame += c;
      cat(rc).agree += c;
    }
  });
  for (let a = 1; a <= nR; a++) cat(ref[a - 1]!.category).reference += ct.refCount[a]!;
  for (let b = 1; b <= nU; b++) cat(lab[b - 1]!.category).labels += ct.labCount[b]!;
  let over = 0;
  let under = 0;
  let counted = 0;
  const pairs: [Instance, Instance][] = [];
  for (let a = 1; a <= nR; a++) {
    if (fragPartner[a]! > 0) pairs.push([ref[a - 1]!, lab[fragPartner[a]! - 1]!]);
    const ra = ct.refCount[a]!;
    if (ra === 0) continue;
    counted++;
    if (bestU[a]! > 0) {
      over += 1 - best[a]! / ra;
      under += 1 - best[a]! / ct.labCount[bestU[a]!]!;
    } else {
      over += 1;
      under += 1;
    }
  }
  const segEmpty = hasRef === hasLab ? 0 : 1;
  let edgeSum = 0;
  let legacySum = 0;
  for (const [r, u] of pairs) {
    const lw = lengthWithin(u.rings, r.rings, tol);
    edgeSum += ratio(lw.within, lw.total, 0);
    legacySum += legacyEdgePair(u.rings, r.rings, tol, lw.within, lw.total);
  }
  const both = hasRef && hasLab;
  const neither = !hasRef && !hasLab;
  const fragmentation = neither ? 1 : both ? pairs.length / nR : 0;
  const edge = neither ? 1 : both && pairs.length > 0 ? edgeSum / pairs.length : 0;
  const legacyEdge = neither ? 1 : both && pairs.length > 0 ? legacySum / pairs.length : 0;
  const categorical = neither ? 1 : both ? ratio(catSame, catAll, 0) : 0;
  const wSum = w.area + w.fragmentation + w.edge + w.categorical;
  const score = ratio(w.area * area + w.fragmentation * fragmentation + w.edge * edge + w.categorical * categorical, wSum, 0);
  const objectPrecision = ratio(objectMatches, nU, 1);
  const objectRecall = ratio(objectMatches, nR, 1);
  const b = boundaryStats(R, U, width, height, pixel, tol, occupied);
  const pa = pixel * pixel;
  for (const v of Object.values(byCategory)) (v.reference *= pa), (v.labels *= pa), (v.agree *= pa);
  return {
    area,
    fragmentation,
    edge,
    legacyEdge,
    categorical,
    score,
    iou: ratio(tp, tp + fp + fn, 1),
    f1: ratio(2 * tp, 2 * tp + fp + fn, 1),
    objectPrecision,
    objectRecall,
    objectF1: ratio(2 * objectPrecision * objectRecall, objectPrecision + objectRecall, 0),
    boundaryF: b.f,
    meanBoundaryDistance: b.mean,
    p95BoundaryDistance: b.p95,
    overSegmentation: counted > 0 ? over / counted : segEmpty,
    underSegmentation: counted > 0 ? under / counted : segEmpty,
    fieldSkill: ratio(tp, tp + fn, 1),
    noFieldSkill: ratio(tn, tn + fp, 1),
    nReference: nR,
    nLabels: nU,
    matched: pairs.length,
    objectMatches,
    areas: { tp: tp * pa, fp: fp * pa, fn: fn * pa, tn: tn * pa },
    byCategory,
    pixelM: pixel,
    repair: { reference: refStats, labels: labStats },
  };
}
