import { mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readLabels } from './index';
import { makeZip } from './zip-write';

const dir = mkdtempSync(join(tmpdir(), 'fm-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const put = (name: string, data: Buffer | string) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};
const GiB = 1024 ** 3;

async function refusal(p: string, opts = {}): Promise<string> {
  const t0 = performance.now();
  const e = await readLabels(p, opts).then(() => null, (x: unknown) => x as { code?: string; message: string });
  expect(e?.code).toBe('BAD_INPUT');
  expect(e!.message).not.toContain('\n');
  expect(performance.now() - t0).toBeLessThan(5000);
  return e!.message;
}

describe('resource limits', () => {
  it('refuses a 1 GB file over maxBytes by its size, without reading it (sparse file)', async () => {
    const p = join(dir, 'huge.geojson');
    writeFileSync(p, '{"type":"FeatureCollection","features":[');
    truncateSync(p, GiB);
    expect(await refusal(p, { maxBytes: 256 * 1024 ** 2 })).toBe(`${p}: file is ${GiB} bytes, over the import limit of ${256 * 1024 ** 2} bytes`);
  });

  it('streams a 1 GB single-line JSON under the limit instead of making one string (fails fast at the first bad byte)', async () => {
    const p = join(dir, 'huge2.geojson');
    const fd = openSync(p, 'w');
    writeSync(fd, '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":null},');
    closeSync(fd);
    truncateSync(p, GiB); // the rest is NUL bytes
    expect(await refusal(p)).toMatch(/unexpected "\\u0000" at byte 91/);
  });

  it('refuses a zip entry declaring an absurd size before inflating it', async () => {
    const p = put('bomb.zip', makeZip([{ name: 'doc.kml', data: '<kml/>', declaredSize: 0xfffffff0 }]));
    expect(await refusal(p)).toMatch(/zip entry doc\.kml declares 4294967280 bytes uncompressed, over the limit of 2147483648 bytes/);
    const q = put('bomb2.zip', makeZip([{ name: 'x.gpkg', data: 'tiny', declaredSize: 500 * 1024 ** 2 }]));
    expect(await refusal(q)).toMatch(/would inflate \d+x .* refused as a likely zip bomb/);
  });

  it('stops inflating an entry that lies about its size (in memory and streamed to disk)', async () => {
    const zeros = Buffer.alloc(8 * 1024 ** 2);
    expect(await refusal(put('liar.kmz', makeZip([{ name: 'doc.kml', data: zeros, declaredSize: 1000 }])))).toMatch(/inflates past its declared 1000 bytes/);
    expect(await refusal(put('liar.zip', makeZip([{ name: 'a.gpkg', data: zeros, declaredSize: 1000 }])))).toMatch(/inflates past its declared 1000 bytes/);
  });

  it('refuses truncated and corrupt zips', async () => {
    const good = makeZip([{ name: 'doc.kml', data: '<kml><Document/></kml>'.repeat(50) }]);
    expect(await refusal(put('cut.kmz', good.subarray(0, good.length - 30)))).toMatch(/truncated or corrupt \(no end-of-central-directory record\)/);
    const flipped = Buffer.from(good);
    flipped[40] = flipped[40]! ^ 0xff;
    expect(await refusal(put('crc.kmz', flipped))).toMatch(/zip entry doc\.kml is corrupt/);
    expect(await refusal(put('gdb.zip', makeZip([{ name: 'x.gdb/a00000001.gdbtable', data: 'x' }])))).toMatch(/File Geodatabase \(\.gdb\) is not supported/);
    expect(await refusal(put('none.zip', makeZip([{ name: 'readme.txt', data: 'x' }])))).toMatch(/zip holds no GeoPackage, shapefile, KML or GeoJSON \(entries: readme\.txt\)/);
  });

  it('gives one clear line for missing, empty, folder and unknown inputs, detecting by content not name', async () => {
    expect(await refusal(join(dir, 'missing.geojson'))).toMatch(/missing\.geojson: file not found/);
    expect(await refusal(put('empty.geojson', ''))).toMatch(/file is empty/);
    const folder = join(dir, 'fields.gdb');
    mkdirSync(folder);
    expect(await refusal(folder)).toMatch(/is a folder, not a file/);
    expect(await refusal(put('x.bin', Buffer.from([0xde, 0xad, 0xbe, 0xef])))).toMatch(/unrecognised file format \(extension \.bin\)/);
    expect(await refusal(put('x.gml', '<?xml version="1.0"?><gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml"/>'))).toMatch(/GML is not supported/);
    expect(await refusal(put('x.parquet', 'PAR1....'))).toMatch(/GeoParquet is not supported/);
    expect(await refusal(put('fields.csv', 'name,lon,lat\nA,1,2\n'))).toMatch(/unrecognised file format \(extension \.csv\)/);
    // A GeoJSON named .gpkg is read as GeoJSON.
    const r = await readLabels(put('mislabelled.gpkg', JSON.stringify({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] })));
    expect(r.format).toBe('geojson');
    expect(readFileSync(join(dir, 'mislabelled.gpkg')).length).toBeGreaterThan(0);
  });
});
