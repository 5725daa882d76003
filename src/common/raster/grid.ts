/**
 * A north-up raster grid over a planar (or lon/lat) coordinate system.
 *
 * Pixel (i, j) (column i, row j, row 0 at the top) covers
 *   x in [originX + i*pixelX, originX + (i+1)*pixelX],  y in [originY - (j+1)*pixelY, originY - j*pixelY].
 * Its centre is therefore at (originX + (i+0.5)*pixelX, originY - (j+0.5)*pixelY).
 * Arrays over a grid are row-major: index = j*width + i.
 * The GDAL geotransform of such a grid is [originX, pixelX, 0, originY, 0, -pixelY].
 */
export interface GridSpec {
  originX: number;
  originY: number;
  pixelX: number;
  pixelY: number;
  width: number;
  height: number;
}

export type GeoTransform = [number, number, number, number, number, number];

export function geoTransformOf(g: GridSpec): GeoTransform {
  return [g.originX, g.pixelX, 0, g.originY, 0, -g.pixelY];
}

/** Typed arrays a grid may be painted into. */
export type PaintTarget = Int32Array | Uint8Array | Uint16Array | Float32Array | Float64Array;
