/**
 * Planar helpers for the editor, on lon/lat degrees (the stored coordinates: shared borders must
 * keep bit-identical vertices, so nothing is reprojected). Distances and tolerances in metres use
 * a local equirectangular scale, exact enough for snapping within a few metres.
 * Rings are GeoJSON rings (closed: first position == last) unless a name says "open".
 */
import type { BBox } from '../geo/geojson';

export type XY = [number, number];
export interface EditPolygon {
  type: 'Polygon';
  coordinates: XY[][];
}

const M_PER_DEG_LAT = 110_574;
const M_PER_DEG_LON_EQ = 111_320;

/** Metres per degree of longitude and latitude at a latitude. */
export function metresPerDegree(lat: number): XY {
  return [M_PER_DEG_LON_EQ * Math.cos((lat * Math.PI) / 180), M_PER_DEG_LAT];
}

/** Degrees of longitude / latitude that span `m` metres at `lat`. */
export function degreesFor(m: number, lat: number): XY {
  const [kx, ky] = metresPerDegree(lat);
  return [m / Math.max(kx, 1e-6), m / ky];
}

export function distM(a: readonly number[], b: readonly number[]): number {
  const [kx, ky] = metresPerDegree((a[1]! + b[1]!) / 2);
  return Math.hypot((a[0]! - b[0]!) * kx, (a[1]! - b[1]!) * ky);
}

export function samePt(a: readonly number[], b: readonly number[]): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

/** The ring's positions without the closing duplicate. */
export function openRing(ring: readonly XY[]): XY[] {
  const n = ring.length;
  return n > 1 && samePt(ring[0]!, ring[n - 1]!) ? ring.slice(0, n - 1) : ring.slice();
}

/** Closes an open list of positions (copies). */
export function closeRing(pts: readonly XY[]): XY[] {
  const out = pts.map((p) => [p[0], p[1]] as XY);
  if (out.length > 0 && !samePt(out[0]!, out[out.length - 1]!)) out.push([out[0]![0], out[0]![1]]);
  return out;
}

/** Shoelace in degrees^2 (closed or open ring); > 0 for counter-clockwise. */
export function signedArea(ring: readonly XY[]): number {
  const n = ring.length;
  if (n < 3) return 0;
  const x0 = ring[0]![0];
  const y0 = ring[0]![1];
  let s = 0;
  for (let i = 0; i < n; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % n]!;
    s += (a[0] - x0) * (b[1] - y0) - (b[0] - x0) * (a[1] - y0);
  }
  return s / 2;
}

/** Area in m^2 of a ring (local scale at its first vertex); sign as signedArea. */
export function ringAreaM2(ring: readonly XY[]): number {
  if (ring.length < 3) return 0;
  const [kx, ky] = metresPerDegree(ring[0]![1]);
  return signedArea(ring) * kx * ky;
}

export function polygonAreaM2(p: EditPolygon): number {
  let a = 0;
  p.coordinates.forEach((r, i) => (a += i === 0 ? Math.abs(ringAreaM2(r)) : -Math.abs(ringAreaM2(r))));
  return a;
}

export function ringLengthM(ring: readonly XY[]): number {
  let s = 0;
  for (let i = 1; i < ring.length; i++) s += distM(ring[i - 1]!, ring[i]!);
  return s;
}

/** Exterior counter-clockwise, holes clockwise (RFC 7946); copies. */
export function orientPolygon(p: EditPolygon): EditPolygon {
  return {
    type: 'Polygon',
    coordinates: p.coordinates.map((r, i) => {
      const ccw = signedArea(r) > 0;
      const want = i === 0;
      const c = r.map((q) => [q[0], q[1]] as XY);
      return ccw === want ? c : c.reverse();
    }),
  };
}

export function ringBBox(ring: readonly XY[]): BBox {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const p of ring) {
    if (p[0] < minX) minX = p[0];
    if (p[0] > maxX) maxX = p[0];
    if (p[1] < minY) minY = p[1];
    if (p[1] > maxY) maxY = p[1];
  }
  return [minX, minY, maxX, maxY];
}

export function polygonBBox(p: EditPolygon): BBox {
  return ringBBox(p.coordinates[0] ?? []);
}

export function bboxesTouch(a: BBox, b: BBox, pad = 0): boolean {
  return a[0] <= b[2] + pad && b[0] <= a[2] + pad && a[1] <= b[3] + pad && b[1] <= a[3] + pad;
}

export function bboxCenter(b: BBox): XY {
  return [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
}

/** Even-odd point in ring (boundary: either answer). */
export function pointInRing(p: readonly number[], ring: readonly XY[]): boolean {
  const x = p[0]!;
  const y = p[1]!;
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = ring[i]![0], yi = ring[i]![1], xj = ring[j]![0], yj = ring[j]![1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Inside the exterior and outside every hole. */
export function pointInPolygon(p: readonly number[], poly: EditPolygon): boolean {
  const [outer, ...holes] = poly.coordinates;
  if (!outer || !pointInRing(p, outer)) return false;
  return !holes.some((h) => pointInRing(p, h));
}

/** The closest point of segment ab to p, in the local metric; t in [0, 1] along ab. */
export function closestOnSegment(p: readonly number[], a: readonly number[], b: readonly number[]): { point: XY; t: number; distM: number } {
  const [kx, ky] = metresPerDegree(p[1]!);
  const ax = (a[0]! - p[0]!) * kx, ay = (a[1]! - p[1]!) * ky;
  const bx = (b[0]! - p[0]!) * kx, by = (b[1]! - p[1]!) * ky;
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : -(ax * dx + ay * dy) / len2;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const point: XY = t === 0 ? [a[0]!, a[1]!] : t === 1 ? [b[0]!, b[1]!] : [a[0]! + (b[0]! - a[0]!) * t, a[1]! + (b[1]! - a[1]!) * t];
  return { point, t, distM: Math.hypot(ax + dx * t, ay + dy * t) };
}

function orient(a: readonly number[], b: readonly number[], c: readonly number[]): number {
  return (b[0]! - a[0]!) * (c[1]! - a[1]!) - (b[1]! - a[1]!) * (c[0]! - a[0]!);
}

function onSeg(a: readonly number[], b: readonly number[], p: readonly number[]): boolean {
  return Math.min(a[0]!, b[0]!) <= p[0]! && p[0]! <= Math.max(a[0]!, b[0]!) && Math.min(a[1]!, b[1]!) <= p[1]! && p[1]! <= Math.max(a[1]!, b[1]!);
}

/** Do segments ab and cd share any point (crossing, touching or overlapping)? */
export function segmentsIntersect(a: readonly number[], b: readonly number[], c: readonly number[], d: readonly number[]): boolean {
  const o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b);
  if (((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0))) return true;
  if (o1 === 0 && onSeg(a, b, c)) return true;
  if (o2 === 0 && onSeg(a, b, d)) return true;
  if (o3 === 0 && onSeg(c, d, a)) return true;
  if (o4 === 0 && onSeg(c, d, b)) return true;
  return false;
}

/** Intersection parameter of ab with cd: {t along ab, u along cd}, or null when parallel / apart. */
export function segmentIntersection(a: readonly number[], b: readonly number[], c: readonly number[], d: readonly number[]): { t: number; u: number; point: XY } | null {
  const rx = b[0]! - a[0]!, ry = b[1]! - a[1]!;
  const sx = d[0]! - c[0]!, sy = d[1]! - c[1]!;
  const den = rx * sy - ry * sx;
  if (den === 0) return null;
  const qx = c[0]! - a[0]!, qy = c[1]! - a[1]!;
  const t = (qx * sy - qy * sx) / den;
  const u = (qx * ry - qy * rx) / den;
  if (t < 0 || t > 1 || u < 0 || u > 1) return null;
  const point: XY = u === 0 ? [c[0]!, c[1]!] : u === 1 ? [d[0]!, d[1]!] : [a[0]! + rx * t, a[1]! + ry * t];
  return { t, u, point };
}

/** Copies a polygon (2-D positions only). */
export function clonePolygon(p: { coordinates: readonly (readonly (readonly number[])[])[] }): EditPolygon {
  return { type: 'Polygon', coordinates: p.coordinates.map((r) => r.map((q) => [q[0]!, q[1]!] as XY)) };
}

/** Drops consecutive duplicate positions and re-closes each ring. */
export function dedupePolygon(p: EditPolygon): EditPolygon {
  return {
    type: 'Polygon',
    coordinates: p.coordinates.map((r) => {
      const out: XY[] = [];
      for (const q of openRing(r)) if (out.length === 0 || !samePt(out[out.length - 1]!, q)) out.push([q[0], q[1]]);
      while (out.length > 1 && samePt(out[0]!, out[out.length - 1]!)) out.pop();
      return closeRing(out);
    }),
  };
}

export function translatePolygon(p: EditPolygon, dx: number, dy: number): EditPolygon {
  return { type: 'Polygon', coordinates: p.coordinates.map((r) => r.map((q) => [q[0] + dx, q[1] + dy] as XY)) };
}
