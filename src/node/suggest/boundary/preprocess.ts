/**
 * Window preprocessing of the boundary model (model.json "normalisation": "window-robust"):
 * 4 bands (blue, green, red, nir) of one window -> the model input, 5 x H x W float32:
 *   channels 0-3: (x - p50) / max(p98 - p2, tiny), percentiles over the window's valid pixels;
 *   channel 4: NDVI (nir - red) / (nir + red) of the raw values.
 * Invalid pixels (nodata, clouds, shadows) take the window median (0, and the median NDVI), so
 * they add no edges of their own beyond the one at their border; `valid` says which they are.
 * Clouds come from a UDM2 mask when there is one, else a brightness test on reflectance.
 */

export interface PreprocessOptions {
  /** value of no-data pixels (all bands equal to it), or null */
  nodata: number | null;
  /** 1 = pixel unusable (cloud, shadow, haze) from a mask, or null to use the brightness test */
  cloud?: Uint8Array | null;
  /** raw value -> reflectance (1e-4 for Planet surface reflectance x 10000) */
  reflectanceScale: number;
}

export interface Preprocessed {
  width: number;
  height: number;
  /** 5 x H x W */
  input: Float32Array;
  /** 1 where the pixel holds usable data */
  valid: Uint8Array;
  validFraction: number;
  cloudFraction: number;
  nodataFraction: number;
}

export const INPUT_CHANNELS = 5;
/** Top-of-canopy reflectance above which all three visible bands count as cloud (no mask). */
export const CLOUD_REFLECTANCE = 0.2;

function percentiles(values: Float64Array, n: number, qs: number[]): number[] {
  const a = values.subarray(0, n).sort();
  return qs.map((q) => (n === 0 ? 0 : a[Math.min(n - 1, Math.max(0, Math.round(q * (n - 1))))]!));
}

export function preprocess(bands: readonly ArrayLike<number>[], width: number, height: number, opts: PreprocessOptions): Preprocessed {
  if (bands.length !== 4) throw new Error(`preprocess: 4 bands (blue, green, red, nir) expected, got ${bands.length}`);
  const N = width * height;
  const [b, g, r, nir] = bands as [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];
  const valid = new Uint8Array(N);
  let nodataN = 0, cloudN = 0, validN = 0;
  const nd = opts.nodata;
  const cl = CLOUD_REFLECTANCE / opts.reflectanceScale;
  for (let i = 0; i < N; i++) {
    const vb = b[i]!, vg = g[i]!, vr = r[i]!, vn = nir[i]!;
    const isNodata = !Number.isFinite(vb + vg + vr + vn) || (nd !== null && vb === nd && vg === nd && vr === nd && vn === nd);
    if (isNodata) { nodataN++; continue; }
    const isCloud = opts.cloud ? opts.cloud[i] === 1 : vb > cl && vg > cl && vr > cl;
    if (isCloud) { cloudN++; continue; }
    valid[i] = 1;
    validN++;
  }
  const input = new Float32Array(INPUT_CHANNELS * N);
  const stride = Math.max(1, Math.floor(validN / 40000));
  const sample = new Float64Array(Math.ceil(validN / stride) + 1);
  const ndvi = (i: number) => {
    const s = nir[i]! + r[i]!;
    return s > 0 ? (nir[i]! - r[i]!) / s : 0;
  };
  const channels: ((i: number) => number)[] = [(i) => b[i]!, (i) => g[i]!, (i) => r[i]!, (i) => nir[i]!];
  for (let c = 0; c < 4; c++) {
    const get = channels[c]!;
    let n = 0;
    for (let i = 0, k = 0; i < N; i++) if (valid[i] && k++ % stride === 0) sample[n++] = get(i);
    const [p2, p50, p98] = percentiles(sample, n, [0.02, 0.5, 0.98]) as [number, number, number];
    const scale = 1 / Math.max(p98 - p2, 1e-6 / opts.reflectanceScale);
    const o = c * N;
    for (let i = 0; i < N; i++) input[o + i] = valid[i] ? (get(i) - p50) * scale : 0;
  }
  let n = 0;
  for (let i = 0, k = 0; i < N; i++) if (valid[i] && k++ % stride === 0) sample[n++] = ndvi(i);
  const [mNdvi] = percentiles(sample, n, [0.5]) as [number];
  const o = 4 * N;
  for (let i = 0; i < N; i++) input[o + i] = valid[i] ? ndvi(i) : mNdvi;
  return { width, height, input, valid, validFraction: validN / N, cloudFraction: cloudN / N, nodataFraction: nodataN / N };
}
