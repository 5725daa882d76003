/** Boolean operations through polygon-clipping, on editor polygons (closed rings, lon/lat). */
import pc from 'polygon-clipping';
import { type EditPolygon, polygonAreaM2, type XY } from './geom';

export class GeometryOpError extends Error {
  override readonly name = 'GeometryOpError';
}

type PcPoly = [number, number][][];

function toPc(p: EditPolygon): PcPoly {
  return p.coordinates as PcPoly;
}

function fromPc(mp: PcPoly[]): EditPolygon[] {
  return mp.map((poly) => ({ type: 'Polygon', coordinates: poly.map((r) => r.map((q) => [q[0], q[1]] as XY)) }));
}

function run(what: string, f: () => PcPoly[]): EditPolygon[] {
  try {
    return fromPc(f());
  } catch (e) {
    throw new GeometryOpError(`${what} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function difference(subject: EditPolygon, clips: readonly EditPolygon[]): EditPolygon[] {
  if (clips.length === 0) return [subject];
  return run('difference', () => pc.difference(toPc(subject), ...clips.map(toPc)));
}

export function union(polys: readonly EditPolygon[]): EditPolygon[] {
  if (polys.length === 0) return [];
  const [first, ...rest] = polys;
  return run('union', () => pc.union(toPc(first!), ...rest.map(toPc)));
}

export function intersection(a: EditPolygon, b: EditPolygon): EditPolygon[] {
  return run('intersection', () => pc.intersection(toPc(a), toPc(b)));
}

/** Area (m^2) shared by two polygons. */
export function overlapAreaM2(a: EditPolygon, b: EditPolygon): number {
  return intersection(a, b).reduce((s, p) => s + polygonAreaM2(p), 0);
}
