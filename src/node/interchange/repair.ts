/**
 * Geometry clean-up for imported polygons (lon/lat, after reprojection). Repairs only what has one
 * obvious answer and says what it did; everything else is refused with a reason:
 *  - repaired: unclosed ring (closed), duplicate consecutive points (removed), ring winding
 *    (exterior CCW, holes CW per RFC 7946), holes with < 4 distinct positions (dropped), parts
 *    of a multipolygon whose exterior is degenerate (dropped);
 *  - refused: NaN / infinite coordinates, coordinates outside lon/lat range, a polygon whose
 *    edges cross (bow-tie), no valid polygon left.
 */
export type Pt = [number, number];
export type RingPts = Pt[];

export type RepairResult = { polygons: RingPts[][]; notes: string[] } | { error: string };

/** Points closer than this (degrees, both axes; ~1 micrometre) count as the same point. */
const SAME = 1e-11;

export function signedArea2(ring: RingPts): number {
  let s = 0;
  for (let i = 0, n = ring.length - 1; i < n; i++) {
    const a = ring[i]!;
    const b = ring[i + 1]!;
    s += (b[0] - a[0]) * (b[1] + a[1]);
  }
  return -s; // > 0 for counter-clockwise (x east, y north)
}

const fmt = (p: Pt) => `${+p[0].toFixed(7)}, ${+p[1].toFixed(7)}`;

export function checkCoordinates(polys: RingPts[][]): string | null {
  for (let pi = 0; pi < polys.length; pi++) {
    const rings = polys[pi]!;
    for (let ri = 0; ri < rings.length; ri++) {
      const ring = rings[ri]!;
      for (let vi = 0; vi < ring.length; vi++) {
        const p = ring[vi]!;
        if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
          return `NaN or infinite coordinate (polygon ${pi} ring ${ri} vertex ${vi})`;
        }
      }
    }
  }
  return null;
}

function inRange(polys: RingPts[][]): Pt | null {
  for (const rings of polys) {
    for (const ring of rings) {
      for (const p of ring) if (!(Math.abs(p[0]) <= 180 && Math.abs(p[1]) <= 90)) return p;
    }
  }
  return null;
}

interface RingFix {
  ring: RingPts | null;
  dups: number;
  closed: boolean;
}

function cleanRing(input: RingPts): RingFix {
  const out: RingPts = [];
  let dups = 0;
  for (const p of input) {
    const last = out[out.length - 1];
    if (last && Math.abs(last[0] - p[0]) <= SAME && Math.abs(last[1] - p[1]) <= SAME) {
      dups++;
      continue;
    }
    out.push([p[0], p[1]]);
  }
  let closed = false;
  const first = out[0];
  const last = out[out.length - 1];
  if (first && last && out.length > 1) {
    if (first[0] !== last[0] || first[1] !== last[1]) {
      if (Math.abs(first[0] - last[0]) <= SAME && Math.abs(first[1] - last[1]) <= SAME) out[out.length - 1] = [first[0], first[1]];
      else {
        out.push([first[0], first[1]]);
        closed = true;
      }
    }
  }
  if (out.length < 4) return { ring: null, dups, closed };
  // Zero area (all points on one line) is as degenerate as too few points.
  const a = Math.abs(signedArea2(out));
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const p of out) {
    if (p[0] < minX) minX = p[0];
    if (p[0] > maxX) maxX = p[0];
    if (p[1] < minY) minY = p[1];
    if (p[1] > maxY) maxY = p[1];
  }
  const scale = Math.max(maxX - minX, maxY - minY);
  // A flat ring that crosses itself is a symmetric bow-tie, not a degenerate ring.
  if (!(a > scale * scale * 1e-12) && !findCrossing([out])) return { ring: null, dups, closed };
  return { ring: out, dups, closed };
}

const orient = (px: number, py: number, qx: number, qy: number, rx: number, ry: number) => Math.sign((qx - px) * (ry - py) - (qy - py) * (rx - px));

function properCross(a: Pt, b: Pt, c: Pt, d: Pt): boolean {
  const o1 = orient(a[0], a[1], b[0], b[1], c[0], c[1]);
  const o2 = orient(a[0], a[1], b[0], b[1], d[0], d[1]);
  if (o1 * o2 >= 0) return false;
  return orient(c[0], c[1], d[0], d[1], a[0], a[1]) * orient(c[0], c[1], d[0], d[1], b[0], b[1]) < 0;
}

/** Small polygons (the usual field): every pair of edges, without allocating. */
function findCrossingSmall(rings: RingPts[]): Pt | null {
  for (let r1 = 0; r1 < rings.length; r1++) {
    const A = rings[r1]!;
    for (let i = 0; i < A.length - 1; i++) {
      for (let r2 = r1; r2 < rings.length; r2++) {
        const B = rings[r2]!;
        for (let j = r1 === r2 ? i + 2 : 0; j < B.length - 1; j++) {
          if (r1 === r2 && i === 0 && j === A.length - 2) continue; // first and last edge share a vertex
          if (properCross(A[i]!, A[i + 1]!, B[j]!, B[j + 1]!)) return [(A[i]![0] + A[i + 1]![0]) / 2, (A[i]![1] + A[i + 1]![1]) / 2];
        }
      }
    }
  }
  return null;
}

/** The first point where two non-adjacent edges of the polygon's rings properly cross, or null. */
export function findCrossing(rings: RingPts[]): Pt | null {
  let edges = 0;
  for (const r of rings) edges += r.length - 1;
  if (edges <= 48) return findCrossingSmall(rings);
  const ax: number[] = [], ay: number[] = [], bx: number[] = [], by: number[] = [];
  const ringOf: number[] = [], segOf: number[] = [], nOf: number[] = [];
  rings.forEach((ring, r) => {
    const n = ring.length - 1;
    for (let i = 0; i < n; i++) {
      ax.push(ring[i]![0]); ay.push(ring[i]![1]); bx.push(ring[i + 1]![0]); by.push(ring[i + 1]![1]);
      ringOf.push(r); segOf.push(i); nOf.push(n);
    }
  });
  const m = ax.length;
  const order = Array.from({ length: m }, (_, i) => i);
  const minX = (i: number) => Math.min(ax[i]!, bx[i]!);
  const maxX = (i: number) => Math.max(ax[i]!, bx[i]!);
  order.sort((i, j) => minX(i) - minX(j));
  for (let oi = 0; oi < m; oi++) {
    const i = order[oi]!;
    const iMaxX = maxX(i);
    const iMinY = Math.min(ay[i]!, by[i]!), iMaxY = Math.max(ay[i]!, by[i]!);
    for (let oj = oi + 1; oj < m; oj++) {
      const j = order[oj]!;
      if (minX(j) > iMaxX) break;
      if (Math.min(ay[j]!, by[j]!) > iMaxY || Math.max(ay[j]!, by[j]!) < iMinY) continue;
      if (ringOf[i] === ringOf[j]) {
        const d = Math.abs(segOf[i]! - segOf[j]!);
        if (d === 1 || d === nOf[i]! - 1) continue;
      }
      const o1 = orient(ax[i]!, ay[i]!, bx[i]!, by[i]!, ax[j]!, ay[j]!);
      const o2 = orient(ax[i]!, ay[i]!, bx[i]!, by[i]!, bx[j]!, by[j]!);
      if (o1 * o2 >= 0) continue;
      const o3 = orient(ax[j]!, ay[j]!, bx[j]!, by[j]!, ax[i]!, ay[i]!);
      const o4 = orient(ax[j]!, ay[j]!, bx[j]!, by[j]!, bx[i]!, by[i]!);
      if (o3 * o4 < 0) return [(ax[i]! + bx[i]!) / 2, (ay[i]! + by[i]!) / 2];
    }
  }
  return null;
}

/**
 * Cleans polygons given as [polygon][ring][vertex] lon/lat. `windingIsRepair` says whether fixing
 * the winding counts as a repair (it does for GeoJSON, whose RFC fixes it; KML, shapefiles and
 * GeoPackages do not define one).
 */
export function repairPolygons(polys: RingPts[][], windingIsRepair: boolean): RepairResult {
  const bad = checkCoordinates(polys);
  if (bad) return { error: bad };
  const outside = inRange(polys);
  if (outside) return { error: `coordinate out of lon/lat range (${fmt(outside)})` };
  const out: RingPts[][] = [];
  let dups = 0, closed = 0, droppedHoles = 0, droppedParts = 0, rewound = 0;
  let firstProblem: string | null = null;
  for (let pi = 0; pi < polys.length; pi++) {
    const rings = polys[pi]!;
    if (rings.length === 0) {
      droppedParts++;
      firstProblem ??= `polygon ${pi} is empty`;
      continue;
    }
    const kept: RingPts[] = [];
    let partOk = true;
    for (let ri = 0; ri < rings.length; ri++) {
      const fix = cleanRing(rings[ri]!);
      dups += fix.dups;
      if (fix.closed) closed++;
      if (!fix.ring) {
        if (ri === 0) {
          partOk = false;
          firstProblem ??= `polygon ${pi} exterior ring has fewer than 4 distinct positions (or no area)`;
          break;
        }
        droppedHoles++;
        continue;
      }
      const area = signedArea2(fix.ring);
      if ((ri === 0) !== area > 0) {
        fix.ring.reverse();
        rewound++;
      }
      kept.push(fix.ring);
    }
    if (!partOk) {
      droppedParts++;
      continue;
    }
    const x = findCrossing(kept);
    if (x) return { error: `self-intersecting polygon: edges cross near (${fmt(x)})` };
    out.push(kept);
  }
  if (out.length === 0) return { error: firstProblem ?? 'no polygon' };
  const notes: string[] = [];
  if (closed) notes.push(`closed ${closed} unclosed ring${closed > 1 ? 's' : ''}`);
  if (dups) notes.push(`removed ${dups} duplicate consecutive point${dups > 1 ? 's' : ''}`);
  if (droppedHoles) notes.push(`dropped ${droppedHoles} degenerate hole${droppedHoles > 1 ? 's' : ''}`);
  if (droppedParts) notes.push(`dropped ${droppedParts} degenerate polygon part${droppedParts > 1 ? 's' : ''} (${firstProblem})`);
  if (rewound && windingIsRepair) notes.push(`rewound ${rewound} ring${rewound > 1 ? 's' : ''} to RFC 7946 order`);
  return { polygons: out, notes };
}
