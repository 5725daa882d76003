/** Consensus of several labellers' maps of one Class 4 site, with its risk (DOMAIN.md 3). */
export { mergeSite, type ConsensusGrid, type LabellerInput, type MergeMethod, type MergeSiteInput, type MergeSiteResult } from './merge-site';
export { bayesMerge, majorityMerge, type RaterWeight } from './bayes';
export { staple, type StapleOptions, type StaplePrior, type StapleResult } from './staple';
export { DEFAULT_RISK_THRESHOLD, RISK_THRESHOLD_CAVEAT, binaryEntropy, riskGrids, type RiskGrids } from './risk';
export { vectorizeLabels, type Region, type VectorizeOptions } from './vectorize';
export { cellGrid, rasterizeLabeller, type CellGrid, type Classify } from './label-raster';
export { dilateDisk, roiConfusion, roiReference, type RoiConfusion, type RoiReference, type RoiSkillOptions } from './roi-skill';
