/**
 * The ground truth of the demo world, in EPSG:3857 metres: villages, a seasonal stream, a main
 * road, a hierarchy of tracks and the smallholder field mosaic.
 *
 * The area is split recursively like land is: the main road first, then blocks (8-80 ha) along
 * tracks or plain borders, then each farmed block into fields (0.1-5 ha) by cuts roughly across
 * the long axis (with some strip cuts along it), with angle noise so nothing is axis-aligned.
 * Cultivation fades with distance from the villages, so field clusters break up into bush with
 * scattered outlying fields. Pieces are convex; each edge remembers what made it (road, track,
 * footpath, block border, field border) so that the true field stops at the road verge and the
 * rendered crop leaves a narrow grass margin inside its border.
 */
import { Rng, rngFor } from './rng.js';
import { Fbm, ValueNoise } from './noise.js';
import { mercInverse, mercScale } from './geo.js';
import { CROP_SHARES } from './spectra.js';
import {
  type EPoly, type Pt, ringArea, centroid, bbox, splitByLine, chord, insetConvex, principalAngle, extentAlong,
  cleanTopology, distPointSeg, pointInRing, segmentsIntersect,
} from './geom.js';

export const EDGE = { BORDER: 0, ROAD: 1, TRACK: 2, PATH: 3, BLOCK: 4, FIELD: 5 } as const;
/** half width of the way along an edge, ground metres */
const HALF_W = [0, 4.5, 1.8, 0.7, 0, 0];
/** extra inset of the rendered crop beyond the way: verge / field margin, ground metres */
const MARGIN = [0.6, 1.5, 1.0, 0.5, 1.3, 0.9];

export interface WorldField {
  idx: number;
  id: string;
  /** true polygon, CCW, topologically clean with its neighbours */
  ring: Pt[];
  /** cropped area (inside the margins), CCW */
  inner: Pt[];
  crop: string;
  areaHa: number;
  centroid: Pt;
  rowAngle: number;
  /** ridge / row texture period, 3857 metres */
  rowPeriod: number;
  /** fixed per-field random numbers */
  rand: number[];
  /** soil type 0 (red laterite) .. 1 (sandy) */
  soilT: number;
}
export interface RoadSeg { a: Pt; b: Pt; halfW: number; kind: number }
export interface Village { x: number; y: number; r: number }
export interface River { pts: Pt[]; halfW: number; riparian: number }

export interface WorldLayout {
  seed: number;
  extent: [number, number, number, number];
  center: Pt;
  lat0: number;
  /** 3857 metres per ground metre around the world centre */
  k: number;
  fields: WorldField[];
  roads: RoadSeg[];
  villages: Village[];
  river: River | null;
  grid: FieldGrid;
}

/** Spatial index of field rings. */
export class FieldGrid {
  private readonly cells = new Map<number, number[]>();
  constructor(private readonly fields: WorldField[], private readonly cell = 250) {
    for (const f of fields) {
      const [x0, y0, x1, y1] = bbox(f.ring);
      for (let gx = Math.floor(x0 / cell); gx <= Math.floor(x1 / cell); gx++) {
        for (let gy = Math.floor(y0 / cell); gy <= Math.floor(y1 / cell); gy++) {
          const k = this.key(gx, gy);
          const l = this.cells.get(k);
          if (l) l.push(f.idx); else this.cells.set(k, [f.idx]);
        }
      }
    }
  }
  private key(gx: number, gy: number): number { return (gx + 100000) * 200003 + (gy + 100000); }
  /** index of the field containing the point, or -1 */
  fieldAt(x: number, y: number): number {
    for (const i of this.cells.get(this.key(Math.floor(x / this.cell), Math.floor(y / this.cell))) ?? []) {
      if (pointInRing(x, y, (this.fields[i] as WorldField).ring)) return i;
    }
    return -1;
  }
  /** indices of fields whose bbox meets the rectangle, ascending */
  inRect(r: readonly [number, number, number, number]): number[] {
    const out = new Set<number>();
    for (let gx = Math.floor(r[0] / this.cell); gx <= Math.floor(r[2] / this.cell); gx++) {
      for (let gy = Math.floor(r[1] / this.cell); gy <= Math.floor(r[3] / this.cell); gy++) {
        for (const i of this.cells.get(this.key(gx, gy)) ?? []) out.add(i);
      }
    }
    return [...out].sort((a, b) => a - b);
  }
}

/** Ground area in hectares of a 3857 ring (local scale at its centroid). */
export function areaHa3857(ring: readonly Pt[]): number {
  const c = centroid(ring);
  const s = mercScale(mercInverse(c[0], c[1])[1]);
  return (Math.abs(ringArea(ring)) * s * s) / 10000;
}

/** Minimum distance from a ring to a polyline (0 when they cross or the line enters it). */
function ringPolylineDistance(ring: readonly Pt[], line: readonly Pt[], maxD: number): number {
  const [x0, y0, x1, y1] = bbox(ring);
  let best = Infinity;
  for (let i = 0; i + 1 < line.length; i++) {
    const a = line[i] as Pt, b = line[i + 1] as Pt;
    if (Math.max(a[0], b[0]) < x0 - maxD || Math.min(a[0], b[0]) > x1 + maxD || Math.max(a[1], b[1]) < y0 - maxD || Math.min(a[1], b[1]) > y1 + maxD) continue;
    if (pointInRing(a[0], a[1], ring)) return 0;
    for (let j = 0; j < ring.length; j++) {
      const p = ring[j] as Pt, q = ring[(j + 1) % ring.length] as Pt;
      if (segmentsIntersect(a, b, p, q)) return 0;
      best = Math.min(best, distPointSeg(p[0], p[1], a[0], a[1], b[0], b[1]), distPointSeg(a[0], a[1], p[0], p[1], q[0], q[1]));
    }
  }
  return best;
}

function makeRiver(rng: Rng, seed: number, ext: [number, number, number, number], k: number): River {
  const w = ext[2] - ext[0], h = ext[3] - ext[1];
  // enter on the west or north edge, flow across
  const fromWest = rng.chance(0.5);
  let x = fromWest ? ext[0] - 50 : ext[0] + w * rng.range(0.2, 0.8);
  let y = fromWest ? ext[1] + h * rng.range(0.2, 0.8) : ext[3] + 50;
  const base = fromWest ? rng.range(-0.5, 0.5) : -Math.PI / 2 + rng.range(-0.5, 0.5);
  const n1 = new ValueNoise(seed ^ 0x1234, 700 * k, [0, -10, 40000, 10]);
  const n2 = new ValueNoise(seed ^ 0x4321, 160 * k, [0, -10, 40000, 10]);
  const pts: Pt[] = [[x, y]];
  const step = 25 * k;
  for (let s = 0; s < 4 * (w + h); s += step) {
    const a = base + 1.2 * n1.at(s, 0) + 0.6 * n2.at(s, 0);
    x += step * Math.cos(a); y += step * Math.sin(a);
    pts.push([x, y]);
    if (x < ext[0] - 100 || x > ext[2] + 100 || y < ext[1] - 100 || y > ext[3] + 100) break;
  }
  return { pts, halfW: rng.range(3, 6) * k, riparian: rng.range(30, 55) * k };
}

interface Piece { poly: EPoly; intensity: number }

/** Inserts points every `spacing` metres; shared edges get identical points whatever their direction. */
export function densify(ring: readonly Pt[], spacing: number, closed = true): Pt[] {
  const out: Pt[] = [];
  const n = ring.length;
  for (let i = 0; i < n; i++) {
    const a = ring[i] as Pt;
    out.push(a);
    if (!closed && i === n - 1) break;
    const b = ring[(i + 1) % n] as Pt;
    const m = Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / spacing);
    if (m < 2) continue;
    const fwd = a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
    const p = fwd ? a : b, q = fwd ? b : a;
    const mid: Pt[] = [];
    for (let j = 1; j < m; j++) mid.push([p[0] + ((q[0] - p[0]) * j) / m, p[1] + ((q[1] - p[1]) * j) / m]);
    if (!fwd) mid.reverse();
    out.push(...mid);
  }
  return out;
}

/** Smooth displacement (about +-25 m, 700 m wavelength), fading to zero at the world edge. */
function makeWarp(seed: number, extent: [number, number, number, number], k: number): (p: Pt) => Pt {
  const nx = new Fbm(seed ^ 0xa1a1, 700 * k, 2, extent), ny = new Fbm(seed ^ 0xb2b2, 700 * k, 2, extent);
  const amp = 70 * k, fade = 500 * k;
  return (p: Pt): Pt => {
    const d = Math.min(p[0] - extent[0], extent[2] - p[0], p[1] - extent[1], extent[3] - p[1]);
    let t = Math.max(0, Math.min(1, d / fade));
    t = t * t * (3 - 2 * t);
    return [p[0] + amp * t * nx.at(p[0], p[1]), p[1] + amp * t * ny.at(p[0], p[1])];
  };
}

export function buildLayout(seed: number, extent: [number, number, number, number]): WorldLayout {
  const center: Pt = [(extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2];
  const lat0 = mercInverse(center[0], center[1])[1];
  const k = 1 / mercScale(lat0);
  const haOf = (p: EPoly) => (Math.abs(ringArea(p.pts)) / (k * k)) / 10000;
  const widthOf = (pts: Pt[]) => { const a = principalAngle(pts) + Math.PI / 2; const [lo, hi] = extentAlong(pts, a); return (hi - lo) / k; };
  const rng = rngFor(seed, 'layout');
  const w = extent[2] - extent[0], h = extent[3] - extent[1];
  const areaKm2 = (w * h) / (k * k) / 1e6;

  const river = rng.chance(0.85) ? makeRiver(rng, seed, extent, k) : null;
  const nearRiver = (x: number, y: number, d: number) => river !== null && ringPolylineDistance([[x, y], [x + 0.01, y], [x, y + 0.01]], river.pts, d) < d;

  // villages, spaced apart and away from the stream
  const villages: Village[] = [];
  const nV = Math.max(2, Math.min(8, Math.round(areaKm2 / 16)));
  for (let tries = 0; villages.length < nV && tries < 500; tries++) {
    const x = extent[0] + w * rng.range(0.1, 0.9), y = extent[1] + h * rng.range(0.1, 0.9);
    const minSep = (tries < 300 ? 1800 : 900) * k;
    if (villages.some((v) => Math.hypot(v.x - x, v.y - y) < minSep)) continue;
    if (nearRiver(x, y, 300 * k)) continue;
    villages.push({ x, y, r: rng.range(140, 300) * k });
  }

  const roads: RoadSeg[] = [];
  const addRoad = (poly: EPoly, px: number, py: number, dx: number, dy: number, kind: number) => {
    const c = chord(poly, px, py, dx, dy);
    if (c) roads.push({ a: c[0], b: c[1], halfW: (HALF_W[kind] as number) * k, kind });
  };

  // level 0: the main road through the two first villages
  const region: EPoly = { pts: [[extent[0], extent[1]], [extent[2], extent[1]], [extent[2], extent[3]], [extent[0], extent[3]]], kinds: [0, 0, 0, 0] };
  const v0 = villages[0] as Village, v1 = (villages[1] ?? { x: v0.x + 1000, y: v0.y + 700 }) as Village;
  let dx = v1.x - v0.x, dy = v1.y - v0.y;
  const dl = Math.hypot(dx, dy); dx /= dl; dy /= dl;
  addRoad(region, v0.x, v0.y, dx, dy, EDGE.ROAD);
  const halves = splitByLine(region, v0.x, v0.y, dx, dy, EDGE.ROAD).filter((p): p is EPoly => p !== null);

  // generic recursive split
  const split = (poly: EPoly, stop: (p: EPoly) => boolean, kindOf: (p: EPoly) => number, minWidthM: number, stripP: number, out: EPoly[]) => {
    const stack: EPoly[] = [poly];
    while (stack.length) {
      const p = stack.pop() as EPoly;
      if (stop(p)) { out.push(p); continue; }
      const a = principalAngle(p.pts);
      const [lo, hi] = extentAlong(p.pts, a);
      const [plo, phi] = extentAlong(p.pts, a + Math.PI / 2);
      const aspect = (hi - lo) / Math.max(1e-9, phi - plo);
      let done = false;
      for (let t = 0; t < 4 && !done; t++) {
        const strip = aspect < 1.8 && rng.chance(stripP);
        // across the long axis (or along it for strips), with angle noise
        const along = strip ? a + Math.PI / 2 : a;
        const cutDir = along + Math.PI / 2 + rng.range(-0.3, 0.3);
        const [l2, h2] = strip ? [plo, phi] : [lo, hi];
        const s = l2 + (h2 - l2) * rng.range(0.33, 0.67);
        const c = centroid(p.pts);
        const ux = Math.cos(along), uy = Math.sin(along);
        const off = s - (c[0] * ux + c[1] * uy);
        const px = c[0] + off * ux, py = c[1] + off * uy;
        const cdx = Math.cos(cutDir), cdy = Math.sin(cutDir);
        const kind = kindOf(p);
        const [A, B] = splitByLine(p, px, py, cdx, cdy, kind);
        if (!A || !B) continue;
        const area = Math.abs(ringArea(p.pts));
        if (Math.abs(ringArea(A.pts)) < 0.15 * area || Math.abs(ringArea(B.pts)) < 0.15 * area) continue;
        if (widthOf(A.pts) < minWidthM || widthOf(B.pts) < minWidthM) continue;
        if (kind === EDGE.TRACK || kind === EDGE.PATH) addRoad(p, px, py, cdx, cdy, kind);
        stack.push(B, A);
        done = true;
      }
      if (!done) out.push(p);
    }
  };

  // blocks
  const blocks: EPoly[] = [];
  for (const half of halves) {
    const target = new Map<EPoly, number>();
    const tgt = (p: EPoly) => { let t = target.get(p); if (t === undefined) { t = Math.min(80, Math.max(8, rng.logNormal(22, 0.5))); target.set(p, t); } return t; };
    split(half, (p) => haOf(p) <= tgt(p), (p) => (haOf(p) > 60 && rng.chance(0.4) ? EDGE.TRACK : EDGE.BLOCK), 60, 0.1, blocks);
  }

  // farming intensity: fades with distance to the nearest village, with noise
  const inten = new ValueNoise(seed ^ 0x7777, 900 * k, extent);
  const reach = rng.range(2200, 3200) * k;
  const intensityAt = (x: number, y: number) => {
    let d = Infinity;
    for (const v of villages) d = Math.min(d, Math.hypot(v.x - x, v.y - y));
    const base = 0.95 * Math.exp(-((d / reach) ** 2));
    return Math.min(1, Math.max(0, base + 0.25 * inten.at(x, y)));
  };

  // farmed blocks: 1-3 sub-blocks, each laid out in rows (strips) of roughly quadrilateral fields
  const cutAt = (p: EPoly, axis: number, at: number, lineAngle: number, kind: number): [EPoly, EPoly] | null => {
    const ux = Math.cos(axis), uy = Math.sin(axis), vx = -uy, vy = ux;
    const c = centroid(p.pts);
    const cv = c[0] * vx + c[1] * vy;
    const px = ux * at + vx * cv, py = uy * at + vy * cv;
    const [A, B] = splitByLine(p, px, py, Math.cos(lineAngle), Math.sin(lineAngle), kind);
    if (!A || !B) return null;
    if (kind === EDGE.PATH) addRoad(p, px, py, Math.cos(lineAngle), Math.sin(lineAngle), kind);
    const ca = centroid(A.pts), cb = centroid(B.pts);
    return ca[0] * ux + ca[1] * uy <= cb[0] * ux + cb[1] * uy ? [A, B] : [B, A];
  };
  const longestEdgeAngle = (p: EPoly) => {
    let best = 0, ang = 0;
    for (let i = 0; i < p.pts.length; i++) {
      const a = p.pts[i] as Pt, b = p.pts[(i + 1) % p.pts.length] as Pt;
      const l = Math.hypot(b[0] - a[0], b[1] - a[1]);
      if (l > best) { best = l; ang = Math.atan2(b[1] - a[1], b[0] - a[0]); }
    }
    return ang;
  };
  const rows = (sub: EPoly, it: number, out: EPoly[]) => {
    const theta = (rng.chance(0.65) ? longestEdgeAngle(sub) : principalAngle(sub.pts)) + rng.normal() * 0.08;
    const nrm = theta + Math.PI / 2;
    const depth = Math.min(260, Math.max(45, rng.logNormal(125, 0.35))) * k;
    const fieldHa = Math.min(4, Math.max(0.3, rng.logNormal(2.0 * (1.3 - 0.5 * it), 0.5)));
    let rest: EPoly | null = sub;
    while (rest) {
      const [lo, hi] = extentAlong(rest.pts, nrm);
      const d = depth * rng.range(0.75, 1.3);
      let strip: EPoly;
      if (hi - lo < 1.6 * d) { strip = rest; rest = null; } else {
        const cut = cutAt(rest, nrm, lo + d, theta + rng.normal() * 0.04, rng.chance(0.12) ? EDGE.PATH : EDGE.FIELD);
        if (!cut) { strip = rest; rest = null; } else { [strip, rest] = cut; }
      }
      // fields along the strip; consecutive borders stay nearly parallel
      let s2: EPoly | null = strip;
      const sd = (() => { const [a, b] = extentAlong(strip.pts, nrm); return b - a; })();
      let cutAngle = nrm + rng.normal() * 0.05;
      while (s2) {
        const [lo2, hi2] = extentAlong(s2.pts, theta);
        const w = (Math.min(4.5, Math.max(0.15, rng.logNormal(fieldHa, 0.45))) * 1e4 * k * k) / Math.max(sd, 20 * k);
        if (hi2 - lo2 < 1.5 * w) { out.push(s2); break; }
        cutAngle += rng.normal() * 0.025;
        cutAngle = nrm + Math.max(-0.12, Math.min(0.12, cutAngle - nrm));
        const cut = cutAt(s2, theta, lo2 + w, cutAngle, EDGE.FIELD);
        if (!cut) { out.push(s2); break; }
        out.push(cut[0]);
        s2 = cut[1];
      }
    }
  };
  const pieces: Piece[] = [];
  for (const b of blocks) {
    const c = centroid(b.pts);
    const it = intensityAt(c[0], c[1]);
    if (!rng.chance(Math.min(1, it * 1.25 + 0.04))) continue; // bush block
    const nSub = haOf(b) > 40 ? 1 + rng.int(3) : haOf(b) > 15 ? 1 + rng.int(2) : 1;
    const subs: EPoly[] = [b];
    for (let j = 1; j < nSub; j++) {
      subs.sort((p, q) => Math.abs(ringArea(q.pts)) - Math.abs(ringArea(p.pts)));
      const p = subs[0] as EPoly;
      const a = principalAngle(p.pts);
      const [lo, hi] = extentAlong(p.pts, a);
      const cut = cutAt(p, a, lo + (hi - lo) * rng.range(0.35, 0.65), a + Math.PI / 2 + rng.range(-0.5, 0.5), rng.chance(0.3) ? EDGE.PATH : EDGE.FIELD);
      if (cut) subs.splice(0, 1, cut[0], cut[1]);
    }
    for (const sub of subs) {
      const out: EPoly[] = [];
      rows(sub, it, out);
      for (const p of out) pieces.push({ poly: p, intensity: it });
    }
  }

  // fate of each piece -> field rings
  const raw: { ring: Pt[]; inner: Pt[]; crop: string }[] = [];
  const cropW = CROP_SHARES.map((c) => c[1]);
  for (const { poly, intensity } of pieces) {
    const c = centroid(poly.pts);
    if (villages.some((v) => Math.hypot(v.x - c[0], v.y - c[1]) < v.r + 40 * k)) continue;
    if (river && ringPolylineDistance(poly.pts, river.pts, river.riparian + 20 * k) < river.riparian + 15 * k) continue;
    const r = rng.next();
    const pField = 0.45 + 0.45 * intensity;
    let crop: string;
    if (r < pField) crop = (CROP_SHARES[rng.weighted(cropW)] as readonly [string, number])[0];
    else if (r < pField + (1 - pField) * 0.3) crop = 'fallow';
    else continue; // reverts to bush
    if (crop === 'rice' && !(river && ringPolylineDistance(poly.pts, river.pts, 600 * k) < 600 * k)) crop = 'maize';
    const truth = insetConvex(poly, (kd) => (HALF_W[kd] as number) * k);
    const marginF = rng.range(0.7, 1.4);
    const inner = insetConvex(poly, (kd) => ((HALF_W[kd] as number) + (MARGIN[kd] as number) * marginF) * k);
    if (!truth || !inner) continue;
    const ha = haOf(truth);
    if (ha < 0.1 || ha > 5) continue;
    raw.push({ ring: truth.pts, inner: inner.pts, crop });
  }

  // gentle world warp: long straight cuts become the slightly curving lines of real landscapes
  const warp = makeWarp(seed, extent, k);
  const spacing = 30 * k;
  const clean = cleanTopology(raw.map((f) => f.ring)).map((r) => densify(r, spacing).map(warp));
  for (const f of raw) f.inner = densify(f.inner, spacing).map(warp);
  const warpedRoads: RoadSeg[] = [];
  for (const r of roads) {
    const line = densify([r.a, r.b], spacing, false).map(warp);
    for (let i = 0; i + 1 < line.length; i++) warpedRoads.push({ a: line[i] as Pt, b: line[i + 1] as Pt, halfW: r.halfW, kind: r.kind });
  }
  if (river) river.pts = river.pts.map(warp);
  const soil = new ValueNoise(seed ^ 0x5a5a, 1200 * k, extent);
  const fields: WorldField[] = raw.map((f, idx) => {
    const ring = clean[idx] as Pt[];
    const c = centroid(ring);
    const a = principalAngle(ring);
    const frng = rngFor(seed, `field-${idx}`);
    return {
      idx,
      id: `F${String(idx + 1).padStart(5, '0')}`,
      ring,
      inner: f.inner,
      crop: f.crop,
      areaHa: areaHa3857(ring),
      centroid: c,
      rowAngle: a + (frng.chance(0.3) ? Math.PI / 2 : 0) + frng.range(-0.08, 0.08),
      rowPeriod: frng.range(12, 30) * k,
      rand: Array.from({ length: 12 }, () => frng.next()),
      soilT: Math.min(1, Math.max(0, 0.45 + 0.9 * soil.at(c[0], c[1]) + frng.range(-0.12, 0.12))),
    };
  });
  return { seed, extent, center, lat0, k, fields, roads: warpedRoads, villages, river, grid: new FieldGrid(fields) };
}
