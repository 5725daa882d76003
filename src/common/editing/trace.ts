/**
 * Tracing along a neighbour's boundary: between two points that lie on the same ring of the same
 * field (vertices or points on edges, as snapping found them), the ring's own vertices along the
 * shorter way round. A new boundary drawn with them shares the neighbour's vertices exactly.
 */
import { distM, type XY } from './geom';
import type { SnapTarget } from './snap';

type RingPos = Pick<SnapTarget, 'kind' | 'index' | 't' | 'point'>;

/**
 * The ring vertices strictly between `from` and `to`, in travel order from `from`, along the
 * shorter way (by length in metres). `ring` is closed. Empty when both lie on one edge.
 */
export function tracePath(ring: readonly XY[], from: RingPos, to: RingPos): XY[] {
  const n = ring.length - 1;
  if (n < 3) return [];
  const s = (p: RingPos) => (p.kind === 'vertex' ? p.index : p.index + p.t);
  const sa = s(from);
  const sb = s(to);
  if (sa === sb) return [];
  const walk = (forward: boolean): XY[] => (forward ? ringVerticesBetween(ring, sa, sb) : ringVerticesBetween(ring, sb, sa).reverse());
  const length = (pts: XY[]): number => {
    let len = 0;
    let prev: readonly number[] = from.point;
    for (const p of pts) {
      len += distM(prev, p);
      prev = p;
    }
    return len + distM(prev, to.point);
  };
  const fw = walk(true);
  const bw = walk(false);
  return length(fw) <= length(bw) ? fw : bw;
}

/**
 * Vertices of a closed ring whose position lies strictly between ring positions `from` and `to`
 * going forward (wrapping); a position is `index + t` along the open ring.
 */
export function ringVerticesBetween(ring: readonly XY[], from: number, to: number): XY[] {
  const n = ring.length - 1;
  const out: XY[] = [];
  const span = (to - from + n) % n;
  for (let k = 1; k <= n; k++) {
    const idx = (Math.floor(from) + k) % n;
    const d = (idx - from + n) % n;
    if (d <= 0 || d >= span) break;
    out.push(ring[idx]!);
  }
  return out;
}

/** The largest distance (m) of the traced vertices from the straight segment from -> to. */
export function traceDeviationM(a: readonly number[], b: readonly number[], pts: readonly XY[]): number {
  let worst = 0;
  for (const p of pts) {
    const [kx, ky] = [111_320 * Math.cos((p[1] * Math.PI) / 180), 110_574];
    const ax = (a[0]! - p[0]) * kx, ay = (a[1]! - p[1]) * ky, bx = (b[0]! - p[0]) * kx, by = (b[1]! - p[1]) * ky;
    const dx = bx - ax, dy = by - ay;
    const l2 = dx * dx + dy * dy;
    let t = l2 === 0 ? 0 : -(ax * dx + ay * dy) / l2;
    t = Math.max(0, Math.min(1, t));
    worst = Math.max(worst, Math.hypot(ax + dx * t, ay + dy * t));
  }
  return worst;
}
