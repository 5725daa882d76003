/**
 * The 0.005-degree site grid (DOMAIN.md 1), pure. Cells are aligned to multiples of 0.005 degrees
 * (a global grid, so the same place always gets the same cell); cell (i, j) spans
 * [i * 0.005, (i + 1) * 0.005) in longitude and [j * 0.005, (j + 1) * 0.005) in latitude. An area
 * of interest gets the cells whose centre lies inside it; a centre gets the cell containing it.
 * Site ids are a two-letter country code plus 7 digits (e.g. GH0000123), numbered in order.
 */
import type { AreaGeometry, BBox, Position } from '../geo/geojson';
import { CELL_DEGREES } from '../geo/site-cell';

export type CellIndex = [i: number, j: number];

const round = (v: number): number => Math.round(v * 1e9) / 1e9;

export function cellOf(lon: number, lat: number): CellIndex {
  return [Math.floor(round(lon / CELL_DEGREES)) + 0, Math.floor(round(lat / CELL_DEGREES)) + 0];
}

export function cellBBox([i, j]: CellIndex): BBox {
  const f = (k: number) => Number((k * CELL_DEGREES).toFixed(6));
  return [f(i), f(j), f(i + 1), f(j + 1)];
}

export function cellCentre([i, j]: CellIndex): [number, number] {
  return [(i + 0.5) * CELL_DEGREES, (j + 0.5) * CELL_DEGREES];
}

export class GridError extends Error {}

function range(min: number, max: number): [number, number] {
  // cells whose centre (k + 0.5) * CELL lies in [min, max]
  return [Math.ceil(round(min / CELL_DEGREES - 0.5)) + 0, Math.floor(round(max / CELL_DEGREES - 0.5)) + 0]; // + 0: no -0
}

function count(b: BBox): number {
  const [i0, i1] = range(b[0], b[2]);
  const [j0, j1] = range(b[1], b[3]);
  return Math.max(0, i1 - i0 + 1) * Math.max(0, j1 - j0 + 1);
}

/** Cells whose centre lies inside the box, row by row from the south-west. */
export function cellsInBBox(b: BBox, maxCells: number): CellIndex[] {
  if (!(b[0] < b[2] && b[1] < b[3])) throw new GridError('the box is empty (min must be below max)');
  const n = count(b);
  if (n > maxCells) throw new GridError(`the area holds ${n} cells, more than the limit of ${maxCells}`);
  const [i0, i1] = range(b[0], b[2]);
  const [j0, j1] = range(b[1], b[3]);
  const out: CellIndex[] = [];
  for (let j = j0; j <= j1; j++) for (let i = i0; i <= i1; i++) out.push([i, j]);
  return out;
}

function ringContains(ring: readonly Position[], x: number, y: number): boolean {
  let inside = false;
  for (let k = 0, m = ring.length - 1; k < ring.length; m = k++) {
    const [xi, yi] = ring[k]!;
    const [xj, yj] = ring[m]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Even-odd rule within each polygon (holes excluded). */
export function geometryContains(g: AreaGeometry, x: number, y: number): boolean {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  return polys.some((rings) => rings.length > 0 && ringContains(rings[0]!, x, y) && !rings.slice(1).some((h) => ringContains(h, x, y)));
}

function bboxOfGeometry(g: AreaGeometry): BBox {
  const b: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const rings of g.type === 'Polygon' ? [g.coordinates] : g.coordinates)
    for (const p of rings[0] ?? []) {
      b[0] = Math.min(b[0], p[0]);
      b[1] = Math.min(b[1], p[1]);
      b[2] = Math.max(b[2], p[0]);
      b[3] = Math.max(b[3], p[1]);
    }
  return b;
}

/** Cells whose centre lies inside the polygon(s). The candidate box is bounded by `maxCells * 20`. */
export function cellsInGeometry(g: AreaGeometry, maxCells: number): CellIndex[] {
  const b = bboxOfGeometry(g);
  if (!(b[0] < b[2] && b[1] < b[3])) throw new GridError('the polygon has no area');
  if (count(b) > maxCells * 20) throw new GridError(`the polygon spans ${count(b)} cells of its bounding box, far above the limit of ${maxCells}`);
  const out = cellsInBBox(b, Number.MAX_SAFE_INTEGER).filter((c) => {
    const [x, y] = cellCentre(c);
    return geometryContains(g, x, y);
  });
  if (out.length > maxCells) throw new GridError(`the area holds ${out.length} cells, more than the limit of ${maxCells}`);
  return out;
}

/** The cells containing the given centres, each once, in the order given. */
export function cellsOfCentres(centres: readonly [number, number][], maxCells: number): CellIndex[] {
  const seen = new Set<string>();
  const out: CellIndex[] = [];
  for (const [lon, lat] of centres) {
    const c = cellOf(lon, lat);
    const key = `${c[0]},${c[1]}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
  }
  if (out.length > maxCells) throw new GridError(`${out.length} cells, more than the limit of ${maxCells}`);
  return out;
}

export const SITE_ID = /^([A-Z]{2})(\d{7})$/;

export function siteId(country: string, n: number): string {
  if (!/^[A-Z]{2}$/.test(country)) throw new GridError(`country code "${country}" is not two capital letters`);
  if (!(Number.isInteger(n) && n >= 0 && n <= 9_999_999)) throw new GridError(`site number ${n} does not fit 7 digits`);
  return `${country}${String(n).padStart(7, '0')}`;
}

/** A seeded PRNG (mulberry32): the class split of new sites is reproducible from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Classes for `n` new sites: exactly round(n * q) Class 1 and round(n * nShare) Class 4, placed by a
 * seeded shuffle (so ids tell nothing about the class), the rest Class 2.
 */
export function splitClasses(n: number, shares: { q?: number; n?: number }, seed: number): (1 | 2 | 4)[] {
  const q = Math.round(n * (shares.q ?? 0));
  const m = Math.min(n - q, Math.round(n * (shares.n ?? 0)));
  const out: (1 | 2 | 4)[] = [...Array<1>(q).fill(1), ...Array<4>(m).fill(4), ...Array<2>(n - q - m).fill(2)];
  const rnd = seededRandom(seed);
  for (let k = out.length - 1; k > 0; k--) {
    const r = Math.floor(rnd() * (k + 1));
    [out[k], out[r]] = [out[r]!, out[k]!];
  }
  return out;
}
