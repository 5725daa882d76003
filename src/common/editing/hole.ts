/** Adding a hole (e.g. a homestead inside a field): the ring must lie inside the field, apart from its boundary and other holes. */
import { GeometryOpError } from './clip';
import { closeRing, type EditPolygon, openRing, orientPolygon, type XY } from './geom';
import { checkDrawing, polygonProblem } from './polygon-check';

export function addHole(poly: EditPolygon, ring: readonly XY[]): EditPolygon {
  const pts = openRing(ring as XY[]);
  const c = checkDrawing(pts, true);
  if (!c.valid) throw new GeometryOpError(`the hole is invalid: ${c.reason}`);
  const out = orientPolygon({ type: 'Polygon', coordinates: [...poly.coordinates, closeRing(pts)] });
  const why = polygonProblem(out);
  if (why) throw new GeometryOpError(why.startsWith('hole') ? `the new ${why}` : why);
  return out;
}
