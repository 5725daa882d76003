/**
 * The renderer's view state: one plain object, replaced (never mutated) on every change, with
 * synchronous subscribers. Panels and map layers render from it; user actions go through
 * `AppController`, which calls the API and then `set`s the result.
 */
import type { AppInfo, LabelCollection, SiteClass, SiteDetail, SiteSummary, TaskState } from '../../src/common/api/contract';
import type { ConnectionState } from '../api/connection';
import { COMPARE_OFF, DEFAULT_IMAGE_STYLE, type BandMode, type CompareState, type ImageStyle } from '../compare/image-style';

export type { BandMode };

export interface ViewState {
  info: AppInfo | null;
  sites: SiteSummary[];
  sitesLoading: boolean;
  classFilter: SiteClass | null;
  /** The site being opened or open (its id is set before its detail arrives). */
  siteId: string | null;
  site: SiteDetail | null;
  sceneId: string | null;
  bands: BandMode;
  /** Stretch, tone, custom bands and cloud mask, shared by every date on screen (compare/image-style.ts). */
  image: ImageStyle;
  /** Swipe / flicker between `sceneId` and `compare.sceneB`. */
  compare: CompareState;
  labels: LabelCollection | null;
  /** Which assignment's labels are shown; null = all. */
  assignmentId: number | null;
  labelsVisible: boolean;
  connection: ConnectionState;
  /** The task open in the editor (its site is `site`), or null. */
  task: TaskState | null;
}

export const INITIAL_STATE: ViewState = {
  info: null,
  sites: [],
  sitesLoading: true,
  classFilter: null,
  siteId: null,
  site: null,
  sceneId: null,
  bands: 'true',
  image: DEFAULT_IMAGE_STYLE,
  compare: COMPARE_OFF,
  labels: null,
  assignmentId: null,
  labelsVisible: true,
  connection: 'connecting',
  task: null,
};

export type Listener = (state: ViewState, prev: ViewState) => void;

export class Store {
  private current: ViewState;
  private readonly listeners = new Set<Listener>();

  constructor(initial: ViewState = INITIAL_STATE) {
    this.current = initial;
  }

  get state(): ViewState {
    return this.current;
  }

  set(patch: Partial<ViewState>): void {
    const prev = this.current;
    const next = { ...prev, ...patch };
    if ((Object.keys(patch) as (keyof ViewState)[]).every((k) => prev[k] === next[k])) return;
    this.current = next;
    for (const l of this.listeners) l(next, prev);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}

/** The sites the list shows under the current class filter. */
export function visibleSites(s: ViewState): SiteSummary[] {
  return s.classFilter === null ? s.sites : s.sites.filter((x) => x.cls === s.classFilter);
}

/** The scene on screen, if any. */
export function currentScene(s: ViewState) {
  return s.site?.scenes.find((x) => x.id === s.sceneId) ?? null;
}
