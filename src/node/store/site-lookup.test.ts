import polygonClipping from 'polygon-clipping';
import { describe, expect, it } from 'vitest';
import { bboxPolygon, type Polygon } from '../../common/geo/geojson';
import { DEFAULT_SETTINGS, insertCampaign } from './campaign.repo';
import { openDatabase } from './database';
import { insertSite } from './site.repo';
import { SiteLookup } from './site-lookup';

/** A star-shaped (often concave) polygon around (cx, cy), with a hole half the time. */
function star(rand: () => number, cx: number, cy: number, r: number): Polygon {
  const n = 5 + Math.floor(rand() * 12);
  const ring = (s: number, dir: 1 | -1) => {
    const pts = Array.from({ length: n }, (_, i) => {
      const t = (dir * i * 2 * Math.PI) / n;
      const rr = s * r * (0.4 + rand() * 0.6);
      return [cx + Math.cos(t) * rr, cy + Math.sin(t) * rr] as [number, number];
    });
    return [...pts, pts[0]!];
  };
  return { type: 'Polygon', coordinates: rand() < 0.5 ? [ring(1, 1)] : [ring(1, 1), ring(0.3, -1).map(([x, y]) => [x, y] as [number, number])] };
}

describe('SiteLookup', () => {
  it('finds the cells a polygon overlaps; the rectangle clip agrees with polygon-clipping', () => {
    const db = openDatabase(':memory:');
    insertCampaign(db, { id: 'c', name: 'c', settings: DEFAULT_SETTINGS });
    insertCampaign(db, { id: 'other', name: 'o', settings: DEFAULT_SETTINGS });
    const cell = bboxPolygon([0, 0, 0.005, 0.005]);
    insertSite(db, { id: 'RECT', campaignId: 'c', cls: 1, cell, sceneIds: [] });
    // The same square with an extra vertex: not a plain rectangle, so polygon-clipping measures it.
    const ring = cell.coordinates[0]!;
    insertSite(db, { id: 'POLY', campaignId: 'c', cls: 2, cell: { type: 'Polygon', coordinates: [[ring[0]!, [0.0025, 0], ...ring.slice(1)]] }, sceneIds: [] });
    insertSite(db, { id: 'ELSEWHERE', campaignId: 'other', cls: 1, cell, sceneIds: [] });
    insertSite(db, { id: 'EAST', campaignId: 'c', cls: 2, cell: bboxPolygon([0.005, 0, 0.01, 0.005]), sceneIds: [] });
    const lookup = new SiteLookup(db, 'c');
    let a = 7;
    const rand = () => ((a = (a * 16807) % 2147483647) / 2147483647);
    let compared = 0;
    for (let k = 0; k < 300; k++) {
      const g = star(rand, -0.002 + rand() * 0.009, -0.002 + rand() * 0.009, 0.001 + rand() * 0.003);
      const hits = lookup.touching(g);
      expect(hits.every((h) => h.id !== 'ELSEWHERE')).toBe(true);
      const rect = hits.find((h) => h.id === 'RECT');
      const poly = hits.find((h) => h.id === 'POLY');
      expect(Boolean(rect), `polygon ${k}`).toBe(Boolean(poly));
      if (rect && poly) {
        expect(Math.abs(rect.overlap - poly.overlap) / poly.overlap).toBeLessThan(1e-9);
        compared++;
      }
      const exact = polygonClipping.intersection(g.coordinates as never, cell.coordinates as never).length > 0;
      expect(Boolean(rect)).toBe(exact);
    }
    expect(compared).toBeGreaterThan(50);
    // Sharing only a border is not touching; largest overlap first.
    expect(lookup.touching(bboxPolygon([0.005, 0.001, 0.006, 0.002])).map((h) => h.id)).toEqual(['EAST']);
    const straddle = lookup.touching(bboxPolygon([0.004, 0.001, 0.0075, 0.002])).map((h) => h.id);
    expect([straddle[0], straddle.slice(1).sort()]).toEqual(['EAST', ['POLY', 'RECT']]);
    db.close();
  });
});
