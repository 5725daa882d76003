/**
 * GeoJSON: FeatureCollection, Feature or a bare geometry; the 2008 `crs` member (CRS84, EPSG
 * codes, reprojected with proj4); foreign members (fiboa) ignored. Structural problems of the
 * root refuse the file; problems of one feature skip that feature with a reason.
 */
import { readFileSync } from 'node:fs';
import { Collector, type RawGeometry } from './collect';
import { JsonScanError, scanFeatureCollection } from './json-stream';
import type { RingPts } from './repair';
import { CrsError, crsFromGeoJsonMember, type ResolvedCrs } from './reproject';
import { badInput, type ReadResult } from './types';

const GEOMETRY_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection']);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

class Bad extends Error {}

function rings(coords: unknown, where: string): RingPts[] {
  if (!Array.isArray(coords)) throw new Bad(`${where} coordinates must be an array of rings`);
  return coords.map((ring, r) => {
    if (!Array.isArray(ring)) throw new Bad(`${where} ring ${r} is not an array of positions`);
    return ring.map((p, v): [number, number] => {
      if (!Array.isArray(p) || p.length < 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number') {
        throw new Bad(`${where} ring ${r} position ${v} is not [lon, lat] numbers (${JSON.stringify(p)?.slice(0, 40)})`);
      }
      return [p[0], p[1]];
    });
  });
}

function collect(g: unknown, polys: RingPts[][], others: string[], depth: number): void {
  if (!isObj(g)) throw new Bad('geometry is not an object');
  const type = g.type;
  if (typeof type !== 'string' || !GEOMETRY_TYPES.has(type)) throw new Bad(`unknown geometry type ${JSON.stringify(type)}`);
  if (type === 'Polygon') {
    const p = rings(g.coordinates, 'Polygon');
    if (p.length) polys.push(p);
  } else if (type === 'MultiPolygon') {
    if (!Array.isArray(g.coordinates)) throw new Bad('MultiPolygon coordinates must be an array of polygons');
    g.coordinates.forEach((c, k) => {
      const p = rings(c, `MultiPolygon part ${k}`);
      if (p.length) polys.push(p);
    });
  } else if (type === 'GeometryCollection') {
    if (!Array.isArray(g.geometries)) throw new Bad('GeometryCollection has no "geometries" array');
    if (depth > 8) throw new Bad('GeometryCollection nested too deeply');
    for (const m of g.geometries) collect(m, polys, others, depth + 1);
  } else others.push(type);
}

export function geometryOf(g: unknown): RawGeometry | null {
  if (g === null) return null;
  const polys: RingPts[][] = [];
  const others: string[] = [];
  try {
    collect(g, polys, others, 0);
  } catch (e) {
    if (e instanceof Bad) return { skip: e.message };
    throw e;
  }
  const type = (g as { type: string }).type;
  const kinds = [...new Set(others)].join(', ');
  if (!polys.length) {
    if (type === 'Polygon' || type === 'MultiPolygon') return { skip: `empty ${type}` };
    return { skip: type === 'GeometryCollection' ? `GeometryCollection holds no polygons (${kinds || 'empty'})` : `${type} is not an area (only Polygon and MultiPolygon are imported)` };
  }
  const raw: RawGeometry = { multi: type !== 'Polygon', polygons: polys };
  if (others.length) raw.notes = [`dropped ${others.length} non-area member${others.length > 1 ? 's' : ''} (${kinds})`];
  return raw;
}

class Sink {
  private out: Collector;
  constructor(readonly crs: ResolvedCrs) {
    this.out = new Collector(crs.label, crs.transform, true);
  }
  feature(f: unknown, index: number): void {
    if (!isObj(f)) return this.out.skip(index, null, `feature is ${f === null ? 'null' : Array.isArray(f) ? 'an array' : typeof f}, not an object`);
    const idRaw = f.id;
    const id = typeof idRaw === 'string' || typeof idRaw === 'number' ? idRaw : null;
    if (f.type !== 'Feature') return this.out.skip(index, id, `type ${JSON.stringify(f.type)} is not "Feature"`);
    if (!('geometry' in f)) return this.out.skip(index, id, 'feature has no "geometry" member');
    const p = f.properties;
    if (p !== null && p !== undefined && !isObj(p)) return this.out.skip(index, id, `"properties" is ${Array.isArray(p) ? 'an array' : typeof p}, not an object or null`);
    this.out.add(index, id, geometryOf(f.geometry), { ...(p ?? {}) });
  }
  result(): Omit<ReadResult, 'format'> {
    return { layer: null, sourceCrs: this.crs.label, features: this.out.features, skipped: this.out.skipped };
  }
}

function crsOf(member: unknown, display: string): ResolvedCrs {
  try {
    return crsFromGeoJsonMember(member);
  } catch (e) {
    if (e instanceof CrsError) throw badInput(display, e.message);
    throw e;
  }
}

/** Reads a parsed GeoJSON document. */
export function readGeoJsonValue(root: unknown, display: string): Omit<ReadResult, 'format'> {
  if (!isObj(root)) throw badInput(display, `the JSON root is ${root === null ? 'null' : Array.isArray(root) ? 'an array' : typeof root}, not a GeoJSON object`);
  const type = root.type;
  if (type === undefined) throw badInput(display, 'the root object has no "type" member (not GeoJSON)');
  const sink = new Sink(crsOf(root.crs, display));
  if (type === 'FeatureCollection') {
    if (!Array.isArray(root.features)) throw badInput(display, 'FeatureCollection has no "features" array');
    root.features.forEach((f, i) => sink.feature(f, i));
  } else if (type === 'Feature') {
    sink.feature(root, 0);
  } else if (typeof type === 'string' && GEOMETRY_TYPES.has(type)) {
    sink.feature({ type: 'Feature', geometry: root, properties: {} }, 0);
  } else {
    throw badInput(display, `unknown GeoJSON type ${JSON.stringify(type)} (types are case-sensitive: FeatureCollection, Feature, Polygon, ...)`);
  }
  return sink.result();
}

export function readGeoJsonText(text: string, display: string): Omit<ReadResult, 'format'> {
  let root: unknown;
  try {
    root = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    const msg = (e as Error).message;
    const truncated = /end of (JSON )?input|Unterminated/i.test(msg);
    throw badInput(display, `${truncated ? 'truncated or invalid' : 'invalid'} JSON (${msg})`);
  }
  return readGeoJsonValue(root, display);
}

/** A FeatureCollection streamed feature by feature (for files too large for one string). */
async function readStreamed(path: string, display: string): Promise<Omit<ReadResult, 'format'>> {
  const run = async (crsMember: unknown): Promise<Omit<ReadResult, 'format'> | { restartWith: unknown }> => {
    const members: Record<string, unknown> = {};
    const st: { sink: Sink | null; restart: { restartWith: unknown } | null } = { sink: null, restart: null };
    class Restart extends Error {}
    try {
      await scanFeatureCollection(
        path,
        (k, v) => {
          members[k] = v;
          if (k === 'crs' && st.sink && JSON.stringify(v) !== JSON.stringify(crsMember)) {
            st.restart = { restartWith: v };
            throw new Restart();
          }
        },
        (f, i) => {
          st.sink ??= new Sink(crsOf(members.crs ?? crsMember, display));
          st.sink.feature(f, i);
        },
      );
    } catch (e) {
      if (e instanceof Restart && st.restart) return st.restart;
      if (e instanceof JsonScanError) throw badInput(display, e.message);
      throw e;
    }
    if (members.type !== 'FeatureCollection') {
      if (members.type === undefined) throw badInput(display, 'the root object has no "type" member (not GeoJSON)');
      if (!st.sink) return readGeoJsonValue(members, display); // a big single Feature/geometry
      throw badInput(display, `a "features" array in a ${JSON.stringify(members.type)} object`);
    }
    return (st.sink ?? new Sink(crsOf(members.crs, display))).result();
  };
  const first = await run(undefined);
  if (!('restartWith' in first)) return first;
  const second = await run(first.restartWith);
  if ('restartWith' in second) throw badInput(display, 'more than one "crs" member');
  return second;
}

export async function readGeoJsonFile(path: string, display: string, size: number, streamAbove: number): Promise<Omit<ReadResult, 'format'>> {
  if (size > streamAbove) return readStreamed(path, display);
  return readGeoJsonText(readFileSync(path, 'utf8'), display);
}
