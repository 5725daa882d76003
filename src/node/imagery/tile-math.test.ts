import { describe, expect, it } from 'vitest';
import { isValidTile, lonLatBoxIntersectsTile, lonLatToMerc, lonLatToTile, MERC_MAX, mercToLonLat, tileBounds3857, tileBoundsLonLat } from './tile-math';

describe('tile math', () => {
  it('z0 covers the whole web-mercator square', () => {
    expect(tileBounds3857(0, 0, 0)).toEqual([-MERC_MAX, -MERC_MAX, MERC_MAX, MERC_MAX]);
    const [w, s, e, n] = tileBoundsLonLat(0, 0, 0);
    expect(w).toBeCloseTo(-180, 12);
    expect(e).toBeCloseTo(180, 12);
    expect(n).toBeCloseTo(85.0511287798066, 10);
    expect(s).toBeCloseTo(-85.0511287798066, 10);
  });

  it('z1 tiles split at the origin, y grows southwards', () => {
    expect(tileBounds3857(1, 0, 0)).toEqual([-MERC_MAX, 0, 0, MERC_MAX]);
    expect(tileBounds3857(1, 1, 1)).toEqual([0, -MERC_MAX, MERC_MAX, 0]);
  });

  it('mercator round trip and a known point', () => {
    const [mx, my] = lonLatToMerc(-71.81, 42.12);
    expect(mx).toBeCloseTo(-7993852.634, 2);
    const [lon, lat] = mercToLonLat(mx, my);
    expect(lon).toBeCloseTo(-71.81, 10);
    expect(lat).toBeCloseTo(42.12, 10);
  });

  it('finds the tile of a point, and that tile contains it', () => {
    const t = lonLatToTile(-71.807, 42.1217, 16);
    expect(t).toEqual({ x: 19695, y: 24298 });
    const [w, s, e, n] = tileBoundsLonLat(16, t.x, t.y);
    expect(-71.807).toBeGreaterThanOrEqual(w);
    expect(-71.807).toBeLessThanOrEqual(e);
    expect(42.1217).toBeGreaterThanOrEqual(s);
    expect(42.1217).toBeLessThanOrEqual(n);
  });

  it('validates tile coordinates', () => {
    expect(isValidTile(0, 0, 0)).toBe(true);
    expect(isValidTile(2, 3, 3)).toBe(true);
    expect(isValidTile(2, 4, 0)).toBe(false);
    expect(isValidTile(-1, 0, 0)).toBe(false);
    expect(isValidTile(1.5, 0, 0)).toBe(false);
  });

  it('box / tile intersection, including boxes across the antimeridian', () => {
    expect(lonLatBoxIntersectsTile([-73, 43, -72, 44], 16, 19695, 24298)).toBe(false);
    expect(lonLatBoxIntersectsTile([-71.82, 42.11, -71.80, 42.13], 16, 19695, 24298)).toBe(true);
    // a box from 170E to 170W (west > east) touches the first and the last z1 column
    expect(lonLatBoxIntersectsTile([170, -10, -170, 10], 1, 0, 0)).toBe(true);
    expect(lonLatBoxIntersectsTile([170, -10, -170, 10], 1, 1, 0)).toBe(true);
    expect(lonLatBoxIntersectsTile([170, -10, -170, 10], 3, 4, 3)).toBe(false);
  });
});
