/**
 * Turns a CRS as files declare it (an EPSG code, a GeoPackage / .prj WKT, a GeoJSON legacy `crs`
 * name) into a transform to EPSG:4326 lon/lat. Order: known EPSG code (built-in table, then
 * proj4's own) -> ESRI name -> WKT parsed by proj4 (WKT1; WKT2 best effort, axis order forced to
 * east/north because GeoPackage and shapefiles always store x = easting/longitude).
 */
import proj4, { type Converter } from 'proj4';
import { EPSG_DEFS, LONLAT_WGS84, epsgFromEsriName } from './crs-defs';

export type Transform = (x: number, y: number) => [number, number];

export interface ResolvedCrs {
  /** 'EPSG:2056', or the WKT's name when it has no code. */
  label: string;
  /** null when the coordinates already are WGS 84 lon/lat. */
  transform: Transform | null;
}

export class CrsError extends Error {}

const WGS84_DEF = EPSG_DEFS[4326]!;

function proj4Builtin(code: number): string | null {
  const def = proj4.defs(`EPSG:${code}`) as unknown;
  return def ? `EPSG:${code}` : null;
}

type ProjInstance = InstanceType<typeof proj4.Proj>;

function fromDef(def: string | ProjInstance, label: string): ResolvedCrs {
  let conv: Converter;
  try {
    conv = (proj4 as unknown as (a: string | ProjInstance, b: string) => Converter)(def, WGS84_DEF);
  } catch (e) {
    throw new CrsError(`cannot use CRS ${label}: ${e instanceof Error ? e.message : String(e)}`);
  }
  // proj4 does not check domains (UTM y = 1e9 comes out as latitude 1.8), so every point must
  // survive the inverse: otherwise it is reported as not reprojectable.
  const transform: Transform = (x, y) => {
    const r = conv.forward([x, y]) as number[];
    const back = conv.inverse([r[0]!, r[1]!]) as number[];
    const tol = (v: number) => 0.01 + 1e-9 * Math.abs(v);
    if (!(Math.abs(back[0]! - x) <= tol(x) && Math.abs(back[1]! - y) <= tol(y))) return [NaN, NaN];
    return [r[0]!, r[1]!];
  };
  return { label, transform };
}

export function crsFromEpsg(code: number): ResolvedCrs | null {
  if (LONLAT_WGS84.has(code)) return { label: `EPSG:${code}`, transform: null };
  const def = EPSG_DEFS[code] ?? proj4Builtin(code);
  return def ? fromDef(def, `EPSG:${code}`) : null;
}

/** The EPSG code a WKT declares for the whole CRS (its last top-level AUTHORITY / ID). */
export function epsgFromWkt(wkt: string): number | null {
  const m = wkt.match(/(?:AUTHORITY\[\s*"EPSG"\s*,\s*"?(\d+)"?\s*\]|ID\[\s*"EPSG"\s*,\s*(\d+)\s*\])\s*\]\s*$/i);
  if (m) return Number(m[1] ?? m[2]);
  return null;
}

/** The CRS name of a WKT (first quoted string). */
export function wktName(wkt: string): string {
  return wkt.match(/^\s*[A-Z_0-9]+\[\s*"([^"]*)"/i)?.[1] ?? 'custom CRS';
}

/** Drops AXIS[...] nodes: storage order is always x = east, y = north in our formats. */
function stripAxes(wkt: string): string {
  return wkt.replace(/,\s*AXIS\[\s*"[^"]*"\s*,\s*[A-Za-z]+\s*(?:,\s*(?:ORDER|ANGLEUNIT|LENGTHUNIT|UNIT)\[[^\]]*\]\s*)*\]/gi, '');
}

export function crsFromWkt(wkt: string): ResolvedCrs {
  const code = epsgFromWkt(wkt);
  if (code !== null) {
    const known = crsFromEpsg(code);
    if (known) return known;
  }
  const name = wktName(wkt);
  const esri = epsgFromEsriName(name);
  if (esri !== null) {
    const known = crsFromEpsg(esri);
    if (known) return known;
  }
  const label = code !== null ? `EPSG:${code}` : name;
  let proj: ProjInstance & { axis?: string; projName?: string };
  try {
    proj = new proj4.Proj(stripAxes(wkt)) as typeof proj;
  } catch {
    throw new CrsError(`CRS ${label} could not be parsed and is not built in; reproject to EPSG:4326 first (e.g. ogr2ogr -t_srs EPSG:4326)`);
  }
  if (!proj || typeof (proj as { forward?: unknown }).forward !== 'function') {
    throw new CrsError(`CRS ${label} could not be parsed and is not built in; reproject to EPSG:4326 first (e.g. ogr2ogr -t_srs EPSG:4326)`);
  }
  proj.axis = 'enu';
  const resolved = fromDef(proj, label);
  // A parse that produces nonsense (unsupported method) shows up as a non-finite result.
  const probe = proj.projName === 'longlat' ? [10, 10] : [500000, 5000000];
  const r = (() => {
    try {
      return resolved.transform!(probe[0]!, probe[1]!);
    } catch {
      return [NaN, NaN];
    }
  })();
  if (!Number.isFinite(r[0]) || !Number.isFinite(r[1])) {
    throw new CrsError(`CRS ${label} uses a projection this build cannot compute; reproject to EPSG:4326 first`);
  }
  return resolved;
}

/**
 * A GeoJSON (2008) legacy `crs` member: {"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}}
 * or {"type":"EPSG","properties":{"code":3857}}. CRS84 and EPSG:4326 are lon/lat.
 */
export function crsFromGeoJsonMember(crs: unknown): ResolvedCrs {
  if (crs === null || crs === undefined) return { label: 'EPSG:4326', transform: null };
  if (typeof crs !== 'object') throw new CrsError('the "crs" member is not an object');
  const c = crs as { type?: unknown; properties?: Record<string, unknown> };
  const props = c.properties ?? {};
  let code: number | null = null;
  if (c.type === 'name' && typeof props.name === 'string') {
    const name = props.name.trim();
    if (/CRS:?84$/i.test(name) || /OGC:?(1\.3)?:?CRS84/i.test(name)) return { label: 'OGC:CRS84', transform: null };
    const m = name.match(/EPSG(?::[\d.]*)?::?(\d+)$/i) ?? name.match(/\/EPSG\/[\d.]+\/(\d+)$/i);
    if (!m) throw new CrsError(`unsupported "crs" name "${name}"`);
    code = Number(m[1]);
  } else if (c.type === 'EPSG' && (typeof props.code === 'number' || typeof props.code === 'string')) {
    code = Number(props.code);
  } else {
    throw new CrsError(`unsupported "crs" member of type ${JSON.stringify(c.type)} (only named EPSG codes and CRS84)`);
  }
  const r = crsFromEpsg(code);
  if (!r) throw new CrsError(`CRS EPSG:${code} is not built in; reproject to EPSG:4326 first (e.g. ogr2ogr -t_srs EPSG:4326)`);
  return r;
}
