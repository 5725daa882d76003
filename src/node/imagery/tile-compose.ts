/**
 * The pure, CPU-bound half of rendering a tile: window pixels (or decoded blocks) + the tile's
 * pixel map -> RGBA. No I/O, no proj4, no shared state: the same code runs in-thread and in the
 * tile workers (tile-worker.ts), so both give byte-identical tiles.
 *
 * Modes:
 * - rgb: three channels, each stretched linearly lo..hi, bilinear with nodata neighbours dropped;
 * - ndvi: (NIR - R) / (NIR + R) of the bilinear NIR and red values through a colour ramp;
 * - mask: a Planet UDM2 (8 bands) or legacy UDM (1 band) as a semi-transparent overlay
 *   (nearest neighbour: it is categorical);
 * - risk: a single-band consensus risk raster r = min(C, 1 - C) in [0, 0.5] (DOMAIN.md 3),
 *   bilinear, through `RISK_RAMP`: 0 transparent, rising through orange to opaque red at 0.5.
 * gamma / brightness / contrast (the tone) apply after the stretch (rgb) or to the ramp position
 * (ndvi); the identity tone leaves the rgb output exactly the plain linear stretch.
 */
import type { Dtype } from './open-image';
import type { PixelWindow } from './read-window';

export type { Dtype };
export type TileMode = 'rgb' | 'ndvi' | 'mask' | 'risk';

export interface Tone {
  /** > 0; 1 = none. Output = t^(1/gamma). */
  gamma: number;
  /** -1..1, added after the contrast; 0 = none. */
  brightness: number;
  /** >= 0, scales around mid-grey; 1 = none. */
  contrast: number;
}

export const IDENTITY_TONE: Tone = { gamma: 1, brightness: 0, contrast: 1 };

export function isIdentityTone(t: Tone): boolean {
  return t.gamma === 1 && t.brightness === 0 && t.contrast === 1;
}

export type ComposeStyle =
  | { mode: 'rgb'; stretch: Array<[number, number]>; tone: Tone }
  | { mode: 'ndvi'; tone: Tone }
  | { mode: 'mask'; kind: 'udm2' | 'udm1' }
  | { mode: 'risk' };

export interface ComposeParams {
  size: number;
  /**
   * Full-resolution source pixel coordinates (pixel-corner convention) of the tile's pixel
   * centres: per pixel (u, v), or per column and row for a separable mapping (ucol, vrow).
   */
  map: { u: Float64Array; v: Float64Array } | { ucol: Float64Array; vrow: Float64Array };
  /** Full-resolution pixels per pixel of the level read. */
  fx: number;
  fy: number;
  win: PixelWindow;
  /** Full-resolution image size. */
  imgW: number;
  imgH: number;
  nodata: number | null;
  dtype: Dtype;
  style: ComposeStyle;
}

/** True for valid (not nodata, not NaN) values. */
export function validity(nodata: number | null, dtype: Dtype): (v: number) => boolean {
  if (nodata === null || Number.isNaN(nodata)) return (v) => v === v;
  const nd = dtype === 'float32' ? Math.fround(nodata) : nodata;
  return (v) => v === v && v !== nd;
}

/** 4081 entries: tone of t = i / 16 (0..255) -> 0..255. */
export function toneLut(t: Tone): Uint8Array {
  const lut = new Uint8Array(4081);
  const inv = 1 / t.gamma;
  for (let i = 0; i < lut.length; i++) {
    let x = i / 4080;
    x = (x - 0.5) * t.contrast + 0.5 + t.brightness;
    x = x <= 0 ? 0 : x >= 1 ? 1 : x;
    lut[i] = Math.round(255 * Math.pow(x, inv));
  }
  return lut;
}

/** NDVI colour ramp stops: [ndvi, r, g, b]. Water blue, bare soil brown, dry yellow, green. */
export const NDVI_RAMP: ReadonlyArray<readonly [number, number, number, number]> = [
  [-1, 20, 40, 140],
  [0, 175, 140, 100],
  [0.2, 235, 220, 120],
  [0.4, 150, 200, 80],
  [0.6, 60, 150, 45],
  [1, 0, 80, 20],
];

/** 256 RGB entries: ramp colour of ndvi = -1 + 2 * i / 255. */
export function ndviRampLut(): Uint8Array {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const x = -1 + (2 * i) / 255;
    let k = 0;
    while (k < NDVI_RAMP.length - 2 && x > NDVI_RAMP[k + 1]![0]) k++;
    const a = NDVI_RAMP[k]!;
    const b = NDVI_RAMP[k + 1]!;
    const f = Math.min(1, Math.max(0, (x - a[0]) / (b[0] - a[0])));
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = Math.round(a[c + 1]! + (b[c + 1]! - a[c + 1]!) * f);
  }
  return lut;
}

/** UDM2 overlay colours (RGBA), in priority order; the band is 0-based in the UDM2 file. */
export const MASK_CLASSES: ReadonlyArray<{ name: string; band: number; rgba: readonly [number, number, number, number] }> = [
  { name: 'cloud', band: 5, rgba: [255, 0, 255, 150] },
  { name: 'heavy_haze', band: 4, rgba: [255, 140, 0, 130] },
  { name: 'shadow', band: 2, rgba: [0, 70, 255, 140] },
  { name: 'light_haze', band: 3, rgba: [255, 230, 0, 90] },
  { name: 'snow', band: 1, rgba: [0, 255, 255, 110] },
];

/** The 0-based bands a mask tile reads. */
export function maskSamples(kind: 'udm2' | 'udm1'): number[] {
  return kind === 'udm2' ? MASK_CLASSES.map((c) => c.band) : [0];
}

/**
 * Risk colour ramp stops: [r, red, green, blue, alpha]. Below the first stop (r < 0.01, i.e. the
 * labellers agree) nothing is drawn; low risk is a faint yellow-orange, 1/3 (a 2-1 split of three
 * equal labellers) red, 0.5 (an even split) deep opaque red.
 */
export const RISK_RAMP: ReadonlyArray<readonly [number, number, number, number, number]> = [
  [0.01, 255, 200, 0, 70],
  [0.15, 255, 120, 0, 150],
  [0.3, 240, 40, 0, 205],
  [0.5, 200, 0, 40, 235],
];

/** 256 RGBA entries: ramp colour of r = 0.5 * i / 255 (alpha 0 below the first stop). */
export function riskRampLut(): Uint8Array {
  const lut = new Uint8Array(256 * 4);
  for (let i = 0; i < 256; i++) {
    const x = (0.5 * i) / 255;
    if (x < RISK_RAMP[0]![0]) continue;
    let k = 0;
    while (k < RISK_RAMP.length - 2 && x > RISK_RAMP[k + 1]![0]) k++;
    const a = RISK_RAMP[k]!;
    const b = RISK_RAMP[k + 1]!;
    const f = Math.min(1, Math.max(0, (x - a[0]) / (b[0] - a[0])));
    for (let c = 0; c < 4; c++) lut[i * 4 + c] = Math.round(a[c + 1]! + (b[c + 1]! - a[c + 1]!) * f);
  }
  return lut;
}

/** RGBA of a risk tile: bilinear r of the single channel (NaN neighbours dropped) through the ramp. */
function composeRisk(p: ComposeParams, sampler: Sampler, c0: ArrayLike<number>): Uint8Array {
  const { size, win } = p;
  const ww = win[2] - win[0];
  const rgba = new Uint8Array(size * size * 4);
  const lut = riskRampLut();
  const valid = validity(p.nodata, p.dtype);
  const { near: NX, i0: IX, i1: IX1, frac: AX } = sampler.X;
  const { i0: IY, i1: IY1, frac: AY } = sampler.Y;
  // Bilinear over the valid neighbours of positive weight (NaN / nodata dropped).
  let s = 0;
  let ws = 0;
  const add = (i: number, w: number): void => {
    const v = c0[i]!;
    if (w > 0 && valid(v)) {
      s += v * w;
      ws += w;
    }
  };
  for (let py = 0; py < size; py++) {
    if (!sampler.row(py)) continue;
    for (let px = 0; px < size; px++) {
      const ky = sampler.separable ? py : px;
      if (NX[px]! < 0) continue;
      const r0 = IY[ky]! * ww;
      const r1 = IY1[ky]! * ww;
      const ax = AX[px]!;
      const ay = AY[ky]!;
      s = 0;
      ws = 0;
      add(r0 + IX[px]!, (1 - ax) * (1 - ay));
      add(r0 + IX1[px]!, ax * (1 - ay));
      add(r1 + IX[px]!, (1 - ax) * ay);
      add(r1 + IX1[px]!, ax * ay);
      if (!(ws > 0)) continue;
      const r = s / ws;
      const i = r <= 0 ? 0 : r >= 0.5 ? 255 : Math.round((r / 0.5) * 255);
      const q = (py * size + px) * 4;
      if (lut[i * 4 + 3] === 0) continue;
      rgba[q] = lut[i * 4]!;
      rgba[q + 1] = lut[i * 4 + 1]!;
      rgba[q + 2] = lut[i * 4 + 2]!;
      rgba[q + 3] = lut[i * 4 + 3]!;
    }
  }
  return rgba;
}

/** Where tile pixels sample the window, along one axis: nearest pixel, bilinear pair and fraction. */
interface AxisSampling {
  /** -1 = the pixel centre maps outside the image. */
  near: Int32Array;
  i0: Int32Array;
  i1: Int32Array;
  frac: Float64Array;
}

function axisSampling(n: number): AxisSampling {
  return { near: new Int32Array(n), i0: new Int32Array(n), i1: new Int32Array(n), frac: new Float64Array(n) };
}

/** The bilinear geometry of source coordinate `l` (level pixels, window-relative) on an axis of `n` window pixels. */
function sampleAxis(l: number, n: number, out: AxisSampling, k: number): void {
  const s = l - 0.5;
  const i = Math.floor(s);
  out.near[k] = Math.min(n - 1, Math.max(0, Math.floor(l)));
  out.frac[k] = s - i;
  out.i0[k] = Math.min(n - 1, Math.max(0, i));
  out.i1[k] = Math.min(n - 1, Math.max(0, i + 1));
}

/**
 * Tile pixel sampling, row by row: for a separable mapping X is per column and Y per row, both
 * computed once; otherwise both are per pixel of the current row, recomputed for each row.
 */
class Sampler {
  readonly X: AxisSampling;
  readonly Y: AxisSampling;
  readonly separable: boolean;
  private readonly ww: number;
  private readonly wh: number;

  constructor(private readonly p: ComposeParams) {
    const { size, win } = p;
    this.ww = win[2] - win[0];
    this.wh = win[3] - win[1];
    this.X = axisSampling(size);
    this.Y = axisSampling(size);
    this.separable = 'ucol' in p.map;
    if ('ucol' in p.map) {
      for (let k = 0; k < size; k++) {
        const u = p.map.ucol[k]!;
        if (u >= 0 && u < p.imgW) sampleAxis(u / p.fx - win[0], this.ww, this.X, k);
        else this.X.near[k] = -1;
        const v = p.map.vrow[k]!;
        if (v >= 0 && v < p.imgH) sampleAxis(v / p.fy - win[1], this.wh, this.Y, k);
        else this.Y.near[k] = -1;
      }
    }
  }

  /** Prepares row `py`; false when no pixel of it maps inside the image. */
  row(py: number): boolean {
    const p = this.p;
    if (this.separable) return this.Y.near[py]! >= 0;
    if (!('u' in p.map)) return false;
    const { u: mu, v: mv } = p.map;
    const { size, win, imgW, imgH } = p;
    let any = false;
    for (let px = 0; px < size; px++) {
      const o = py * size + px;
      const u = mu[o]!;
      const v = mv[o]!;
      if (!(u >= 0 && u < imgW && v >= 0 && v < imgH)) {
        this.X.near[px] = -1;
        continue;
      }
      sampleAxis(u / p.fx - win[0], this.ww, this.X, px);
      sampleAxis(v / p.fy - win[1], this.wh, this.Y, px);
      any = true;
    }
    return any;
  }
}

/**
 * RGBA of the tile from one array per channel, each `ww * wh` values of the window, row-major.
 * rgb: 3 channels (R, G, B); ndvi: [NIR, red]; mask: `maskSamples(kind)` in that order.
 */
export function composeRgba(p: ComposeParams, chan: ReadonlyArray<ArrayLike<number>>): Uint8Array {
  const { size, win, style } = p;
  const ww = win[2] - win[0];
  const wh = win[3] - win[1];
  const rgba = new Uint8Array(size * size * 4);
  const sampler = new Sampler(p);
  if (style.mode === 'risk') return composeRisk(p, sampler, chan[0]!);
  const separable = sampler.separable;
  const { near: NX, i0: IX, i1: IX1, frac: AX } = sampler.X;
  const { near: NY, i0: IY, i1: IY1, frac: AY } = sampler.Y;

  if (style.mode === 'mask') {
    for (let py = 0; py < size; py++) {
      if (!sampler.row(py)) continue;
      for (let px = 0; px < size; px++) {
        const o = py * size + px;
        const kx = px;
        const ky = separable ? py : px;
        if (NX[kx]! < 0) continue;
        const i = NY[ky]! * ww + NX[kx]!;
        let col: readonly number[] | null = null;
        if (style.kind === 'udm2') {
          for (let k = 0; k < MASK_CLASSES.length; k++) {
            if (chan[k]![i]! > 0) {
              col = MASK_CLASSES[k]!.rgba;
              break;
            }
          }
        } else {
          const val = chan[0]![i]!;
          // legacy UDM bits: 0 blackfill (no data: leave transparent), 1 cloud, 2.. unusable data
          if (!(val & 1) && val & 2) col = MASK_CLASSES[0]!.rgba;
          else if (!(val & 1) && val > 0) col = MASK_CLASSES[1]!.rgba;
        }
        if (!col) continue;
        const q = o * 4;
        rgba[q] = col[0]!;
        rgba[q + 1] = col[1]!;
        rgba[q + 2] = col[2]!;
        rgba[q + 3] = col[3]!;
      }
    }
    return rgba;
  }

  const nch = style.mode === 'rgb' ? 3 : 2;
  const c0 = chan[0]!;
  const c1 = chan[1]!;
  const c2 = nch === 3 ? chan[2]! : chan[1]!;
  // 1 where every used channel holds a valid value (integer bands without nodata: all).
  const valid = new Uint8Array(ww * wh).fill(1);
  const isInt = p.dtype !== 'float32' && p.dtype !== 'float64';
  if (!(isInt && p.nodata === null)) {
    const nd = p.nodata === null || Number.isNaN(p.nodata) ? NaN : p.dtype === 'float32' ? Math.fround(p.nodata) : p.nodata;
    const seen: Array<ArrayLike<number>> = [];
    for (const a of [c0, c1, c2]) {
      if (seen.includes(a)) continue;
      seen.push(a);
      for (let i = 0; i < valid.length; i++) {
        const x = a[i]!;
        if (x !== x || x === nd) valid[i] = 0;
      }
    }
  }
  const tone = style.mode === 'rgb' || style.mode === 'ndvi' ? style.tone : IDENTITY_TONE;
  const lut = isIdentityTone(tone) ? null : toneLut(tone);
  const st = style.mode === 'rgb' ? style.stretch : ([[0, 1], [0, 1], [0, 1]] as Array<[number, number]>);
  const lo0 = st[0]![0];
  const lo1 = st[1]![0];
  const lo2 = st[2]![0];
  const k0 = 255 / (st[0]![1] > st[0]![0] ? st[0]![1] - st[0]![0] : 1);
  const k1 = 255 / (st[1]![1] > st[1]![0] ? st[1]![1] - st[1]![0] : 1);
  const k2 = 255 / (st[2]![1] > st[2]![0] ? st[2]![1] - st[2]![0] : 1);
  const ramp = style.mode === 'ndvi' ? ndviRampLut() : null;

  for (let py = 0; py < size; py++) {
    if (!sampler.row(py)) continue;
    for (let px = 0; px < size; px++) {
      const o = py * size + px;
      const kx = px;
      const ky = separable ? py : px;
      const nx = NX[kx]!;
      if (nx < 0) continue;
      const pn = NY[ky]! * ww + nx;
      if (!valid[pn]) continue; // nodata: transparent
      // Bilinear between the 4 nearest pixel centres, edge pixels replicated, nodata neighbours dropped.
      const ax = AX[kx]!;
      const ay = AY[ky]!;
      const r0 = IY[ky]! * ww;
      const r1 = IY1[ky]! * ww;
      const p00 = r0 + IX[kx]!;
      const p10 = r0 + IX1[kx]!;
      const p01 = r1 + IX[kx]!;
      const p11 = r1 + IX1[kx]!;
      const w00 = (1 - ax) * (1 - ay) * valid[p00]!;
      const w10 = ax * (1 - ay) * valid[p10]!;
      const w01 = (1 - ax) * ay * valid[p01]!;
      const w11 = ax * ay * valid[p11]!;
      const wsum = w00 + w10 + w01 + w11;
      let v0: number;
      let v1: number;
      let v2 = 0;
      if (wsum > 0) {
        const inv = 1 / wsum;
        // Terms of weight 0 are left out: a NaN (float nodata) neighbour must not poison the sum.
        if (w00 > 0 && w10 > 0 && w01 > 0 && w11 > 0) {
          v0 = (c0[p00]! * w00 + c0[p10]! * w10 + c0[p01]! * w01 + c0[p11]! * w11) * inv;
          v1 = (c1[p00]! * w00 + c1[p10]! * w10 + c1[p01]! * w01 + c1[p11]! * w11) * inv;
          if (nch === 3) v2 = (c2[p00]! * w00 + c2[p10]! * w10 + c2[p01]! * w01 + c2[p11]! * w11) * inv;
        } else {
          v0 = weighted(c0, p00, p10, p01, p11, w00, w10, w01, w11) * inv;
          v1 = weighted(c1, p00, p10, p01, p11, w00, w10, w01, w11) * inv;
          if (nch === 3) v2 = weighted(c2, p00, p10, p01, p11, w00, w10, w01, w11) * inv;
        }
      } else {
        v0 = c0[pn]!;
        v1 = c1[pn]!;
        if (nch === 3) v2 = c2[pn]!;
      }
      const q = o * 4;
      if (ramp) {
        const sum = v0 + v1;
        if (!(sum !== 0 && Number.isFinite(sum))) continue; // NDVI undefined: transparent
        let t = ((v0 - v1) / sum + 1) * 127.5; // 0..255
        t = t <= 0 ? 0 : t >= 255 ? 255 : t;
        const k = lut ? lut[Math.round(t * 16)]! : Math.round(t);
        rgba[q] = ramp[k * 3]!;
        rgba[q + 1] = ramp[k * 3 + 1]!;
        rgba[q + 2] = ramp[k * 3 + 2]!;
      } else if (lut === null) {
        // (t + 0.5) | 0 is Math.round(t) for 0 < t < 255, and cheaper
        const t0 = (v0 - lo0) * k0;
        const t1 = (v1 - lo1) * k1;
        const t2 = (v2 - lo2) * k2;
        rgba[q] = t0 <= 0 ? 0 : t0 >= 255 ? 255 : (t0 + 0.5) | 0;
        rgba[q + 1] = t1 <= 0 ? 0 : t1 >= 255 ? 255 : (t1 + 0.5) | 0;
        rgba[q + 2] = t2 <= 0 ? 0 : t2 >= 255 ? 255 : (t2 + 0.5) | 0;
      } else {
        const t0 = (v0 - lo0) * k0;
        const t1 = (v1 - lo1) * k1;
        const t2 = (v2 - lo2) * k2;
        rgba[q] = lut[t0 <= 0 ? 0 : t0 >= 255 ? 4080 : (t0 * 16 + 0.5) | 0]!;
        rgba[q + 1] = lut[t1 <= 0 ? 0 : t1 >= 255 ? 4080 : (t1 * 16 + 0.5) | 0]!;
        rgba[q + 2] = lut[t2 <= 0 ? 0 : t2 >= 255 ? 4080 : (t2 * 16 + 0.5) | 0]!;
      }
      rgba[q + 3] = 255;
    }
  }
  return rgba;
}

/** Sum of the terms of positive weight, in the order 00, 10, 01, 11. */
function weighted(a: ArrayLike<number>, p00: number, p10: number, p01: number, p11: number, w00: number, w10: number, w01: number, w11: number): number {
  let s = 0;
  if (w00 > 0) s += a[p00]! * w00;
  if (w10 > 0) s += a[p10]! * w10;
  if (w01 > 0) s += a[p01]! * w01;
  if (w11 > 0) s += a[p11]! * w11;
  return s;
}

