/**
 * What quality scoring and consensus read from and write to the campaign database: the
 * campaign's categories and weights, reference and labeller maps, stored score rows, and the
 * guard that keeps NaN out of every row (a non-finite number is a bug: it fails loudly).
 */
import type { AssignmentScores, Category } from '../../common/api/contract';
import { ApiError } from '../../common/api/errors';
import type { AreaGeometry } from '../../common/geo/geojson';
import type { RoiConfusion } from '../../common/consensus';
import type { Feature, ScoreResult, ScoreWeights } from '../../common/quality';
import { DEFAULT_SETTINGS, currentCampaign, type CampaignSettings } from '../store/campaign.repo';
import type { Db } from '../store/database';

/** The campaign's settings, with defaults for anything an older database lacks. */
export function campaignSettings(db: Db): CampaignSettings & { campaignId: string } {
  const c = currentCampaign(db);
  if (!c) throw new ApiError('NOT_FOUND', 'this database holds no campaign yet (create one, or run `fieldmark demo`)');
  const s = { ...DEFAULT_SETTINGS, ...c.settings };
  const w = s.weights ?? DEFAULT_SETTINGS.weights;
  const weights: ScoreWeights = {
    area: num(w.area, DEFAULT_SETTINGS.weights.area),
    fragmentation: num(w.fragmentation, DEFAULT_SETTINGS.weights.fragmentation),
    edge: num(w.edge, DEFAULT_SETTINGS.weights.edge),
    categorical: num(w.categorical, DEFAULT_SETTINGS.weights.categorical),
  };
  if (weights.area + weights.fragmentation + weights.edge + weights.categorical <= 0) {
    throw new ApiError('BAD_INPUT', `campaign ${c.id}: score weights sum to 0`);
  }
  const categories: Category[] = Array.isArray(s.categories) && s.categories.length > 0 ? s.categories : DEFAULT_SETTINGS.categories;
  return { ...s, weights, categories, campaignId: c.id };
}

const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback);

/** Categories that count 0.5 in a consensus: the campaign's "unsure" ones. */
export function unsureCategories(categories: readonly Category[]): string[] {
  const u = categories.filter((c) => /unsure/i.test(c.id)).map((c) => c.id);
  return u.length > 0 ? u : ['unsure'];
}

function parseGeometry(text: string): AreaGeometry | null {
  try {
    const g = JSON.parse(text) as AreaGeometry;
    return g && (g.type === 'Polygon' || g.type === 'MultiPolygon') && Array.isArray(g.coordinates) ? g : null;
  } catch {
    return null;
  }
}

export function referenceFeatures(db: Db, siteId: string): Feature[] {
  const rows = db.prepare('SELECT category, geometry FROM reference_labels WHERE site_id = ? ORDER BY id').all(siteId) as { category: string; geometry: string }[];
  return toFeatures(rows);
}

export function assignmentFeatures(db: Db, assignmentId: number): Feature[] {
  const rows = db.prepare('SELECT category, geometry FROM labels WHERE assignment_id = ? ORDER BY id').all(assignmentId) as { category: string; geometry: string }[];
  return toFeatures(rows);
}

/** Labels of many assignments in one query, grouped by assignment id. */
export function featuresByAssignment(db: Db, where: string, params: unknown[]): Map<number, Feature[]> {
  const out = new Map<number, Feature[]>();
  const stmt = db.prepare(`SELECT x.assignment_id AS aid, x.category, x.geometry FROM labels x JOIN assignments a ON a.id = x.assignment_id JOIN sites s ON s.id = a.site_id WHERE ${where} ORDER BY x.assignment_id, x.id`);
  for (const r of stmt.iterate(...params) as IterableIterator<{ aid: number; category: string; geometry: string }>) {
    const g = parseGeometry(r.geometry);
    if (!g) continue;
    let list = out.get(r.aid);
    if (!list) out.set(r.aid, (list = []));
    list.push({ geometry: g, category: r.category });
  }
  return out;
}

/** Reference maps of many sites in one query, grouped by site id. */
export function referenceBySite(db: Db, where: string, params: unknown[]): Map<string, Feature[]> {
  const out = new Map<string, Feature[]>();
  const stmt = db.prepare(`SELECT r.site_id AS sid, r.category, r.geometry FROM reference_labels r JOIN sites s ON s.id = r.site_id WHERE ${where} ORDER BY r.site_id, r.id`);
  for (const r of stmt.iterate(...params) as IterableIterator<{ sid: string; category: string; geometry: string }>) {
    const g = parseGeometry(r.geometry);
    if (!g) continue;
    let list = out.get(r.sid);
    if (!list) out.set(r.sid, (list = []));
    list.push({ geometry: g, category: r.category });
  }
  return out;
}

function toFeatures(rows: { category: string; geometry: string }[]): Feature[] {
  const out: Feature[] = [];
  for (const r of rows) {
    const g = parseGeometry(r.geometry);
    if (g) out.push({ geometry: g, category: r.category });
  }
  return out;
}

/** The API's score record of a full result. */
export function toScores(r: ScoreResult | AssignmentScores): AssignmentScores {
  return {
    score: r.score,
    area: r.area,
    fragmentation: r.fragmentation,
    edge: r.edge,
    legacyEdge: r.legacyEdge,
    categorical: r.categorical,
    fieldSkill: r.fieldSkill,
    noFieldSkill: r.noFieldSkill,
    iou: r.iou,
    f1: r.f1,
    objectPrecision: r.objectPrecision,
    objectRecall: r.objectRecall,
    objectF1: r.objectF1,
    boundaryF: r.boundaryF,
    meanBoundaryDistance: r.meanBoundaryDistance,
    p95BoundaryDistance: r.p95BoundaryDistance,
    overSegmentation: r.overSegmentation,
    underSegmentation: r.underSegmentation,
  };
}

/** Throws (an internal error) when any number in the value is NaN or infinite. */
export function assertFinite(value: unknown, what: string, path = ''): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${what}: ${path || 'value'} is ${value} (refusing to store a non-finite number)`);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => assertFinite(v, what, `${path}[${i}]`));
  } else if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    for (const [k, v] of Object.entries(value)) assertFinite(v, what, path ? `${path}.${k}` : k);
  }
}

/** A stored `scores` row. */
export interface ScoreRow {
  assignment_id: number;
  computed_at: string;
  score: number;
  area: number;
  fragmentation: number;
  edge: number;
  legacy_edge: number;
  categorical: number;
  field_skill: number;
  no_field_skill: number;
  metrics: string;
}

/** Metrics JSON of a stored row: the compare output's other numbers plus areas and categories. */
export interface StoredMetrics extends Omit<AssignmentScores, 'score' | 'area' | 'fragmentation' | 'edge' | 'legacyEdge' | 'categorical' | 'fieldSkill' | 'noFieldSkill'> {
  areas: { tp: number; fp: number; fn: number; tn: number };
  byCategory: Record<string, { reference: number; labels: number; agree: number }>;
  nReference: number;
  nLabels: number;
  matched: number;
  objectMatches: number;
  pixelM: number;
  edgeToleranceM: number;
  /** the map against the reference inside STAPLE's region of interest (pixels; roi-skill.ts) */
  stapleRoi?: RoiConfusion;
}

export function metricsOf(r: ScoreResult, edgeToleranceM: number, stapleRoi?: RoiConfusion): StoredMetrics {
  const s = toScores(r);
  return {
    iou: s.iou,
    f1: s.f1,
    objectPrecision: s.objectPrecision,
    objectRecall: s.objectRecall,
    objectF1: s.objectF1,
    boundaryF: s.boundaryF,
    meanBoundaryDistance: s.meanBoundaryDistance,
    p95BoundaryDistance: s.p95BoundaryDistance,
    overSegmentation: s.overSegmentation,
    underSegmentation: s.underSegmentation,
    areas: r.areas,
    byCategory: r.byCategory,
    nReference: r.nReference,
    nLabels: r.nLabels,
    matched: r.matched,
    objectMatches: r.objectMatches,
    pixelM: r.pixelM,
    edgeToleranceM,
    ...(stapleRoi ? { stapleRoi } : {}),
  };
}

export function parseMetrics(text: string): Partial<StoredMetrics> {
  try {
    const m = JSON.parse(text) as Partial<StoredMetrics>;
    return m && typeof m === 'object' ? m : {};
  } catch {
    return {};
  }
}

/** A stored row back to the API's score record. */
export function scoresOfRow(row: ScoreRow): AssignmentScores {
  const m = parseMetrics(row.metrics);
  const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const d = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    score: row.score,
    area: row.area,
    fragmentation: row.fragmentation,
    edge: row.edge,
    legacyEdge: row.legacy_edge,
    categorical: row.categorical,
    fieldSkill: row.field_skill,
    noFieldSkill: row.no_field_skill,
    iou: n(m.iou),
    f1: n(m.f1),
    objectPrecision: n(m.objectPrecision),
    objectRecall: n(m.objectRecall),
    objectF1: n(m.objectF1),
    boundaryF: n(m.boundaryF),
    meanBoundaryDistance: d(m.meanBoundaryDistance),
    p95BoundaryDistance: d(m.p95BoundaryDistance),
    overSegmentation: n(m.overSegmentation),
    underSegmentation: n(m.underSegmentation),
  };
}

/** fieldSkill and noFieldSkill of pooled confusion areas (null when a denominator is 0). */
export function pooledSkills(a: { tp: number; fp: number; fn: number; tn: number }): { fieldSkill: number | null; noFieldSkill: number | null } {
  return {
    fieldSkill: a.tp + a.fn > 0 ? a.tp / (a.tp + a.fn) : null,
    noFieldSkill: a.tn + a.fp > 0 ? a.tn / (a.tn + a.fp) : null,
  };
}
