/**
 * joinSuggestion: makes a suggested polygon join the field layer cleanly (DOMAIN.md 4).
 *
 * 1. Simplify to the vertex budget (Douglas-Peucker in local metres, holes kept).
 * 2. Snap: the outline is densified to half the snap distance; each vertex within `snapM` of an
 *    existing field's vertex takes that vertex exactly, else within `snapM` of one of its edges
 *    it moves onto that edge (interpolated in lon/lat, so it lies on the edge GeoJSON draws).
 *    Gaps thinner than the snap distance close; the shared border follows the neighbour.
 * 3. Trim: subtract every existing field (polygon-clipping, in lon/lat), so the suggestion
 *    never overlaps one; keep the part at the click (or the largest); drop pieces and holes
 *    smaller than `minPartM2`; collinear leftovers of the densification are removed.
 * Pure: the editor calls it with the fields it holds.
 */
import polygonClipping, { type MultiPolygon as ClipMulti, type Polygon as ClipPolygon } from 'polygon-clipping';
import type { AreaGeometry, Polygon, Position } from '../geo/geojson';
import { laea, type LocalProjection } from '../quality/project';

export interface JoinOptions {
  /** snap distance, metres (default 4: a bit more than one PlanetScope pixel) */
  snapM?: number;
  /** most vertices of the suggestion before snapping (default 80) */
  vertexBudget?: number;
  /** parts and holes smaller than this are dropped, m^2 (default 50) */
  minPartM2?: number;
  /** the click: the part containing it is kept */
  seed?: [number, number];
}

export interface JoinResult {
  /** null when nothing is left (the suggestion lies inside existing fields) */
  polygon: Polygon | null;
  areaM2: number;
  /** area removed because it overlapped existing fields, m^2 */
  trimmedM2: number;
  snappedVertices: number;
  vertices: number;
  /** indices (into existingFields) of the fields the result touches or was trimmed by */
  neighbours: number[];
}

type XY = [number, number];

function ringAreaM(r: readonly XY[]): number {
  let s = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) s += (r[j]![0] - r[i]![0]) * (r[j]![1] + r[i]![1]);
  return s / 2;
}

function dp(pts: XY[], tol: number): XY[] {
  if (pts.length <= 3) return pts;
  const keep = new Uint8Array(pts.length);
  keep[0] = keep[pts.length - 1] = 1;
  const stack: [number, number][] = [[0, pts.length - 1]];
  while (stack.length) {
    const [a, b] = stack.pop()!;
    const [ax, ay] = pts[a]!, [bx, by] = pts[b]!;
    const dx = bx - ax, dy = by - ay, l = Math.hypot(dx, dy) || 1;
    let best = -1, bd = tol;
    for (let i = a + 1; i < b; i++) {
      const d = Math.abs((pts[i]![0] - ax) * dy - (pts[i]![1] - ay) * dx) / l;
      if (d > bd) { bd = d; best = i; }
    }
    if (best >= 0) { keep[best] = 1; stack.push([a, best], [best, b]); }
  }
  return pts.filter((_, i) => keep[i]);
}

/** Closed ring (first = last) simplified; splits at the vertex farthest from the first. */
function simplifyRing(ring: XY[], tol: number): XY[] {
  const open = ring.slice(0, -1);
  if (open.length <= 4) return ring;
  let far = 0, fd = -1;
  for (let i = 1; i < open.length; i++) {
    const d = Math.hypot(open[i]![0] - open[0]![0], open[i]![1] - open[0]![1]);
    if (d > fd) { fd = d; far = i; }
  }
  const a = dp(open.slice(0, far + 1), tol), b = dp([...open.slice(far), open[0]!], tol);
  const out = [...a, ...b.slice(1)];
  return out.length >= 4 ? out : ring;
}

interface Target { pts: Position[]; xy: XY[]; field: number }

export function joinSuggestion(polygon: Polygon, existingFields: readonly AreaGeometry[], opts: JoinOptions = {}): JoinResult {
  const snapM = opts.snapM ?? 4, budget = opts.vertexBudget ?? 80, minPart = opts.minPartM2 ?? 50;
  const outer = polygon.coordinates[0]!;
  let cx = 0, cy = 0;
  for (const p of outer) { cx += p[0]; cy += p[1]; }
  const proj: LocalProjection = laea(cx / outer.length, cy / outer.length);
  const fwd = (p: Position): XY => proj.forward(p[0], p[1]);
  // 1. simplify to the budget
  let rings: XY[][] = polygon.coordinates.map((r) => r.map(fwd));
  const count = (rs: XY[][]) => rs.reduce((s, r) => s + r.length - 1, 0);
  for (let tol = 0.25; count(rings) > budget && tol < 64; tol *= 1.5) rings = polygon.coordinates.map((r) => simplifyRing(r.map(fwd), tol));
  // neighbours near the suggestion
  let bx0 = Infinity, by0 = Infinity, bx1 = -Infinity, by1 = -Infinity;
  for (const p of rings[0]!) { bx0 = Math.min(bx0, p[0]); by0 = Math.min(by0, p[1]); bx1 = Math.max(bx1, p[0]); by1 = Math.max(by1, p[1]); }
  const near: number[] = [];
  const targets: Target[] = [];
  existingFields.forEach((g, k) => {
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    let hit = false;
    for (const poly of polys) {
      for (const r of poly) {
        const xy = r.map(fwd);
        if (xy.every((p) => p[0] < bx0 - snapM) || xy.every((p) => p[0] > bx1 + snapM) || xy.every((p) => p[1] < by0 - snapM) || xy.every((p) => p[1] > by1 + snapM)) continue;
        targets.push({ pts: r, xy, field: k });
        hit = true;
      }
    }
    if (hit) near.push(k);
  });
  // 2. snap (in metres; snapped positions copied or interpolated in lon/lat)
  let snapped = 0;
  const outRings: Position[][] = rings.map((ring) => {
    const dense: XY[] = [];
    for (let i = 0; i + 1 < ring.length; i++) {
      const a = ring[i]!, b = ring[i + 1]!;
      const n = Math.max(1, Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / (snapM / 2)));
      for (let k = 0; k < n; k++) dense.push([a[0] + ((b[0] - a[0]) * k) / n, a[1] + ((b[1] - a[1]) * k) / n]);
    }
    const res: Position[] = [];
    for (const p of dense) {
      let best: Position | null = null, bd = snapM;
      for (const t of targets) {
        for (let i = 0; i < t.xy.length; i++) {
          const d = Math.hypot(t.xy[i]![0] - p[0], t.xy[i]![1] - p[1]);
          if (d <= bd) { bd = d; best = [t.pts[i]![0], t.pts[i]![1]]; }
        }
      }
      if (!best) {
        bd = snapM;
        for (const t of targets) {
          for (let i = 0; i + 1 < t.xy.length; i++) {
            const [ax, ay] = t.xy[i]!, [ex, ey] = t.xy[i + 1]!;
            const dx = ex - ax, dy = ey - ay, l2 = dx * dx + dy * dy;
            if (l2 === 0) continue;
            const u = Math.max(0, Math.min(1, ((p[0] - ax) * dx + (p[1] - ay) * dy) / l2));
            const d = Math.hypot(ax + u * dx - p[0], ay + u * dy - p[1]);
            if (d < bd) {
              bd = d;
              const pa = t.pts[i]!, pb = t.pts[i + 1]!;
              best = [pa[0] + u * (pb[0] - pa[0]), pa[1] + u * (pb[1] - pa[1])];
            }
          }
        }
      }
      if (best) snapped++;
      const q: Position = best ?? proj.inverse(p[0], p[1]);
      const last = res[res.length - 1];
      if (!last || last[0] !== q[0] || last[1] !== q[1]) res.push(q);
    }
    if (res.length > 1 && res[0]![0] === res[res.length - 1]![0] && res[0]![1] === res[res.length - 1]![1]) res.pop();
    res.push([res[0]![0], res[0]![1]]);
    return res;
  });
  // 3. trim against the neighbours
  const subject: ClipPolygon = outRings.filter((r) => r.length >= 4).map((r) => r.map((p) => [p[0], p[1]] as [number, number]));
  const clips: ClipPolygon[] = [];
  for (const k of near) {
    const g = existingFields[k]!;
    for (const poly of g.type === 'Polygon' ? [g.coordinates] : g.coordinates) clips.push(poly.map((r) => r.map((p) => [p[0], p[1]] as [number, number])));
  }
  let result: ClipMulti;
  try {
    result = clips.length ? polygonClipping.difference(subject, ...clips) : polygonClipping.union(subject);
  } catch {
    result = [];
  }
  const areaOf = (poly: ClipPolygon) => poly.reduce((s, r, i) => s + (i === 0 ? 1 : -1) * Math.abs(ringAreaM(r.map((p) => fwd(p)))), 0);
  const before = areaOf(subject);
  const parts = result
    .map((poly) => poly.filter((r, i) => i === 0 || Math.abs(ringAreaM(r.map((p) => fwd(p)))) >= minPart))
    .filter((poly) => areaOf(poly) >= minPart);
  let chosen: ClipPolygon | null = null;
  if (opts.seed) {
    const [sx, sy] = opts.seed;
    chosen = parts.find((poly) => inRing(sx, sy, poly[0]!) && !poly.slice(1).some((h) => inRing(sx, sy, h))) ?? null;
  }
  if (!chosen) for (const p of parts) if (!chosen || areaOf(p) > areaOf(chosen)) chosen = p;
  if (!chosen) return { polygon: null, areaM2: 0, trimmedM2: before, snappedVertices: snapped, vertices: 0, neighbours: near };
  const nodes = new Set<string>();
  for (const t of targets) for (const q of t.pts) nodes.add(`${q[0]},${q[1]}`);
  const cleaned = chosen.map((r) => dropCollinear(r, fwd, nodes));
  const area = areaOf(cleaned);
  const after = result.reduce((s, p) => s + areaOf(p), 0);
  return {
    polygon: { type: 'Polygon', coordinates: cleaned.map((r) => r.map((p) => [p[0], p[1]] as Position)) },
    areaM2: area,
    trimmedM2: Math.max(0, before - after),
    snappedVertices: snapped,
    vertices: cleaned.reduce((s, r) => s + r.length - 1, 0),
    neighbours: near,
  };
}

function inRing(x: number, y: number, r: readonly [number, number][]): boolean {
  let inside = false;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
    const [xi, yi] = r[i]!, [xj, yj] = r[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Removes vertices lying on the straight line between their neighbours (within 1 mm), except the neighbours' own vertices. */
function dropCollinear(ring: [number, number][], fwd: (p: Position) => XY, keep: ReadonlySet<string>): [number, number][] {
  const open = ring.slice(0, -1);
  let changed = true;
  while (changed && open.length > 3) {
    changed = false;
    for (let i = 0; i < open.length && open.length > 3; i++) {
      const a = fwd(open[(i + open.length - 1) % open.length]!), b = fwd(open[i]!), c = fwd(open[(i + 1) % open.length]!);
      const l = Math.hypot(c[0] - a[0], c[1] - a[1]);
      const d = l > 0 ? Math.abs((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])) / l : 0;
      const between = (b[0] - a[0]) * (c[0] - a[0]) + (b[1] - a[1]) * (c[1] - a[1]) >= 0 && (b[0] - c[0]) * (a[0] - c[0]) + (b[1] - c[1]) * (a[1] - c[1]) >= 0;
      if (d < 1e-3 && between && !keep.has(`${open[i]![0]},${open[i]![1]}`)) { open.splice(i, 1); changed = true; i--; }
    }
  }
  return [...open, open[0]!];
}
