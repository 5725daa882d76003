/**
 * Editor modes are explicit state machines (terra-draw style): each has a `state`, reacts to
 * pointer and key events, and commits through the context. Gestures edit staging (the
 * `edit-staging` layer); only a finished gesture commits a command; Esc reverts.
 */
import type { Map as MlMap } from 'maplibre-gl';
import type { SuggestPrompt, SuggestionResult, ViewProposals } from '../../src/common/api/suggest-contract';
import type { BBox } from '../../src/common/geo/geojson';
import type { EditCommand } from '../../src/common/commands/types';
import type { History } from '../../src/common/history/history';
import type { XY } from '../../src/common/editing/geom';
import type { SnapTarget } from '../../src/common/editing/snap';
import type { Field } from '../../src/common/graph/field';
import type { Graph } from '../../src/common/graph/graph';
import type { EditLayers } from '../map/edit-layers';

export type ModeId = 'browse' | 'select' | 'draw' | 'rectangle' | 'move' | 'hole' | 'split' | 'reshape' | 'suggest' | 'propose';

export interface Pointer {
  lngLat: XY;
  /** map container pixels */
  point: { x: number; y: number };
  shift: boolean;
  alt: boolean;
  /** call to keep the map from panning / zooming for this gesture */
  preventDefault(): void;
}

export interface Snapped {
  point: XY;
  target: SnapTarget | null;
}

export interface Handle {
  kind: 'vertex' | 'mid';
  fieldId: string;
  ring: number;
  index: number;
}

export interface EditorContext {
  readonly map: MlMap;
  readonly layers: EditLayers;
  graph(): Graph;
  editable(): boolean;
  selection(): readonly string[];
  select(ids: readonly string[]): void;
  /** The category new fields get. */
  category(): string;
  /** Snapping tolerance in metres at the current zoom; 0 when snapping is off. */
  snapToleranceM(): number;
  /** Snaps a pointer to neighbours (vertices first, then edges) unless snapping is off. */
  snap(p: Pointer, exclude?: (id: string) => boolean): Snapped;
  fieldAt(p: XY): Field | undefined;
  /** The vertex or midpoint handle of a selected field under the pointer, if any. */
  handleAt(p: Pointer): Handle | null;
  /** Applies a command; on refusal shows why and returns false. */
  commit(cmd: EditCommand): boolean;
  /** One line for the status hint (null clears it). */
  hint(text: string | null, bad?: boolean): void;
  setMode(id: ModeId): void;
  newFieldId(): string;
  /** The open task's history (accepted / rejected suggestions are derived from it). */
  history(): History | null;
  /** The scene shown now (suggestions are asked on it), or null. */
  sceneId(): string | null;
  /** A suggestion at a click on the current scene (the API's suggestAt). */
  suggest(prompt: SuggestPrompt): Promise<SuggestionResult>;
  /** The map view clipped to the task's context window (whole-view proposals) and the site cell's box, or null when they do not meet. */
  proposalView(): { bbox: BBox; cell: BBox } | null;
  /** Every field in a box of the current scene, not yet in the task's saved fields (the API's proposeView). */
  proposeView(bbox: BBox): Promise<ViewProposals>;
  /** The active suggestion model and execution provider, one line ("boundary-v1 1.0.0 on cpu"). */
  suggestionInfo(): Promise<string>;
  /** A mode's state changed outside a gesture (a reply arrived): body data-* and panels refresh. */
  changedState(): void;
}

export interface Mode {
  readonly id: ModeId;
  /** the state machine's current state, for the UI and tests */
  readonly state: string;
  readonly cursor: string;
  enter(): void;
  exit(): void;
  down?(p: Pointer): void;
  move?(p: Pointer): void;
  up?(p: Pointer): void;
  click?(p: Pointer): void;
  dblclick?(p: Pointer): void;
  /** true when the key was handled */
  key?(e: KeyboardEvent): boolean;
}
