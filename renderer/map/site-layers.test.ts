import { describe, expect, it } from 'vitest';
import { bboxPolygon } from '../../src/common/geo/geojson';
import { outsideMask, siteFeatures } from './site-layers';

function signedArea(ring: number[][]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j]![0]! - ring[i]![0]!) * (ring[j]![1]! + ring[i]![1]!);
  return a / 2;
}

describe('site overlay geometry', () => {
  it('cuts the context window out of the world with opposite winding (MapLibre reads the hole as a hole)', () => {
    const ctx = bboxPolygon([-1.5, 7.5, -1.487, 7.513]);
    const mask = outsideMask(ctx);
    expect(mask.coordinates).toHaveLength(2);
    expect(signedArea(mask.coordinates[0]!)).toBeGreaterThan(0);
    expect(signedArea(mask.coordinates[1]!)).toBeLessThan(0);
    // also when the context arrives clockwise
    const cw = { type: 'Polygon' as const, coordinates: [[...ctx.coordinates[0]!].reverse()] };
    expect(signedArea(outsideMask(cw).coordinates[1]!)).toBeLessThan(0);
  });

  it('gives mask, context and cell features for a site and none without one', () => {
    expect(siteFeatures(null).features).toHaveLength(0);
    const cell = bboxPolygon([0, 0, 0.005, 0.005]);
    const fc = siteFeatures({
      id: 'GH1',
      campaignId: 'c',
      cls: 1,
      status: 'open',
      center: [0.0025, 0.0025],
      cell,
      context: bboxPolygon([-0.0039, -0.0039, 0.0089, 0.0089]),
      bbox: [-0.0039, -0.0039, 0.0089, 0.0089],
      sceneCount: 1,
      assignmentCount: 0,
    });
    expect(fc.features.map((f) => f.properties?.['role'])).toEqual(['mask', 'context', 'cell']);
  });
});
