import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ApiError } from '../../../common/api/errors';
import { openImage } from '../../imagery/open-image';
import { emptyPng } from '../../imagery/png';
import { renderTile, resolveRenderOptions } from '../../imagery/render-tile';
import { isUrl } from '../../imagery/source';
import { isValidTile } from '../../imagery/tile-math';
import type { CliCommand } from '../command';

function intArg(name: string, raw: unknown): number {
  if (typeof raw !== 'string' || !/^\s*\d+\s*$/.test(raw)) {
    throw new ApiError('BAD_ARGUMENTS', `tile: --${name} must be a non-negative integer${raw === undefined ? ' (missing)' : `, got "${String(raw)}"`}`);
  }
  return Number(raw);
}

function listArg(name: string, raw: unknown, n: number): number[] | undefined {
  if (raw === undefined) return undefined;
  const parts = typeof raw === 'string' ? raw.split(',').map((p) => p.trim()) : [];
  const nums = parts.map(Number);
  if (parts.length !== n || parts.some((p) => p === '') || !nums.every(Number.isFinite)) {
    throw new ApiError('BAD_ARGUMENTS', `tile: --${name} takes ${n} comma-separated numbers, got "${String(raw)}"`);
  }
  return nums;
}

/**
 * `fieldmark tile --image FILE|URL --z Z --x X --y Y [--bands 3,2,1] [--stretch 2,98] [--size 256] --out FILE.png`.
 * A tile that misses the image is written as a fully transparent PNG (what a map client wants),
 * and the result says `empty: true`.
 */
export const tileCommand: CliCommand = {
  name: 'tile',
  summary: 'renders one web-mercator XYZ tile of a GeoTIFF to an RGBA PNG (transparent where the image has no data)',
  usage: '--image FILE|URL --z Z --x X --y Y [--bands 3,2,1] [--stretch 2,98] [--size 256|512] [--mode rgb|ndvi|mask] [--gamma G] [--brightness B] [--contrast C] --out FILE.png',
  options: {
    image: { type: 'string', description: 'a GeoTIFF / COG path or an http(s) URL' },
    z: { type: 'string', description: 'zoom level' },
    x: { type: 'string', description: 'tile column' },
    y: { type: 'string', description: 'tile row (XYZ: 0 at the top)' },
    bands: { type: 'string', description: '1-based bands for red,green,blue (default 3,2,1: true colour for B,G,R,NIR)' },
    stretch: { type: 'string', description: 'low,high percentiles of the per-band stretch (default 2,98)' },
    size: { type: 'string', description: 'tile size in pixels, 256 (default) or 512' },
    mode: { type: 'string', description: 'rgb (default), ndvi (NIR and red by band role), or mask (the image is a UDM2 cloud mask)' },
    gamma: { type: 'string', description: 'gamma 0.1-10 (default 1)' },
    brightness: { type: 'string', description: 'brightness -1..1 (default 0)' },
    contrast: { type: 'string', description: 'contrast 0-10 (default 1)' },
    out: { type: 'string', description: 'the PNG file to write' },
  },
  async run(opts, _positionals, ctx) {
    const image = opts['image'];
    if (typeof image !== 'string' || image === '') throw new ApiError('BAD_ARGUMENTS', 'tile: --image FILE|URL is required');
    const out = opts['out'];
    if (typeof out !== 'string' || out === '') throw new ApiError('BAD_ARGUMENTS', 'tile: --out FILE.png is required');
    const z = intArg('z', opts['z']);
    const x = intArg('x', opts['x']);
    const y = intArg('y', opts['y']);
    if (!isValidTile(z, x, y)) throw new ApiError('BAD_ARGUMENTS', `tile: ${z}/${x}/${y} is not a valid XYZ tile (0 <= x, y < 2^z, z <= 30)`);
    const bands = listArg('bands', opts['bands'], 3) as [number, number, number] | undefined;
    const stretch = listArg('stretch', opts['stretch'], 2) as [number, number] | undefined;
    const sizeRaw = opts['size'];
    const size = sizeRaw === undefined ? 256 : Number(sizeRaw);
    if (size !== 256 && size !== 512) throw new ApiError('BAD_ARGUMENTS', `tile: --size must be 256 or 512, got "${String(sizeRaw)}"`);

    const mode = opts['mode'];
    if (mode !== undefined && mode !== 'rgb' && mode !== 'ndvi' && mode !== 'mask') throw new ApiError('BAD_ARGUMENTS', `tile: --mode must be rgb, ndvi or mask, got "${String(mode)}"`);
    const num = (name: string): number | undefined => {
      const raw = opts[name];
      if (raw === undefined) return undefined;
      const v = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(v)) throw new ApiError('BAD_ARGUMENTS', `tile: --${name} must be a number, got "${String(raw)}"`);
      return v;
    };
    const tone = { gamma: num('gamma'), brightness: num('brightness'), contrast: num('contrast') };

    const t0 = performance.now();
    const img = await openImage(isUrl(image) ? image : resolve(ctx.cwd, image));
    let png: Buffer | null;
    try {
      const renderOpts = resolveRenderOptions(img, { ...(bands ? { bands } : {}), ...(stretch ? { stretch } : {}), size });
      png = await renderTile(img, z, x, y, {
        ...renderOpts,
        bandRoles: img.bandRoles,
        ...(mode ? { mode } : {}),
        ...(tone.gamma !== undefined ? { gamma: tone.gamma } : {}),
        ...(tone.brightness !== undefined ? { brightness: tone.brightness } : {}),
        ...(tone.contrast !== undefined ? { contrast: tone.contrast } : {}),
      });
    } finally {
      await img.close();
    }
    const empty = png === null;
    const bytes = png ?? emptyPng(size);
    const outPath = resolve(ctx.cwd, out);
    try {
      await writeFile(outPath, bytes);
    } catch (e) {
      throw new ApiError('BAD_ARGUMENTS', `tile: cannot write --out ${out} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const ms = Math.round((performance.now() - t0) * 10) / 10;
    const value = { bytes: bytes.length, ms, empty };
    const text = empty
      ? `${out}: tile ${z}/${x}/${y} does not intersect ${image}; wrote a fully transparent ${size} px PNG (${bytes.length} bytes)`
      : `${out}: ${bytes.length} bytes in ${ms} ms`;
    return { value, text };
  },
};
