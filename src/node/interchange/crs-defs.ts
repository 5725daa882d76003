/**
 * Built-in EPSG definitions (proj4 syntax) for the CRSes real label files arrive in, with the
 * datum shifts PROJ itself picks for EPSG:xxxx -> EPSG:4326 (checked with `projinfo`), so our
 * reprojection lands where `ogr2ogr -t_srs EPSG:4326` puts it. PROJ's "coordinate frame"
 * rotations are written here with flipped signs (proj4's +towgs84 is "position vector").
 * GeoPackage and .prj WKT1 usually omit TOWGS84, which is why a known EPSG code wins over WKT.
 */
const NOSHIFT = '+ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs';
const WGS84 = '+datum=WGS84 +units=m +no_defs';

export const EPSG_DEFS: Record<number, string> = {
  4326: '+proj=longlat +datum=WGS84 +no_defs',
  4979: '+proj=longlat +datum=WGS84 +no_defs',
  4258: '+proj=longlat +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +no_defs',
  4269: '+proj=longlat +datum=NAD83 +no_defs',
  4765: '+proj=longlat +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +no_defs',
  3857: '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +no_defs',
  3395: `+proj=merc +lon_0=0 +k=1 +x_0=0 +y_0=0 ${WGS84}`,
  // Switzerland: CH1903+ / LV95 and CH1903 / LV03 (Helmert 3-parameter, ~1 m).
  2056: '+proj=somerc +lat_0=46.9524055555556 +lon_0=7.43958333333333 +k_0=1 +x_0=2600000 +y_0=1200000 +ellps=bessel +towgs84=674.374,15.056,405.346,0,0,0,0 +units=m +no_defs',
  21781: '+proj=somerc +lat_0=46.9524055555556 +lon_0=7.43958333333333 +k_0=1 +x_0=600000 +y_0=200000 +ellps=bessel +towgs84=674.374,15.056,405.346,0,0,0,0 +units=m +no_defs',
  // Finland TM35FIN, Sweden SWEREF99 TM
  3067: `+proj=utm +zone=35 ${NOSHIFT}`,
  3006: `+proj=utm +zone=33 ${NOSHIFT}`,
  // Netherlands: Amersfoort / RD New (EPSG:15739 Helmert, coordinate frame -> position vector)
  28992: '+proj=sterea +lat_0=52.1561605555556 +lon_0=5.38763888888889 +k=0.9999079 +x_0=155000 +y_0=463000 +ellps=bessel +towgs84=565.4171,50.3319,465.5524,-0.398957388243134,0.343987817378283,-1.87740163998045,4.0725 +units=m +no_defs',
  // Croatia HTRS96 / TM, Portugal PT-TM06, France Lambert-93
  3765: `+proj=tmerc +lat_0=0 +lon_0=16.5 +k=0.9999 +x_0=500000 +y_0=0 ${NOSHIFT}`,
  3763: `+proj=tmerc +lat_0=39.6682583333333 +lon_0=-8.13310833333333 +k=1 +x_0=0 +y_0=0 ${NOSHIFT}`,
  2154: `+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 ${NOSHIFT}`,
  // Austria: MGI / Austria Lambert (position vector Helmert) and ETRS89 / Austria Lambert
  31287: '+proj=lcc +lat_0=47.5 +lon_0=13.3333333333333 +lat_1=49 +lat_2=46 +x_0=400000 +y_0=400000 +ellps=bessel +towgs84=577.326,90.129,463.919,5.137,1.474,5.297,2.4232 +units=m +no_defs',
  3416: `+proj=lcc +lat_0=47.5 +lon_0=13.3333333333333 +lat_1=49 +lat_2=46 +x_0=400000 +y_0=400000 ${NOSHIFT}`,
  // Germany: ETRS89 / UTM 32N and 33N with the zone number prefixed to the easting (zE-N)
  4647: `+proj=tmerc +lat_0=0 +lon_0=9 +k=0.9996 +x_0=32500000 +y_0=0 ${NOSHIFT}`,
  5650: `+proj=tmerc +lat_0=0 +lon_0=15 +k=0.9996 +x_0=33500000 +y_0=0 ${NOSHIFT}`,
  // Belgium: BD72 / Belgian Lambert 72 (coordinate frame -> position vector), Lambert 2008
  31370: '+proj=lcc +lat_0=90 +lon_0=4.36748666666667 +lat_1=51.1666672333333 +lat_2=49.8333339 +x_0=150000.013 +y_0=5400088.438 +ellps=intl +towgs84=-106.8686,52.2978,-103.7239,0.3366,-0.457,1.8422,-1.2747 +units=m +no_defs',
  3812: `+proj=lcc +lat_0=50.797815 +lon_0=4.35921583333333 +lat_1=49.8333333333333 +lat_2=51.1666666666667 +x_0=649328 +y_0=665262 ${NOSHIFT}`,
  // Europe LAEA / LCC
  3035: `+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 ${NOSHIFT}`,
  3034: `+proj=lcc +lat_0=52 +lon_0=10 +lat_1=35 +lat_2=65 +x_0=4000000 +y_0=2800000 ${NOSHIFT}`,
  // Great Britain: OSGB 1936 / British National Grid (position vector Helmert, ~2 m)
  27700: '+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy +towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs',
  // Equal-area world grids often used for field statistics
  6933: `+proj=cea +lat_ts=30 +lon_0=0 +x_0=0 +y_0=0 ${WGS84}`,
  8857: `+proj=eqearth +lon_0=0 +x_0=0 +y_0=0 ${WGS84}`,
};
// WGS 84 / UTM north and south, ETRS89 / UTM 28..38 N, NAD83 / UTM 1..23 N
for (let z = 1; z <= 60; z++) {
  EPSG_DEFS[32600 + z] = `+proj=utm +zone=${z} ${WGS84}`;
  EPSG_DEFS[32700 + z] = `+proj=utm +zone=${z} +south ${WGS84}`;
}
for (let z = 28; z <= 38; z++) EPSG_DEFS[25800 + z] = `+proj=utm +zone=${z} ${NOSHIFT}`;
for (let z = 1; z <= 23; z++) EPSG_DEFS[26900 + z] = `+proj=utm +zone=${z} +datum=NAD83 +units=m +no_defs`;

/** Codes that are plain lon/lat on WGS 84 (or a datum within centimetres of it at label scale). */
export const LONLAT_WGS84 = new Set([4326, 4979]);

/**
 * ESRI .prj files name their CRS but carry no EPSG code; match the common names (letters and
 * digits only, lower case) to the table above.
 */
const ESRI_NAMES: [RegExp, number | ((m: RegExpMatchArray) => number)][] = [
  [/^(gcs)?wgs(19)?84$/, 4326],
  [/^(gcs)?etrs(19)?89$/, 4258],
  [/^(gcs)?(northamerican1983|nad83)$/, 4269],
  [/^(wgs(19)?84)?(pseudomercator|webmercatorauxiliarysphere|webmercator)$/, 3857],
  [/^wgs(19)?84utmzone(\d+)([ns])$/, (m) => (m[3] === 's' ? 32700 : 32600) + Number(m[2])],
  [/^etrs(19)?89utmzone(\d+)n$/, (m) => 25800 + Number(m[2])],
  [/^(nad(19)?83|northamerican1983)utmzone(\d+)n$/, (m) => 26900 + Number(m[3])],
  [/^(amersfoort)?rdnew$/, 28992],
  [/^(bd72)?belgi(an|que|e)?lambert(19)?72$/, 31370],
  [/^(mgi)?austrialambert$/, 31287],
  [/^(osgb(19)?36)?britishnationalgrid$/, 27700],
  [/^ch1903lv95$/, 2056],
  [/^ch1903lv03$/, 21781],
  [/^etrs(19)?89tm35fin(en)?$/, 3067],
  [/^htrs96croatiatm$/, 3765],
  [/^etrs(19)?89portugaltm06$/, 3763],
  [/^(etrs(19)?89)?(laea(europe)?|lambertazimuthalequalarea)$/, 3035],
  [/^rgf93lambert93$/, 2154],
];

export function epsgFromEsriName(name: string): number | null {
  const key = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  for (const [re, code] of ESRI_NAMES) {
    const m = key.match(re);
    if (m) return typeof code === 'number' ? code : code(m);
  }
  return null;
}
