/**
 * The quality and consensus methods of the API (FieldmarkService delegates here), with their
 * data scoping:
 *  - staff (supervisor, admin) read everything;
 *  - a labeller reads only their own history, and their own Class 1 feedback after submitting.
 *    Someone else's assignment and an absent one answer the same NOT_FOUND; their own unsubmitted
 *    assignment answers FORBIDDEN whatever its class (so the answer never tells a labeller that a
 *    task in progress is a quality-control site); their own submitted non-Class-1 work has no
 *    feedback (NOT_FOUND).
 */
import type {
  AssignmentFeedback,
  Caller,
  ConsensusDetail,
  ConsensusMethod,
  LabellerHistory,
  LabellerQuality,
  ListSiteRiskFilter,
  ReferenceCollection,
  SiteRisk,
} from '../../common/api/contract';
import { ApiError } from '../../common/api/errors';
import type { AreaGeometry, Polygon } from '../../common/geo/geojson';
import { isRejected } from '../../common/quality';
import type { Db } from '../store/database';
import { labelsOfSite } from '../store/label.repo';
import { labellerHistory, listLabellerQuality } from './labeller-quality';
import { scoreOneAssignment } from './score-campaign';
import { assignmentFeatures, campaignSettings, referenceFeatures, scoresOfRow, toScores, type ScoreRow } from './store-io';

const isStaff = (c: Caller): boolean => c.role === 'admin' || c.role === 'supervisor';

export function apiListLabellerQuality(db: Db): LabellerQuality[] {
  return listLabellerQuality(db);
}

export function apiGetLabellerHistory(db: Db, caller: Caller, labellerId: string): LabellerHistory {
  if (!isStaff(caller) && caller.userId !== labellerId) throw new ApiError('FORBIDDEN', 'getLabellerHistory: a labeller may read only their own history');
  return labellerHistory(db, labellerId);
}

interface ConsensusRow {
  site_id: string;
  method: ConsensusMethod;
  computed_at: string;
  mean_risk: number;
  risky_fraction: number;
  risk_path: string | null;
  consensus: string;
  details: string;
}

interface Details {
  meanEntropy?: number;
  riskThreshold?: number;
  labellers?: { id: string; q: number; fieldSkill: number; noFieldSkill: number; history: boolean }[];
  noHistory?: string[];
  notes?: string[];
  caveat?: string | null;
  iterations?: number;
  sensitivity?: number[];
  specificity?: number[];
}

function parseDetails(text: string): Details {
  try {
    return (JSON.parse(text) as Details) ?? {};
  } catch {
    return {};
  }
}

function toSiteRisk(r: ConsensusRow, d: Details): SiteRisk {
  return {
    siteId: r.site_id,
    method: r.method,
    computedAt: r.computed_at,
    meanRisk: r.mean_risk,
    riskyFraction: r.risky_fraction,
    meanEntropy: d.meanEntropy ?? 0,
    riskThreshold: d.riskThreshold ?? 0.34,
    labellers: (d.labellers ?? []).map((l) => l.id),
    noHistory: d.noHistory ?? [],
  };
}

/** Class 4 sites with a stored consensus, riskiest first (the supervisor's review queue). */
export function apiListSiteRisk(db: Db, filter: ListSiteRiskFilter = {}): SiteRisk[] {
  const s = campaignSettings(db);
  const rows = db
    .prepare(
      `SELECT c.* FROM consensus_results c JOIN sites s ON s.id = c.site_id WHERE s.campaign_id = ? ${filter.method ? 'AND c.method = ?' : ''}
        ORDER BY c.mean_risk DESC, c.site_id, c.method`,
    )
    .all(...(filter.method ? [s.campaignId, filter.method] : [s.campaignId])) as ConsensusRow[];
  return rows.map((r) => toSiteRisk(r, parseDetails(r.details)));
}

export function apiGetConsensus(db: Db, siteId: string, method?: ConsensusMethod): ConsensusDetail {
  const rows = db.prepare('SELECT * FROM consensus_results WHERE site_id = ? ORDER BY method').all(siteId) as ConsensusRow[];
  const pick = method ? rows.find((r) => r.method === method) : (rows.find((r) => r.method === 'bayes') ?? rows[0]);
  if (!pick) {
    const site = db.prepare('SELECT cls FROM sites WHERE id = ?').get(siteId) as { cls: number } | undefined;
    if (!site) throw new ApiError('NOT_FOUND', `no site ${siteId}`);
    throw new ApiError('NOT_FOUND', `site ${siteId} has no ${method ?? ''}${method ? ' ' : ''}consensus yet (run \`fieldmark consensus --db\`)`);
  }
  const d = parseDetails(pick.details);
  let consensus: AreaGeometry;
  try {
    consensus = JSON.parse(pick.consensus) as AreaGeometry;
  } catch {
    consensus = { type: 'MultiPolygon', coordinates: [] };
  }
  return {
    ...toSiteRisk(pick, d),
    consensus,
    riskPath: pick.risk_path,
    caveat: d.caveat ?? null,
    weights: d.labellers ?? [],
    ...(d.iterations !== undefined ? { iterations: d.iterations } : {}),
    ...(d.sensitivity ? { sensitivity: d.sensitivity } : {}),
    ...(d.specificity ? { specificity: d.specificity } : {}),
    notes: d.notes ?? [],
  };
}

function referenceCollection(db: Db, siteId: string): ReferenceCollection {
  const rows = db.prepare('SELECT id, category, geometry, source FROM reference_labels WHERE site_id = ? ORDER BY id').all(siteId) as {
    id: number;
    category: string;
    geometry: string;
    source: string;
  }[];
  return {
    type: 'FeatureCollection',
    features: rows.map((r) => ({ type: 'Feature', id: r.id, geometry: JSON.parse(r.geometry) as AreaGeometry, properties: { siteId, category: r.category, source: r.source } })),
  };
}

const SUBMITTED = new Set(['submitted', 'approved', 'rejected', 'untrusted']);

/** A Class 1 map against the reference, with its scores: stored ones, else computed now. */
export function apiGetMyFeedback(db: Db, caller: Caller, assignmentId: number): AssignmentFeedback {
  const a = db
    .prepare('SELECT a.id, a.site_id, a.labeller_id, a.status, a.submitted_at, s.cls, s.cell FROM assignments a JOIN sites s ON s.id = a.site_id WHERE a.id = ?')
    .get(assignmentId) as { id: number; site_id: string; labeller_id: string; status: string; submitted_at: string | null; cls: number; cell: string } | undefined;
  const own = a !== undefined && caller.userId !== null && a.labeller_id === caller.userId;
  if (!a || (!isStaff(caller) && !own)) throw new ApiError('NOT_FOUND', `no assignment ${assignmentId}`);
  if (!SUBMITTED.has(a.status)) {
    throw new ApiError(isStaff(caller) ? 'CONFLICT' : 'FORBIDDEN', `assignment ${assignmentId}: feedback is available after the map is submitted`);
  }
  if (a.cls !== 1) throw new ApiError('NOT_FOUND', `assignment ${assignmentId} has no feedback: only quality-control (Class 1) work is scored against a reference`);
  const settings = campaignSettings(db);
  const cell = JSON.parse(a.cell) as Polygon;
  const row = db.prepare('SELECT * FROM scores WHERE assignment_id = ?').get(assignmentId) as ScoreRow | undefined;
  let scores;
  if (row) scores = scoresOfRow(row);
  else {
    try {
      scores = toScores(scoreOneAssignment(db, cell, referenceFeatures(db, a.site_id), assignmentFeatures(db, assignmentId)));
    } catch (e) {
      if (e instanceof RangeError) throw new ApiError('BAD_INPUT', `assignment ${assignmentId}: cannot score: ${e.message}`);
      throw e;
    }
  }
  return {
    assignmentId,
    siteId: a.site_id,
    labellerId: a.labeller_id,
    submittedAt: a.submitted_at,
    cell,
    scores,
    rejected: isRejected(scores.score, settings.rejectBelow),
    reference: referenceCollection(db, a.site_id),
    labels: labelsOfSite(db, a.site_id, { assignmentId }),
  };
}
