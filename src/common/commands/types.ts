/**
 * Editor commands: serialisable data, applied as pure functions graph -> graph (`applyCommand`).
 * The edit log stores them verbatim; replaying the log rebuilds the same history.
 * `trim` (metres): fit the edited field to its neighbours with this snapping tolerance (see
 * editing/fit.ts; 0 trims without snapping); absent: the shape is kept as given (only shared-border
 * junction vertices are added).
 */
import type { EditPolygon, XY } from '../editing/geom';

export type { EditPolygon, XY };

export interface AddFieldCommand {
  type: 'field.add';
  id: string;
  geometry: EditPolygon;
  category: string;
  comment?: string;
  provenance?: 'drawn' | 'suggested';
  suggestionId?: string;
  /** what made the suggestion and how long the labeller looked at it (accepts only) */
  suggestion?: SuggestionMeta;
  trim?: number;
}
export interface DeleteFieldsCommand {
  type: 'field.delete';
  ids: string[];
}
export interface MoveVertexCommand {
  type: 'vertex.move';
  id: string;
  ring: number;
  index: number;
  to: XY;
  /** also move the same vertex of other fields (a shared corner) */
  shared?: boolean;
  trim?: number;
}
export interface InsertVertexCommand {
  type: 'vertex.insert';
  id: string;
  ring: number;
  /** the new vertex's index in the open ring */
  index: number;
  at: XY;
  trim?: number;
}
export interface DeleteVertexCommand {
  type: 'vertex.delete';
  id: string;
  ring: number;
  index: number;
  shared?: boolean;
}
export interface MoveFieldsCommand {
  type: 'field.move';
  ids: string[];
  delta: XY;
  trim?: number;
}
export interface AddHoleCommand {
  type: 'hole.add';
  id: string;
  ring: XY[];
}
export interface SplitFieldCommand {
  type: 'field.split';
  id: string;
  line: XY[];
  /** id of the smaller piece (the larger keeps `id`) */
  newId: string;
}
export interface MergeFieldsCommand {
  type: 'fields.merge';
  /** the first keeps its id, category and comment */
  ids: string[];
}
export interface ReshapeFieldCommand {
  type: 'field.reshape';
  id: string;
  path: XY[];
  trim?: number;
}
export interface SetCategoryCommand {
  type: 'field.setCategory';
  ids: string[];
  category: string;
}
export interface SetCommentCommand {
  type: 'field.setComment';
  id: string;
  comment: string;
}
/** A one-click fix: the field's geometry replaced (repair, clean-up). */
export interface ReplaceFieldCommand {
  type: 'field.replace';
  id: string;
  geometry: EditPolygon;
}
/** A one-click fix: trim the field to its neighbours. */
export interface TrimFieldCommand {
  type: 'field.trim';
  id: string;
  tolM: number;
}
/** Rejecting a suggestion: no change to the map, only a history entry (Rapid). */
export interface RejectSuggestionCommand {
  type: 'suggestion.reject';
  suggestionId: string;
  suggestion?: SuggestionMeta;
}
/**
 * The provenance of an accepted or rejected suggestion, kept verbatim in the edit log for the
 * telemetry (suggestionTelemetry): model, version, execution provider, prompt, and the time from
 * the preview being shown to the decision.
 */
export interface SuggestionMeta {
  sceneId: string;
  /** other dates whose maps were averaged in (absent: the scene alone) */
  otherSceneIds?: string[];
  model: string;
  version: string;
  provider: string;
  prompt: { lon?: number; lat?: number; negatives?: [number, number][]; box?: [number, number, number, number] };
  score?: number;
  decisionMs: number;
}
export type SimpleCommand =
  | AddFieldCommand
  | DeleteFieldsCommand
  | MoveVertexCommand
  | InsertVertexCommand
  | DeleteVertexCommand
  | MoveFieldsCommand
  | AddHoleCommand
  | SplitFieldCommand
  | MergeFieldsCommand
  | ReshapeFieldCommand
  | SetCategoryCommand
  | SetCommentCommand
  | ReplaceFieldCommand
  | TrimFieldCommand
  | RejectSuggestionCommand;

/** Several commands as one undo step (e.g. insert a vertex on an edge and drag it). */
export interface BatchCommand {
  type: 'batch';
  commands: SimpleCommand[];
  annotation?: string;
}

export type EditCommand = SimpleCommand | BatchCommand;
export type CommandType = EditCommand['type'];

export const COMMAND_TYPES: readonly CommandType[] = [
  'field.add',
  'field.delete',
  'vertex.move',
  'vertex.insert',
  'vertex.delete',
  'field.move',
  'hole.add',
  'field.split',
  'fields.merge',
  'field.reshape',
  'field.setCategory',
  'field.setComment',
  'field.replace',
  'field.trim',
  'suggestion.reject',
  'batch',
];

/** A command that cannot apply to this graph: the message says why, for the user. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
}
