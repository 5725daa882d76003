/**
 * Clips a scene (or its cloud mask) to a lon/lat box as a COG for an offline package: the box's
 * outline is transformed to the file's CRS, the full-resolution pixels of that window are read
 * (readWindow) and written by our COG writer with the same CRS, pixel size and band roles
 * (band descriptions), so the package's tiles look exactly like the server's.
 */
import type { BBox } from '../../common/geo/geojson';
import { encodeCogAsync, type CogDtype } from '../imagery/cog-writer';
import { lonLatTransform } from '../imagery/crs';
import { applyGeoTransform, invertGeoTransform } from '../imagery/georef';
import { readWindow } from '../imagery/read-window';
import type { ImageryCache } from '../service/imagery-cache';

export interface Clip {
  bytes: Buffer;
  width: number;
  height: number;
}

/** The clip, or null when the box misses the image; a string says why it cannot be clipped. */
export async function clipToBox(imagery: ImageryCache, path: string, box: BBox): Promise<Clip | null | string> {
  return imagery.use(path, async (img) => {
    if (img.crs.epsg === null) return `${img.name}: a CRS without an EPSG code cannot be clipped for a package`;
    const gt = img.geoTransform;
    if (gt[2] !== 0 || gt[4] !== 0) return `${img.name}: a rotated image cannot be clipped for a package`;
    const t = lonLatTransform(img.crs);
    const inv = invertGeoTransform(gt);
    let [c0, r0, c1, r1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (let k = 0; k <= 8; k++) {
      const f = k / 8;
      for (const [lon, lat] of [
        [box[0] + f * (box[2] - box[0]), box[1]],
        [box[0] + f * (box[2] - box[0]), box[3]],
        [box[0], box[1] + f * (box[3] - box[1])],
        [box[2], box[1] + f * (box[3] - box[1])],
      ] as [number, number][]) {
        const [x, y] = t.fromLonLat(lon, lat);
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        const [c, r] = applyGeoTransform(inv, x, y);
        c0 = Math.min(c0, c);
        c1 = Math.max(c1, c);
        r0 = Math.min(r0, r);
        r1 = Math.max(r1, r);
      }
    }
    const x0 = Math.max(0, Math.floor(c0) - 1);
    const y0 = Math.max(0, Math.floor(r0) - 1);
    const x1 = Math.min(img.width, Math.ceil(c1) + 1);
    const y1 = Math.min(img.height, Math.ceil(r1) + 1);
    if (!(x1 > x0 && y1 > y0)) return null;
    const samples = Array.from({ length: img.bands }, (_, i) => i);
    const fill = img.nodata !== null && Number.isFinite(img.nodata) ? img.nodata : 0;
    const data = await readWindow(img, img.levels[0]!, [x0, y0, x1, y1], samples, fill);
    const dtype: CogDtype = img.dtype === 'uint8' || img.dtype === 'uint16' || img.dtype === 'float32' ? img.dtype : 'float32';
    const [originX, originY] = applyGeoTransform(gt, x0, y0);
    const bytes = await encodeCogAsync({
      width: x1 - x0,
      height: y1 - y0,
      dtype,
      bands: data,
      geo: { epsg: img.crs.epsg, originX, originY, pixelSizeX: gt[1], pixelSizeY: Math.abs(gt[5]) },
      ...(img.nodata !== null && Number.isFinite(img.nodata) ? { nodata: img.nodata } : {}),
      bandDescriptions: img.bandRoles,
    });
    return { bytes, width: x1 - x0, height: y1 - y0 };
  });
}
