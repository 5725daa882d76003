/** Assignment scores of a labeller map against a reference map (DOMAIN.md 2). */
export { scoreAssignment, DEFAULT_EDGE_TOLERANCE_M, DEFAULT_PIXEL_M, type ScoreInput, type ScoreResult } from './score-assignment';
export { DEFAULT_CATEGORIES, DEFAULT_WEIGHTS, emptyRepairStats, type Category, type Feature, type RepairStats, type ScoreWeights } from './types';
export { laea, type LocalProjection } from './project';
export { repairPolygon, cleanRing, type Projector, type RepairOptions } from './repair';
export { cellProjection, polygonFromMetres, rectFeature } from './local-features';
export { lengthWithin } from './edge';
export { legacyEdgePair, ringBandArea, LEGACY_LABEL_HALF_WIDTH } from './legacy-edge';
export { boundaryStats, type BoundaryStats } from './boundary';
export {
  runningQuality,
  qualitySeries,
  trustStatus,
  isRejected,
  reserveDecision,
  describeSample,
  RUNNING_SCORE_WINDOW,
  RETURN_WINDOW,
  DEFAULT_TRUST_THRESHOLD,
  DEFAULT_REJECT_BELOW,
  type FinishedTask,
  type RunningQuality,
  type QualityOptions,
  type ReserveDecision,
  type ServedMap,
  type TrustStatus,
} from './running-quality';
