import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MultiPolygon, Polygon } from '../../common/geo/geojson';
import { readLabels } from './index';
import { makeZip } from './zip-write';

const dir = mkdtempSync(join(tmpdir(), 'fm-kml-shp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const put = (name: string, data: Buffer | string) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};

const KML = `<?xml version="1.0" encoding="UTF-8"?>
<!-- written by hand, like Google Earth Pro -->
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document><name>farms</name>
  <Schema name="farm" id="S_farm"><SimpleField type="double" name="area"/><SimpleField type="int" name="plot"/><SimpleField type="bool" name="irrigated"/><SimpleField type="string" name="crop"/></Schema>
  <Style id="s"><PolyStyle><fill>0</fill></PolyStyle></Style>
  <Folder><name>layer 0</name>
    <Placemark id="p1"><name>Farm &amp; field 1</name><description><![CDATA[<b>maize</b> & beans]]></description><visibility>0</visibility>
      <ExtendedData><SchemaData schemaUrl="#S_farm"><SimpleData name="area">1.5</SimpleData><SimpleData name="plot">7</SimpleData><SimpleData name="irrigated">1</SimpleData><SimpleData name="crop">007</SimpleData></SchemaData>
        <Data name="owner"><value>Aisha</value></Data></ExtendedData>
      <Polygon><tessellate>1</tessellate><outerBoundaryIs><LinearRing><coordinates>
        8.0,10.0,0 8.0,10.01,0 8.01,10.01,0 8.01,10.0,0 8.0,10.0,0
      </coordinates></LinearRing></outerBoundaryIs>
      <innerBoundaryIs><LinearRing><coordinates>8.002,10.002,0 8.004,10.002,0 8.004,10.004,0 8.002,10.002,0</coordinates></LinearRing></innerBoundaryIs></Polygon>
    </Placemark>
    <Folder>
      <Placemark><name>Untitled Polygon</name><MultiGeometry>
        <Polygon><outerBoundaryIs><LinearRing><coordinates>9.0, 10.0  9.01, 10.0  9.01, 10.01 9.0, 10.0</coordinates></LinearRing></outerBoundaryIs></Polygon>
        <Polygon><outerBoundaryIs><LinearRing><coordinates>9.1,10 9.11,10 9.11,10.01 9.1,10</coordinates></LinearRing></outerBoundaryIs></Polygon>
        <Point><coordinates>9,10,0</coordinates></Point>
      </MultiGeometry></Placemark>
      <Placemark><name>pin</name><Point><coordinates>9,10,0</coordinates></Point></Placemark>
      <Placemark><name>nothing</name></Placemark>
      <Placemark><name>bad</name><Polygon><outerBoundaryIs><LinearRing><coordinates>9,10 x,y 9.1,10.1 9,10</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
    </Folder>
  </Folder>
</Document></kml>`;

describe('KML and KMZ', () => {
  it('reads placemarks through folders with names, descriptions and typed ExtendedData', async () => {
    const r = await readLabels(put('farms.kml', KML));
    expect(r.format).toBe('kml');
    expect(r.features.map((f) => [f.index, f.id])).toEqual([[0, 'p1'], [1, null]]);
    expect(r.features[0]!.properties).toEqual({ name: 'Farm & field 1', description: '<b>maize</b> & beans', visibility: false, area: 1.5, plot: 7, irrigated: true, crop: '007', owner: 'Aisha' });
    const g0 = r.features[0]!.geometry as Polygon;
    expect(g0.coordinates).toHaveLength(2);
    expect(g0.coordinates[0]![1]).toEqual([8.01, 10]); // rewound to CCW; altitude dropped
    const g1 = r.features[1]!.geometry as MultiPolygon;
    expect(g1.coordinates).toHaveLength(2);
    expect(g1.coordinates[0]![0]![1]).toEqual([9.01, 10]);
    expect(r.features[1]!.repaired).toBe('dropped 1 non-area part (Point)');
    expect(r.skipped).toEqual([
      { feature: '2', reason: 'Point is not an area (only polygons are imported)' },
      { feature: '3', reason: 'placemark has no geometry' },
      { feature: '4', reason: expect.stringMatching(/NaN or infinite coordinate/) },
    ]);
  });

  it('reads a KMZ (zipped doc.kml with images beside it)', async () => {
    const p = put('farms.kmz', makeZip([{ name: 'files/icon.png', data: Buffer.alloc(100) }, { name: 'doc.kml', data: KML }]));
    const r = await readLabels(p);
    expect(r.format).toBe('kmz');
    expect(r.features).toHaveLength(2);
  });

  it('refuses malformed or truncated XML with the line number', async () => {
    const e1 = await readLabels(put('bad.kml', KML.replace('</Folder>\n  </Folder>', '</Folder>\n  </Placemark>'))).catch((e: Error) => e);
    expect(e1).toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/bad\.kml: malformed XML at line 26: expected <\/Folder>, found <\/Placemark>/) });
    const e2 = await readLabels(put('cut.kml', KML.slice(0, 900))).catch((e: Error) => e);
    expect(e2).toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/truncated file\?/) });
  });
});

// --- shapefile bytes built here ---------------------------------------------------------------
type Rings = number[][][];
function shp(type: number, records: (Rings | null)[]): { shp: Buffer; shx: Buffer } {
  const z = type === 15;
  const contents = records.map((rings) => {
    if (!rings) return Buffer.from([0, 0, 0, 0]);
    const pts = rings.flat();
    const size = 44 + 4 * rings.length + 16 * pts.length + (z ? 16 + 8 * pts.length + 16 + 8 * pts.length : 0);
    const b = Buffer.alloc(size);
    b.writeInt32LE(type, 0);
    b.writeInt32LE(rings.length, 36);
    b.writeInt32LE(pts.length, 40);
    let start = 0;
    rings.forEach((r, k) => {
      b.writeInt32LE(start, 44 + 4 * k);
      start += r.length;
    });
    let o = 44 + 4 * rings.length;
    for (const p of pts) {
      b.writeDoubleLE(p[0]!, o);
      b.writeDoubleLE(p[1]!, o + 8);
      o += 16;
    }
    if (z) for (let k = 0; k < 2 + pts.length; k++, o += 8) b.writeDoubleLE(123, o);
    return b;
  });
  const header = (len: number) => {
    const h = Buffer.alloc(100);
    h.writeInt32BE(9994, 0);
    h.writeInt32BE(len / 2, 24);
    h.writeInt32LE(1000, 28);
    h.writeInt32LE(type, 32);
    return h;
  };
  const recs = contents.map((c, i) => {
    const r = Buffer.alloc(8);
    r.writeInt32BE(i + 1, 0);
    r.writeInt32BE(c.length / 2, 4);
    return Buffer.concat([r, c]);
  });
  const body = Buffer.concat(recs);
  const shx = Buffer.alloc(8 * recs.length);
  let off = 100;
  recs.forEach((r, i) => {
    shx.writeInt32BE(off / 2, 8 * i);
    shx.writeInt32BE((r.length - 8) / 2, 8 * i + 4);
    off += r.length;
  });
  return { shp: Buffer.concat([header(100 + body.length), body]), shx: Buffer.concat([header(100 + shx.length), shx]) };
}

function dbf(fields: [string, string, number, number][], rows: (string | null)[][], encode: (s: string) => Buffer): Buffer {
  const headerLen = 32 + 32 * fields.length + 1;
  const recordLen = 1 + fields.reduce((s, f) => s + f[2], 0);
  const h = Buffer.alloc(headerLen);
  h[0] = 3;
  h.writeUInt32LE(rows.length, 4);
  h.writeUInt16LE(headerLen, 8);
  h.writeUInt16LE(recordLen, 10);
  fields.forEach(([name, type, len, dec], i) => {
    h.write(name, 32 + 32 * i, 'latin1');
    h[32 + 32 * i + 11] = type.charCodeAt(0);
    h[32 + 32 * i + 16] = len;
    h[32 + 32 * i + 17] = dec;
  });
  h[headerLen - 1] = 0x0d;
  const recs = rows.map((row, r) => {
    const b = Buffer.alloc(recordLen, 0x20);
    if (r === 3) b[0] = 0x2a; // deleted
    let o = 1;
    row.forEach((v, i) => {
      const bytes = encode(v ?? '');
      const len = fields[i]![2];
      if (fields[i]![1] === 'N') bytes.copy(b, o + Math.max(0, len - bytes.length));
      else bytes.copy(b, o, 0, Math.min(len, bytes.length));
      o += len;
    });
    return b;
  });
  return Buffer.concat([h, ...recs, Buffer.from([0x1a])]);
}

const UTM31_PRJ = 'PROJCS["WGS_1984_UTM_Zone_31N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",3.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';
const cw = (x: number, y: number, s: number) => [[x, y], [x, y + s], [x + s, y + s], [x + s, y], [x, y]];
const ccwRing = (x: number, y: number, s: number) => [...cw(x, y, s)].reverse();
const FIELDS: [string, string, number, number][] = [['NAME', 'C', 20, 0], ['AREA', 'N', 12, 3], ['COUNT', 'N', 5, 0], ['DAY', 'D', 8, 0], ['OK', 'L', 1, 0]];
const ROWS = [['Zürich', '12.500', '3', '20240131', 'T'], ['b', '', '4', '', 'F'], [null, '*', '', '00000000', '?'], ['gone', '1', '1', '', 'T'], ['ccw', '2', '2', '', 'Y']];

function shapefileZip(cpg: string | null, encode: (s: string) => Buffer, prj = UTM31_PRJ): Buffer {
  const { shp: s, shx } = shp(15, [
    [cw(500000, 0, 1000), ccwRing(500200, 200, 100)], // exterior + hole
    [cw(510000, 0, 1000), cw(520000, 0, 1000)], // two exteriors
    null, // null shape
    [cw(530000, 0, 1000)], // deleted in the .dbf
    [ccwRing(540000, 0, 1000)], // exterior written counter-clockwise
  ]);
  const line = shp(3, [[[[1, 1], [2, 2]]]]);
  return makeZip([
    { name: 'fields/parcels.shp', data: s },
    { name: 'fields/parcels.shx', data: shx },
    { name: 'fields/parcels.dbf', data: dbf(FIELDS, ROWS, encode) },
    { name: 'fields/parcels.prj', data: prj },
    ...(cpg ? [{ name: 'fields/parcels.cpg', data: cpg }] : []),
    { name: 'fields/roads.shp', data: line.shp },
    { name: 'fields/roads.shx', data: line.shx },
  ]);
}

describe('zipped shapefiles', () => {
  it('reads PolygonZ shapes with holes and parts, DBF types, the .cpg encoding and an ESRI .prj', async () => {
    const r = await readLabels(put('parcels.zip', shapefileZip('UTF-8', (s) => Buffer.from(s, 'utf8'))));
    expect(r.format).toBe('shapefile-zip');
    expect(r.layer).toBe('parcels');
    expect(r.sourceCrs).toBe('EPSG:32631');
    expect(r.features.map((f) => f.index)).toEqual([0, 1, 4]);
    expect(r.features.map((f) => f.properties)).toEqual([
      { NAME: 'Zürich', AREA: 12.5, COUNT: 3, DAY: '2024-01-31', OK: true },
      { NAME: 'b', AREA: null, COUNT: 4, DAY: null, OK: false },
      { NAME: 'ccw', AREA: 2, COUNT: 2, DAY: null, OK: true },
    ]);
    const g0 = r.features[0]!.geometry as Polygon;
    expect(g0.type).toBe('Polygon');
    expect(g0.coordinates).toHaveLength(2);
    expect(g0.coordinates[0]![0]![0]).toBeCloseTo(3, 9); // 500000 m E in UTM 31N
    expect(r.features[1]!.geometry.type).toBe('MultiPolygon');
    expect(r.features[2]!.geometry.type).toBe('Polygon');
    expect(r.skipped).toEqual([
      { feature: '2', reason: 'no geometry (null shape)' },
      { feature: '3', reason: 'record is marked deleted in the .dbf' },
    ]);
  });

  it('decodes Windows-1252 text when the .cpg says so, and guesses UTF-8/Latin-1 without one', async () => {
    const cp1252 = (s: string) => Buffer.from(s, 'latin1');
    expect((await readLabels(put('a.zip', shapefileZip('1252', cp1252)))).features[0]!.properties.NAME).toBe('Zürich');
    expect((await readLabels(put('b.zip', shapefileZip(null, cp1252)))).features[0]!.properties.NAME).toBe('Zürich');
    expect((await readLabels(put('c.zip', shapefileZip(null, (s) => Buffer.from(s, 'utf8'))))).features[0]!.properties.NAME).toBe('Zürich');
  });

  it('picks a shapefile by name, and skips non-area shapes', async () => {
    const r = await readLabels(put('d.zip', shapefileZip('UTF-8', (s) => Buffer.from(s))), { layer: 'roads' });
    expect(r.features).toEqual([]);
    expect(r.skipped).toEqual([{ feature: '0', reason: 'PolyLine is not an area (only polygons are imported)' }]);
    await expect(readLabels(put('e.zip', shapefileZip('UTF-8', (s) => Buffer.from(s))), { layer: 'x' })).rejects.toThrow(/no shapefile "x" in the zip; shapefiles: parcels, roads/);
  });

  it('refuses a truncated .shp and a projected shapefile without a .prj', async () => {
    const { shp: s } = shp(5, [[cw(0, 0, 1)], [cw(2, 0, 1)]]);
    await expect(readLabels(put('t.zip', makeZip([{ name: 't.shp', data: s.subarray(0, s.length - 20) }])))).rejects.toThrow(/t\.shp is truncated: its header says/);
    const proj = shp(5, [[cw(500000, 0, 1000)]]);
    proj.shp.writeDoubleLE(500000, 36);
    proj.shp.writeDoubleLE(501000, 52);
    await expect(readLabels(put('np.zip', makeZip([{ name: 'np.shp', data: proj.shp }])))).rejects.toThrow(/no \.prj and its coordinates are not lon\/lat/);
  });
});
