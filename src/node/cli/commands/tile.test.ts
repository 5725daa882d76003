import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeArrayBuffer } from 'geotiff';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../common/api/errors';
import { tempDir } from '../../imagery/fixtures.testutil';
import { tileBounds3857 } from '../../imagery/tile-math';
import type { CliContext } from '../command';
import { infoCommand } from './info';
import { tileCommand } from './tile';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const ctx: CliContext = {
  json: true,
  cwd: tmp.dir,
  say: () => undefined,
  progress: () => ({ tick: () => undefined, done: () => undefined }),
  stopped: new Promise(() => undefined),
};

// 4-band uint16 GeoTIFF (written by geotiff.js) exactly covering tile 14/4844/6074
const [minx, , maxx, maxy] = tileBounds3857(14, 4844, 6074);
writeFileSync(
  join(tmp.dir, 'scene.tif'),
  Buffer.from(
    writeArrayBuffer(new Uint16Array(128 * 128 * 4).map((_, i) => 500 + ((i * 13) % 3000)), {
      width: 128, height: 128, SamplesPerPixel: 4, BitsPerSample: [16, 16, 16, 16], SampleFormat: [1, 1, 1, 1], PlanarConfiguration: 1,
      ModelPixelScale: [(maxx - minx) / 128, (maxx - minx) / 128, 0], ModelTiepoint: [0, 0, 0, minx, maxy, 0],
      GTModelTypeGeoKey: 1, GTRasterTypeGeoKey: 1, ProjectedCSTypeGeoKey: 3857, GDAL_NODATA: '0',
    } as never),
  ),
);

async function fails(p: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(ApiError);
  expect((e as ApiError).code).toBe(code);
  expect((e as ApiError).message).toMatch(pattern);
}

describe('fieldmark info', () => {
  it('prints the CLI.md shape (relative paths resolve against cwd)', async () => {
    const r = await infoCommand.run({ image: 'scene.tif' }, [], ctx);
    expect(Object.keys(r.value as object).sort()).toEqual(['bandRoles', 'bandRolesFrom', 'bands', 'bounds4326', 'crs', 'dtype', 'height', 'nodata', 'overviews', 'tileSize', 'width']);
    expect(r.value).toMatchObject({ bandRoles: ['blue', 'green', 'red', 'nir'], bandRolesFrom: 'assumed' });
    expect(r.text).toMatch(/bands blue,green,red,nir \(assumed: the file does not name them\)/);
    expect(r.value).toMatchObject({ width: 128, height: 128, bands: 4, dtype: 'uint16', crs: 'EPSG:3857', overviews: 0, tileSize: null, nodata: 0 });
    expect(r.text).toMatch(/128 x 128 px, 4 bands uint16/);
  });
  it('bad arguments and bad input', async () => {
    await fails(infoCommand.run({}, [], ctx), 'BAD_ARGUMENTS', /--image/);
    await fails(infoCommand.run({ image: 'missing.tif' }, [], ctx), 'NOT_FOUND', /missing\.tif: no such file/);
  });
});

describe('fieldmark tile', () => {
  it('writes a PNG and reports {bytes, ms}', async () => {
    const r = await tileCommand.run({ image: 'scene.tif', z: '14', x: '4844', y: '6074', out: 't.png' }, [], ctx);
    const png = readFileSync(join(tmp.dir, 't.png'));
    expect(r.value).toMatchObject({ bytes: png.length, empty: false });
    expect((r.value as { ms: number }).ms).toBeGreaterThan(0);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(256);
    const r2 = await tileCommand.run({ image: 'scene.tif', z: '14', x: '4844', y: '6074', bands: '4,3,2', stretch: '1,99', size: '512', out: 'f.png' }, [], ctx);
    expect(readFileSync(join(tmp.dir, 'f.png')).readUInt32BE(16)).toBe(512);
    expect((r2.value as { empty: boolean }).empty).toBe(false);
  });
  it('NDVI, the tone options, and their bad values', async () => {
    const base = { image: 'scene.tif', z: '14', x: '4844', y: '6074' };
    const plain = await tileCommand.run({ ...base, out: 'p.png' }, [], ctx);
    const toned = await tileCommand.run({ ...base, gamma: '1.5', brightness: '0.1', contrast: '1.2', out: 'g.png' }, [], ctx);
    expect(readFileSync(join(tmp.dir, 'g.png')).equals(readFileSync(join(tmp.dir, 'p.png')))).toBe(false);
    expect((toned.value as { empty: boolean }).empty).toBe((plain.value as { empty: boolean }).empty);
    await tileCommand.run({ ...base, mode: 'ndvi', out: 'n.png' }, [], ctx);
    expect(readFileSync(join(tmp.dir, 'n.png')).subarray(1, 4).toString()).toBe('PNG');
    await fails(tileCommand.run({ ...base, mode: 'hsv', out: 'x.png' }, [], ctx), 'BAD_ARGUMENTS', /--mode must be rgb, ndvi or mask/);
    await fails(tileCommand.run({ ...base, gamma: '0', out: 'x.png' }, [], ctx), 'BAD_ARGUMENTS', /gamma 0: must be within 0\.1\.\.10/);
    await fails(tileCommand.run({ ...base, contrast: 'x', out: 'x.png' }, [], ctx), 'BAD_ARGUMENTS', /--contrast must be a number/);
    await fails(tileCommand.run({ ...base, mode: 'mask', out: 'x.png' }, [], ctx), 'BAD_INPUT', /a cloud mask is a Planet UDM2/);
  });
  it('a tile outside the image is written fully transparent and flagged', async () => {
    const r = await tileCommand.run({ image: 'scene.tif', z: '14', x: '100', y: '100', out: 'o.png' }, [], ctx);
    expect(r.value).toMatchObject({ empty: true });
    expect(r.text).toMatch(/does not intersect/);
    expect(readFileSync(join(tmp.dir, 'o.png')).length).toBe((r.value as { bytes: number }).bytes);
  });
  it('bad arguments are BAD_ARGUMENTS with one line', async () => {
    const ok = { image: 'scene.tif', z: '14', x: '4844', y: '6074', out: 'b.png' };
    await fails(tileCommand.run({ ...ok, out: undefined }, [], ctx), 'BAD_ARGUMENTS', /--out FILE\.png is required/);
    await fails(tileCommand.run({ ...ok, z: '1.5' }, [], ctx), 'BAD_ARGUMENTS', /--z must be a non-negative integer, got "1\.5"/);
    await fails(tileCommand.run({ ...ok, x: undefined }, [], ctx), 'BAD_ARGUMENTS', /--x .*missing/);
    await fails(tileCommand.run({ ...ok, x: '99999' }, [], ctx), 'BAD_ARGUMENTS', /not a valid XYZ tile/);
    await fails(tileCommand.run({ ...ok, bands: '5,3,2' }, [], ctx), 'BAD_ARGUMENTS', /bands 5,3,2: scene\.tif has 4 bands/);
    await fails(tileCommand.run({ ...ok, bands: 'r,g,b' }, [], ctx), 'BAD_ARGUMENTS', /--bands takes 3 comma-separated numbers/);
    await fails(tileCommand.run({ ...ok, stretch: '98,2' }, [], ctx), 'BAD_ARGUMENTS', /stretch 98,2/);
    await fails(tileCommand.run({ ...ok, size: '300' }, [], ctx), 'BAD_ARGUMENTS', /--size must be 256 or 512/);
    await fails(tileCommand.run({ ...ok, out: 'no/such/dir/t.png' }, [], ctx), 'BAD_ARGUMENTS', /cannot write --out/);
    await fails(tileCommand.run({ ...ok, image: 'missing.tif' }, [], ctx), 'NOT_FOUND', /no such file/);
  });
});
