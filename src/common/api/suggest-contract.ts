/**
 * The suggestion methods of the API (issue 6; src/node/suggest): a field polygon at a click or in
 * a box, every field of a view, the models and execution providers, and retraining from the
 * campaign. Polygons come back raw from the model (the editor joins them to its fields with
 * `joinSuggestion`, src/common/suggest/join.ts, before accepting) and carry their provenance.
 */
import type { BBox, Polygon } from '../geo/geojson';
import type { SuggestionTelemetry } from '../suggest/telemetry';

export type { SuggestionTelemetry, SuggestionTelemetryRow } from '../suggest/telemetry';

export interface SuggestPrompt {
  lon?: number;
  lat?: number;
  /** negative clicks: [lon, lat] */
  negatives?: [number, number][];
  /** a box prompt, alone or with the click */
  box?: BBox;
  /** model id (default: the campaign's active model) */
  model?: string;
  /** most vertices of the polygon (default 60) */
  vertexBudget?: number;
  /**
   * use the campaign's other dates of the scene's grid too (e.g. the off-season quad beside the
   * growing-season one; their maps are averaged in): default true
   */
  otherDates?: boolean;
}

export interface SuggestionModel {
  id: string;
  version: string;
  kind: 'boundary' | 'sam';
}

/** What made a suggestion: stored with an accepted suggestion (edit log provenance). */
export interface SuggestionProvenance {
  sceneId: string;
  /** the other dates whose maps were averaged in (SuggestPrompt.otherDates) */
  otherSceneIds: string[];
  model: SuggestionModel;
  executionProvider: string;
  prompt: { lon?: number; lat?: number; negatives?: [number, number][]; box?: BBox };
}

export interface SuggestionResult {
  polygon: Polygon;
  /** confidence 0..1 */
  score: number;
  areaM2: number;
  vertices: number;
  provenance: SuggestionProvenance;
  /** total, window (0 when it was cached), click, polygon; ms */
  ms: { total: number; window: number; click: number; polygon: number };
  warnings: string[];
}

export interface ProposeViewOptions {
  model?: string;
  /** at most this many, best first (default 300) */
  max?: number;
  /** the fields to compare with: this assignment's labels (default: the labels the caller sees in the view) */
  assignmentId?: number;
  /** drop proposals overlapping existing fields by more than this share of their area (default 0.2) */
  maxOverlap?: number;
  /** SuggestPrompt.otherDates (default true) */
  otherDates?: boolean;
}

export interface ViewProposal {
  polygon: Polygon;
  score: number;
  areaM2: number;
  vertices: number;
  /** area shared with existing fields, m^2 (trimmed on accept) */
  overlapM2: number;
}

export interface ViewProposals {
  proposals: ViewProposal[];
  /** the campaign minimum field area applied, m^2 */
  minAreaM2: number;
  /** proposals dropped for overlapping existing fields or being too small */
  dropped: number;
  provenance: Omit<SuggestionProvenance, 'prompt'> & { bbox: BBox };
  ms: number;
}

export interface ProviderAttemptInfo {
  name: string;
  ok: boolean;
  note: string;
  ms: number;
}

export interface SuggestionInfo {
  defaultModel: string;
  models: { id: string; version: string; kind: 'boundary' | 'sam'; description: string | null; validation: Record<string, unknown> | null }[];
  /** model folders that could not be read, and why */
  broken: string[];
  /** the loaded engine of the default model: its execution provider and every provider tried */
  engine: { model: SuggestionModel; executionProvider: string; providers: ProviderAttemptInfo[] } | null;
  /** why the default model could not be loaded, if it could not */
  engineError: string | null;
  /** FIELDMARK_SUGGEST_CPU=1 (or the setting) forces the CPU */
  forceCpu: boolean;
}

export interface RetrainOptionsDto {
  /** the model to start from (default: the active one) */
  model?: string;
}

export interface RetrainResult {
  campaign: string;
  sites: number;
  trainSites: number;
  heldOutSites: number;
  heldOutFields: number;
  samples: number;
  current: { id: string; medianIoU: number; meanIoU: number };
  candidate: { id: string; dir: string; medianIoU: number; meanIoU: number };
  adopted: boolean;
  reason: string;
  activeModel: string;
  seconds: number;
}

export interface SuggestApi {
  /** The field at a click (and/or in a box) on a scene the caller can see. */
  suggestAt(sceneId: string, prompt: SuggestPrompt): Promise<SuggestionResult>;
  /** Every field in a view, best first, without the ones already mapped or below the campaign minimum area. */
  proposeView(sceneId: string, bbox: BBox, opts?: ProposeViewOptions): Promise<ViewProposals>;
  /** The models, the active one, and the execution provider it runs on. */
  getSuggestionInfo(): Promise<SuggestionInfo>;
  /** Staff: accepted as is / after edits / deleted / rejected and time to decision, per labeller and per model (edit log). */
  suggestionTelemetry(): Promise<SuggestionTelemetry>;
  /** Staff: retrains the boundary model on the campaign's accepted labels; adopted only when better on held-out sites. */
  retrainSuggestionModel(opts?: RetrainOptionsDto): Promise<RetrainResult>;
}
