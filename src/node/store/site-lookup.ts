/**
 * Which sites a polygon touches: candidates from the sites' R*Tree (bounding boxes), then an
 * exact test, the area of the polygon's intersection with the cell (Sutherland-Hodgman for the
 * usual rectangular cells, polygon-clipping for any other shape). Touching
 * only along a border or at a corner is not touching. Areas are in square degrees scaled by
 * cos(latitude): good for ranking the cells a field straddles, not for reporting.
 */
import polygonClipping, { type MultiPolygon as ClipMulti } from 'polygon-clipping';
import type { SiteClass } from '../../common/api/contract';
import { type AreaGeometry, bboxOf, type Polygon } from '../../common/geo/geojson';
import type { Db } from './database';

export interface SiteHit {
  id: string;
  cls: SiteClass;
  /** Intersection area with the cell (scaled square degrees), > 0. */
  overlap: number;
}

type Coords = [number, number][][][];

function parts(g: AreaGeometry): Coords {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  return polys.map((rings) => rings.map((r) => r.map((p) => [p[0], p[1]] as [number, number])));
}

function area(mp: Coords): number {
  let s = 0;
  for (const rings of mp) {
    for (const r of rings) {
      let a = 0;
      for (let i = 0, j = r.length - 1; i < r.length; j = i++) a += (r[j]![0] - r[i]![0]) * (r[j]![1] + r[i]![1]);
      s += a / 2; // exterior rings count positive, holes negative (polygon-clipping's winding)
    }
  }
  return Math.abs(s);
}

/** The cell as a box when it is an axis-aligned rectangle (every cell Fieldmark makes), else null. */
function rectOf(cell: Coords): [number, number, number, number] | null {
  const r = cell[0]?.[0];
  if (cell.length !== 1 || cell[0]!.length !== 1 || !r || r.length !== 5) return null;
  const xs = new Set(r.map((p) => p[0])), ys = new Set(r.map((p) => p[1]));
  if (xs.size !== 2 || ys.size !== 2) return null;
  for (let i = 0; i < 4; i++) if (r[i]![0] !== r[i + 1]![0] && r[i]![1] !== r[i + 1]![1]) return null;
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** |ring clipped to the box| by Sutherland-Hodgman (exact for any simple ring and a convex box). */
function clippedArea(ring: [number, number][], [x0, y0, x1, y1]: [number, number, number, number]): number {
  let pts = ring.slice(0, -1);
  const edges: [(p: [number, number]) => boolean, (a: [number, number], b: [number, number]) => [number, number]][] = [
    [(p) => p[0] >= x0, (a, b) => [x0, a[1] + ((b[1] - a[1]) * (x0 - a[0])) / (b[0] - a[0])]],
    [(p) => p[0] <= x1, (a, b) => [x1, a[1] + ((b[1] - a[1]) * (x1 - a[0])) / (b[0] - a[0])]],
    [(p) => p[1] >= y0, (a, b) => [a[0] + ((b[0] - a[0]) * (y0 - a[1])) / (b[1] - a[1]), y0]],
    [(p) => p[1] <= y1, (a, b) => [a[0] + ((b[0] - a[0]) * (y1 - a[1])) / (b[1] - a[1]), y1]],
  ];
  for (const [inside, cut] of edges) {
    if (pts.length === 0) return 0;
    const next: [number, number][] = [];
    for (let i = 0; i < pts.length; i++) {
      const a = pts[(i + pts.length - 1) % pts.length]!, b = pts[i]!;
      const ina = inside(a), inb = inside(b);
      if (inb) {
        if (!ina) next.push(cut(a, b));
        next.push(b);
      } else if (ina) next.push(cut(a, b));
    }
    pts = next;
  }
  let s = 0;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) s += (pts[j]![0] - pts[i]![0]) * (pts[j]![1] + pts[i]![1]);
  return Math.abs(s / 2);
}

function overlapWithRect(geom: Coords, rect: [number, number, number, number]): number {
  let s = 0;
  for (const rings of geom) rings.forEach((r, i) => (s += (i === 0 ? 1 : -1) * clippedArea(r, rect)));
  return Math.max(0, s);
}

type Cell = { cls: SiteClass; cell: Coords; rect: [number, number, number, number] | null };

function overlapArea(geom: Coords, c: Cell): number {
  if (c.rect) return overlapWithRect(geom, c.rect);
  try {
    return area(polygonClipping.intersection(geom as ClipMulti, c.cell as ClipMulti));
  } catch {
    // polygon-clipping gave up on a degenerate input: fall back to the boxes' overlap.
    const [x0, y0, x1, y1] = bboxOf({ type: 'MultiPolygon', coordinates: geom });
    const [cx0, cy0, cx1, cy1] = bboxOf({ type: 'MultiPolygon', coordinates: c.cell });
    return Math.max(0, Math.min(x1, cx1) - Math.max(x0, cx0)) * Math.max(0, Math.min(y1, cy1) - Math.max(y0, cy0));
  }
}

export class SiteLookup {
  private readonly cells = new Map<string, Cell>();
  private readonly query;
  private readonly cellOf;

  constructor(db: Db, private readonly campaignId: string) {
    this.query = db.prepare(
      `SELECT r.site_id FROM sites_rtree r
        WHERE r.min_lon <= ? AND r.max_lon >= ? AND r.min_lat <= ? AND r.max_lat >= ?`,
    ).pluck();
    this.cellOf = db.prepare('SELECT cls, cell, campaign_id FROM sites WHERE id = ?');
  }

  private cell(id: string): Cell | null {
    let c = this.cells.get(id);
    if (!c) {
      const row = this.cellOf.get(id) as { cls: SiteClass; cell: string; campaign_id: string } | undefined;
      if (!row || row.campaign_id !== this.campaignId) return null;
      const cell = parts(JSON.parse(row.cell) as Polygon);
      c = { cls: row.cls, cell, rect: rectOf(cell) };
      this.cells.set(id, c);
    }
    return c;
  }

  /** Sites of the campaign whose cell the geometry overlaps, largest overlap first. */
  touching(g: AreaGeometry): SiteHit[] {
    const [minX, minY, maxX, maxY] = bboxOf(g);
    const ids = this.query.all(maxX, minX, maxY, minY) as string[];
    const hits: SiteHit[] = [];
    const scale = Math.cos((((minY + maxY) / 2) * Math.PI) / 180);
    const geom = parts(g);
    for (const id of ids) {
      const c = this.cell(id);
      if (!c) continue;
      const overlap = overlapArea(geom, c) * scale;
      // Relative threshold: a shared border must not count through rounding in the clip.
      if (overlap > (maxX - minX) * (maxY - minY) * scale * 1e-9) hits.push({ id, cls: c.cls, overlap });
    }
    return hits.sort((a, b) => b.overlap - a.overlap || (a.id < b.id ? -1 : 1));
  }
}
