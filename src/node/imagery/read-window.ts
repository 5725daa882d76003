/**
 * Reads a pixel window of one pyramid level through geotiff.js, after checking that every block
 * it needs lies inside the file, so a truncated file fails with "tile N at byte B is past the
 * end of the S-byte file" instead of zeros or a RangeError.
 */
import { ApiError } from '../../common/api/errors';
import type { ImageLevel, OpenedImage } from './open-image';
import { guard, toImageryError } from './imagery-errors';
import { PastEndError } from './source';

export type Samples = Float32Array | Float64Array | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

/** [x0, y0, x1, y1] in level pixels, x1/y1 exclusive. */
export type PixelWindow = [number, number, number, number];

/** Block indices (as the TileOffsets / StripOffsets arrays count them) a window touches. */
export function blocksForWindow(level: Pick<ImageLevel, 'width' | 'height' | 'blockWidth' | 'blockHeight'>, win: PixelWindow, samples: number[], planar: 1 | 2, bands: number): number[] {
  const across = Math.ceil(level.width / level.blockWidth);
  const down = Math.ceil(level.height / level.blockHeight);
  const bx0 = Math.max(0, Math.floor(win[0] / level.blockWidth));
  const bx1 = Math.min(across, Math.ceil(win[2] / level.blockWidth));
  const by0 = Math.max(0, Math.floor(win[1] / level.blockHeight));
  const by1 = Math.min(down, Math.ceil(win[3] / level.blockHeight));
  const out: number[] = [];
  const planes = planar === 2 ? samples.filter((s) => s >= 0 && s < bands) : [0];
  for (const p of planes)
    for (let by = by0; by < by1; by++) for (let bx = bx0; bx < bx1; bx++) out.push(p * across * down + by * across + bx);
  return out;
}

async function checkBlocks(img: OpenedImage, level: ImageLevel, win: PixelWindow, samples: number[]): Promise<void> {
  const size = img.source.size();
  if (size === null) return;
  const fd = level.image.getFileDirectory();
  const offTag = level.tiled ? 'TileOffsets' : 'StripOffsets';
  const cntTag = level.tiled ? 'TileByteCounts' : 'StripByteCounts';
  const kind = level.tiled ? 'tile' : 'strip';
  const where = level.index === 0 ? '' : ` of overview ${level.index}`;
  const planar = level.image.planarConfiguration;
  for (const i of blocksForWindow(level, win, samples, planar, img.bands)) {
    const [off, cnt] = await guard(img.name, `${kind} offsets${where}`, async () => [
      Number(await fd.loadValueIndexed(offTag, i)),
      Number(await fd.loadValueIndexed(cntTag, i)),
    ]);
    if (cnt === 0) continue;
    if (off + cnt > size) {
      const at = off >= size ? `at byte ${off} is past the end` : `(bytes ${off}..${off + cnt - 1}) runs past the end`;
      throw new ApiError('BAD_INPUT', `${img.name}: truncated: ${kind} ${i}${where} ${at} of the ${size}-byte file`);
    }
  }
}

/**
 * One typed array per requested sample (0-based), each `width * height` of the window, row-major.
 * Pixels of the window outside the level are filled with `fill`.
 */
export async function readWindow(img: OpenedImage, level: ImageLevel, win: PixelWindow, samples: number[], fill = 0): Promise<Samples[]> {
  await checkBlocks(img, level, win, samples);
  const where = level.index === 0 ? 'pixels' : `pixels of overview ${level.index}`;
  try {
    const r = await level.image.readRasters({ window: win, samples, interleave: false, fillValue: fill });
    return r as unknown as Samples[];
  } catch (e) {
    if (e instanceof PastEndError) throw toImageryError(img.name, `a block of ${where}`, e);
    throw toImageryError(img.name, `${where} [${win.join(',')}]`, e);
  }
}
