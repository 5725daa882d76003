/**
 * Pixel grid of one scene and its mapping to the world frame (EPSG:3857 metres).
 * NICFI-like quads are EPSG:3857 (affine); PlanetScope-like scenes are UTM (exact per vertex,
 * per-pixel world coordinates interpolated from an exact coarse grid: error far below 1 mm).
 */
import { mercForward, mercInverse, utmForward, utmInverse } from './geo.js';
import type { Pt } from './geom.js';

export interface GridSpec { epsg: number; width: number; height: number; originX: number; originY: number; pixelSize: number }

export class SceneGrid {
  constructor(readonly spec: GridSpec) {}

  worldToCrs(x: number, y: number): Pt {
    if (this.spec.epsg === 3857) return [x, y];
    const [lon, lat] = mercInverse(x, y);
    return utmForward(this.spec.epsg, lon, lat);
  }

  crsToWorld(e: number, n: number): Pt {
    if (this.spec.epsg === 3857) return [e, n];
    const [lon, lat] = utmInverse(this.spec.epsg, e, n);
    return mercForward(lon, lat);
  }

  /** world -> fractional pixel coordinates (x right, y down; pixel centres at +0.5) */
  toPixel(x: number, y: number): Pt {
    const [e, n] = this.worldToCrs(x, y);
    return [(e - this.spec.originX) / this.spec.pixelSize, (this.spec.originY - n) / this.spec.pixelSize];
  }

  pixelToWorld(px: number, py: number): Pt {
    return this.crsToWorld(this.spec.originX + px * this.spec.pixelSize, this.spec.originY - py * this.spec.pixelSize);
  }

  pixelToLonLat(px: number, py: number): Pt {
    const [x, y] = this.pixelToWorld(px, py);
    return mercInverse(x, y);
  }

  /** ring of world points -> pixel coordinate arrays */
  ringToPixels(ring: readonly Pt[], xs: Float64Array, ys: Float64Array): number {
    for (let i = 0; i < ring.length; i++) {
      const p = ring[i] as Pt;
      const [px, py] = this.toPixel(p[0], p[1]);
      xs[i] = px; ys[i] = py;
    }
    return ring.length;
  }

  /** world coordinates of every pixel centre, relative to `center` (Float32 keeps mm precision) */
  worldCoords(center: Pt): { wx: Float32Array; wy: Float32Array } {
    const { width: W, height: H } = this.spec;
    const wx = new Float32Array(W * H), wy = new Float32Array(W * H);
    if (this.spec.epsg === 3857) {
      const ps = this.spec.pixelSize;
      const x0 = this.spec.originX - center[0], y0 = this.spec.originY - center[1];
      for (let y = 0; y < H; y++) {
        const yy = y0 - (y + 0.5) * ps;
        for (let x = 0, i = y * W; x < W; x++, i++) { wx[i] = x0 + (x + 0.5) * ps; wy[i] = yy; }
      }
      return { wx, wy };
    }
    const S = 32;
    const gw = Math.ceil(W / S) + 1, gh = Math.ceil(H / S) + 1;
    const gx = new Float64Array(gw * gh), gy = new Float64Array(gw * gh);
    for (let j = 0; j < gh; j++) {
      for (let i = 0; i < gw; i++) {
        const [x, y] = this.pixelToWorld(i * S + 0.5, j * S + 0.5);
        gx[j * gw + i] = x - center[0]; gy[j * gw + i] = y - center[1];
      }
    }
    for (let y = 0; y < H; y++) {
      const j = Math.floor(y / S), fy = (y - j * S) / S;
      for (let x = 0; x < W; x++) {
        const i = Math.floor(x / S), fx = (x - i * S) / S;
        const k = j * gw + i;
        const a = gx[k] as number, b = gx[k + 1] as number, c = gx[k + gw] as number, d = gx[k + gw + 1] as number;
        const e = gy[k] as number, f = gy[k + 1] as number, g = gy[k + gw] as number, h = gy[k + gw + 1] as number;
        const o = y * W + x;
        wx[o] = a + (b - a) * fx + (c - a) * fy + (a - b - c + d) * fx * fy;
        wy[o] = e + (f - e) * fx + (g - e) * fy + (e - f - g + h) * fx * fy;
      }
    }
    return { wx, wy };
  }

  /** [minLon, minLat, maxLon, maxLat] of the raster extent (edges sampled) */
  bounds4326(): [number, number, number, number] {
    const { width: W, height: H } = this.spec;
    let a = Infinity, b = Infinity, c = -Infinity, d = -Infinity;
    for (let t = 0; t <= 16; t++) {
      for (const [px, py] of [[(W * t) / 16, 0], [(W * t) / 16, H], [0, (H * t) / 16], [W, (H * t) / 16]] as const) {
        const [lon, lat] = this.pixelToLonLat(px, py);
        a = Math.min(a, lon); b = Math.min(b, lat); c = Math.max(c, lon); d = Math.max(d, lat);
      }
    }
    return [a, b, c, d];
  }
}

/** Samples a smooth world function on a coarse pixel lattice and interpolates it bilinearly. */
export function sampleCoarse(fn: (x: number, y: number) => number, wx: Float32Array, wy: Float32Array, W: number, H: number, step: number): Float32Array {
  const gw = Math.ceil((W - 1) / step) + 1, gh = Math.ceil((H - 1) / step) + 1;
  const g = new Float32Array(gw * gh);
  for (let j = 0; j < gh; j++) {
    for (let i = 0; i < gw; i++) {
      // lattice node (i*step, j*step); extrapolate the world position beyond the last pixel
      const px = i * step, py = j * step;
      const cx = Math.min(W - 1, px), cy = Math.min(H - 1, py);
      const k0 = cy * W + cx;
      const ex = px - cx, ey = py - cy;
      const dxx = cx > 0 ? (wx[k0] as number) - (wx[k0 - 1] as number) : 0, dxy = cy > 0 ? (wy[k0] as number) - (wy[k0 - W] as number) : 0;
      g[j * gw + i] = fn((wx[k0] as number) + ex * dxx, (wy[k0] as number) + ey * dxy);
    }
  }
  const out = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    const j = Math.floor(y / step), fy = (y - j * step) / step;
    for (let x = 0; x < W; x++) {
      const i = Math.floor(x / step), fx = (x - i * step) / step;
      const k = j * gw + i;
      const a = g[k] as number, b = fx > 0 ? (g[k + 1] as number) : a;
      const c = fy > 0 ? (g[k + gw] as number) : a, d = fx > 0 && fy > 0 ? (g[k + gw + 1] as number) : fy > 0 ? c : b;
      out[y * W + x] = a + (b - a) * fx + (c - a) * fy + (a - b - c + d) * fx * fy;
    }
  }
  return out;
}
