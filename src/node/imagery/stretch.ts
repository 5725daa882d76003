/**
 * Per-band percentile stretch (DOMAIN.md: each band to its 2nd-98th percentile, nodata masked).
 * Percentiles use numpy's default definition (linear interpolation between closest ranks,
 * rank = p/100 * (n-1)). They are computed once per image and band from the smallest level with
 * at least 256 px on its short side (the full image when there is none) and memoised on the image.
 */
import type { Dtype, ImageLevel, OpenedImage } from './open-image';
import { readWindow, type PixelWindow, type Samples } from './read-window';
import { validity } from './tile-compose';

/** A band's value distribution: a histogram for small integer types, sorted values otherwise. */
export type Distribution = { kind: 'hist'; counts: Float64Array; min: number; n: number } | { kind: 'sorted'; values: Float64Array };

/** numpy.percentile(values, p) of already sorted values (linear method). NaN for no values. */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(n - 1, lo + 1);
  const f = rank - lo;
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * f;
}

/** The same percentile from a histogram of integer values (counts[i] = count of min + i). */
export function percentileOfHistogram(counts: ArrayLike<number>, min: number, n: number, p: number): number {
  if (n === 0) return NaN;
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (n - 1);
  const lo = Math.floor(rank);
  const f = rank - lo;
  const valueAt = (k: number): number => {
    let seen = 0;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i]!;
      if (seen > k) return min + i;
    }
    return min + counts.length - 1;
  };
  const a = valueAt(lo);
  return f === 0 ? a : a + (valueAt(Math.min(n - 1, lo + 1)) - a) * f;
}

export function percentileOf(d: Distribution, p: number): number {
  return d.kind === 'hist' ? percentileOfHistogram(d.counts, d.min, d.n, p) : percentileOfSorted(d.values, p);
}

/** A predicate that is true for valid (not nodata, not NaN) values of a band. */
export { validity } from './tile-compose';

/** The distribution of the valid values of one band. */
export function distributionOf(values: ArrayLike<number>, isValid: (v: number) => boolean, dtype: Dtype): Distribution {
  if (dtype === 'uint8' || dtype === 'uint16' || dtype === 'int8' || dtype === 'int16') {
    const min = dtype === 'int8' ? -128 : dtype === 'int16' ? -32768 : 0;
    const counts = new Float64Array(dtype === 'uint8' || dtype === 'int8' ? 256 : 65536);
    let n = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (isValid(v)) {
        counts[v - min]!++;
        n++;
      }
    }
    return { kind: 'hist', counts, min, n };
  }
  const tmp = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (isValid(v) && Number.isFinite(v)) tmp[n++] = v;
  }
  return { kind: 'sorted', values: tmp.subarray(0, n).sort() };
}

/** Maps a value to 0..255 by the linear stretch lo..hi (clamped). */
export function stretchValue(v: number, lo: number, hi: number): number {
  const t = ((v - lo) * 255) / (hi > lo ? hi - lo : 1);
  return t <= 0 ? 0 : t >= 255 ? 255 : Math.round(t);
}

/** A lookup table for integer values `min .. min + size - 1` (uint8 / uint16 / int16 bands). */
export function buildStretchLut(lo: number, hi: number, size: number, min = 0): Uint8Array {
  const lut = new Uint8Array(size);
  for (let i = 0; i < size; i++) lut[i] = stretchValue(min + i, lo, hi);
  return lut;
}

/** The level statistics are computed on: the smallest with >= 256 px on its short side, else the full image. */
export function statsLevel(img: Pick<OpenedImage, 'levels'>, minSide = 256): ImageLevel {
  let best = img.levels[0]!;
  for (const l of img.levels) if (Math.min(l.width, l.height) >= minSide && l.width * l.height < best.width * best.height) best = l;
  return best;
}

const MAX_STATS_PIXELS = 4 * 1024 * 1024;

/** Windows to read for statistics: the whole level, or a 4x4 grid of 512 px samples of a huge one. */
function statsWindows(l: ImageLevel): PixelWindow[] {
  if (l.width * l.height <= MAX_STATS_PIXELS) return [[0, 0, l.width, l.height]];
  const wins: PixelWindow[] = [];
  for (let j = 0; j < 4; j++)
    for (let i = 0; i < 4; i++) {
      const x = Math.floor(((i + 0.5) * l.width) / 4 - 256);
      const y = Math.floor(((j + 0.5) * l.height) / 4 - 256);
      wins.push([Math.max(0, x), Math.max(0, y), Math.min(l.width, x + 512), Math.min(l.height, y + 512)]);
    }
  return wins;
}

function concat(parts: Samples[]): Samples {
  if (parts.length === 1) return parts[0]!;
  const total = parts.reduce((s, p) => s + p.length, 0);
  const out = new Float64Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * The value distribution of each requested band (1-based), memoised on the image as promises, so
 * that tiles requested together while the image is new share one statistics read.
 */
export async function bandDistributions(img: OpenedImage, bands: number[]): Promise<Distribution[]> {
  const key = (b: number): string => `stretch:dist:${b}`;
  const missing = [...new Set(bands.filter((b) => !img.cache.has(key(b))))];
  if (missing.length > 0) {
    const level = statsLevel(img);
    const isValid = validity(img.nodata, img.dtype);
    const read = Promise.all(statsWindows(level).map((w) => readWindow(img, level, w, missing.map((b) => b - 1))));
    missing.forEach((b, k) => {
      const p = read.then((perWindow) => distributionOf(concat(perWindow.map((arrs) => arrs[k]!)), isValid, img.dtype));
      img.cache.set(key(b), p);
      p.catch(() => img.cache.delete(key(b))); // a failed read is retried by the next tile
    });
  }
  return Promise.all(bands.map((b) => img.cache.get(key(b)) as Promise<Distribution>));
}

/** [lo, hi] per band (1-based band numbers) for the percentile pair, e.g. [2, 98]. */
export async function bandStretch(img: OpenedImage, bands: number[], pct: [number, number]): Promise<Array<[number, number]>> {
  const dists = await bandDistributions(img, bands);
  return dists.map((d) => {
    let lo = percentileOf(d, pct[0]);
    let hi = percentileOf(d, pct[1]);
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1]; // a band with no valid pixel
    return [lo, hi];
  });
}
