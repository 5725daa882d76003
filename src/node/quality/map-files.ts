/**
 * Maps from files for `fieldmark compare` and `fieldmark consensus`: any format `readLabels`
 * reads (GeoJSON, GeoPackage, KML/KMZ, zipped shapefile), reprojected to EPSG:4326 from the
 * file's own CRS, so two files in different CRSs compare correctly. A feature's category is its
 * `category` (or `class`) property; a feature without one counts as a field ('annualcropland').
 * Category groups: the lab's four categories keep theirs; with `fieldCategories` given, exactly
 * those are fields; otherwise an unknown category is a field unless its name says unsure / non-crop.
 */
import type { Category } from '../../common/api/contract';
import { ApiError } from '../../common/api/errors';
import { bboxOf, bboxPolygon, type BBox, type Polygon } from '../../common/geo/geojson';
import { DEFAULT_CATEGORIES, type Feature } from '../../common/quality';
import { readLabels } from '../interchange';

export interface MapFile {
  path: string;
  features: Feature[];
  crs: string;
  skipped: { feature: string; reason: string }[];
  bbox: BBox | null;
}

export async function readMapFile(path: string): Promise<MapFile> {
  const r = await readLabels(path);
  const features: Feature[] = r.features.map((f) => {
    const c = f.properties.category ?? f.properties.class;
    return { geometry: f.geometry, category: typeof c === 'string' && c.trim() !== '' ? c.trim() : typeof c === 'number' ? String(c) : 'annualcropland' };
  });
  let bbox: BBox | null = null;
  for (const f of features) {
    const b = bboxOf(f.geometry);
    if (!b.every(Number.isFinite)) continue;
    bbox = bbox ? [Math.min(bbox[0], b[0]), Math.min(bbox[1], b[1]), Math.max(bbox[2], b[2]), Math.max(bbox[3], b[3])] : b;
  }
  return { path, features, crs: r.sourceCrs, skipped: r.skipped, bbox };
}

/** The category list for maps read from files (see the header). */
export function categoriesFor(maps: readonly MapFile[], fieldCategories?: readonly string[]): { categories: Category[]; notes: string[] } {
  const seen = new Set<string>();
  for (const m of maps) for (const f of m.features) seen.add(f.category);
  const notes: string[] = [];
  if (fieldCategories && fieldCategories.length > 0) {
    const fields = new Set(fieldCategories);
    const all = new Set([...DEFAULT_CATEGORIES.map((c) => c.id), ...seen, ...fields]);
    return { categories: [...all].map((id) => ({ id, group: fields.has(id) ? 'field' : 'no_field' })), notes };
  }
  const categories: Category[] = DEFAULT_CATEGORIES.map((c) => ({ ...c }));
  for (const id of [...seen].sort()) {
    if (categories.some((c) => c.id === id)) continue;
    const group = /unsure|non.?crop|no.?field|background/i.test(id) ? 'no_field' : 'field';
    categories.push({ id, group });
    notes.push(`category "${id}" is not one of the lab's four: counted as ${group === 'field' ? 'a field' : 'not a field'} (use --field-categories to say which are fields)`);
  }
  return { categories, notes };
}

/** The cell polygon from a file: its first polygon (a one-part MultiPolygon is accepted). */
export async function readCellFile(path: string): Promise<Polygon> {
  const r = await readLabels(path);
  const g = r.features[0]?.geometry;
  if (!g) throw new ApiError('BAD_INPUT', `${path}: holds no polygon to use as the cell${r.skipped[0] ? ` (${r.skipped[0].reason})` : ''}`);
  if (g.type === 'Polygon') return g;
  if (g.coordinates.length === 1) return { type: 'Polygon', coordinates: g.coordinates[0]! };
  throw new ApiError('BAD_INPUT', `${path}: the cell must be one polygon, got a MultiPolygon of ${g.coordinates.length} parts`);
}

/** Without --cell: the bounding box of the first map that has polygons. */
export function cellFromMaps(maps: readonly MapFile[], what: string): Polygon {
  const m = maps.find((x) => x.bbox !== null);
  if (!m || !m.bbox) throw new ApiError('BAD_INPUT', `${what}: no map holds a polygon and no --cell was given: nothing to compare`);
  const [a, b, c, d] = m.bbox;
  if (!(c > a && d > b)) throw new ApiError('BAD_INPUT', `${m.path}: its polygons have no area to use as the cell; give --cell`);
  return bboxPolygon(m.bbox);
}

export function overlaps(a: BBox | null, b: BBox | null): boolean {
  return !a || !b || (a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]);
}

export function bboxUnion(maps: readonly MapFile[]): BBox | null {
  let out: BBox | null = null;
  for (const m of maps) {
    if (!m.bbox) continue;
    out = out ? [Math.min(out[0], m.bbox[0]), Math.min(out[1], m.bbox[1]), Math.max(out[2], m.bbox[2]), Math.max(out[3], m.bbox[3])] : m.bbox;
  }
  return out;
}
