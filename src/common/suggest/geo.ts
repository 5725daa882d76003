/** Areas and overlaps of lon/lat polygons in metres (local equal-area projection). */
import polygonClipping, { type MultiPolygon as ClipMulti, type Polygon as ClipPolygon } from 'polygon-clipping';
import type { AreaGeometry, Polygon } from '../geo/geojson';
import { laea, type LocalProjection } from '../quality/project';

function polysOf(g: AreaGeometry): Polygon['coordinates'][] {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

export function projectionFor(g: AreaGeometry): LocalProjection {
  const r = polysOf(g)[0]![0]!;
  let x = 0, y = 0;
  for (const p of r) { x += p[0]; y += p[1]; }
  return laea(x / r.length, y / r.length);
}

function toClip(g: AreaGeometry, proj: LocalProjection): ClipMulti {
  return polysOf(g).map((poly) => poly.map((ring) => ring.map((p) => proj.forward(p[0], p[1]))));
}

function multiArea(m: ClipMulti): number {
  let s = 0;
  for (const poly of m) {
    poly.forEach((ring, k) => {
      let a = 0;
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j]![0] - ring[i]![0]) * (ring[j]![1] + ring[i]![1]);
      s += (k === 0 ? 1 : -1) * Math.abs(a / 2);
    });
  }
  return s;
}

export function areaM2(g: AreaGeometry, proj: LocalProjection = projectionFor(g)): number {
  return multiArea(toClip(g, proj));
}

function insideMulti(m: ClipMulti, x: number, y: number): boolean {
  for (const poly of m) {
    let c = false;
    for (const r of poly) {
      for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
        const [xi, yi] = r[i]!, [xj, yj] = r[j]!;
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
      }
    }
    if (c) return true;
  }
  return false;
}

/** Grid cells per side of the sampled overlap. */
const SAMPLES = 160;

/**
 * Area of A inside any of B, m^2, counted on a grid over A's box: the fallback when
 * polygon-clipping fails, as it does on some near-identical outlines ("Unable to complete output
 * ring"), e.g. a proposal and the field accepted from it. Within about 1% of A's box area.
 */
export function sampledOverlapM2(A: ClipMulti, B: readonly ClipMulti[]): number {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const poly of A) for (const [x, y] of poly[0]!) { x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y); }
  if (!(x1 > x0 && y1 > y0)) return 0;
  const dx = (x1 - x0) / SAMPLES, dy = (y1 - y0) / SAMPLES;
  let n = 0;
  for (let j = 0; j < SAMPLES; j++) {
    for (let i = 0; i < SAMPLES; i++) {
      const x = x0 + (i + 0.5) * dx, y = y0 + (j + 0.5) * dy;
      if (insideMulti(A, x, y) && B.some((b) => insideMulti(b, x, y))) n++;
    }
  }
  return n * dx * dy;
}

/** Area of a intersected with the union of bs, m^2. */
export function overlapM2(a: AreaGeometry, bs: readonly AreaGeometry[], proj: LocalProjection = projectionFor(a)): number {
  if (bs.length === 0) return 0;
  const A = toClip(a, proj);
  const B = bs.map((b) => toClip(b, proj));
  try {
    const U = B.length === 1 ? B[0]! : polygonClipping.union(B[0]! as ClipPolygon[] as never, ...(B.slice(1) as never[]));
    return multiArea(polygonClipping.intersection(A as never, U as never));
  } catch {
    return sampledOverlapM2(A, B);
  }
}

/** Intersection over union of two polygons (0 when disjoint). */
export function iou(a: AreaGeometry, b: AreaGeometry): number {
  const proj = projectionFor(a);
  const A = toClip(a, proj), B = toClip(b, proj);
  let i: number;
  try {
    i = multiArea(polygonClipping.intersection(A as never, B as never));
  } catch {
    i = sampledOverlapM2(A, [B]);
  }
  if (i <= 0) return 0;
  return i / (multiArea(A) + multiArea(B) - i);
}

export function bboxesMeet(a: [number, number, number, number], b: [number, number, number, number]): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

/** The point of the polygon farthest from its outline (on a 64 x 64 grid over its box): where a person clicks. */
export function interiorPoint(p: Polygon): [number, number] {
  const proj = projectionFor(p);
  const rings = p.coordinates.map((r) => r.map((q) => proj.forward(q[0], q[1])));
  const outer = rings[0]!;
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const [x, y] of outer) { x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y); }
  const inside = (x: number, y: number) => {
    let c = false;
    for (const r of rings) {
      for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
        const [xi, yi] = r[i]!, [xj, yj] = r[j]!;
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
      }
    }
    return c;
  };
  let best: [number, number] = [(x0 + x1) / 2, (y0 + y1) / 2], bd = -1;
  for (let j = 0; j < 64; j++) {
    for (let i = 0; i < 64; i++) {
      const x = x0 + ((i + 0.5) * (x1 - x0)) / 64, y = y0 + ((j + 0.5) * (y1 - y0)) / 64;
      if (!inside(x, y)) continue;
      let d = Infinity;
      for (const r of rings) {
        for (let k = 0; k + 1 < r.length; k++) {
          const [ax, ay] = r[k]!, [bx, by] = r[k + 1]!;
          const dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
          const t = l2 ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / l2)) : 0;
          d = Math.min(d, Math.hypot(x - ax - t * dx, y - ay - t * dy));
        }
      }
      if (d > bd) { bd = d; best = [x, y]; }
    }
  }
  return proj.inverse(best[0], best[1]);
}
