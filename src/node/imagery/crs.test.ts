import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CrsError, crsFromGeoKeys, epsgToProj4, knownEpsgCodes, lonLatTransform } from './crs';
import { hasGdal } from './fixtures.testutil';

describe('CRS from GeoKeys', () => {
  it('EPSG projected and geographic codes', () => {
    expect(crsFromGeoKeys({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 32619 })).toMatchObject({ id: 'EPSG:32619', epsg: 32619, geographic: false });
    expect(crsFromGeoKeys({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 32719 }).proj4).toMatch(/\+south/);
    expect(crsFromGeoKeys({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 3857 }).id).toBe('EPSG:3857');
    expect(crsFromGeoKeys({ GTModelTypeGeoKey: 2, GeographicTypeGeoKey: 4326 })).toMatchObject({ id: 'EPSG:4326', geographic: true });
    expect(crsFromGeoKeys({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 3031 }).proj4).toMatch(/lat_ts=-71/);
  });

  it('unknown EPSG codes and missing keys are clear errors', () => {
    expect(() => crsFromGeoKeys({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 2056 })).toThrow(/EPSG:2056 is not built in/);
    expect(() => crsFromGeoKeys(null)).toThrow(CrsError);
    expect(() => crsFromGeoKeys({ GTModelTypeGeoKey: 3 })).toThrow(/geocentric/);
    expect(() => crsFromGeoKeys({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 32767, ProjCoordTransGeoKey: 99 })).toThrow(/unsupported user-defined projection/);
  });

  it('rebuilds a user-defined polar stereographic CRS (NSIDC sea ice grid)', () => {
    const crs = crsFromGeoKeys({
      GTModelTypeGeoKey: 1, GeographicTypeGeoKey: 32767, GeogGeodeticDatumGeoKey: 32767, GeogEllipsoidGeoKey: 32767,
      GeogSemiMajorAxisGeoKey: 6378273, GeogInvFlatteningGeoKey: 298.279411123064, ProjectedCSTypeGeoKey: 32767, ProjectionGeoKey: 32767,
      ProjCoordTransGeoKey: 15, ProjLinearUnitsGeoKey: 9001, ProjNatOriginLatGeoKey: -70, ProjStraightVertPoleLongGeoKey: 0,
    });
    expect(crs.epsg).toBeNull();
    expect(crs.proj4).toBe('+proj=stere +lat_0=-90 +lat_ts=-70 +lon_0=0 +k=1 +x_0=0 +y_0=0 +a=6378273 +rf=298.279411123064 +units=m +no_defs');
    const [lon, lat] = lonLatTransform(crs).toLonLat(-3950000, 4350000);
    expect(lon).toBeCloseTo(-42.2408923413797, 9); // gdaltransform
    expect(lat).toBeCloseTo(-39.2308884002773, 9);
  });

  it('user-defined geographic CRS with a 7-parameter datum shift', () => {
    const crs = crsFromGeoKeys({ GTModelTypeGeoKey: 2, GeographicTypeGeoKey: 32767, GeogGeodeticDatumGeoKey: 32767, GeogEllipsoidGeoKey: 7004, GeogTOWGS84GeoKey: [598.1, 73.7, 418.2, 0.202, 0.045, -2.455, 6.7] });
    expect(crs.proj4).toContain('+ellps=bessel +towgs84=598.1,73.7,418.2,0.202,0.045,-2.455,6.7');
    const [lon, lat] = lonLatTransform(crs).toLonLat(8.999654601821101, 52.002778785678899);
    expect(lon).toBeCloseTo(8.99859742608012, 9); // gdaltransform
    expect(lat).toBeCloseTo(52.0014026174882, 9);
  });

  it('transforms out of the projection domain give NaN, not throws', () => {
    const [x] = lonLatTransform(crsFromGeoKeys({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 32619 })).toLonLat(1e12, 1e12);
    expect(Number.isFinite(x)).toBe(false);
  });

  it.skipIf(!hasGdal())('built-in EPSG definitions agree with PROJ (gdaltransform) to 1 mm', () => {
    const lonlat: Record<string, [number, number]> = { '3031': [110, -70], '3413': [-40, 75], '3976': [10, -75], '3995': [20, 80], '32661': [30, 85], '32761': [30, -85], '3035': [10, 50], '3577': [135, -25] };
    // every non-UTM projected code, and a few zones of each UTM family (one spawn per code)
    const utmSample = [32601, 32619, 32660, 32701, 32733, 32760, 26901, 26918, 25828, 25832, 25838];
    const codes = knownEpsgCodes().filter((c) => c === 3857 || c === 5041 || c === 5042 || (c > 3000 && c < 9000 && c !== 4167 && c !== 4258 && c !== 4269 && c !== 4283) || utmSample.includes(c) || c === 32661 || c === 32761);
    for (const code of codes) {
      const def = epsgToProj4(code)!;
      expect(def, `EPSG:${code}`).toBeTruthy();
      const zone = code % 100;
      const utm = (code >= 32601 && code <= 32660) || (code >= 32701 && code <= 32760) || (code >= 26901 && code <= 26923) || (code >= 25828 && code <= 25838);
      const south = code >= 32701 && code <= 32760;
      const [lon, lat] = lonlat[String(code)] ?? (utm ? [-183 + 6 * zone + 1, south ? -30 : 45] : [10, 40]);
      const mine = lonLatTransform({ id: `EPSG:${code}`, epsg: code, proj4: def, geographic: false }).fromLonLat(lon, lat);
      // gdaltransform reads and writes in traditional GIS order (lon lat / easting northing)
      const out = execFileSync('gdaltransform', ['-s_srs', 'EPSG:4326', '-t_srs', `EPSG:${code}`], { input: `${lon} ${lat}\n`, encoding: 'utf8' });
      const [gx, gy] = out.trim().split(/\s+/).map(Number);
      const ok = Math.abs(mine[0] - gx!) < 1e-3 && Math.abs(mine[1] - gy!) < 1e-3;
      expect(ok, `EPSG:${code}: ours ${mine.join(',')} vs PROJ ${gx},${gy}`).toBe(true);
    }
  });
});
