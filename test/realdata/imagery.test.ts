/**
 * The imagery path on real third-party GeoTIFFs from ../shared/realdata (PlanetScope chips,
 * Sentinel-2, derived COGs, the GeoTIFF/test-data edge cases), checked against GDAL.
 * Skips when the folder is absent; the GDAL comparisons skip when gdalinfo is absent.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compareWithGdal, GDAL_TYPE, gdalInfoJson, gdalPixelsToLonLat, hasGdal, tempDir } from '../../src/node/imagery/fixtures.testutil';
import { edgeSamplePixels } from '../../src/node/imagery/georef';
import { imageInfo } from '../../src/node/imagery/image-info';
import { openImage } from '../../src/node/imagery/open-image';
import { lonLatToTile } from '../../src/node/imagery/tile-math';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const REAL = resolve(repoRoot, '../shared/realdata');
const haveReal = existsSync(join(REAL, 'imagery'));
const img = (p: string): string => join(REAL, 'imagery', p);
const suite = (p: string): string => join(REAL, 'format_suites/geotiff_test_data', p);
const list = (dir: string, re: RegExp): string[] => (existsSync(img(dir)) ? readdirSync(img(dir)).filter((f) => re.test(f)).map((f) => img(join(dir, f))) : []);

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** lon/lat -> pixel with PROJ, to tell whether a pole lies inside a raster. */
function poleInside(file: string, lat: number, w: number, h: number): boolean {
  const out = execFileSync('gdaltransform', ['-i', '-t_srs', 'EPSG:4326', file], { input: `0 ${lat}\n`, encoding: 'utf8' });
  const [c, r] = out.trim().split(/\s+/).map(Number);
  return c! >= 0 && c! <= w && r! >= 0 && r! <= h;
}

describe.skipIf(!haveReal)('real GeoTIFFs', () => {
  const infoFiles = [
    ...list('planetscope_whittier_MA/utm19n_timeseries', /BGRN_SR_clip\.tif$/).slice(0, 3),
    ...list('planetscope_whittier_MA/utm19n_timeseries', /udm2_clip\.tif$/).slice(0, 1),
    ...list('planetscope_whittier_MA/utm18n_same_day_overlapping_scenes', /\.tif$/),
    ...list('planetscope_whittier_MA/resampled_1m_multisensor', /\.tif$/),
    ...list('derived_cogs', /\.tif$/),
    img('sentinel2_ftw_austria/inference-img.tif'),
    img('planetscope_scene_edgecase_harvey/20170831_172754_101c_3B_AnalyticMS.tif'),
    suite('no_pixelscale_or_tiepoints.tiff'), // ModelTransformation only
    suite('utm.tif'), // non-square pixels
    suite('nt_20201024_f18_nrt_s.tif'), // user-defined polar stereographic, contains the south pole
    suite('GeogToWGS84GeoKey5.tif'), // user-defined geographic CRS with a datum shift
    suite('nz_habitat_anticross_4326_1deg.tif'), // antimeridian
    suite('GA4886_VanderfordGlacier_2022_EGM2008_64m-epsg3031.cog'), // EPSG:3031, PixelIsPoint, 3 overviews
    suite('LisbonElevation.tif'),
    suite('wind_direction.tif'),
  ];

  describe.skipIf(!hasGdal())('imageInfo agrees with gdalinfo', () => {
    for (const file of infoFiles) {
      it(file.slice(REAL.length + 1), async () => {
        const gi = gdalInfoJson(file);
        const info = await imageInfo(file);
        expect([info.width, info.height]).toEqual(gi.size);
        expect(info.bands).toBe(gi.bands.length);
        expect(GDAL_TYPE[info.dtype]).toBe(gi.bands[0]!.type);
        expect(info.overviews).toBe(gi.bands[0]!.overviews?.length ?? 0);
        const nd = gi.bands[0]!.noDataValue;
        const wantNd = nd === undefined || !Number.isFinite(nd) ? null : nd;
        // gdalinfo prints float32 nodata rounded to float precision
        if (info.dtype === 'float32' && wantNd !== null && info.nodata !== null) expect(Math.fround(info.nodata)).toBe(Math.fround(wantNd));
        else expect(info.nodata).toBe(wantNd);
        const o = await openImage(file);
        try {
          o.geoTransform.forEach((v, i) => expect(Math.abs(v - gi.geoTransform[i]!), `geotransform[${i}]`).toBeLessThan(1e-6 * Math.max(1, Math.abs(v))));
        } finally {
          await o.close();
        }
        // bounds: PROJ on the same densified outline, poles checked by PROJ's inverse
        const ll = gdalPixelsToLonLat(file, edgeSamplePixels(info.width, info.height));
        const want = [Math.min(...ll.map((p) => p[0])), Math.min(...ll.map((p) => p[1])), Math.max(...ll.map((p) => p[0])), Math.max(...ll.map((p) => p[1]))];
        if (!info.crs.startsWith('EPSG:4326') && poleInside(file, -90, info.width, info.height)) want.splice(0, 4, -180, -90, 180, want[3]!);
        info.bounds4326.forEach((v, i) => expect(Math.abs(v - want[i]!), `bounds4326[${i}] ${v} vs ${want[i]}`).toBeLessThan(1e-6));
        // and the corners gdalinfo reports (7 decimals) lie inside them
        for (const [lon, lat] of gi.wgs84Extent?.coordinates[0] ?? []) {
          expect(lon! >= info.bounds4326[0] - 1e-6 && lon! <= info.bounds4326[2] + 1e-6).toBe(true);
          expect(lat! >= info.bounds4326[1] - 1e-6 && lat! <= info.bounds4326[3] + 1e-6).toBe(true);
        }
      });
    }
  });

  it('known headers (no GDAL needed)', async () => {
    const cog = await imageInfo(img('derived_cogs/whittier_planetscope_BGRN_2020-07-05_cog.tif'));
    expect(cog).toMatchObject({ width: 221, height: 253, bands: 4, dtype: 'uint16', crs: 'EPSG:32619', overviews: 2, tileSize: [64, 64], nodata: 0 });
    expect(cog.bounds4326[0]).toBeCloseTo(-71.8114182, 6);
    expect(cog.bounds4326[3]).toBeCloseTo(42.1254047, 6);
    expect(await imageInfo(img('sentinel2_ftw_austria/inference-img.tif'))).toMatchObject({ bands: 8, tileSize: null, crs: 'EPSG:32633' });
    const nt = await imageInfo(suite('nt_20201024_f18_nrt_s.tif'));
    expect(nt.crs).toMatch(/^\+proj=stere \+lat_0=-90 \+lat_ts=-70/);
    expect(nt.bounds4326.slice(0, 3)).toEqual([-180, -90, 180]);
    const nz = await imageInfo(suite('nz_habitat_anticross_4326_1deg.tif'));
    expect(nz.bounds4326[0]).toBeCloseTo(-180, 5);
    expect(nz.bounds4326[2]).toBeCloseTo(180, 5);
    const glacier = await imageInfo(suite('GA4886_VanderfordGlacier_2022_EGM2008_64m-epsg3031.cog'));
    expect(glacier).toMatchObject({ crs: 'EPSG:3031', overviews: 3, tileSize: [512, 512] });
  });

  describe.skipIf(!hasGdal())('rendered tiles match gdalwarp + the same stretch', () => {
    const chip = list('planetscope_whittier_MA/utm19n_timeseries', /2020-07-05.*BGRN_SR_clip\.tif$/)[0]!;
    const cases: Array<[string, string, number[]]> = [
      ['PlanetScope UTM 19 chip', chip, [16, 15]],
      ['PlanetScope chip delivered in UTM 18 (out of zone)', list('planetscope_whittier_MA/utm18n_same_day_overlapping_scenes', /1858525.*SR_clip\.tif$/)[0]!, [16]],
      ['derived COG, full resolution and overviews', img('derived_cogs/whittier_planetscope_BGRN_2020-07-05_cog.tif'), [16, 14, 13]],
      ['Sentinel-2 strip GeoTIFF (8 bands)', img('sentinel2_ftw_austria/inference-img.tif'), [15, 14]],
      ['Sentinel-2 COG, 128 px tiles', img('derived_cogs/ftw_austria_s2_windowA_BGRN_cog_block128.tif'), [15, 13]],
      ['PlanetScope scene with non-square pixels', img('planetscope_scene_edgecase_harvey/20170831_172754_101c_3B_AnalyticMS.tif'), [13]],
    ];
    for (const [label, file, zooms] of cases) {
      it(label, async () => {
        const o = await openImage(file);
        try {
          const [w, s, e, n] = o.bounds4326;
          for (const z of zooms) {
            const t = lonLatToTile((w + e) / 2, (s + n) / 2, z);
            const r = await compareWithGdal(o, file, z, t.x, t.y, {}, tmp.dir);
            if (process.env.FIELDMARK_SHOW_MAD) console.log(`${label} z${z} level ${r.level} MAD ${r.mad.map((v) => v.toFixed(3))} alpha mismatch ${r.alphaMismatch.toFixed(4)} n=${r.both}`);
            expect(r.both, `z${z}`).toBeGreaterThan(500);
            expect(r.alphaMismatch, `z${z} transparency`).toBeLessThan(0.01);
            for (const m of r.mad) expect(m, `z${z} level ${r.level} MAD ${r.mad.map((v) => v.toFixed(2))}`).toBeLessThan(3);
          }
        } finally {
          await o.close();
        }
      });
    }
  });
});
