/**
 * Point features of the demo world (EPSG:3857 metres): trees and shrubs (bush, parkland shea
 * trees in fields, gallery forest along the stream, shade trees in villages) and settlements
 * (compounds of round thatch or zinc huts on swept earth, rectangular zinc-roofed houses).
 */
import { rngFor } from './rng.js';
import { Fbm } from './noise.js';
import { type Pt, bbox, pointInRing } from './geom.js';
import type { WorldLayout } from './fields.js';

export const TREE_KIND = { BUSH: 0, BUSH_DECIDUOUS: 1, SHRUB: 2, PARKLAND: 3, RIPARIAN: 4, SHADE: 5 } as const;
export const ROOF = { THATCH: 0, ZINC: 1, RUST: 2 } as const;

export interface Trees { n: number; x: Float64Array; y: Float64Array; r: Float32Array; kind: Uint8Array; tone: Float32Array }
export interface Settlements {
  /** swept-earth discs: x, y, r */
  swept: number[];
  /** round huts: x, y, r, roof */
  huts: number[];
  /** rectangular houses */
  houses: { pts: Pt[]; roof: number }[];
}
export interface Features { trees: Trees; settlements: Settlements }

class TreeList {
  x: number[] = []; y: number[] = []; r: number[] = []; kind: number[] = []; tone: number[] = [];
  add(x: number, y: number, r: number, kind: number, tone: number) { this.x.push(x); this.y.push(y); this.r.push(r); this.kind.push(kind); this.tone.push(tone); }
  build(): Trees {
    return { n: this.x.length, x: Float64Array.from(this.x), y: Float64Array.from(this.y), r: Float32Array.from(this.r), kind: Uint8Array.from(this.kind), tone: Float32Array.from(this.tone) };
  }
}

export function buildFeatures(world: WorldLayout): Features {
  const { extent, k, villages, river, grid, fields, seed } = world;
  const rng = rngFor(seed, 'features');
  const trees = new TreeList();
  const inVillage = (x: number, y: number, pad: number) => villages.some((v) => Math.hypot(v.x - x, v.y - y) < v.r + pad);
  const ha = ((extent[2] - extent[0]) * (extent[3] - extent[1])) / (k * k) / 1e4;

  // bush: clumped density 5..80 trees and shrubs per ha
  const dens = new Fbm(seed ^ 0x3131, 160 * k, 3, extent);
  const maxD = 80;
  const nCand = Math.round(ha * maxD);
  for (let i = 0; i < nCand; i++) {
    const x = extent[0] + rng.next() * (extent[2] - extent[0]);
    const y = extent[1] + rng.next() * (extent[3] - extent[1]);
    const d = 5 + 75 * Math.max(0, Math.min(1, 0.45 + 1.6 * dens.at(x, y))) ** 1.6;
    const u = rng.next();
    if (u * maxD > d) continue;
    if (grid.fieldAt(x, y) >= 0 || inVillage(x, y, 10 * k)) continue;
    const shrub = rng.chance(0.45);
    const r = (shrub ? rng.range(0.9, 1.8) : Math.min(6, rng.logNormal(2.4, 0.35))) * k;
    trees.add(x, y, r, shrub ? TREE_KIND.SHRUB : rng.chance(0.35) ? TREE_KIND.BUSH_DECIDUOUS : TREE_KIND.BUSH, rng.range(0.75, 1.35));
  }

  // parkland: scattered shea / dawadawa trees left standing in fields
  for (const f of fields) {
    const perHa = rng.chance(0.35) ? 0 : rng.range(0.3, 3);
    const n = rng.poisson(perHa * f.areaHa);
    const [x0, y0, x1, y1] = bbox(f.ring);
    for (let i = 0, tries = 0; i < n && tries < 50; tries++) {
      const x = x0 + rng.next() * (x1 - x0), y = y0 + rng.next() * (y1 - y0);
      if (!pointInRing(x, y, f.ring)) continue;
      trees.add(x, y, rng.range(3.2, 6.5) * k, TREE_KIND.PARKLAND, rng.range(0.75, 1.35));
      i++;
    }
  }

  // gallery forest along the stream
  if (river) {
    for (let i = 0; i + 1 < river.pts.length; i++) {
      const a = river.pts[i] as Pt, b = river.pts[i + 1] as Pt;
      const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
      const nx = -(b[1] - a[1]) / len, ny = (b[0] - a[0]) / len;
      const n = rng.poisson(((len / k) * (2 * river.riparian / k)) / 1e4 * 110);
      for (let j = 0; j < n; j++) {
        const t = rng.next();
        const o = rng.normal() * river.riparian * 0.6;
        if (Math.abs(o) < river.halfW * 0.6 && rng.chance(0.7)) continue;
        const x = a[0] + t * (b[0] - a[0]) + o * nx, y = a[1] + t * (b[1] - a[1]) + o * ny;
        if (grid.fieldAt(x, y) >= 0) continue;
        trees.add(x, y, rng.range(3, 7) * k, TREE_KIND.RIPARIAN, rng.range(0.75, 1.3));
      }
    }
  }

  // villages: compounds on swept earth, huts, houses, shade trees
  const swept: number[] = [], huts: number[] = [], houses: { pts: Pt[]; roof: number }[] = [];
  const compounds: Pt[] = [];
  const addCompound = (cx: number, cy: number, big: boolean) => {
    const R = rng.range(big ? 9 : 6, big ? 14 : 11) * k;
    swept.push(cx, cy, R);
    const m = 2 + rng.int(big ? 7 : 5);
    const a0 = rng.next() * Math.PI * 2;
    for (let j = 0; j < m; j++) {
      const a = a0 + (j / m) * Math.PI * 2 + rng.range(-0.2, 0.2);
      const rr = R * rng.range(0.45, 0.7);
      const u = rng.next();
      huts.push(cx + rr * Math.cos(a), cy + rr * Math.sin(a), rng.range(1.8, 3.0) * k, u < 0.78 ? ROOF.THATCH : u < 0.9 ? ROOF.ZINC : ROOF.RUST);
    }
    const nh = rng.chance(0.45) ? 1 + rng.int(2) : 0;
    for (let j = 0; j < nh; j++) {
      const a = rng.next() * Math.PI;
      const L = rng.range(7, 13) * k / 2, W = rng.range(4, 6) * k / 2;
      const ca = Math.cos(a), sa = Math.sin(a);
      const hx = cx + rng.range(-0.3, 0.3) * R, hy = cy + rng.range(-0.3, 0.3) * R;
      const pts: Pt[] = [[-L, -W], [L, -W], [L, W], [-L, W]].map(([u, v]) => [hx + (u as number) * ca - (v as number) * sa, hy + (u as number) * sa + (v as number) * ca]);
      houses.push({ pts, roof: rng.chance(0.6) ? ROOF.ZINC : ROOF.RUST });
    }
    if (rng.chance(0.7)) trees.add(cx + rng.range(-1, 1) * R, cy + rng.range(-1, 1) * R, rng.range(4, 8) * k, TREE_KIND.SHADE, rng.range(0.8, 1.1));
    compounds.push([cx, cy]);
  };
  const free = (x: number, y: number, sep: number) => {
    if (!compounds.every((c) => Math.hypot(c[0] - x, c[1] - y) >= sep) || grid.fieldAt(x, y) >= 0) return false;
    // keep the swept yard off the fields
    for (let j = 0; j < 8; j++) if (grid.fieldAt(x + 20 * k * Math.cos(j * Math.PI / 4), y + 20 * k * Math.sin(j * Math.PI / 4)) >= 0) return false;
    return !(river && river.pts.some((p) => Math.hypot(p[0] - x, p[1] - y) < river.riparian + 30 * k));
  };
  for (const v of villages) {
    const n = Math.round(((Math.PI * v.r * v.r) / (k * k)) / 2400);
    for (let i = 0, tries = 0; i < n && tries < n * 20; tries++) {
      const a = rng.next() * Math.PI * 2, rr = v.r * Math.sqrt(rng.next());
      const x = v.x + rr * Math.cos(a), y = v.y + rr * Math.sin(a);
      if (!free(x, y, 30 * k)) continue;
      addCompound(x, y, rng.chance(0.3));
      i++;
    }
    // a school or church: a long zinc roof near the centre
    const a = rng.next() * Math.PI, L = 14 * k, W = 4.5 * k, ca = Math.cos(a), sa = Math.sin(a);
    const hx = v.x + rng.range(-0.3, 0.3) * v.r, hy = v.y + rng.range(-0.3, 0.3) * v.r;
    houses.push({ pts: [[-L, -W], [L, -W], [L, W], [-L, W]].map(([u, w]) => [hx + (u as number) * ca - (w as number) * sa, hy + (u as number) * sa + (w as number) * ca]), roof: ROOF.ZINC });
  }
  // outlying farmsteads
  const nF = Math.round(ha / 150);
  for (let i = 0, tries = 0; i < nF && tries < nF * 30; tries++) {
    const x = extent[0] + rng.range(0.03, 0.97) * (extent[2] - extent[0]);
    const y = extent[1] + rng.range(0.03, 0.97) * (extent[3] - extent[1]);
    if (!free(x, y, 200 * k) || inVillage(x, y, 300 * k)) continue;
    addCompound(x, y, false);
    i++;
  }
  return { trees: trees.build(), settlements: { swept, huts, houses } };
}
