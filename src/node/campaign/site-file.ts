/**
 * Reads where to put sites from a file: a GeoJSON of polygons (the area of interest) or of points
 * (cell centres), or a CSV of centres with lon/lat columns (lon|lng|longitude|x and
 * lat|latitude|y, any case). EPSG:4326 only (RFC 7946). Errors name the file and the row/feature.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { ApiError } from '../../common/api/errors';
import type { AreaGeometry } from '../../common/geo/geojson';

export type SiteFileContent = { kind: 'areas'; geometries: AreaGeometry[] } | { kind: 'centres'; centres: [number, number][] };

const MAX_BYTES = 64 * 1024 * 1024;

function bad(file: string, msg: string): ApiError {
  return new ApiError('BAD_INPUT', `${basename(file)}: ${msg}`);
}

function lonLat(file: string, where: string, x: unknown, y: unknown): [number, number] {
  const lon = typeof x === 'string' ? Number(x.trim()) : x;
  const lat = typeof y === 'string' ? Number(y.trim()) : y;
  if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
    throw bad(file, `${where}: not a lon/lat position (${String(x).slice(0, 20)}, ${String(y).slice(0, 20)}); coordinates must be EPSG:4326 degrees`);
  }
  return [lon, lat];
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',' || ch === ';' || ch === '\t') (out.push(cur), (cur = ''));
    else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

function readCsv(file: string, text: string): SiteFileContent {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim().length > 0);
  if (lines.length < 2) throw bad(file, 'a CSV of centres needs a header line and at least one row');
  const head = splitCsvLine(lines[0]!).map((h) => h.toLowerCase());
  const xi = head.findIndex((h) => ['lon', 'lng', 'long', 'longitude', 'x'].includes(h));
  const yi = head.findIndex((h) => ['lat', 'latitude', 'y'].includes(h));
  if (xi < 0 || yi < 0) throw bad(file, `no lon/lat columns in the header (${head.join(', ').slice(0, 80)}); name them lon and lat`);
  const centres = lines.slice(1).map((l, k) => {
    const cells = splitCsvLine(l);
    return lonLat(file, `row ${k + 2}`, cells[xi], cells[yi]);
  });
  return { kind: 'centres', centres };
}

function readGeoJson(file: string, text: string): SiteFileContent {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw bad(file, `not valid JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  const d = doc as { type?: string; features?: unknown[]; geometry?: unknown; coordinates?: unknown };
  const geoms: { g: { type?: string; coordinates?: unknown }; where: string }[] =
    d.type === 'FeatureCollection' && Array.isArray(d.features)
      ? d.features.map((f, k) => ({ g: ((f as { geometry?: unknown })?.geometry ?? {}) as { type?: string }, where: `feature ${k + 1}` }))
      : d.type === 'Feature'
        ? [{ g: (d.geometry ?? {}) as { type?: string }, where: 'the feature' }]
        : [{ g: d, where: 'the geometry' }];
  const areas: AreaGeometry[] = [];
  const centres: [number, number][] = [];
  for (const { g, where } of geoms) {
    if (g.type === 'Polygon' || g.type === 'MultiPolygon') {
      if (!Array.isArray(g.coordinates)) throw bad(file, `${where}: a ${g.type} without coordinates`);
      areas.push(g as AreaGeometry);
    } else if (g.type === 'Point') {
      const c = g.coordinates as unknown[];
      centres.push(lonLat(file, where, c?.[0], c?.[1]));
    } else if (g.type === 'MultiPoint') {
      for (const c of (g.coordinates as unknown[][]) ?? []) centres.push(lonLat(file, where, c?.[0], c?.[1]));
    } else {
      throw bad(file, `${where}: ${g.type ?? 'no'} geometry; give polygons (an area of interest) or points (cell centres)`);
    }
  }
  if (areas.length && centres.length) throw bad(file, 'mixes polygons and points: give one or the other');
  if (!areas.length && !centres.length) throw bad(file, 'holds no polygons or points');
  return areas.length ? { kind: 'areas', geometries: areas } : { kind: 'centres', centres };
}

export function readSiteFile(file: string): SiteFileContent {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new ApiError('NOT_FOUND', `${file}: no such file`);
  }
  if (size > MAX_BYTES) throw bad(file, `${size} bytes, more than the ${MAX_BYTES}-byte limit for a site file`);
  const text = readFileSync(file, 'utf8');
  return /\.csv$/i.test(file) ? readCsv(file, text) : readGeoJson(file, text);
}
