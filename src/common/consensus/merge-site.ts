/**
 * Consensus of several labellers' maps of one Class 4 site, with its risk (DOMAIN.md 3).
 *
 * 1. Each labeller's field union is rasterised on the cell's lon/lat grid (label-raster.ts):
 *    L = 1 in field-group polygons, 0.5 in unsure polygons, 0 elsewhere.
 * 2. C(x), the consensus probability of field, by one of:
 *    - 'bayes': the lab's weighted merge (bayes.ts) with w = Q * fieldSkill or Q * noFieldSkill;
 *    - 'staple': EM (staple.ts) over the region of interest = pixels some labeller marks
 *      (field or unsure), dilated by `marginPx` (Euclidean, exact EDT), in the cell; outside it
 *      C = 0. Labellers with Class 1 history (fieldSkill and noFieldSkill) get Beta priors;
 *      the others plain STAPLE, clamped to [0.01, 0.99] (said in `notes`); the priors are
 *      stapleFieldSkill / stapleNoFieldSkill when given (skills measured inside the region of
 *      interest, roi-skill.ts), else fieldSkill / noFieldSkill;
 *    - 'majority': the unweighted mean of L.
 * 3. D = C > 0.5, r = min(C, 1 - C), entropy H(C), and the site's mean risk / risky fraction
 *    (risk.ts); D vectorised to lon/lat polygons with shared borders (vectorize.ts).
 * Missing weights never give NaN: a labeller without Q / fieldSkill / noFieldSkill takes the
 * mean of the labellers that have it (1 when none has), and `notes` says so.
 * Grids are row-major, north-up, EPSG:4326; geoTransform is GDAL's
 * [minLon, pixel width, 0, maxLat, 0, -pixel height]; pixels outside the cell polygon are 0.
 */
import type { BBox, Polygon } from '../geo/geojson';
import { edtSquared } from '../raster/edt';
import { geoTransformOf, type GeoTransform } from '../raster/grid';
import { DEFAULT_CATEGORIES, emptyRepairStats, type Category, type Feature, type RepairStats } from '../quality/types';
import { bayesMerge, majorityMerge } from './bayes';
import { cellGrid, rasterizeLabeller, type Classify } from './label-raster';
import { DEFAULT_RISK_THRESHOLD, RISK_THRESHOLD_CAVEAT, riskGrids } from './risk';
import { staple, type StaplePrior } from './staple';
import { vectorizeLabels } from './vectorize';

export interface LabellerInput {
  id: string;
  features: readonly Feature[];
  /** mean Class 1 score */
  q?: number;
  fieldSkill?: number;
  noFieldSkill?: number;
  /**
   * STAPLE's priors when given (both): the skills measured inside STAPLE's region of interest
   * (roi-skill.ts); otherwise STAPLE uses fieldSkill / noFieldSkill.
   */
  stapleFieldSkill?: number;
  stapleNoFieldSkill?: number;
}

export type MergeMethod = 'bayes' | 'staple' | 'majority';

export interface MergeSiteInput {
  labellers: readonly LabellerInput[];
  cell: Polygon;
  /** grid side in pixels (default 200) */
  pixels?: number;
  method: MergeMethod;
  riskThreshold?: number;
  categories?: readonly Category[];
  /** categories that count 0.5 (default ['unsure']) */
  unsureCategories?: readonly string[];
  staple?: { marginPx?: number; priorStrength?: number; clamp?: readonly [number, number]; maxIterations?: number };
  /** Douglas-Peucker tolerance of the consensus polygons, in pixels (default 0.5) */
  simplifyTolerancePx?: number;
}

export interface ConsensusGrid {
  width: number;
  height: number;
  bbox: BBox;
  crs: 'EPSG:4326';
  geoTransform: GeoTransform;
  mask: Uint8Array;
  consensus: Uint8Array;
  probability: Float32Array;
  risk: Float32Array;
  entropy: Float32Array;
}

export interface MergeSiteResult {
  consensus: Polygon[];
  grid: ConsensusGrid;
  meanRisk: number;
  riskyFraction: number;
  meanEntropy: number;
  riskThreshold: number;
  iterations?: number;
  converged?: boolean;
  sensitivity?: number[];
  specificity?: number[];
  /** the weights / priors actually used, per labeller (input order) */
  labellers: { id: string; q: number; fieldSkill: number; noFieldSkill: number; history: boolean }[];
  repair: RepairStats;
  notes: string[];
}

const finite01 = (v: number | undefined): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : undefined);

function meanOf(values: (number | undefined)[]): number {
  const given = values.filter((v): v is number => v !== undefined);
  return given.length > 0 ? given.reduce((a, b) => a + b, 0) / given.length : 1;
}

export function mergeSite(input: MergeSiteInput): MergeSiteResult {
  const grid = cellGrid(input.cell, input.pixels ?? 200);
  const n = grid.width * grid.height;
  const threshold = input.riskThreshold ?? DEFAULT_RISK_THRESHOLD;
  const notes: string[] = [];
  const cats = input.categories ?? DEFAULT_CATEGORIES;
  const field = new Set(cats.filter((c) => c.group === 'field').map((c) => c.id));
  const unsure = new Set(input.unsureCategories ?? ['unsure']);
  const classify: Classify = (c) => (unsure.has(c) ? 1 : field.has(c) ? 2 : 0);
  const repair = emptyRepairStats();
  const labellers = input.labellers ?? [];
  const layers = labellers.map((l) => rasterizeLabeller(l.features ?? [], grid, classify, repair));
  const m = layers.length;

  // Weights: missing values take the mean of the given ones (1 when none is given).
  const qs = labellers.map((l) => finite01(l.q));
  const fss = labellers.map((l) => finite01(l.fieldSkill));
  const nfss = labellers.map((l) => finite01(l.noFieldSkill));
  const [qMean, fsMean, nfsMean] = [meanOf(qs), meanOf(fss), meanOf(nfss)];
  const used = labellers.map((l, i) => ({
    id: l.id,
    q: qs[i] ?? qMean,
    fieldSkill: fss[i] ?? fsMean,
    noFieldSkill: nfss[i] ?? nfsMean,
    history: fss[i] !== undefined && nfss[i] !== undefined,
  }));

  let C: Float64Array;
  let extra: Pick<MergeSiteResult, 'iterations' | 'converged' | 'sensitivity' | 'specificity'> = {};
  if (m === 0) {
    notes.push('no labellers: empty consensus');
    C = new Float64Array(n);
  } else if (input.method === 'bayes') {
    labellers.forEach((l, i) => {
      const missing = [qs[i] === undefined ? 'Q' : '', fss[i] === undefined ? 'fieldSkill' : '', nfss[i] === undefined ? 'noFieldSkill' : ''].filter(Boolean);
      if (missing.length > 0) notes.push(`labeller ${l.id} has no ${missing.join('/')}: Bayes weight uses the site mean (${used[i]!.q.toFixed(3)}, ${used[i]!.fieldSkill.toFixed(3)}, ${used[i]!.noFieldSkill.toFixed(3)})`);
    });
    C = bayesMerge(layers, used, n);
  } else if (input.method === 'staple') {
    const opts = input.staple ?? {};
    const margin = opts.marginPx ?? 5;
    const any = new Uint8Array(n);
    for (const L of layers) for (let k = 0; k < n; k++) if (L[k]) any[k] = 1;
    const d2 = edtSquared(any, grid.width, grid.height);
    const roi = new Uint8Array(n);
    let roiCount = 0;
    for (let k = 0; k < n; k++) if (grid.mask[k] && d2[k]! <= margin * margin) (roi[k] = 1), roiCount++;
    if (roiCount === 0) notes.push('no labeller mapped a field: STAPLE has nothing to estimate');
    const priors: (StaplePrior | null)[] = used.map((u, i) => {
      const sp = finite01(labellers[i]!.stapleFieldSkill);
      const sq = finite01(labellers[i]!.stapleNoFieldSkill);
      if (sp !== undefined && sq !== undefined) return { fieldSkill: sp, noFieldSkill: sq };
      if (u.history) return { fieldSkill: u.fieldSkill, noFieldSkill: u.noFieldSkill };
      notes.push(`labeller ${labellers[i]!.id} has no Class 1 history (fieldSkill and noFieldSkill): plain STAPLE for this rater`);
      return null;
    });
    const clamp = opts.clamp ?? [0.01, 0.99];
    const s = staple(layers, n, roi, { priors, clamp, ...(opts.priorStrength !== undefined ? { priorStrength: opts.priorStrength } : {}), ...(opts.maxIterations !== undefined ? { maxIterations: opts.maxIterations } : {}) }, true);
    C = s.W;
    extra = { iterations: s.iterations, converged: s.converged, sensitivity: s.sensitivity, specificity: s.specificity };
    if (!s.converged) notes.push(`STAPLE stopped after ${s.iterations} iterations without converging`);
  } else if (input.method === 'majority') {
    C = majorityMerge(layers, n);
  } else {
    throw new RangeError(`method must be bayes, staple or majority (got ${String(input.method)})`);
  }
  if (m === 1) notes.push('one labeller: the consensus is that map; risk is 0 except on unsure pixels');
  const equalWeights = input.method === 'majority' || (input.method === 'bayes' && used.every((u) => u.q === used[0]!.q && u.fieldSkill === used[0]!.fieldSkill && u.noFieldSkill === used[0]!.noFieldSkill));
  if (equalWeights && m >= 2 && Math.floor(m / 2) / m <= threshold) notes.push(RISK_THRESHOLD_CAVEAT);

  const rg = riskGrids(C, grid.mask, threshold);
  const consensus: Polygon[] = vectorizeLabels(rg.consensus, grid.width, grid.height, {
    tolerance: input.simplifyTolerancePx ?? 0.5,
    toWorld: (x, y) => [grid.originX + x * grid.pixelX, grid.originY - y * grid.pixelY],
  }).map((r) => ({ type: 'Polygon', coordinates: r.rings }));
  if (repair.dropped + repair.unioned + repair.failed > 0) {
    notes.push(`repaired input: ${repair.unioned} polygons rebuilt, ${repair.dropped} dropped, ${repair.failed} not repairable`);
  }
  return {
    consensus,
    grid: {
      width: grid.width,
      height: grid.height,
      bbox: grid.bbox,
      crs: 'EPSG:4326',
      geoTransform: geoTransformOf(grid),
      mask: grid.mask,
      consensus: rg.consensus,
      probability: Float32Array.from(C),
      risk: rg.risk,
      entropy: rg.entropy,
    },
    meanRisk: rg.meanRisk,
    riskyFraction: rg.riskyFraction,
    meanEntropy: rg.meanEntropy,
    riskThreshold: threshold,
    ...extra,
    labellers: used,
    repair,
    notes,
  };
}
