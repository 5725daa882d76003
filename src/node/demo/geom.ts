/**
 * Planar polygon helpers for the demo generator, in world metres (EPSG:3857, y up).
 * Rings are arrays of [x, y] without the closing point, counter-clockwise. Fields are convex
 * pieces of recursive splits; `EPoly` carries a kind per edge (road, track, path, field border)
 * so that insets can keep roads out of fields and draw field margins.
 */
export type Pt = [number, number];
export interface EPoly { pts: Pt[]; kinds: number[] }

export function ringArea(pts: readonly Pt[]): number {
  let s = 0;
  for (let i = 0, n = pts.length; i < n; i++) {
    const a = pts[i] as Pt, b = pts[(i + 1) % n] as Pt;
    s += a[0] * b[1] - b[0] * a[1];
  }
  return s / 2;
}

export function centroid(pts: readonly Pt[]): Pt {
  let cx = 0, cy = 0, a2 = 0;
  const o = pts[0] as Pt;
  for (let i = 0, n = pts.length; i < n; i++) {
    const a = pts[i] as Pt, b = pts[(i + 1) % n] as Pt;
    const ax = a[0] - o[0], ay = a[1] - o[1], bx = b[0] - o[0], by = b[1] - o[1];
    const c = ax * by - bx * ay;
    cx += (ax + bx) * c; cy += (ay + by) * c; a2 += c;
  }
  if (Math.abs(a2) < 1e-12) return [o[0], o[1]];
  return [o[0] + cx / (3 * a2), o[1] + cy / (3 * a2)];
}

export function bbox(pts: readonly Pt[]): [number, number, number, number] {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const p of pts) {
    if (p[0] < x0) x0 = p[0]; if (p[0] > x1) x1 = p[0];
    if (p[1] < y0) y0 = p[1]; if (p[1] > y1) y1 = p[1];
  }
  return [x0, y0, x1, y1];
}

/** Sutherland-Hodgman clip of a convex polygon to n.p <= c; the new edge gets cutKind. */
export function clipHalfPlane(poly: EPoly, nx: number, ny: number, c: number, cutKind: number): EPoly | null {
  const { pts, kinds } = poly;
  const n = pts.length;
  const outP: Pt[] = [];
  const outK: number[] = [];
  const emit = (p: Pt, k: number) => {
    const last = outP[outP.length - 1];
    if (last && Math.abs(last[0] - p[0]) < 1e-9 && Math.abs(last[1] - p[1]) < 1e-9) { outK[outK.length - 1] = k; return; }
    outP.push(p); outK.push(k);
  };
  const EPS = 1e-9;
  for (let i = 0; i < n; i++) {
    const P = pts[i] as Pt, Q = pts[(i + 1) % n] as Pt, k = kinds[i] as number;
    const dP = nx * P[0] + ny * P[1] - c;
    const dQ = nx * Q[0] + ny * Q[1] - c;
    const inP = dP <= EPS, inQ = dQ <= EPS;
    if (inP) emit(P, k);
    if (inP !== inQ) {
      const t = dP / (dP - dQ);
      const I: Pt = [P[0] + t * (Q[0] - P[0]), P[1] + t * (Q[1] - P[1])];
      emit(I, inP ? cutKind : k);
    }
  }
  if (outP.length > 1) {
    const f = outP[0] as Pt, l = outP[outP.length - 1] as Pt;
    if (Math.abs(f[0] - l[0]) < 1e-9 && Math.abs(f[1] - l[1]) < 1e-9) { outP.pop(); outK[0] = outK.pop() as number; }
  }
  if (outP.length < 3 || Math.abs(ringArea(outP)) < 1e-6) return null;
  return { pts: outP, kinds: outK };
}

/** Splits a convex polygon along the line through (px,py) with direction (dx,dy): [left, right]. */
export function splitByLine(poly: EPoly, px: number, py: number, dx: number, dy: number, cutKind: number): [EPoly | null, EPoly | null] {
  // left of the direction: cross(d, p - P) >= 0  <=>  (dy, -dx).p <= (dy, -dx).P
  const nx = dy, ny = -dx, c = nx * px + ny * py;
  return [clipHalfPlane(poly, nx, ny, c, cutKind), clipHalfPlane(poly, -nx, -ny, -c, cutKind)];
}

/** Chord of a convex polygon cut by a line (for drawing the road that made the cut). */
export function chord(poly: EPoly, px: number, py: number, dx: number, dy: number): [Pt, Pt] | null {
  const hits: { t: number; p: Pt }[] = [];
  const n = poly.pts.length;
  for (let i = 0; i < n; i++) {
    const P = poly.pts[i] as Pt, Q = poly.pts[(i + 1) % n] as Pt;
    const dP = dy * (P[0] - px) - dx * (P[1] - py);
    const dQ = dy * (Q[0] - px) - dx * (Q[1] - py);
    if ((dP <= 0 && dQ > 0) || (dP > 0 && dQ <= 0)) {
      const t = dP / (dP - dQ);
      const I: Pt = [P[0] + t * (Q[0] - P[0]), P[1] + t * (Q[1] - P[1])];
      hits.push({ t: (I[0] - px) * dx + (I[1] - py) * dy, p: I });
    }
  }
  if (hits.length < 2) return null;
  hits.sort((a, b) => a.t - b.t);
  return [(hits[0] as { p: Pt }).p, (hits[hits.length - 1] as { p: Pt }).p];
}

/** Insets a convex CCW polygon edge by edge (distance per edge kind). */
export function insetConvex(poly: EPoly, dist: (kind: number) => number): EPoly | null {
  let cur: EPoly | null = poly;
  const n = poly.pts.length;
  for (let i = 0; i < n && cur; i++) {
    const d = dist(poly.kinds[i] as number);
    if (d <= 0) continue;
    const P = poly.pts[i] as Pt, Q = poly.pts[(i + 1) % n] as Pt;
    const ex = Q[0] - P[0], ey = Q[1] - P[1];
    const len = Math.hypot(ex, ey);
    if (len < 1e-9) continue;
    // inward (left) normal of a CCW edge is (-ey, ex); keep (-ey,ex).(X-P) >= d  <=>  (ey,-ex).X <= (ey,-ex).P - d
    const nx = ey / len, ny = -ex / len;
    cur = clipHalfPlane(cur, nx, ny, nx * P[0] + ny * P[1] - d, poly.kinds[i] as number);
  }
  return cur;
}

/** Area of the part of a convex polygon inside an axis-aligned rectangle. */
export function areaInRect(pts: Pt[], r: readonly [number, number, number, number]): number {
  let p: EPoly | null = { pts, kinds: pts.map(() => 0) };
  p = p && clipHalfPlane(p, -1, 0, -r[0], 0);
  p = p && clipHalfPlane(p, 1, 0, r[2], 0);
  p = p && clipHalfPlane(p, 0, -1, -r[1], 0);
  p = p && clipHalfPlane(p, 0, 1, r[3], 0);
  return p ? Math.abs(ringArea(p.pts)) : 0;
}

/** Orientation (radians) of the long axis from second moments of the vertices. */
export function principalAngle(pts: readonly Pt[]): number {
  const c = centroid(pts);
  let sxx = 0, syy = 0, sxy = 0;
  for (const p of pts) {
    const x = p[0] - c[0], y = p[1] - c[1];
    sxx += x * x; syy += y * y; sxy += x * y;
  }
  return 0.5 * Math.atan2(2 * sxy, sxx - syy);
}

/** Extent of the points projected on direction (cos a, sin a): [min, max]. */
export function extentAlong(pts: readonly Pt[], a: number): [number, number] {
  const ux = Math.cos(a), uy = Math.sin(a);
  let lo = Infinity, hi = -Infinity;
  for (const p of pts) { const t = p[0] * ux + p[1] * uy; if (t < lo) lo = t; if (t > hi) hi = t; }
  return [lo, hi];
}

export function pointInRing(x: number, y: number, pts: readonly Pt[]): boolean {
  let inside = false;
  for (let i = 0, n = pts.length, j = n - 1; i < n; j = i++) {
    const a = pts[i] as Pt, b = pts[j] as Pt;
    if ((a[1] > y) !== (b[1] > y) && x < ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside;
}

export function distPointSeg(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax, dy = by - ay;
  const l2 = dx * dx + dy * dy;
  let t = l2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / l2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

function orient(a: Pt, b: Pt, c: Pt): number { return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]); }

/** Segments ab and cd cross or touch (collinear overlap included). */
export function segmentsIntersect(a: Pt, b: Pt, c: Pt, d: Pt): boolean {
  const o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b);
  if (((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0))) return true;
  const on = (p: Pt, q: Pt, r: Pt) => Math.min(p[0], q[0]) <= r[0] && r[0] <= Math.max(p[0], q[0]) && Math.min(p[1], q[1]) <= r[1] && r[1] <= Math.max(p[1], q[1]);
  if (o1 === 0 && on(a, b, c)) return true;
  if (o2 === 0 && on(a, b, d)) return true;
  if (o3 === 0 && on(c, d, a)) return true;
  if (o4 === 0 && on(c, d, b)) return true;
  return false;
}

/** A simple ring: >= 3 distinct vertices, non-zero area, no two non-adjacent edges touching. */
export function isSimpleRing(pts: readonly Pt[]): boolean {
  const n = pts.length;
  if (n < 3) return false;
  const [x0, y0, x1, y1] = bbox(pts);
  if (Math.abs(ringArea(pts)) <= 1e-12 * ((x1 - x0) ** 2 + (y1 - y0) ** 2)) return false;
  for (let i = 0; i < n; i++) {
    const a = pts[i] as Pt, b = pts[(i + 1) % n] as Pt;
    if (a[0] === b[0] && a[1] === b[1]) return false;
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue;
      if (segmentsIntersect(a, b, pts[j] as Pt, pts[(j + 1) % n] as Pt)) return false;
    }
  }
  return true;
}

/** Rings share interior area (edges crossing or one containing the other); touching borders do not count. */
export function ringsOverlap(a: readonly Pt[], b: readonly Pt[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const p = a[i] as Pt, q = a[(i + 1) % a.length] as Pt;
    for (let j = 0; j < b.length; j++) {
      const r = b[j] as Pt, s = b[(j + 1) % b.length] as Pt;
      const o1 = orient(p, q, r), o2 = orient(p, q, s), o3 = orient(r, s, p), o4 = orient(r, s, q);
      if (((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0))) return true;
    }
  }
  // no proper crossing: overlap if a point just inside one ring (next to an edge midpoint) is inside the other
  const probe = (r: readonly Pt[], other: readonly Pt[]) => {
    const s = ringArea(r) > 0 ? 1 : -1;
    for (let i = 0; i < r.length; i++) {
      const p = r[i] as Pt, q = r[(i + 1) % r.length] as Pt;
      const dx = q[0] - p[0], dy = q[1] - p[1], l = Math.hypot(dx, dy);
      if (l === 0) continue;
      const e = Math.min(1e-3, l * 1e-3) * s;
      if (pointInRing((p[0] + q[0]) / 2 - (dy / l) * e, (p[1] + q[1]) / 2 + (dx / l) * e, other)) return true;
    }
    return false;
  };
  return probe(a, b) || probe(b, a);
}

/**
 * Makes a set of rings topologically clean: vertices closer than tol are snapped to one position,
 * and a vertex of one ring lying on an edge of another is inserted there (no T-junctions), so that
 * neighbours share identical vertex chains along their common border.
 */
export function cleanTopology(rings: Pt[][], tol = 0.01): Pt[][] {
  const cell = 50;
  const key = (x: number, y: number) => `${Math.floor(x / cell)},${Math.floor(y / cell)}`;
  const canon = new Map<string, Pt[]>();
  const snap = (p: Pt): Pt => {
    const cx = Math.floor(p[0] / cell), cy = Math.floor(p[1] / cell);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const q of canon.get(`${cx + dx},${cy + dy}`) ?? []) if (Math.abs(q[0] - p[0]) <= tol && Math.abs(q[1] - p[1]) <= tol) return q;
      }
    }
    const k = key(p[0], p[1]);
    const list = canon.get(k);
    const q: Pt = [p[0], p[1]];
    if (list) list.push(q); else canon.set(k, [q]);
    return q;
  };
  const snapped = rings.map((r) => {
    const out: Pt[] = [];
    for (const p of r) { const q = snap(p); const l = out[out.length - 1]; if (!l || l !== q) out.push(q); }
    if (out.length > 1 && out[0] === out[out.length - 1]) out.pop();
    return out;
  });
  return snapped.map((r) => {
    const out: Pt[] = [];
    for (let i = 0; i < r.length; i++) {
      const a = r[i] as Pt, b = r[(i + 1) % r.length] as Pt;
      out.push(a);
      const x0 = Math.min(a[0], b[0]) - tol, x1 = Math.max(a[0], b[0]) + tol, y0 = Math.min(a[1], b[1]) - tol, y1 = Math.max(a[1], b[1]) + tol;
      const found: { t: number; q: Pt }[] = [];
      const dx = b[0] - a[0], dy = b[1] - a[1], l2 = dx * dx + dy * dy;
      for (let gx = Math.floor(x0 / cell); gx <= Math.floor(x1 / cell); gx++) {
        for (let gy = Math.floor(y0 / cell); gy <= Math.floor(y1 / cell); gy++) {
          for (const q of canon.get(`${gx},${gy}`) ?? []) {
            if (q === a || q === b || q[0] < x0 || q[0] > x1 || q[1] < y0 || q[1] > y1) continue;
            const t = ((q[0] - a[0]) * dx + (q[1] - a[1]) * dy) / l2;
            if (t <= 1e-9 || t >= 1 - 1e-9) continue;
            if (distPointSeg(q[0], q[1], a[0], a[1], b[0], b[1]) <= tol) found.push({ t, q });
          }
        }
      }
      found.sort((u, v) => u.t - v.t);
      for (const f of found) out.push(f.q);
    }
    return out.map((p) => [p[0], p[1]] as Pt);
  });
}

const same = (p: Pt, q: Pt) => p[0] === q[0] && p[1] === q[1];

/**
 * Union of two CCW rings that share one contiguous border chain with identical vertices
 * (see cleanTopology). Returns null when they do not share exactly one chain.
 */
export function unionAdjacent(a: readonly Pt[], b: readonly Pt[]): Pt[] | null {
  const n = a.length, m = b.length;
  const idxB = a.map((p) => b.findIndex((q) => same(p, q)));
  // an edge of a is shared when its two ends are consecutive (reversed) in b
  const sharedEdge = a.map((_, i) => {
    const j0 = idxB[i] as number, j1 = idxB[(i + 1) % n] as number;
    return j0 >= 0 && j1 >= 0 && (j1 + 1) % m === j0;
  });
  const count = sharedEdge.filter(Boolean).length;
  if (count === 0 || count === n) return null;
  // the chain of shared edges must be contiguous: exactly one start
  let start = -1, starts = 0;
  for (let i = 0; i < n; i++) if (sharedEdge[i] && !sharedEdge[(i - 1 + n) % n]) { start = i; starts++; }
  if (starts !== 1) return null;
  const end = (start + count) % n; // vertex index in a where the chain ends
  const out: Pt[] = [];
  for (let i = end; ; i = (i + 1) % n) { out.push(a[i] as Pt); if (i === start) break; }
  const jStart = idxB[start] as number, jEnd = idxB[end] as number;
  for (let j = (jStart + 1) % m; j !== jEnd; j = (j + 1) % m) out.push(b[j] as Pt);
  const clean = removeCollinear(out);
  return isSimpleRing(clean) ? clean : null;
}

/** Drops vertices on a straight line between their neighbours (within tol metres). */
export function removeCollinear(pts: readonly Pt[], tol = 1e-6): Pt[] {
  let cur = [...pts];
  let changed = true;
  while (changed && cur.length > 3) {
    changed = false;
    for (let i = 0; i < cur.length && cur.length > 3; i++) {
      const p = cur[(i - 1 + cur.length) % cur.length] as Pt, q = cur[i] as Pt, r = cur[(i + 1) % cur.length] as Pt;
      if (distPointSeg(q[0], q[1], p[0], p[1], r[0], r[1]) <= tol) { cur.splice(i, 1); changed = true; i--; }
    }
  }
  return cur;
}
