/**
 * The CRS of a GeoTIFF from its GeoKeys, as a proj4 definition that works offline.
 * EPSG codes: the proj4 built-ins (4326, 4269, 3857, WGS 84 UTM 326xx/327xx, UPS) plus a small
 * table below; user-defined CRSes (code 32767) are rebuilt from their GeoKeys for the common
 * projection methods. Anything else is a clear error naming the code.
 */
import proj4 from 'proj4';

export interface CrsInfo {
  /** 'EPSG:32619', or the proj4 string for a user-defined CRS. */
  id: string;
  epsg: number | null;
  proj4: string;
  geographic: boolean;
}

/** Raised (and turned into a one-line BAD_INPUT by the caller) when a CRS cannot be built. */
export class CrsError extends Error {}

const WGS84 = '+datum=WGS84 +units=m +no_defs';
const EXTRA_EPSG: Record<number, string> = {
  4258: '+proj=longlat +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +no_defs',
  4167: '+proj=longlat +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +no_defs',
  4283: '+proj=longlat +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +no_defs',
  3395: `+proj=merc +lon_0=0 +k=1 +x_0=0 +y_0=0 ${WGS84}`,
  3031: `+proj=stere +lat_0=-90 +lat_ts=-71 +lon_0=0 +k=1 +x_0=0 +y_0=0 ${WGS84}`,
  3413: `+proj=stere +lat_0=90 +lat_ts=70 +lon_0=-45 +k=1 +x_0=0 +y_0=0 ${WGS84}`,
  3976: `+proj=stere +lat_0=-90 +lat_ts=-70 +lon_0=0 +k=1 +x_0=0 +y_0=0 ${WGS84}`,
  3995: `+proj=stere +lat_0=90 +lat_ts=71 +lon_0=0 +k=1 +x_0=0 +y_0=0 ${WGS84}`,
  32661: `+proj=stere +lat_0=90 +lat_ts=90 +lon_0=0 +k=0.994 +x_0=2000000 +y_0=2000000 ${WGS84}`,
  32761: `+proj=stere +lat_0=-90 +lat_ts=-90 +lon_0=0 +k=0.994 +x_0=2000000 +y_0=2000000 ${WGS84}`,
  3035: '+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs',
  3577: '+proj=aea +lat_0=0 +lon_0=132 +lat_1=-18 +lat_2=-36 +x_0=0 +y_0=0 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs',
  6933: `+proj=cea +lat_ts=30 +lon_0=0 +x_0=0 +y_0=0 ${WGS84}`,
  8857: `+proj=eqearth +lon_0=0 +x_0=0 +y_0=0 ${WGS84}`,
};
// NAD83 / UTM 1..23 N and ETRS89 / UTM 28..38 N (GRS80, no datum shift to WGS 84).
for (let z = 1; z <= 23; z++) EXTRA_EPSG[26900 + z] = `+proj=utm +zone=${z} +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs`;
for (let z = 28; z <= 38; z++) EXTRA_EPSG[25800 + z] = `+proj=utm +zone=${z} +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs`;

/** The EPSG codes this build knows without network (for docs and tests). */
export function knownEpsgCodes(): number[] {
  const codes = [4326, 4269, 3857, 5041, 5042, ...Object.keys(EXTRA_EPSG).map(Number)];
  for (let z = 1; z <= 60; z++) codes.push(32600 + z, 32700 + z);
  return codes;
}

/** proj4 definition for an EPSG code, or null when not built in. */
export function epsgToProj4(code: number): string | null {
  const extra = EXTRA_EPSG[code];
  if (extra) return extra;
  if (code === 900913 || code === 3785 || code === 102100 || code === 102113) code = 3857;
  const def = proj4.defs(`EPSG:${code}`) as { projStr?: string } | undefined;
  if (def?.projStr) return def.projStr.replace(/\+title=.*?(?= \+)/, '').trim();
  return null;
}

const USER_DEFINED = 32767;
type GeoKeys = Record<string, unknown>;

const num = (keys: GeoKeys, k: string): number | undefined => {
  const v = keys[k];
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && typeof v[0] === 'number') return v[0];
  return undefined;
};

/** Ellipsoid codes (EPSG 70xx) proj4 knows by name. */
const ELLIPSOIDS: Record<number, string> = {
  7001: 'airy', 7002: 'mod_airy', 7004: 'bessel', 7008: 'clrk66', 7012: 'clrk80', 7019: 'GRS80',
  7022: 'intl', 7024: 'krass', 7030: 'WGS84', 7043: 'WGS72',
};
const DATUMS: Record<number, string> = { 6326: '+datum=WGS84', 6269: '+datum=NAD83', 6267: '+datum=NAD27' };
const GEOG_CS: Record<number, string> = { 4326: '+datum=WGS84', 4269: '+datum=NAD83', 4267: '+datum=NAD27', 4258: '+ellps=GRS80 +towgs84=0,0,0,0,0,0,0' };

/** The datum / ellipsoid part of a proj4 string from the geographic GeoKeys. */
function datumPart(keys: GeoKeys): string {
  const geog = num(keys, 'GeographicTypeGeoKey');
  if (geog !== undefined && geog !== USER_DEFINED) {
    const g = GEOG_CS[geog];
    if (!g) throw new CrsError(`geographic CRS EPSG:${geog} is not built in`);
    return g;
  }
  const datum = num(keys, 'GeogGeodeticDatumGeoKey');
  if (datum !== undefined && datum !== USER_DEFINED && DATUMS[datum]) return DATUMS[datum]!;
  let ellps: string;
  const ellCode = num(keys, 'GeogEllipsoidGeoKey');
  const a = num(keys, 'GeogSemiMajorAxisGeoKey');
  const rf = num(keys, 'GeogInvFlatteningGeoKey');
  const b = num(keys, 'GeogSemiMinorAxisGeoKey');
  if (ellCode !== undefined && ellCode !== USER_DEFINED && ELLIPSOIDS[ellCode]) ellps = `+ellps=${ELLIPSOIDS[ellCode]}`;
  else if (a !== undefined && rf !== undefined && rf > 0) ellps = `+a=${a} +rf=${rf}`;
  else if (a !== undefined && b !== undefined) ellps = `+a=${a} +b=${b}`;
  else if (a !== undefined) ellps = `+a=${a} +b=${a}`;
  else if (datum === undefined && ellCode === undefined) ellps = '+datum=WGS84';
  else throw new CrsError(`unsupported geodetic datum ${datum ?? '?'} / ellipsoid ${ellCode ?? '?'}`);
  const tw = keys['GeogTOWGS84GeoKey'];
  const towgs = tw && typeof tw === 'object' ? Object.values(tw as Record<string, number>) : null;
  if (towgs && (towgs.length === 3 || towgs.length === 7)) ellps += ` +towgs84=${towgs.join(',')}`;
  const pm = num(keys, 'GeogPrimeMeridianLongGeoKey');
  if (pm) ellps += ` +pm=${pm}`;
  return ellps;
}

function unitsPart(keys: GeoKeys): string {
  const u = num(keys, 'ProjLinearUnitsGeoKey');
  if (u === undefined || u === 9001) return '+units=m';
  if (u === 9002) return '+units=ft';
  if (u === 9003) return '+units=us-ft';
  throw new CrsError(`unsupported linear unit code ${u}`);
}

/** Rebuilds a user-defined projected CRS from the projection GeoKeys. */
function userProjection(keys: GeoKeys): string {
  const method = num(keys, 'ProjCoordTransGeoKey');
  const g = (k: string, d = 0): number => num(keys, k) ?? d;
  const fe = g('ProjFalseEastingGeoKey', g('ProjFalseOriginEastingGeoKey'));
  const fn = g('ProjFalseNorthingGeoKey', g('ProjFalseOriginNorthingGeoKey'));
  const lat0 = g('ProjNatOriginLatGeoKey', g('ProjFalseOriginLatGeoKey', g('ProjCenterLatGeoKey')));
  const lon0 = g('ProjNatOriginLongGeoKey', g('ProjFalseOriginLongGeoKey', g('ProjCenterLongGeoKey')));
  const k = g('ProjScaleAtNatOriginGeoKey', 1);
  const off = `+x_0=${fe} +y_0=${fn}`;
  switch (method) {
    case 1:
      return `+proj=tmerc +lat_0=${lat0} +lon_0=${lon0} +k=${k} ${off}`;
    case 7: {
      const lts = num(keys, 'ProjStdParallel1GeoKey');
      return lts !== undefined ? `+proj=merc +lon_0=${lon0} +lat_ts=${lts} ${off}` : `+proj=merc +lon_0=${lon0} +k=${k} ${off}`;
    }
    case 8:
      return `+proj=lcc +lat_1=${g('ProjStdParallel1GeoKey')} +lat_2=${g('ProjStdParallel2GeoKey')} +lat_0=${lat0} +lon_0=${lon0} ${off}`;
    case 9:
      return `+proj=lcc +lat_1=${lat0} +lat_0=${lat0} +lon_0=${lon0} +k_0=${k} ${off}`;
    case 10:
      return `+proj=laea +lat_0=${g('ProjCenterLatGeoKey', lat0)} +lon_0=${g('ProjCenterLongGeoKey', lon0)} ${off}`;
    case 11:
      return `+proj=aea +lat_1=${g('ProjStdParallel1GeoKey')} +lat_2=${g('ProjStdParallel2GeoKey')} +lat_0=${lat0} +lon_0=${lon0} ${off}`;
    case 15: {
      const lon = g('ProjStraightVertPoleLongGeoKey', lon0);
      const pole = lat0 < 0 ? -90 : 90;
      return Math.abs(lat0) === 90
        ? `+proj=stere +lat_0=${pole} +lat_ts=${pole} +lon_0=${lon} +k=${k} ${off}`
        : `+proj=stere +lat_0=${pole} +lat_ts=${lat0} +lon_0=${lon} +k=1 ${off}`;
    }
    case 17:
      return `+proj=eqc +lat_ts=${g('ProjStdParallel1GeoKey')} +lat_0=${lat0} +lon_0=${lon0} ${off}`;
    default:
      throw new CrsError(`unsupported user-defined projection method (ProjCoordTransGeoKey ${method ?? 'missing'})`);
  }
}

/** The CRS from a GeoTIFF's GeoKeys; throws CrsError with a short reason. */
export function crsFromGeoKeys(keys: GeoKeys | null): CrsInfo {
  if (!keys) throw new CrsError('no GeoKeyDirectory (no CRS)');
  const model = num(keys, 'GTModelTypeGeoKey');
  const projected = num(keys, 'ProjectedCSTypeGeoKey');
  const geographic = num(keys, 'GeographicTypeGeoKey');
  const epsgInfo = (code: number, geo: boolean): CrsInfo => {
    const def = epsgToProj4(code);
    if (!def) throw new CrsError(`CRS EPSG:${code} is not built in (supported offline: EPSG:4326, 3857, WGS 84 / UTM 326xx/327xx and a few more); reproject it with gdalwarp -t_srs EPSG:3857`);
    return { id: `EPSG:${code}`, epsg: code, proj4: def, geographic: geo };
  };
  if (model === 3) throw new CrsError('geocentric model type is not supported');
  if (projected !== undefined && projected !== USER_DEFINED && (model === 1 || model === undefined)) return epsgInfo(projected, false);
  if (model === 1 || (model === undefined && projected === USER_DEFINED)) {
    const projCode = num(keys, 'ProjectionGeoKey');
    let proj: string;
    if (projCode !== undefined && projCode !== USER_DEFINED && projCode >= 16001 && projCode <= 16160 && projCode % 100 >= 1 && projCode % 100 <= 60) {
      proj = `+proj=utm +zone=${projCode % 100}${projCode >= 16100 ? ' +south' : ''}`; // Proj_UTM_zone_N/S
    } else if (projCode !== undefined && projCode !== USER_DEFINED) {
      throw new CrsError(`unsupported projection code ${projCode} (ProjectionGeoKey)`);
    } else {
      proj = userProjection(keys);
    }
    const def = `${proj} ${datumPart(keys)} ${unitsPart(keys)} +no_defs`.replace(/\s+/g, ' ');
    return checked({ id: def, epsg: null, proj4: def, geographic: false });
  }
  if (model === 2 || geographic !== undefined) {
    if (geographic !== undefined && geographic !== USER_DEFINED) return epsgInfo(geographic, true);
    const unit = num(keys, 'GeogAngularUnitsGeoKey');
    if (unit !== undefined && unit !== 9102 && unit !== 9122) throw new CrsError(`unsupported angular unit code ${unit}`);
    const def = `+proj=longlat ${datumPart(keys)} +no_defs`.replace(/\s+/g, ' ');
    return checked({ id: def, epsg: null, proj4: def, geographic: true });
  }
  throw new CrsError('GeoKeys name no CRS (no model type, projected or geographic CRS key)');
}

function checked(info: CrsInfo): CrsInfo {
  try {
    proj4(info.proj4, 'EPSG:4326', [0, 0]);
  } catch (e) {
    throw new CrsError(`cannot build the user-defined CRS "${info.proj4}" (${(e as Error).message})`);
  }
  return info;
}

export interface CrsTransform {
  /** file CRS -> lon/lat (WGS 84) */
  toLonLat(x: number, y: number): [number, number];
  /** lon/lat (WGS 84) -> file CRS */
  fromLonLat(lon: number, lat: number): [number, number];
}

const transformCache = new Map<string, CrsTransform>();

/** Point transforms between a file CRS and WGS 84 lon/lat (identity for EPSG:4326). */
export function lonLatTransform(crs: CrsInfo): CrsTransform {
  const hit = transformCache.get(crs.proj4);
  if (hit) return hit;
  let t: CrsTransform;
  if (crs.epsg === 4326) {
    t = { toLonLat: (x, y) => [x, y], fromLonLat: (lon, lat) => [lon, lat] };
  } else {
    const conv = proj4('EPSG:4326', crs.proj4);
    const safe = (f: (p: [number, number]) => number[]) => (a: number, b: number): [number, number] => {
      try {
        const r = f([a, b]);
        return [r[0]!, r[1]!];
      } catch {
        return [NaN, NaN]; // outside the projection's domain
      }
    };
    t = { toLonLat: safe((p) => conv.inverse(p)), fromLonLat: safe((p) => conv.forward(p)) };
  }
  transformCache.set(crs.proj4, t);
  return t;
}
