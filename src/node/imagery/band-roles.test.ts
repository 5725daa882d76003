import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assumedRoles, detectBandRoles, gdalBandDescriptions, jsonBandNames, normalizeRole, parseBandRoles } from './band-roles';
import { openImage } from './open-image';

const REAL = resolve(fileURLToPath(new URL('../../../', import.meta.url)), '../shared/realdata/imagery');

describe('band roles', () => {
  it('normalizes common band names', () => {
    expect(['Blue', 'GREEN', 'red', 'NIR', 'Red Edge', 'Coastal Blue', 'Green I', 'B08', 'near-infrared'].map(normalizeRole)).toEqual([
      'blue', 'green', 'red', 'nir', 'rededge', 'coastal_blue', 'green_i', 'nir', 'nir',
    ]);
    expect(normalizeRole('thermal')).toBeNull();
  });

  it('reads GDAL band descriptions and JSON band lists; falls back to Planet order by band count', () => {
    const xml = '<GDALMetadata>\n<Item name="DESCRIPTION" sample="0" role="description">Red</Item>\n<Item name="DESCRIPTION" sample="1" role="description">Green</Item>\n<Item name="DESCRIPTION" sample="2" role="description">Blue</Item>\n<Item name="DESCRIPTION" sample="3" role="description">NIR</Item>\n</GDALMetadata>';
    expect(gdalBandDescriptions(xml, 4)).toEqual(['Red', 'Green', 'Blue', 'NIR']);
    expect(detectBandRoles(4, xml, null)).toEqual({ roles: ['red', 'green', 'blue', 'nir'], from: 'file' });
    const json = JSON.stringify({ bands: [{ name: 'nir' }, { common_name: 'red' }, 'green'] });
    expect(jsonBandNames(json, 3)).toEqual(['nir', 'red', 'green']);
    expect(detectBandRoles(3, null, json)).toEqual({ roles: ['nir', 'red', 'green'], from: 'file' });
    // Planet's SR JSON says nothing about bands: the 4-band convention B,G,R,NIR is assumed.
    expect(detectBandRoles(4, null, '{"atmospheric_correction": {"aot_used": 0.05}}')).toEqual({ roles: ['blue', 'green', 'red', 'nir'], from: 'assumed' });
    // one unknown description: the file does not say enough, the convention wins
    expect(detectBandRoles(4, xml.replace('NIR', 'thermal'), null).from).toBe('assumed');
    expect(assumedRoles(8)).toEqual(['coastal_blue', 'blue', 'green_i', 'green', 'yellow', 'red', 'rededge', 'nir']);
  });

  it('checks an explicit mapping', () => {
    expect(parseBandRoles(['B', 'G', 'R', 'NIR'], 4)).toEqual({ roles: ['blue', 'green', 'red', 'nir'] });
    expect(parseBandRoles(['red', 'green', 'blue'], 4)).toEqual({ error: 'band roles: 3 given for 4 bands (red,green,blue)' });
    expect(parseBandRoles(['red', 'red', 'blue', 'nir'], 4)).toEqual({ error: 'band roles: "red" given twice' });
    expect('error' in parseBandRoles(['red', 'green', 'blue', 'lava'], 4)).toBe(true);
  });

  it.skipIf(!existsSync(REAL))('never trusts ColorInterp alone: Planet AnalyticMS says R,G,B but is B,G,R,NIR', async () => {
    const img = await openImage(join(REAL, 'planetscope_scene_edgecase_harvey/20170831_172754_101c_3B_AnalyticMS.tif'));
    try {
      expect(img.bandRoles).toEqual(['blue', 'green', 'red', 'nir']);
      expect(img.bandRolesFrom).toBe('assumed');
    } finally {
      await img.close();
    }
  });
});
