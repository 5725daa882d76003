/**
 * Atmosphere of a scene (haze, cumulus clouds and their shadows, anchored in world metres) and
 * the Planet UDM2-like usable-data mask that describes it. UDM2 bands (uint8):
 *   1 clear, 2 snow, 3 shadow, 4 light haze, 5 heavy haze, 6 cloud (0/1 each),
 *   7 confidence (0-100), 8 legacy UDM (bit 0: no data / blackfill, bit 1: cloud).
 */
import { rngFor } from './rng.js';
import { Fbm } from './noise.js';
import { sampleCoarse } from './grid.js';

export interface Cloud { x: number; y: number; r: number }

export interface AtmosphereSpec {
  seed: number;
  /** world extent, relative to the world centre */
  extentRel: [number, number, number, number];
  /** 3857 metres per ground metre */
  k: number;
  clouds: number;
  /** background haze level 0..1 */
  haze: number;
}

export interface Atmosphere { alpha: Float32Array; shadow: Float32Array; haze: Float32Array }

export const UDM2_BANDS = ['clear', 'snow', 'shadow', 'light_haze', 'heavy_haze', 'cloud', 'confidence', 'udm1'] as const;

const smooth = (e0: number, e1: number, x: number) => {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};

/** Cloud and haze fields at every pixel (wx, wy: world coords relative to the centre). */
export function computeAtmosphere(spec: AtmosphereSpec, wx: Float32Array, wy: Float32Array, W: number, H: number): Atmosphere {
  const n = wx.length;
  const alpha = new Float32Array(n), shadow = new Float32Array(n);
  const rng = rngFor(spec.seed, 'clouds');
  const [x0, y0, x1, y1] = spec.extentRel;
  const clouds: Cloud[] = [];
  for (let i = 0; i < spec.clouds; i++) {
    // a cumulus: a cluster of puffs
    const cx = x0 + rng.next() * (x1 - x0), cy = y0 + rng.next() * (y1 - y0), R = rng.range(120, 420) * spec.k;
    const puffs = 2 + rng.int(6);
    for (let j = 0; j < puffs; j++) {
      const a = rng.next() * Math.PI * 2, d = R * 1.2 * Math.sqrt(rng.next());
      clouds.push({ x: cx + d * Math.cos(a), y: cy + d * Math.sin(a), r: R * rng.range(0.3, 0.7) });
    }
  }
  const texture = new Fbm(spec.seed ^ 0xc10d, 260 * spec.k, 5, [x0 - 3000, y0 - 3000, x1 + 3000, y1 + 3000], 0.55);
  const hazeN = new Fbm(spec.seed ^ 0x4a2e, 2500 * spec.k, 2, [x0 - 3000, y0 - 3000, x1 + 3000, y1 + 3000]);
  // sun from the east at ~55 degrees: shadows fall ~850 m west-north-west of clouds 1.2 km up
  const sx = -850 * spec.k, sy = 140 * spec.k;
  // puffs indexed by 400 m cells
  const cell = 400 * spec.k;
  const index = new Map<number, Cloud[]>();
  const key = (gx: number, gy: number) => (gx + 50000) * 100003 + gy + 50000;
  for (const c of clouds) {
    const rr = 2.6 * c.r;
    for (let gx = Math.floor((c.x - rr) / cell); gx <= Math.floor((c.x + rr) / cell); gx++) {
      for (let gy = Math.floor((c.y - rr) / cell); gy <= Math.floor((c.y + rr) / cell); gy++) {
        const l = index.get(key(gx, gy));
        if (l) l.push(c); else index.set(key(gx, gy), [c]);
      }
    }
  }
  const density = (x: number, y: number): number => {
    const near = index.get(key(Math.floor(x / cell), Math.floor(y / cell)));
    if (!near) return 0;
    let env = 0;
    for (const c of near) {
      const dx = x - c.x, dy = y - c.y, rr = 2.6 * c.r;
      if (dx > rr || dx < -rr || dy > rr || dy < -rr) continue;
      env += Math.exp(-((dx * dx + dy * dy) / (c.r * c.r)) * 1.4);
    }
    if (env < 0.02) return 0;
    return env * (0.45 + 1.5 * texture.at(x, y));
  };
  // smooth fields: evaluated on a coarse lattice (every 2 px for clouds) and interpolated
  const haze = sampleCoarse((x, y) => Math.min(1, Math.max(0, spec.haze * (0.65 + 0.7 * hazeN.at(x, y)))), wx, wy, W, H, 16);
  const dens = clouds.length ? sampleCoarse(density, wx, wy, W, H, 2) : null;
  const sdens = clouds.length ? sampleCoarse((x, y) => density(x - sx, y - sy), wx, wy, W, H, 2) : null;
  for (let i = 0; i < n; i++) {
    if (dens && sdens) {
      const d = dens[i] as number;
      alpha[i] = d <= 0 ? 0 : Math.min(1, smooth(0.3, 0.8, d) + 0.3 * smooth(0.04, 0.4, d)); // thin veil around the cores
      const ds = sdens[i] as number;
      shadow[i] = ds <= 0 ? 0 : smooth(0.3, 0.75, ds);
    }
  }
  return { alpha, shadow, haze };
}

const PATH: readonly number[] = [1250, 1050, 850, 600];
const CLOUD: readonly number[] = [5200, 5100, 5100, 5600];

/** Applies haze, cloud shadows and clouds to the surface reflectance bands in place. */
export function applyAtmosphere(bands: Float32Array[], atm: Atmosphere): void {
  const n = atm.alpha.length;
  for (let b = 0; b < 4; b++) {
    const o = bands[b] as Float32Array, path = PATH[b] as number, cloud = CLOUD[b] as number;
    for (let i = 0; i < n; i++) {
      let v = o[i] as number;
      const s = atm.shadow[i] as number;
      if (s > 0) v *= 1 - 0.62 * s;
      const h = atm.haze[i] as number;
      v = v * (1 - 0.3 * h) + path * h;
      const a = atm.alpha[i] as number;
      if (a > 0) v = v * (1 - a) + cloud * a;
      o[i] = v;
    }
  }
}

/** UDM2-like mask; `valid` marks pixels with data (null = all). */
export function udm2(atm: Atmosphere, valid: Uint8Array | null): Uint8Array[] {
  const n = atm.alpha.length;
  const out = UDM2_BANDS.map(() => new Uint8Array(n));
  const [clear, , shadowB, light, heavy, cloud, conf, udm1] = out as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  for (let i = 0; i < n; i++) {
    if (valid && !valid[i]) { udm1[i] = 1; continue; }
    const a = atm.alpha[i] as number, s = atm.shadow[i] as number, h = atm.haze[i] as number;
    let c = 100;
    if (a >= 0.4) { cloud[i] = 1; udm1[i] = 2; c = 70 + 75 * Math.min(0.4, a - 0.4); } else if (a >= 0.12 || h >= 0.55) { heavy[i] = 1; c = 60 + 50 * Math.abs(a - 0.25); } else if (a >= 0.02 || h >= 0.3) { light[i] = 1; c = 75; }
    if (s >= 0.25 && a < 0.4) { shadowB[i] = 1; c = Math.min(c, 60 + 40 * s); }
    if (!cloud[i] && !heavy[i] && !light[i] && !shadowB[i]) { clear[i] = 1; c = 100 - 200 * Math.max(a, 0.5 * s); }
    conf[i] = Math.max(0, Math.min(100, Math.round(c)));
  }
  return out;
}
