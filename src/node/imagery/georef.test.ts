import { describe, expect, it } from 'vitest';
import { applyGeoTransform, edgeSamplePixels, geoTransformFromTags, invertGeoTransform, lonLatBounds, scaleGeoTransform, type GeoTransform } from './georef';

describe('geotransform', () => {
  it('from ModelPixelScale + ModelTiepoint (tiepoint not at pixel 0,0)', () => {
    const gt = geoTransformFromTags({ ModelPixelScale: [2, 3, 0], ModelTiepoint: [10, 20, 0, 1000, 5000, 0] });
    expect(gt).toEqual([980, 2, 0, 5060, 0, -3]);
  });

  it('from ModelTransformation, with rotation terms', () => {
    const m = [0.5, 0.1, 0, 100, 0.2, -0.5, 0, 200, 0, 0, 0, 0, 0, 0, 0, 1];
    expect(geoTransformFromTags({ ModelTransformation: m })).toEqual([100, 0.5, 0.1, 200, 0.2, -0.5]);
  });

  it('PixelIsPoint shifts half a pixel, as GDAL does', () => {
    const gt = geoTransformFromTags({ ModelPixelScale: [10, 10, 0], ModelTiepoint: [0, 0, 0, 1000, 2000, 0], rasterType: 2 });
    expect(gt).toEqual([995, 10, 0, 2005, 0, -10]);
  });

  it('rejects missing and GCP-only georeferencing', () => {
    expect(() => geoTransformFromTags({})).toThrow(/not georeferenced/);
    expect(() => geoTransformFromTags({ ModelTiepoint: [0, 0, 0, 1, 2, 0, 10, 10, 0, 3, 4, 0] })).toThrow(/ground control points/);
  });

  it('inverse and overview scaling', () => {
    const gt: GeoTransform = [100, 0.5, 0.1, 200, 0.2, -0.5];
    const inv = invertGeoTransform(gt);
    const [x, y] = applyGeoTransform(gt, 12.5, 7.25);
    const [c, r] = applyGeoTransform(inv, x, y);
    expect(c).toBeCloseTo(12.5, 10);
    expect(r).toBeCloseTo(7.25, 10);
    expect(scaleGeoTransform([0, 1, 0, 0, 0, -1], 100, 60, 50, 30)).toEqual([0, 2, 0, 0, 0, -2]);
  });

  it('edge samples walk the whole outline', () => {
    const pts = edgeSamplePixels(10, 20, 1);
    expect(pts).toHaveLength(8);
    expect(pts).toContainEqual([0, 0]);
    expect(pts).toContainEqual([10, 20]);
    expect(pts).toContainEqual([10, 0]);
    expect(pts).toContainEqual([0, 20]);
  });
});

describe('lon/lat bounds', () => {
  const id = (x: number, y: number): [number, number] => [x, y];
  it('geographic rasters keep their raw longitudes (even just past 180)', () => {
    const b = lonLatBounds([-180, 1, 0, -25, 0, -1], 360.000004, 31, id, id, true);
    expect(b[0]).toBe(-180);
    expect(b[2]).toBeCloseTo(180.000004, 9);
  });

  it('projected rasters across the antimeridian get west > east', () => {
    // a fake CRS: x is longitude + 360 east of 180
    const to = (x: number, y: number): [number, number] => [x > 180 ? x - 360 : x, y];
    const from = (lon: number, lat: number): [number, number] => [lon < 0 ? lon + 360 : lon, lat];
    const b = lonLatBounds([170, 1, 0, 10, 0, -1], 20, 20, to, from, false);
    expect(b).toEqual([170, -10, -170, 10]);
  });
});
