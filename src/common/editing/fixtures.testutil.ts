/**
 * Test geometry on a lattice near Tamale (Ghana): position (i, j) is LON0 + i*STEP, LAT0 + j*STEP,
 * computed the same way every time, so fields built on shared lattice points share bit-identical
 * vertices. STEP is 1e-4 degrees (~11 m).
 */
import type { Field } from '../graph/field';
import type { EditPolygon, XY } from './geom';

export const LON0 = -0.9;
export const LAT0 = 9.4;
export const STEP = 1e-4;

export function pt(i: number, j: number): XY {
  return [LON0 + i * STEP, LAT0 + j * STEP];
}

/** A closed ring through lattice points (counter-clockwise when given so). */
export function ring(...ij: [number, number][]): XY[] {
  const pts = ij.map(([i, j]) => pt(i, j));
  return [...pts, pts[0]!];
}

export function poly(...rings: XY[][]): EditPolygon {
  return { type: 'Polygon', coordinates: rings };
}

/** Lattice rectangle (i0, j0)-(i1, j1), counter-clockwise. */
export function rect(i0: number, j0: number, i1: number, j1: number): EditPolygon {
  return poly(ring([i0, j0], [i1, j0], [i1, j1], [i0, j1]));
}

export function field(id: string, geometry: EditPolygon, category = 'annualcropland'): Field {
  return { id, geometry, category, comment: '', provenance: 'drawn' };
}
