/**
 * Renders one scene of the demo world to 4-band uint16 surface reflectance x 10000 (B, G, R, NIR).
 *
 * Order: savanna background (soil, grass and burn scars from world-anchored noise) -> fields
 * (anti-aliased polygon coverage, crop/soil mixture by phenology, ridge stripes, patchiness,
 * grass margins) -> stream -> roads, tracks, footpaths -> compounds and roofs -> tree shadows and
 * crowns -> sensor blur -> haze, cloud shadows, clouds -> per-scene gains, sensor noise,
 * quantisation, no-data outside the scene footprint.
 */
import { rngFor } from './rng.js';
import { Fbm, ValueNoise } from './noise.js';
import { rasterizeRing, rasterizeDisc, drawCapsuleMax } from './raster.js';
import { SceneGrid, sampleCoarse, type GridSpec } from './grid.js';
import { type Pt, bbox } from './geom.js';
import { EDGE, type WorldLayout } from './fields.js';
import { TREE_KIND, ROOF, type Features } from './features.js';
import { computeAtmosphere, applyAtmosphere, udm2, type Atmosphere } from './udm2.js';
import {
  type Phase, type Spec, fieldLook, SHADE, SOIL_DARK, GV, TREE, TREE_DRY, DRY, SOIL_RED, SOIL_SAND, BURN, WATER, LATERITE_ROAD, TRACK, SWEPT, ZINC, ZINC_RUST, THATCH,
} from './spectra.js';

export interface SceneSpec extends GridSpec {
  id: string;
  phase: Phase;
  /** number of cumulus clouds (0 = clear) */
  clouds: number;
  /** background haze 0..1 */
  haze: number;
  /** scene footprint (valid data) in pixel coordinates; absent = the whole raster */
  footprint?: Pt[];
  /** sensor blur: weight of each neighbour in a 3-tap kernel */
  blur: number;
  /** per-band radiometric gain of this sensor / mosaic */
  gains: [number, number, number, number];
}

export interface RenderedScene {
  bands: Uint16Array[];
  udm: Uint8Array[];
  atmosphere: Atmosphere;
  valid: Uint8Array | null;
}

export interface WorldNoise {
  large: Fbm; // 350 m: savanna cover, soil brightness
  mid: Fbm; // 70 m: patchiness
  fine: ValueNoise; // 12 m: texture
  soil: ValueNoise; // 1200 m: soil type
  burn: Fbm; // 600 m: burn scars
}

export function makeWorldNoise(seed: number, extentRel: [number, number, number, number], k: number): WorldNoise {
  const e: [number, number, number, number] = [extentRel[0] - 2000, extentRel[1] - 2000, extentRel[2] + 2000, extentRel[3] + 2000];
  return {
    large: new Fbm(seed ^ 0x1001, 350 * k, 3, e),
    mid: new Fbm(seed ^ 0x2002, 70 * k, 2, e),
    fine: new ValueNoise(seed ^ 0x3003, 12 * k, e),
    soil: new ValueNoise(seed ^ 0x5a5a, 1200 * k, e),
    burn: new Fbm(seed ^ 0x4004, 600 * k, 3, e),
  };
}

const ROAD_MAT: Record<number, Spec> = { [EDGE.ROAD]: LATERITE_ROAD, [EDGE.TRACK]: TRACK, [EDGE.PATH]: SWEPT };
const ROOF_MAT: Record<number, Spec> = { [ROOF.THATCH]: THATCH, [ROOF.ZINC]: ZINC, [ROOF.RUST]: ZINC_RUST };

export function renderScene(world: WorldLayout, feat: Features, noise: WorldNoise, spec: SceneSpec): RenderedScene {
  const grid = new SceneGrid(spec);
  const W = spec.width, H = spec.height, N = W * H;
  const { wx, wy } = grid.worldCoords(world.center);
  const cx = world.center[0], cy = world.center[1];
  const k = world.k;
  const px = spec.pixelSize / k; // ground metres per pixel (approx.)
  const phase = spec.phase;
  const out = [new Float32Array(N), new Float32Array(N), new Float32Array(N), new Float32Array(N)] as const;
  const [o0, o1, o2, o3] = out;
  const nM = new Float32Array(N), nF = new Float32Array(N);
  noise.mid.fill(nM, wx, wy);
  for (let i = 0; i < N; i++) nF[i] = noise.fine.at(wx[i] as number, wy[i] as number);
  const row = new Float32Array(W);
  const xs = new Float64Array(256), ys = new Float64Array(256);
  const sceneBox = (() => {
    const c = [grid.pixelToWorld(0, 0), grid.pixelToWorld(W, 0), grid.pixelToWorld(0, H), grid.pixelToWorld(W, H)];
    return [Math.min(...c.map((p) => p[0])), Math.min(...c.map((p) => p[1])), Math.max(...c.map((p) => p[0])), Math.max(...c.map((p) => p[1]))];
  })();
  const visible = (b: readonly number[]) => !(b[2] as number < (sceneBox[0] as number) || (b[0] as number) > (sceneBox[2] as number) || (b[3] as number) < (sceneBox[1] as number) || (b[1] as number) > (sceneBox[3] as number));

  const blend = (i: number, c: number, s: Spec, f = 1) => {
    o0[i] = (o0[i] as number) * (1 - c) + s[0] * f * c; o1[i] = (o1[i] as number) * (1 - c) + s[1] * f * c;
    o2[i] = (o2[i] as number) * (1 - c) + s[2] * f * c; o3[i] = (o3[i] as number) * (1 - c) + s[3] * f * c;
  };

  // ---------------------------------------------------------------- fields
  const Co = new Float32Array(N), Ci = new Float32Array(N);
  for (const f of world.fields) {
    if (!visible(bbox(f.ring))) continue;
    const L = fieldLook(f.crop, f.rand, f.soilT, phase);
    const ca = Math.cos(f.rowAngle), sa = Math.sin(f.rowAngle), w2 = (2 * Math.PI) / f.rowPeriod, ph = (f.rand[9] as number) * 6.283;
    // rows are only resolved when the period spans > 1.5 pixels; otherwise they average out
    const stripe = f.rowPeriod / k > 1.5 * px ? L.stripe : L.stripe * 0.3;
    const bareStripe = L.fv < 0.25;
    const [g0, g1, g2, g3] = L.gv, [s0, s1, s2, s3] = L.soil;
    let n = grid.ringToPixels(f.ring, xs, ys);
    rasterizeRing(xs, ys, n, W, H, row, (y, x0, x1, cov) => {
      for (let x = x0, i = y * W + x0; x <= x1; x++, i++) Co[i] = (Co[i] as number) + (cov[x] as number);
    });
    n = grid.ringToPixels(f.inner, xs, ys);
    rasterizeRing(xs, ys, n, W, H, row, (y, x0, x1, cov) => {
      for (let x = x0, i = y * W + x0; x <= x1; x++, i++) {
        const c = cov[x] as number;
        if (c <= 0) continue;
        const s = Math.sin(((wx[i] as number) * ca + (wy[i] as number) * sa) * w2 + ph);
        const m = nM[i] as number, fi = nF[i] as number;
        let fv = L.fv * (1 + L.patchy * (1.8 * m + 0.8 * fi)) + (bareStripe ? 0 : stripe * s);
        fv = fv < 0 ? 0 : fv > 0.97 ? 0.97 : fv;
        let fd = L.fd * (1 + 0.5 * fi + m);
        if (fd < 0) fd = 0;
        if (fv + fd > 1) fd = 1 - fv;
        const fs = (1 - fv - fd) * (1 + (bareStripe ? 0.6 * stripe * s : 0) + 0.12 * m + 0.06 * fi);
        let v0 = fv * g0 + fd * DRY[0] + fs * s0;
        let v1 = fv * g1 + fd * DRY[1] + fs * s1;
        let v2 = fv * g2 + fd * DRY[2] + fs * s2;
        let v3 = fv * g3 + fd * DRY[3] + fs * s3;
        if (L.burn > 0) {
          const b = L.burn * Math.min(1, Math.max(0, 0.75 + 0.8 * m));
          v0 += (BURN[0] - v0) * b; v1 += (BURN[1] - v1) * b; v2 += (BURN[2] - v2) * b; v3 += (BURN[3] - v3) * b;
        }
        o0[i] = (o0[i] as number) + c * v0; o1[i] = (o1[i] as number) + c * v1;
        o2[i] = (o2[i] as number) + c * v2; o3[i] = (o3[i] as number) + c * v3;
        Ci[i] = (Ci[i] as number) + c;
      }
    });
  }

  // ---------------------------------------------------------------- background + margins
  const growing = phase !== 'dry';
  const lL = sampleCoarse((x, y) => noise.large.at(x, y), wx, wy, W, H, 4);
  const lS = sampleCoarse((x, y) => Math.min(1, Math.max(0, 0.45 + 0.6 * noise.soil.at(x, y))), wx, wy, W, H, 16);
  const lB = growing ? null : sampleCoarse((x, y) => noise.burn.at(x, y), wx, wy, W, H, 4);
  const peak = phase === 'peak';
  const brightBase = growing ? (peak ? 0.85 : 0.93) : 1.03;
  for (let i = 0; i < N; i++) {
    const l = lL[i] as number, m = nM[i] as number, fi = nF[i] as number;
    const st = lS[i] as number;
    const bright = brightBase * (1 + 0.1 * l + 0.05 * fi);
    let fv: number, fd: number;
    if (peak) { fv = 0.7 + 0.2 * l + 0.12 * m + 0.05 * fi; fd = 0.04 + 0.04 * m; } else if (growing) { fv = 0.42 + 0.22 * l + 0.12 * m; fd = 0.28 + 0.1 * m; } else { fv = 0.07 + 0.06 * l + 0.03 * fi; fd = 0.5 + 0.25 * m + 0.1 * fi; }
    fv = fv < 0.02 ? 0.02 : fv > 0.9 ? 0.9 : fv;
    fd = fd < 0 ? 0 : fd + fv > 1 ? 1 - fv : fd;
    // rough savanna canopies hide much of the soil in shade
    let sh: number;
    if (peak) { sh = 0.05; } else sh = (growing ? 0.3 : 0.15) * fv;
    if (sh > 1 - fv - fd) sh = 1 - fv - fd;
    const fs = (1 - fv - fd - sh) * bright;
    let sb0 = SOIL_RED[0] + (SOIL_SAND[0] - SOIL_RED[0]) * st, sb1 = SOIL_RED[1] + (SOIL_SAND[1] - SOIL_RED[1]) * st;
    let sb2 = SOIL_RED[2] + (SOIL_SAND[2] - SOIL_RED[2]) * st, sb3 = SOIL_RED[3] + (SOIL_SAND[3] - SOIL_RED[3]) * st;
    if (peak) { sb0 = 0.5 * (sb0 + SOIL_DARK[0]); sb1 = 0.5 * (sb1 + SOIL_DARK[1]); sb2 = 0.5 * (sb2 + SOIL_DARK[2]); sb3 = 0.5 * (sb3 + SOIL_DARK[3]); }
    let b0 = fv * GV[0] + fd * DRY[0] + fs * sb0 + sh * SHADE[0], b1 = fv * GV[1] * 0.92 + fd * DRY[1] + fs * sb1 + sh * SHADE[1];
    let b2 = fv * GV[2] * 1.05 + fd * DRY[2] + fs * sb2 + sh * SHADE[2], b3 = fv * GV[3] * 0.88 + fd * DRY[3] + fs * sb3 + sh * SHADE[3];
    // margins: grass strips, greener than the bush in the rains, dry in the dry season
    const mf = peak ? 0.6 + 0.1 * m : growing ? 0.45 + 0.1 * m : 0.06, md = peak ? 0.12 : growing ? 0.2 : 0.6, ms = (1 - mf - md) * bright * (peak ? 0.8 : 1);
    const m0 = mf * GV[0] + md * DRY[0] + ms * sb0, m1 = mf * GV[1] + md * DRY[1] + ms * sb1;
    const m2 = mf * GV[2] + md * DRY[2] + ms * sb2, m3 = mf * GV[3] + md * DRY[3] + ms * sb3;
    if (lB) {
      const burn = lB[i] as number;
      if (burn > 0.21) {
        const t = Math.min(1, (burn - 0.21) / 0.04) * (0.45 + 0.2 * fi + 0.2 * m);
        b0 += (BURN[0] - b0) * t; b1 += (BURN[1] - b1) * t; b2 += (BURN[2] - b2) * t; b3 += (BURN[3] - b3) * t;
      }
    }
    let co = Co[i] as number;
    if (co > 1) co = 1;
    let ci = Ci[i] as number;
    if (ci > co) ci = co;
    const bg = 1 - co, mg = co - ci;
    o0[i] = b0 * bg + m0 * mg + (o0[i] as number); o1[i] = b1 * bg + m1 * mg + (o1[i] as number);
    o2[i] = b2 * bg + m2 * mg + (o2[i] as number); o3[i] = b3 * bg + m3 * mg + (o3[i] as number);
  }
  // trampled village ground (outside fields)
  for (const v of world.villages) {
    const p = grid.toPixel(v.x, v.y), R = (v.r * 1.15) / spec.pixelSize;
    const x0 = Math.max(0, Math.floor(p[0] - R)), x1 = Math.min(W - 1, Math.ceil(p[0] + R));
    const y0 = Math.max(0, Math.floor(p[1] - R)), y1 = Math.min(H - 1, Math.ceil(p[1] + R));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0, i = y * W + x0; x <= x1; x++, i++) {
        const dx = x + 0.5 - p[0], dy = y + 0.5 - p[1];
        const d = Math.sqrt(dx * dx + dy * dy);
        if (d >= R) continue;
        const t = Math.min(1, (R - d) / (R * 0.45)) * Math.min(0.6, Math.max(0, 0.35 + 0.6 * (nM[i] as number))) * (1 - Math.min(1, Co[i] as number));
        if (t > 0) blend(i, t, SWEPT, 0.9);
      }
    }
  }

  // ---------------------------------------------------------------- stream, roads
  // the field coverage buffer is free again: reuse it for line coverage (memory)
  const lineCov = Co.fill(0), lineTag = new Uint8Array(N);
  const drawLine = (pts: Pt[], halfW: number, tag: number) => {
    for (let i = 0; i + 1 < pts.length; i++) {
      const a = grid.toPixel((pts[i] as Pt)[0], (pts[i] as Pt)[1]), b = grid.toPixel((pts[i + 1] as Pt)[0], (pts[i + 1] as Pt)[1]);
      drawCapsuleMax(a[0], a[1], b[0], b[1], halfW / spec.pixelSize, W, H, lineCov, lineTag, tag);
    }
  };
  if (world.river) {
    drawLine(world.river.pts, world.river.halfW, 1);
    const mat: Spec = growing ? WATER : [SOIL_SAND[0] * 1.1, SOIL_SAND[1] * 1.1, SOIL_SAND[2] * 1.08, SOIL_SAND[3] * 1.05];
    for (let i = 0; i < N; i++) if ((lineCov[i] as number) > 0) blend(i, lineCov[i] as number, mat);
    lineCov.fill(0);
  }
  for (const r of world.roads) {
    if (!visible([Math.min(r.a[0], r.b[0]), Math.min(r.a[1], r.b[1]), Math.max(r.a[0], r.b[0]), Math.max(r.a[1], r.b[1])])) continue;
    drawLine([r.a, r.b], r.halfW, r.kind);
  }
  for (let i = 0; i < N; i++) {
    const c = lineCov[i] as number;
    if (c <= 0) continue;
    const s = ROAD_MAT[lineTag[i] as number] ?? TRACK;
    blend(i, c * (lineTag[i] === EDGE.PATH ? 0.55 : 0.9), s, 0.92 + 0.1 * (nF[i] as number) + 0.06 * (nM[i] as number));
  }

  // ---------------------------------------------------------------- settlements
  const st = feat.settlements;
  const discAt = (x: number, y: number, r: number, s: Spec, strength: number, f = 1) => {
    const p = grid.toPixel(x, y);
    rasterizeDisc(p[0], p[1], r / spec.pixelSize, W, H, row, (yy, x0, x1, cov) => {
      for (let xx = x0, i = yy * W + x0; xx <= x1; xx++, i++) { const c = (cov[xx] as number) * strength; if (c > 0) blend(i, c, s, f); }
    });
  };
  for (let j = 0; j < st.swept.length; j += 3) discAt(st.swept[j] as number, st.swept[j + 1] as number, st.swept[j + 2] as number, SWEPT, 0.55);
  for (const h of st.houses) {
    const n = grid.ringToPixels(h.pts, xs, ys);
    const s = ROOF_MAT[h.roof] ?? ZINC;
    rasterizeRing(xs, ys, n, W, H, row, (y, x0, x1, cov) => {
      for (let x = x0, i = y * W + x0; x <= x1; x++, i++) { const c = cov[x] as number; if (c > 0) blend(i, c, s); }
    });
  }
  for (let j = 0; j < st.huts.length; j += 4) {
    discAt(st.huts[j] as number, st.huts[j + 1] as number, st.huts[j + 2] as number, ROOF_MAT[st.huts[j + 3] as number] ?? THATCH, 1);
  }

  // ---------------------------------------------------------------- trees: shadows, then crowns
  const tr = feat.trees;
  const dry = phase === 'dry';
  const shade = lineCov;
  shade.fill(0);
  for (let pass = 0; pass < 2; pass++) {
    if (pass === 1) {
      for (let i = 0; i < N; i++) {
        const f = 1 - (shade[i] as number);
        if (f < 1) { o0[i] = (o0[i] as number) * f; o1[i] = (o1[i] as number) * f; o2[i] = (o2[i] as number) * f; o3[i] = (o3[i] as number) * f; }
      }
    }
    for (let t = 0; t < tr.n; t++) {
      const x = tr.x[t] as number, y = tr.y[t] as number, r = tr.r[t] as number;
      if (x + 3 * r < (sceneBox[0] as number) || x - 3 * r > (sceneBox[2] as number) || y + 3 * r < (sceneBox[1] as number) || y - 3 * r > (sceneBox[3] as number)) continue;
      const kind = tr.kind[t] as number, tone = tr.tone[t] as number;
      if (pass === 0) {
        // shadow cast west, slightly north (morning sun from the east); shadows do not stack
        const p = grid.toPixel(x - 0.8 * r, y + 0.15 * r);
        const strength = kind === TREE_KIND.SHRUB ? 0.12 : 0.22;
        rasterizeDisc(p[0], p[1], (r * 0.9) / spec.pixelSize, W, H, row, (yy, x0, x1, cov) => {
          for (let xx = x0, i = yy * W + x0; xx <= x1; xx++, i++) {
            const c = strength * (cov[xx] as number);
            if (c > (shade[i] as number)) shade[i] = c;
          }
        });
        continue;
      }
      let s: Spec = TREE;
      let alpha = 0.72;
      if (kind === TREE_KIND.SHRUB) {
        s = dry ? [DRY[0] * 0.7, DRY[1] * 0.7, DRY[2] * 0.65, DRY[3] * 0.8] : [GV[0] * 0.95, GV[1] * 0.85, GV[2] * 0.95, GV[3] * 0.8];
        alpha = 0.8;
      } else if (kind === TREE_KIND.BUSH_DECIDUOUS && dry) { s = TREE_DRY; alpha = 0.75; } else if (dry && kind !== TREE_KIND.RIPARIAN && kind !== TREE_KIND.SHADE) {
        s = [TREE[0] * 1.1, TREE[1] * 1.05, TREE[2] * 1.2, TREE[3] * 0.85];
      }
      const p = grid.toPixel(x, y);
      const rp = r / spec.pixelSize;
      // crowns are lit from the east: brighter on that side, darker on the west
      rasterizeDisc(p[0], p[1], rp, W, H, row, (yy, x0, x1, cov) => {
        for (let xx = x0, i = yy * W + x0; xx <= x1; xx++, i++) {
          const c = (cov[xx] as number) * alpha;
          if (c > 0) blend(i, c, s, tone * (1 + 0.2 * Math.max(-1, Math.min(1, (xx + 0.5 - p[0]) / (rp + 0.5)))));
        }
      });
    }
  }

  // ---------------------------------------------------------------- sensor blur
  if (spec.blur > 0) for (const o of out) blur3(o, W, H, spec.blur, row);

  // ---------------------------------------------------------------- atmosphere
  const e = world.extent;
  const atm = computeAtmosphere({ seed: world.seed ^ hashStr(spec.id), extentRel: [e[0] - cx, e[1] - cy, e[2] - cx, e[3] - cy], k, clouds: spec.clouds, haze: spec.haze }, wx, wy, W, H);
  applyAtmosphere(out as unknown as Float32Array[], atm);

  // ---------------------------------------------------------------- footprint, gains, noise, quantisation
  let valid: Uint8Array | null = null;
  if (spec.footprint) {
    valid = new Uint8Array(N);
    const fp = spec.footprint;
    const fx = Float64Array.from(fp.map((p) => p[0])), fy = Float64Array.from(fp.map((p) => p[1]));
    const v = valid;
    rasterizeRing(fx, fy, fp.length, W, H, row, (y, x0, x1, cov) => {
      for (let x = x0; x <= x1; x++) if ((cov[x] as number) >= 0.5) v[y * W + x] = 1;
    });
  }
  const rng = rngFor(world.seed, `noise-${spec.id}`);
  const bands = [0, 1, 2, 3].map((b) => quantize(out[b] as Float32Array, spec.gains[b] as number, valid, (rng.next() * 4294967296) >>> 0 || 1));
  return { bands, udm: udm2(atm, valid), atmosphere: atm, valid };
}

function hashStr(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** separable [a, 1-2a, a] blur in place */
function blur3(o: Float32Array, W: number, H: number, a: number, row: Float32Array): void {
  const c = 1 - 2 * a;
  for (let y = 0; y < H; y++) {
    const r = y * W;
    row.set(o.subarray(r, r + W));
    for (let x = 1; x < W - 1; x++) o[r + x] = c * (row[x] as number) + a * ((row[x - 1] as number) + (row[x + 1] as number));
  }
  const prev = new Float32Array(W), cur = new Float32Array(W);
  prev.set(o.subarray(0, W));
  for (let y = 1; y < H - 1; y++) {
    const r = y * W;
    cur.set(o.subarray(r, r + W));
    for (let x = 0; x < W; x++) o[r + x] = c * (cur[x] as number) + a * ((prev[x] as number) + (o[r + W + x] as number));
    prev.set(cur);
  }
}

/** gain, sensor noise (shot + read, triangular), rounding; 0 is kept for no-data */
function quantize(o: Float32Array, g: number, valid: Uint8Array | null, seed: number): Uint16Array {
  const n = o.length, q = new Uint16Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    if (valid && !valid[i]) continue;
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    const u = ((s & 0xffff) + (s >>> 16)) / 65536 - 1;
    const v = (o[i] as number) * g;
    const val = (v + u * (16 + 0.012 * v) + 0.5) | 0;
    q[i] = val < 1 ? 1 : val > 65535 ? 65535 : val;
  }
  return q;
}

