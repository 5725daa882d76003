import { describe, expect, it } from 'vitest';
import type { Polygon } from '../geo/geojson';
import { laea } from '../quality/project';
import { areaM2, overlapM2 } from './geo';
import { joinSuggestion } from './join';

const proj = laea(-0.9, 9.4);
/** A polygon from local metres (x east, y north) around (-0.9, 9.4). */
function poly(...rings: [number, number][][]): Polygon {
  return { type: 'Polygon', coordinates: rings.map((r) => [...r, r[0]!].map(([x, y]) => proj.inverse(x, y))) };
}
const rect = (x0: number, y0: number, x1: number, y1: number): [number, number][] => [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];

/** Length (m) of the outline of `a` that runs along the outline of `b`. */
function sharedBorder(a: Polygon, b: Polygon): number {
  const pa = a.coordinates[0]!.map((p) => proj.forward(p[0], p[1]));
  const pb = b.coordinates[0]!.map((p) => proj.forward(p[0], p[1]));
  let len = 0;
  for (let i = 0; i + 1 < pa.length; i++) {
    const [ax, ay] = pa[i]!, [bx, by] = pa[i + 1]!;
    const mx = (ax + bx) / 2, my = (ay + by) / 2;
    for (let j = 0; j + 1 < pb.length; j++) {
      const [cx, cy] = pb[j]!, [dx, dy] = pb[j + 1]!;
      const l = Math.hypot(dx - cx, dy - cy);
      const dist = Math.abs((mx - cx) * (dy - cy) - (my - cy) * (dx - cx)) / l;
      const t = ((mx - cx) * (dx - cx) + (my - cy) * (dy - cy)) / (l * l);
      if (dist < 0.01 && t >= 0 && t <= 1) { len += Math.hypot(bx - ax, by - ay); break; }
    }
  }
  return len;
}

describe('joinSuggestion', () => {
  const a = poly(rect(0, 0, 100, 100));

  it('trims an overlapping suggestion: no overlap left, the border is shared', () => {
    const r = joinSuggestion(poly(rect(90, 5, 200, 95)), [a]);
    expect(r.polygon).not.toBeNull();
    expect(overlapM2(r.polygon!, [a])).toBeLessThan(0.01);
    expect(sharedBorder(r.polygon!, a)).toBeGreaterThan(85);
    expect(r.trimmedM2).toBeGreaterThan(200);
    expect(r.neighbours).toEqual([0]);
  });

  it('closes a gap thinner than the snap distance (no sliver between neighbours)', () => {
    const r = joinSuggestion(poly(rect(102.5, 0, 200, 100)), [a], { snapM: 4 });
    expect(r.snappedVertices).toBeGreaterThan(0);
    expect(sharedBorder(r.polygon!, a)).toBeGreaterThan(95);
    expect(areaM2(r.polygon!)).toBeGreaterThan(9990);
    expect(overlapM2(r.polygon!, [a])).toBeLessThan(0.01);
  });

  it('leaves a suggestion far from every field as it is', () => {
    const s = poly(rect(300, 300, 400, 380));
    const r = joinSuggestion(s, [a]);
    expect(r.snappedVertices).toBe(0);
    expect(Math.abs(areaM2(r.polygon!) - 8000)).toBeLessThan(1);
  });

  it('keeps holes and the part at the click when the trim splits it', () => {
    const b = poly(rect(140, -10, 150, 110)); // a field across the suggestion
    const s = poly(rect(105, 0, 250, 100), rect(200, 40, 220, 60).reverse());
    const r = joinSuggestion(s, [a, b], { seed: proj.inverse(230, 20) });
    expect(r.polygon!.coordinates.length).toBe(2);
    const xs = r.polygon!.coordinates[0]!.map((p) => proj.forward(p[0], p[1])[0]);
    expect(Math.min(...xs)).toBeGreaterThan(149);
  });

  it('nothing left when the suggestion lies inside existing fields', () => {
    expect(joinSuggestion(poly(rect(10, 10, 90, 90)), [a]).polygon).toBeNull();
  });

  it('simplifies to the vertex budget', () => {
    const ring: [number, number][] = [];
    for (let k = 0; k < 400; k++) {
      const t = (2 * Math.PI * k) / 400, r = 60 + 0.3 * Math.sin(37 * t);
      ring.push([400 + r * Math.cos(t), 400 + r * Math.sin(t)]);
    }
    const r = joinSuggestion(poly(ring), [], { vertexBudget: 40 });
    expect(r.vertices).toBeLessThanOrEqual(40);
    expect(Math.abs(areaM2(r.polygon!) - Math.PI * 3600) / (Math.PI * 3600)).toBeLessThan(0.02);
  });
});
