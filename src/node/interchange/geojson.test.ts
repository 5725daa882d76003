import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MultiPolygon, Polygon } from '../../common/geo/geojson';
import { readLabels, writeGeoJson } from './index';
import { checkRfc7946 } from './rfc7946-check';

const dir = mkdtempSync(join(tmpdir(), 'fm-geojson-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (content: unknown, name = `f${n++}.geojson`) => {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
};
const ccw = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]];
const fc = (...features: unknown[]) => ({ type: 'FeatureCollection', features });
const feat = (geometry: unknown, properties: unknown = {}, id?: unknown) => ({ type: 'Feature', ...(id !== undefined ? { id } : {}), geometry, properties });
const poly = (...rings: number[][][]) => ({ type: 'Polygon', coordinates: rings });

async function badMessage(p: string, opts = {}): Promise<string> {
  try {
    await readLabels(p, opts);
  } catch (e) {
    expect((e as { code?: string }).code).toBe('BAD_INPUT');
    const msg = (e as Error).message;
    expect(msg).not.toContain('\n');
    expect(msg).toContain(p);
    return msg;
  }
  throw new Error('expected a BAD_INPUT error');
}

describe('GeoJSON reading', () => {
  it('reads a FeatureCollection with ids and properties and keeps RFC 7946 input untouched', async () => {
    const r = await readLabels(file(fc(feat(poly(ccw), { category: 'field', n: 3 }, 'a'), feat(poly(ccw), null, 7))));
    expect(r.format).toBe('geojson');
    expect(r.sourceCrs).toBe('EPSG:4326');
    expect(r.features.map((f) => [f.index, f.id, f.repaired])).toEqual([[0, 'a', undefined], [1, 7, undefined]]);
    expect(r.features[0]!.properties).toEqual({ category: 'field', n: 3 });
    expect(r.features[1]!.properties).toEqual({});
    expect(r.features[0]!.geometry).toEqual(poly(ccw));
  });

  it('reads a single Feature, a bare geometry and a GeometryCollection of polygons', async () => {
    expect((await readLabels(file(feat(poly(ccw))))).features).toHaveLength(1);
    expect((await readLabels(file({ type: 'MultiPolygon', coordinates: [[ccw]] }))).features[0]!.geometry.type).toBe('MultiPolygon');
    const gc = await readLabels(file({ type: 'GeometryCollection', geometries: [poly(ccw), { type: 'Point', coordinates: [0, 0] }] }));
    expect(gc.features[0]!.geometry.type).toBe('MultiPolygon');
    expect(gc.features[0]!.repaired).toMatch(/dropped 1 non-area member \(Point\)/);
  });

  it('honours the legacy crs member: CRS84, EPSG:4326 and projected EPSG codes', async () => {
    const crs84 = { type: 'name', properties: { name: 'urn:ogc:def:crs:OGC:1.3:CRS84' } };
    expect((await readLabels(file({ ...fc(feat(poly(ccw))), crs: crs84 }))).sourceCrs).toBe('OGC:CRS84');
    const e4326 = { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::4326' } };
    expect((await readLabels(file({ ...fc(feat(poly(ccw))), crs: e4326 }))).features[0]!.geometry).toEqual(poly(ccw));
    // Web Mercator: x = 1113194.9079 m is 10 deg east; UTM 31N: 500000 m east is 3 deg east.
    const merc = [[0, 0], [1113194.9079327357, 0], [1113194.9079327357, 1118889.9748579594], [0, 0]];
    const r = await readLabels(file({ ...fc(feat(poly(merc))), crs: { type: 'name', properties: { name: 'EPSG:3857' } } }));
    expect(r.sourceCrs).toBe('EPSG:3857');
    const ring = (r.features[0]!.geometry as Polygon).coordinates[0]!;
    expect(ring[1]![0]).toBeCloseTo(10, 9);
    expect(ring[2]![1]).toBeCloseTo(10, 6);
    const utm = await readLabels(file({ ...fc(feat(poly([[500000, 0], [600000, 0], [600000, 100000], [500000, 0]]))), crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::32631' } } }));
    expect((utm.features[0]!.geometry as Polygon).coordinates[0]![0]![0]).toBeCloseTo(3, 9);
    const far = await readLabels(file({ ...fc(feat(poly([[500000, 0], [600000, 1e9], [600000, 100000], [500000, 0]]))), crs: { type: 'name', properties: { name: 'EPSG:32631' } } }));
    expect(far.skipped[0]!.reason).toBe('coordinates out of range after reprojection from EPSG:32631 (x 600000, y 1000000000)');
    const msg = await badMessage(file({ ...fc(), crs: { type: 'name', properties: { name: 'EPSG:99999' } } }));
    expect(msg).toMatch(/EPSG:99999 is not built in/);
    expect(await badMessage(file({ ...fc(), crs: { type: 'link', properties: { href: 'x' } } }))).toMatch(/unsupported "crs"/);
  });

  it('ignores foreign top-level members (fiboa)', async () => {
    const r = await readLabels(file({ ...fc(feat(poly(ccw))), schemas: { x: 1 }, 'admin:country_code': 'DE' }));
    expect(r.features).toHaveLength(1);
  });

  it('repairs unambiguous problems and says so', async () => {
    const unclosed = [[0, 0], [1, 0], [1, 1], [0, 1]];
    const dups = [[0, 0], [1, 0], [1, 0], [1, 1], [0, 1], [0, 1], [0, 0]];
    const cw = [[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]];
    const holeCcw = [[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.8], [0.2, 0.2]];
    const shortHole = [[0.2, 0.2], [0.3, 0.3], [0.2, 0.2]];
    const r = await readLabels(file(fc(feat(poly(unclosed)), feat(poly(dups)), feat(poly(cw, holeCcw)), feat(poly(ccw, shortHole)))));
    expect(r.skipped).toEqual([]);
    expect(r.features.map((f) => f.repaired)).toEqual([
      'closed 1 unclosed ring',
      'removed 2 duplicate consecutive points',
      'rewound 2 rings to RFC 7946 order',
      'dropped 1 degenerate hole',
    ]);
    expect((r.features[0]!.geometry as Polygon).coordinates[0]).toEqual([...unclosed, [0, 0]]);
    expect((r.features[2]!.geometry as Polygon).coordinates[1]).toEqual([...holeCcw].reverse());
    expect(checkRfc7946({ type: 'FeatureCollection', features: r.features.map((f) => ({ type: 'Feature', geometry: f.geometry, properties: {} })) })).toEqual([]);
  });

  it('skips what it cannot repair, with a reason per feature', async () => {
    const bowtie = [[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]];
    const r = await readLabels(file(fc(
      feat(poly(bowtie), {}, 'bow'),
      feat(poly([[0, 0], [1, 0], [0, 0]])),
      feat({ type: 'Point', coordinates: [1, 2] }),
      feat({ type: 'LineString', coordinates: [[1, 2], [3, 4]] }),
      feat(null),
      feat(poly([[0, 0], [200, 0], [200, 1], [0, 0]])),
      feat({ type: 'Polygon', coordinates: [[[0, 0], ['1', 0], [1, 1], [0, 0]]] }),
      null,
      { type: 'Featre', geometry: poly(ccw) },
      feat(poly(ccw)),
    )));
    expect(r.features.map((f) => f.index)).toEqual([9]);
    const reasons = Object.fromEntries(r.skipped.map((s) => [s.feature, s.reason]));
    expect(reasons.bow).toMatch(/self-intersecting polygon: edges cross near \(0.5, 0.5\)/);
    expect(reasons['1']).toMatch(/fewer than 4 distinct positions/);
    expect(reasons['2']).toMatch(/Point is not an area/);
    expect(reasons['3']).toMatch(/LineString is not an area/);
    expect(reasons['4']).toMatch(/no geometry/);
    expect(reasons['5']).toMatch(/out of lon\/lat range \(200, 0\).*is the CRS right/);
    expect(reasons['6']).toMatch(/position 1 is not \[lon, lat\] numbers/);
    expect(reasons['7']).toMatch(/feature is null/);
    expect(reasons['8']).toMatch(/"Featre" is not "Feature"/);
  });

  it('refuses bad and truncated JSON with one line naming the file', async () => {
    expect(await badMessage(file('{"type": "FeatureCollection", "features": [', 'trunc.geojson'))).toMatch(/truncated or invalid JSON/);
    expect(await badMessage(file('{"type": "Polygon" "coordinates": []}'))).toMatch(/invalid JSON/);
    expect(await badMessage(file('null'))).toMatch(/root is null/);
    expect(await badMessage(file({ type: 'featurecollection', features: [] }))).toMatch(/unknown GeoJSON type "featurecollection"/);
    expect(await badMessage(file({ features: [] }))).toMatch(/no "type" member/);
    expect(await badMessage(file({ type: 'FeatureCollection', features: {} }))).toMatch(/no "features" array/);
  });

  it('streams large collections feature by feature, also with the crs member after the features', async () => {
    const merc = [[0, 0], [1113194.9079327357, 0], [1113194.9079327357, 1118889.9748579594], [0, 0]];
    const text = `{"type":"FeatureCollection","features":[${JSON.stringify(feat(poly(merc), { s: 'a "quoted" } ] string' }, 1))},\n ${JSON.stringify(feat(poly(merc), {}, 'x'))}],"crs":{"type":"name","properties":{"name":"EPSG:3857"}},"extra":[1,{"a":null}],"n":5}`;
    const p = file(text);
    const whole = await readLabels(p);
    const streamed = await readLabels(p, { streamAboveBytes: 1 });
    expect(streamed).toEqual(whole);
    expect(streamed.sourceCrs).toBe('EPSG:3857');
    expect(streamed.features[0]!.properties).toEqual({ s: 'a "quoted" } ] string' });
    expect((await badMessage(file(text.slice(0, 200)), { streamAboveBytes: 1 }))).toMatch(/truncated/);
    expect((await badMessage(file('[1,2]'), { streamAboveBytes: 1 }))).toMatch(/root is not a JSON object/);
    expect((await readLabels(file(`\uFEFF${text}`), { streamAboveBytes: 1 })).features).toHaveLength(2); // BOM
  });
});

describe('GeoJSON writing', () => {
  it('writes RFC 7946: CCW exteriors, CW holes, 7 decimals, no crs, bbox; and reads back the same', async () => {
    const cw = [[10.123456789, 5], [10.123456789, 6], [11, 6], [11, 5], [10.123456789, 5]];
    const hole = [[10.5, 5.2], [10.8, 5.2], [10.8, 5.5], [10.5, 5.2]];
    const p = join(dir, 'out.geojson');
    const res = await writeGeoJson(p, [
      { geometry: { type: 'Polygon', coordinates: [cw, hole] } as Polygon, properties: { a: 1, when: new Date(0) }, id: 'f1' },
      { geometry: { type: 'MultiPolygon', coordinates: [[ccw]] } as MultiPolygon, properties: { b: null } },
    ], { bbox: true });
    expect(res.features).toBe(2);
    const doc = JSON.parse(readFileSync(p, 'utf8'));
    expect(checkRfc7946(doc)).toEqual([]);
    expect(doc.crs).toBeUndefined();
    expect(doc.bbox).toEqual([0, 0, 11, 6]);
    expect(doc.features[0].geometry.coordinates[0][0]).toEqual([10.1234568, 5]);
    expect(doc.features[0].properties.when).toBe('1970-01-01T00:00:00.000Z');
    const back = await readLabels(p);
    expect(back.features.map((f) => f.repaired)).toEqual([undefined, undefined]);
    expect(back.features[0]!.id).toBe('f1');
    expect((back.features[1]!.geometry.coordinates as number[][][][])[0]).toEqual([ccw]);
  });

  it('streams a large collection from an async iterable', async () => {
    async function* gen() {
      for (let i = 0; i < 20000; i++) yield { geometry: { type: 'Polygon', coordinates: [[[i * 1e-4, 0], [i * 1e-4 + 5e-5, 0], [i * 1e-4, 5e-5], [i * 1e-4, 0]]] } as Polygon, properties: { i } };
    }
    const p = join(dir, 'many.geojson');
    expect((await writeGeoJson(p, gen())).features).toBe(20000);
    const r = await readLabels(p);
    expect(r.features).toHaveLength(20000);
    expect(r.features[19999]!.properties).toEqual({ i: 19999 });
  });

  it('refuses a feature without an area geometry and leaves no partial file', async () => {
    const p = join(dir, 'never.geojson');
    await expect(writeGeoJson(p, [{ geometry: { type: 'Point' } as never, properties: {} }])).rejects.toMatchObject({ code: 'BAD_ARGUMENTS' });
    expect(() => readFileSync(p)).toThrow();
  });
});
