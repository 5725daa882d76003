import { ApiError } from '../../../common/api/errors';
import { imageInfo } from '../../imagery/image-info';
import { isUrl } from '../../imagery/source';
import type { CliCommand } from '../command';
import { resolve } from 'node:path';

/** `fieldmark info --image FILE|URL`: a GeoTIFF's header (CLI.md). */
export const infoCommand: CliCommand = {
  name: 'info',
  summary: "reads a GeoTIFF's header: size, bands, type, CRS, lon/lat bounds, overviews, tiling, nodata",
  usage: '--image FILE|URL',
  options: {
    image: { type: 'string', description: 'a GeoTIFF / COG path or an http(s) URL' },
  },
  async run(opts, _positionals, ctx) {
    const image = opts['image'];
    if (typeof image !== 'string' || image === '') throw new ApiError('BAD_ARGUMENTS', 'info: --image FILE|URL is required');
    const value = await imageInfo(isUrl(image) ? image : resolve(ctx.cwd, image));
    const [w, s, e, n] = value.bounds4326.map((v) => v.toFixed(6));
    const text = [
      `${image}: ${value.width} x ${value.height} px, ${value.bands} band${value.bands === 1 ? '' : 's'} ${value.dtype}`,
      `crs ${value.crs}`,
      `bounds (lon/lat) ${w}, ${s} .. ${e}, ${n}`,
      `${value.tileSize ? `tiles ${value.tileSize[0]}x${value.tileSize[1]}` : 'strips'}, ${value.overviews} overview${value.overviews === 1 ? '' : 's'}, nodata ${value.nodata ?? 'none'}`,
      `bands ${value.bandRoles.join(',')} (${value.bandRolesFrom === 'file' ? 'as the file names them' : 'assumed: the file does not name them'})`,
    ].join('\n');
    return { value, text };
  },
};
