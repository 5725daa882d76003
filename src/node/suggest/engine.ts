/**
 * The suggestion engine port: an engine turns an image window into a cached per-window state
 * (`processWindow`: the boundary map and its basins, or a SAM image embedding) and a prompt on
 * that window into a field mask (`click`) or all fields of the window (`propose`). Window
 * reading, lon/lat and polygons are the host's (suggest-host.ts), so engines stay swappable.
 */
import type { PixelPrompt, RegionMask } from '../../common/suggest/segment';
import type { ImageWindow } from './image-window';
import type { ProviderAttempt, ProviderName } from './providers';

export interface EngineModelInfo {
  id: string;
  version: string;
  kind: 'boundary' | 'sam';
}

export interface EngineInfo {
  model: EngineModelInfo;
  executionProvider: ProviderName;
  /** every provider tried, in order, and why the others were not used */
  providers: ProviderAttempt[];
  /** the model's ground pixel range (m) and window size */
  window: { size: number; pixelSizeM: [number, number]; resample?: { aboveM: number; toM: number } };
}

export interface ProcessedWindow {
  key: string;
  width: number;
  height: number;
  validFraction: number;
  cloudFraction: number;
  nodataFraction: number;
  /** time to preprocess and run the model, ms */
  ms: number;
}

export interface SuggestionEngine {
  readonly info: EngineInfo;
  /**
   * Processes (or returns the cached state of) a window; `others` are the same window in other
   * dates (same grid and box), used where the engine can (the boundary model averages their
   * maps; SAM ignores them). Throws ApiError BAD_INPUT for a window with no usable pixels.
   */
  processWindow(win: ImageWindow, others?: ImageWindow[]): Promise<ProcessedWindow>;
  /** The cached state of a window, if it is still cached. */
  cached(key: string): ProcessedWindow | undefined;
  /** The field at a prompt (window pixels); throws PromptError for a prompt that cannot be answered. */
  click(win: ProcessedWindow, prompt: PixelPrompt): Promise<RegionMask>;
  /** Every field-like region of the window, best first. */
  propose(win: ProcessedWindow, minAreaPx: number): Promise<RegionMask[]>;
  dispose(): Promise<void>;
}

/** The cache key of a window processed with other dates: its key and theirs, in order. */
export function datesKey(keys: readonly string[]): string {
  return keys.join('+');
}

/** A small LRU of per-window states. */
export class WindowCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly capacity: number, private readonly onEvict: (v: V) => void = () => undefined) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, v: V): void {
    this.map.delete(key);
    this.map.set(key, v);
    while (this.map.size > this.capacity) {
      const [k, old] = this.map.entries().next().value as [string, V];
      this.map.delete(k);
      this.onEvict(old);
    }
  }
  clear(): void {
    for (const v of this.map.values()) this.onEvict(v);
    this.map.clear();
  }
  get size(): number {
    return this.map.size;
  }
}
