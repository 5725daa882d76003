/** Shared by the vertex commands: one ring of a field as an open list, and back. */
import { closeRing, type EditPolygon, openRing, type XY } from '../editing/geom';
import type { Field } from '../graph/field';
import { CommandError } from './types';

export function openRingOf(field: Field, ring: number): XY[] {
  const r = field.geometry.coordinates[ring];
  if (!r) throw new CommandError(`field ${field.id} has no ring ${ring}`);
  return openRing(r);
}

export function requireIndex(pts: readonly XY[], index: number, field: Field, ring: number, inclusiveEnd = false): void {
  const max = inclusiveEnd ? pts.length : pts.length - 1;
  if (!Number.isInteger(index) || index < 0 || index > max) throw new CommandError(`field ${field.id} ring ${ring} has no vertex ${index}`);
}

export function withRing(geometry: EditPolygon, ring: number, pts: readonly XY[] | null): EditPolygon {
  const coordinates = geometry.coordinates.slice();
  if (pts === null) coordinates.splice(ring, 1);
  else coordinates[ring] = closeRing(pts);
  return { type: 'Polygon', coordinates };
}
