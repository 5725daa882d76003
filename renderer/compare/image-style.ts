/**
 * How imagery is drawn, shared by every date on screen (so a swipe or a flicker compares the
 * land, not two stretches): the band combination (`ViewState.bands`: true colour 3,2,1, false
 * colour 4,3,2, NDVI through the server's colour ramp, or any user triple), the per-band
 * percentile stretch (each date is stretched to its own percentiles), gamma / brightness /
 * contrast, and the UDM2 cloud-mask overlay. Turned into tile URL options per scene here.
 */
import type { SceneSummary } from '../../src/common/api/contract';
import { DEFAULT_BANDS, DEFAULT_STRETCH, FALSE_COLOUR_BANDS, type TileStyleOptions } from '../../src/common/api/tiles';

/** True colour 3,2,1, false colour 4,3,2, NDVI, or the user's triple (`ImageStyle.custom`). */
export type BandMode = 'true' | 'false' | 'ndvi' | 'custom';

export interface ImageStyle {
  /** The user's band triple (1-based R, G, B) for BandMode 'custom'. */
  custom: [number, number, number];
  /** Percentiles of the per-band linear stretch. */
  stretch: [number, number];
  gamma: number;
  brightness: number;
  contrast: number;
  /** The scene's UDM2 cloud mask drawn over it (scenes that have one). */
  mask: boolean;
}

export const DEFAULT_IMAGE_STYLE: ImageStyle = {
  custom: [4, 3, 2],
  stretch: [DEFAULT_STRETCH[0], DEFAULT_STRETCH[1]],
  gamma: 1,
  brightness: 0,
  contrast: 1,
  mask: false,
};

/** Stretch presets offered beside the sliders (the lab used 1-99). */
export const STRETCH_PRESETS: ReadonlyArray<[number, number]> = [
  [2, 98],
  [1, 99],
  [0.5, 99.5],
  [5, 95],
  [0, 100],
];

export type CompareMode = 'off' | 'swipe' | 'flicker';

export interface CompareState {
  mode: CompareMode;
  /** The other date: the right side of the swipe, the one a flicker flips to. */
  sceneB: string | null;
}

export const COMPARE_OFF: CompareState = { mode: 'off', sceneB: null };

/** Whether a scene can show NDVI (bands named nir and red). */
export function canNdvi(scene: Pick<SceneSummary, 'bandRoles'>): boolean {
  const roles = scene.bandRoles.map((r) => r.toLowerCase());
  return roles.includes('nir') && roles.includes('red');
}

/** The RGB band triple of a band mode (true colour for NDVI, whose tiles ignore it). */
export function bandTriple(mode: BandMode, style: Pick<ImageStyle, 'custom'>): [number, number, number] {
  if (mode === 'false') return FALSE_COLOUR_BANDS;
  if (mode === 'custom') return style.custom;
  return DEFAULT_BANDS;
}

/** What the status bar and `body[data-bands]` say: `3,2,1`, `4,3,2`, `ndvi`, ... */
export function bandsLabel(mode: BandMode, style: Pick<ImageStyle, 'custom'>): string {
  return mode === 'ndvi' ? 'ndvi' : bandTriple(mode, style).join(',');
}

/** True when the tone sliders are at their neutral values. */
export function isNeutralTone(s: ImageStyle): boolean {
  return s.gamma === 1 && s.brightness === 0 && s.contrast === 1;
}

/**
 * Tile URL options for one scene: the mode's bands when the scene has them, else its own first
 * bands (a 3-band scene cannot show false colour), and NDVI only where the scene has NIR and red.
 */
export function tileOptionsFor(mode: BandMode, style: ImageStyle, scene: Pick<SceneSummary, 'bands' | 'bandRoles'>): TileStyleOptions {
  const tone: TileStyleOptions = { stretch: style.stretch, gamma: style.gamma, brightness: style.brightness, contrast: style.contrast };
  if (mode === 'ndvi' && canNdvi(scene)) return { ...tone, mode: 'ndvi' };
  const want = bandTriple(mode === 'ndvi' ? 'true' : mode, style);
  const fits = want.every((b) => b >= 1 && b <= scene.bands);
  const fallback: [number, number, number] = scene.bands >= 3 ? DEFAULT_BANDS : [1, 1, 1];
  return { ...tone, bands: fits ? want : fallback };
}
