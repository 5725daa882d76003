/**
 * zod schemas for geometry and file arguments of the store's API methods (addLabel,
 * importLabels): EPSG:4326 polygons with closed, non-degenerate rings within lon/lat range and a
 * bounded size; server-side file paths that are absolute and name a label file.
 */
import { z } from 'zod';

export const MAX_RING_POSITIONS = 100_000;
export const MAX_GEOMETRY_POSITIONS = 250_000;

const lon = z.number().min(-180, 'longitude below -180').max(180, 'longitude above 180');
const lat = z.number().min(-90, 'latitude below -90').max(90, 'latitude above 90');
const position = z.union([z.tuple([lon, lat]), z.tuple([lon, lat, z.number()])]);

function twiceArea(r: readonly (readonly number[])[]): number {
  let a = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) a += (r[j]![0]! - r[i]![0]!) * (r[j]![1]! + r[i]![1]!);
  return a;
}

const ring = z
  .array(position)
  .min(4, 'a ring needs at least 4 positions')
  .max(MAX_RING_POSITIONS, `a ring may hold at most ${MAX_RING_POSITIONS} positions`)
  .refine((r) => r[0]![0] === r[r.length - 1]![0] && r[0]![1] === r[r.length - 1]![1], 'ring is not closed (first and last positions differ)')
  .refine((r) => twiceArea(r) !== 0, 'ring has no area');

const polygonCoordinates = z.array(ring).min(1, 'a polygon needs an exterior ring').max(10_000);

export const areaGeometrySchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('Polygon'), coordinates: polygonCoordinates }),
    z.strictObject({ type: z.literal('MultiPolygon'), coordinates: z.array(polygonCoordinates).min(1, 'a MultiPolygon needs a polygon').max(10_000) }),
  ])
  .refine(
    (g) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates).reduce((n, p) => n + p.reduce((m, r) => m + r.length, 0), 0) <= MAX_GEOMETRY_POSITIONS,
    `a geometry may hold at most ${MAX_GEOMETRY_POSITIONS} positions`,
  );

/** An absolute path on the machine running the service, naming a file type `readLabels` reads. */
export const labelFilePathSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(4096, 'must be at most 4096 characters')
  .refine((p) => !/[\u0000-\u001f]/.test(p), 'must not contain control characters')
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'), 'must be an absolute path')
  .refine((p) => /\.(geojson|json|gpkg|kml|kmz|zip|shp)$/i.test(p), 'must name a .geojson, .json, .gpkg, .kml, .kmz, .zip or .shp file');

/** An attribute name of an imported file. */
export const fieldNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .refine((s) => !/[\u0000-\u001f]/.test(s), 'must not contain control characters');
