import { closeRing, distM, type EditPolygon, openRing, type XY } from '../editing/geom';
import { polygonProblem } from '../editing/polygon-check';
import { fieldBBox } from '../graph/graph';
import type { Rule, ValidationContext } from './issue';

/** Interior angle at b (degrees) of the path a-b-c. */
function angleAt(a: XY, b: XY, c: XY): number {
  const k = Math.cos((b[1] * Math.PI) / 180);
  const ux = (a[0] - b[0]) * k, uy = a[1] - b[1], vx = (c[0] - b[0]) * k, vy = c[1] - b[1];
  const d = Math.hypot(ux, uy) * Math.hypot(vx, vy);
  if (d === 0) return 180;
  return (Math.acos(Math.max(-1, Math.min(1, (ux * vx + uy * vy) / d))) * 180) / Math.PI;
}

/** Vertices to drop: spikes (very sharp angles) and the second end of very short edges. */
export function spikyVertices(g: EditPolygon, ctx: Pick<ValidationContext, 'minEdgeM' | 'spikeDegrees'>): { ring: number; index: number; why: 'spike' | 'short' }[] {
  const out: { ring: number; index: number; why: 'spike' | 'short' }[] = [];
  g.coordinates.forEach((r, ring) => {
    const pts = openRing(r);
    const n = pts.length;
    if (n < 4) return;
    for (let i = 0; i < n; i++) {
      const a = pts[(i + n - 1) % n]!, b = pts[i]!, c = pts[(i + 1) % n]!;
      if (angleAt(a, b, c) < ctx.spikeDegrees) out.push({ ring, index: i, why: 'spike' });
      else if (distM(a, b) < ctx.minEdgeM) out.push({ ring, index: i, why: 'short' });
    }
  });
  return out;
}

export function withoutVertices(g: EditPolygon, drop: readonly { ring: number; index: number }[]): EditPolygon {
  return {
    type: 'Polygon',
    coordinates: g.coordinates.map((r, ring) => {
      const gone = new Set(drop.filter((d) => d.ring === ring).map((d) => d.index));
      return closeRing(openRing(r).filter((_, i) => !gone.has(i)));
    }),
  };
}

export const spikeRule: Rule = {
  id: 'spike',
  check(field, _n, ctx) {
    const bad = spikyVertices(field.geometry, ctx);
    if (bad.length === 0) return [];
    const spikes = bad.filter((b) => b.why === 'spike').length;
    const shorts = bad.length - spikes;
    const parts = [spikes ? `${spikes} spike${spikes > 1 ? 's' : ''}` : '', shorts ? `${shorts} edge${shorts > 1 ? 's' : ''} shorter than ${ctx.minEdgeM} m` : ''].filter(Boolean);
    const cleaned = withoutVertices(field.geometry, bad);
    const fixOk = cleaned.coordinates.every((r) => r.length >= 4) && polygonProblem(cleaned) === null;
    return [
      {
        id: `spike:${field.id}`,
        rule: 'spike',
        severity: 'warning',
        fieldIds: [field.id],
        message: `Field ${field.id} has ${parts.join(' and ')}`,
        bbox: fieldBBox(field),
        fixes: fixOk ? [{ label: 'Remove those vertices', command: { type: 'field.replace', id: field.id, geometry: cleaned } }] : [],
      },
    ];
  },
};
