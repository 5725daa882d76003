/** Geometry and page helpers of the suggestion end-to-end tests (suggest.test.ts, suggest-walk.test.ts). */
import type { Page } from 'playwright-core';
import type { EditPolygon, XY } from '../../../src/common/editing/geom';
import { laea } from '../../../src/common/quality/project';

/** Area of polygons in m^2 (local equal-area projection). */
export function areaM2(polys: EditPolygon[]): number {
  let s = 0;
  for (const p of polys) {
    const [x0, y0] = p.coordinates[0]![0]!;
    const pr = laea(x0, y0);
    p.coordinates.forEach((ring, k) => {
      const q = ring.map(([x, y]) => pr.forward(x, y));
      let a = 0;
      for (let i = 0, j = q.length - 1; i < q.length; j = i++) a += (q[j]![0] - q[i]![0]) * (q[j]![1] + q[i]![1]);
      s += (k === 0 ? 1 : -1) * Math.abs(a / 2);
    });
  }
  return s;
}

export function inside(p: XY, ring: XY[]): boolean {
  let c = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}

/** A point well inside the polygon: the grid point farthest from the outline (coarse). */
export function interior(g: EditPolygon): XY {
  const r = g.coordinates[0]!;
  const xs = r.map((p) => p[0]);
  const ys = r.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  let best: XY = [(x0 + x1) / 2, (y0 + y1) / 2];
  let bd = -1;
  for (let i = 1; i < 20; i++)
    for (let j = 1; j < 20; j++) {
      const p: XY = [x0 + ((x1 - x0) * i) / 20, y0 + ((y1 - y0) * j) / 20];
      if (!inside(p, r)) continue;
      let d = Infinity;
      for (const q of r) d = Math.min(d, Math.hypot(q[0] - p[0], q[1] - p[1]));
      if (d > bd) [bd, best] = [d, p];
    }
  return best;
}

/** Two true fields that touch (vertices within 6 m), else undefined. */
export function touchingPair(fields: EditPolygon[]): [EditPolygon, EditPolygon] | undefined {
  const near = (x: EditPolygon, y: EditPolygon) => {
    const pr = laea(x.coordinates[0]![0]![0], x.coordinates[0]![0]![1]);
    const py = y.coordinates[0]!.map(([u, v]) => pr.forward(u, v));
    return x.coordinates[0]!.some(([u, v]) => {
      const [px, pz] = pr.forward(u, v);
      return py.some(([qx, qz]) => Math.hypot(qx - px, qz - pz) < 6);
    });
  };
  for (const s of fields) for (const t of fields) if (s !== t && near(s, t)) return [s, t];
  return undefined;
}

/** Page pixels (for page.mouse) of a lon/lat on the map (needs `?test=1`). */
export async function screenPoint(page: Page, p: XY): Promise<XY> {
  const box = (await page.locator('#map').boundingBox())!;
  const q = await page.evaluate(([x, y]) => {
    const m = (window as unknown as { __fieldmarkMap: { project(p: [number, number]): { x: number; y: number } } }).__fieldmarkMap;
    const r = m.project([x, y]);
    return [r.x, r.y];
  }, p as [number, number]);
  return [box.x + q[0]!, box.y + q[1]!];
}

/** The polygon of the editor's dashed preview (the `edit-staging` source), or null. */
export async function stagedPolygon(page: Page): Promise<EditPolygon | null> {
  return page.evaluate(async () => {
    const m = (window as unknown as { __fieldmarkMap: { getSource(id: string): { getData(): Promise<{ features: { properties: { role: string }; geometry: unknown }[] }> } } }).__fieldmarkMap;
    const d = await m.getSource('edit-staging').getData();
    const f = d.features.find((x) => x.properties.role === 'fill');
    return (f?.geometry ?? null) as never;
  });
}
