/**
 * Risk maps as single-band float32 Cloud-Optimized GeoTIFFs (DOMAIN.md 3), EPSG:4326, with the
 * consensus grid's geotransform [minLon, dLon, 0, maxLat, 0, -dLat]; values r = min(C, 1 - C)
 * in [0, 0.5] (pixels outside the cell polygon are 0).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ConsensusGrid } from '../../common/consensus';
import { writeCog } from '../imagery/cog-writer';

export async function writeRiskCog(path: string, grid: ConsensusGrid, description = 'consensus risk min(C, 1 - C)'): Promise<{ bytes: number }> {
  const [originX, pixelX, , originY, , negPixelY] = grid.geoTransform;
  mkdirSync(dirname(path), { recursive: true });
  const r = await writeCog(path, {
    width: grid.width,
    height: grid.height,
    dtype: 'float32',
    bands: [grid.risk],
    geo: { epsg: 4326, originX, originY, pixelSizeX: pixelX, pixelSizeY: -negPixelY },
    description,
    bandDescriptions: ['risk'],
  });
  return { bytes: r.bytes };
}
