/**
 * Assembling a pixel window from decoded blocks of one pyramid level: the other pure half of a
 * tile job (tile-compose.ts turns the window into RGBA). No I/O; runs in-thread and in workers.
 */
import type { Dtype } from './open-image';
import type { PixelWindow } from './read-window';

/** Geometry of the decoded blocks of one pyramid level (what `assembleWindow` needs). */
export interface BlockGeometry {
  /** Level size in pixels. */
  width: number;
  height: number;
  blockWidth: number;
  blockHeight: number;
  /** Samples per pixel in a block: all bands (planar 1) or 1 (planar 2). */
  samplesPerBlock: number;
  planar: 1 | 2;
  dtype: Dtype;
}

/** A decoded block: `bx, by` its column/row in the level grid, `plane` the band for planar 2 (else 0). */
export interface DecodedBlock {
  bx: number;
  by: number;
  plane: number;
  /** Little-endian samples of `dtype`, row-major, `samplesPerBlock` interleaved. */
  data: ArrayBufferLike;
}

const CTORS = {
  uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array, uint32: Uint32Array, int32: Int32Array, float32: Float32Array, float64: Float64Array,
} as const;

export type Samples = Float32Array | Float64Array | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

export function bytesPerSampleOf(dtype: Dtype): number {
  return CTORS[dtype].BYTES_PER_ELEMENT;
}

export function typedView(dtype: Dtype, buf: ArrayBufferLike, length?: number): Samples {
  const Ctor = CTORS[dtype];
  const n = length ?? Math.floor(buf.byteLength / Ctor.BYTES_PER_ELEMENT);
  return new Ctor(buf as ArrayBuffer, 0, n);
}

/**
 * One array per requested sample (0-based band), each `ww * wh` of the window, from the decoded
 * blocks that cover it (a block missing from `blocks` leaves `fill`).
 */
export function assembleWindow(g: BlockGeometry, blocks: ReadonlyArray<DecodedBlock>, win: PixelWindow, samples: number[], fill = 0): Samples[] {
  const ww = win[2] - win[0];
  const wh = win[3] - win[1];
  const Ctor = CTORS[g.dtype];
  const out = samples.map(() => {
    const a = new Ctor(ww * wh);
    if (fill !== 0) a.fill(fill);
    return a;
  });
  for (const b of blocks) {
    const x0 = b.bx * g.blockWidth;
    const y0 = b.by * g.blockHeight;
    const rows = Math.min(g.blockHeight, g.height - y0);
    const cols = Math.min(g.blockWidth, g.width - x0);
    const data = typedView(g.dtype, b.data);
    const spb = g.samplesPerBlock;
    const cx0 = Math.max(win[0], x0);
    const cx1 = Math.min(win[2], x0 + cols);
    const cy0 = Math.max(win[1], y0);
    const cy1 = Math.min(win[3], y0 + rows);
    if (cx1 <= cx0 || cy1 <= cy0) continue;
    for (let s = 0; s < samples.length; s++) {
      const band = samples[s]!;
      let off: number;
      if (g.planar === 2) {
        if (band !== b.plane) continue;
        off = 0;
      } else off = band;
      const dst = out[s]!;
      for (let y = cy0; y < cy1; y++) {
        const srcRow = ((y - y0) * g.blockWidth + (cx0 - x0)) * spb + off;
        const dstRow = (y - win[1]) * ww + (cx0 - win[0]);
        const n = cx1 - cx0;
        if (spb === 1) {
          if (srcRow + n <= data.length) dst.set(data.subarray(srcRow, srcRow + n) as never, dstRow);
        } else {
          for (let x = 0, si = srcRow; x < n; x++, si += spb) dst[dstRow + x] = data[si]!;
        }
      }
    }
  }
  return out;
}
