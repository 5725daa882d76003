import { describe, expect, it } from 'vitest';
import { cellBBox, cellOf, cellsInBBox, cellsInGeometry, cellsOfCentres, GridError, siteId, splitClasses } from './grid';

describe('the 0.005-degree site grid', () => {
  it('aligns cells to multiples of 0.005 degrees, also south and west of 0', () => {
    expect(cellOf(-0.8975, 9.4025)).toEqual([-180, 1880]);
    expect(cellBBox([-180, 1880])).toEqual([-0.9, 9.4, -0.895, 9.405]);
    expect(cellOf(0.0025, -0.0025)).toEqual([0, -1]);
    // a centre given with float noise still lands in its cell
    expect(cellOf(0.1 + 0.2 - 0.0025, 0.0025)).toEqual([59, 0]);
  });

  it('covers a box with the cells whose centre is inside', () => {
    const cells = cellsInBBox([0, 0, 0.02, 0.01], 100);
    expect(cells).toHaveLength(8);
    expect(cellsInBBox([0.001, 0.001, 0.004, 0.004], 10)).toEqual([[0, 0]]);
    expect(cellsInBBox([0.0001, 0.0001, 0.002, 0.002], 10)).toEqual([]);
    expect(() => cellsInBBox([0, 0, 1, 1], 100)).toThrow(GridError);
  });

  it('covers a polygon (holes excluded) and dedups centres', () => {
    const tri = { type: 'Polygon' as const, coordinates: [[[0, 0], [0.02, 0], [0, 0.02], [0, 0]] as [number, number][]] };
    const cells = cellsInGeometry(tri, 100);
    expect(cells.length).toBe(6); // centres below the diagonal x + y < 0.02
    const holed = { type: 'Polygon' as const, coordinates: [[[0, 0], [0.015, 0], [0.015, 0.015], [0, 0.015], [0, 0]], [[0.005, 0.005], [0.01, 0.005], [0.01, 0.01], [0.005, 0.01], [0.005, 0.005]]] as [number, number][][] };
    expect(cellsInGeometry(holed, 100)).toHaveLength(8);
    expect(cellsOfCentres([[0.0025, 0.0025], [0.0026, 0.0024], [0.0075, 0.0025]], 10)).toEqual([[0, 0], [1, 0]]);
  });

  it('names sites CC + 7 digits and splits classes reproducibly', () => {
    expect(siteId('GH', 452367)).toBe('GH0452367');
    expect(() => siteId('gh', 1)).toThrow(GridError);
    expect(() => siteId('GH', 10_000_000)).toThrow(GridError);
    const a = splitClasses(100, { q: 0.1, n: 0.2 }, 3);
    expect(a.filter((c) => c === 1)).toHaveLength(10);
    expect(a.filter((c) => c === 4)).toHaveLength(20);
    expect(splitClasses(100, { q: 0.1, n: 0.2 }, 3)).toEqual(a);
    expect(a.slice(0, 10).every((c) => c === 1)).toBe(false); // shuffled: ids tell nothing
  });
});
