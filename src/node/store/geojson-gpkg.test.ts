import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AreaGeometry } from '../../common/geo/geojson';
import { envelopeOf, writeGpkgGeometry } from '../interchange/gpkg-binary';
import { readLabels } from '../interchange/read-labels';
import { areaHa } from './export-fields';
import { geojsonToGpkg } from './geojson-gpkg';

const REAL = resolve(fileURLToPath(new URL('../../../', import.meta.url)), '../shared/realdata');

function reference(text: string, multi: boolean) {
  const g = JSON.parse(text) as AreaGeometry;
  const polys = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as number[][][][];
  const env = envelopeOf(polys);
  return { blob: writeGpkgGeometry(polys, multi, 4326, env), ...env, areaHa: areaHa(g) };
}

function check(g: AreaGeometry | string, multi = g instanceof Object && g.type === 'MultiPolygon') {
  const text = typeof g === 'string' ? g : JSON.stringify(g);
  const got = geojsonToGpkg(text, multi);
  const want = reference(text, multi);
  expect(Buffer.compare(got.blob, want.blob), text.slice(0, 200)).toBe(0);
  expect([got.minX, got.minY, got.maxX, got.maxY, got.areaHa]).toEqual([want.minX, want.minY, want.maxX, want.maxY, want.areaHa]);
}

describe('geojsonToGpkg', () => {
  it('writes exactly what JSON.parse + writeGpkgGeometry write, and the same area', () => {
    let s = 3;
    const rand = () => ((s = (s * 48271) % 2147483647) / 2147483647);
    const num = (v: number) => [v, +v.toFixed(7), +v.toFixed(3), Math.round(v), v * 1e-9, -v, v * 1e20][Math.floor(rand() * 7)]!;
    const ring = (n: number) => {
      const r = Array.from({ length: n }, () => [num(rand() * 360 - 180), num(rand() * 180 - 90)] as [number, number]);
      return [...r, r[0]!];
    };
    for (let k = 0; k < 500; k++) {
      const poly = () => Array.from({ length: 1 + Math.floor(rand() * 3) }, () => ring(3 + Math.floor(rand() * 20)));
      check({ type: 'Polygon', coordinates: poly() });
      check({ type: 'Polygon', coordinates: poly() }, true);
      check({ type: 'MultiPolygon', coordinates: [poly(), poly()] });
    }
  });

  it('handles odd but valid text: key order, whitespace, exponents, long mantissas, -0, z values', () => {
    check('{"coordinates":[[[0,0],[1,0],[1,1],[0,0]]],"type":"Polygon"}');
    check('{ "type" : "Polygon", "coordinates" : [ [ [ 0.1 , 0.2 ] , [ 1e-7 , 0 ] , [ 1 , 1.5E2 ], [0.1, 0.2] ] ] }');
    check('{"type":"Polygon","coordinates":[[[-0,-0.0],[1.2345678901234567,0],[1,123456789012345678],[-0,-0.0]]]}');
    check('{"type":"Polygon","coordinates":[[[10,20,5],[11,20,5],[11,21,7],[10,20,5]]]}');
    check('{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]],[[5.2,5.2],[5.3,5.2],[5.3,5.3],[5.2,5.2]]]]}', true);
  });

  it.skipIf(!existsSync(join(REAL, 'labels')))('agrees on real labels (Ghana, projected parcels)', async () => {
    for (const f of ['labels/activemapper_ghana/derived/top_label_maps.gpkg', 'gis_files/fiboa_lpis_exports/ch/lwb_nutzungsflaechen_v2_0_lv95.gpkg']) {
      for (const feature of (await readLabels(join(REAL, f))).features) check(feature.geometry, true);
    }
  });
});
