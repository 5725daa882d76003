/**
 * A small, fast PNG encoder (8-bit RGBA or RGB) on node:zlib. Each row gets filter 1 (Sub) or
 * 2 (Up), whichever has the smaller sum of absolute residuals (libpng's heuristic, restricted to
 * the two cheap filters); deflate runs at a fast level, since tiles are made on demand.
 */
import { crc32, deflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)) >>> 0, 8 + data.length);
  return out;
}

export interface PngOptions {
  /** zlib level 0-9 (default 4: about as small as 6, noticeably faster). */
  level?: number;
  /** 4 = RGBA (default), 3 = RGB. `pixels` always has this many bytes per pixel. */
  channels?: 3 | 4;
}

/** Applies filter 1 or 2 to every row; returns the filtered scanlines (one type byte a row). */
export function filterRows(pixels: Uint8Array, width: number, height: number, bpp: number): Buffer {
  const stride = width * bpp;
  const out = Buffer.allocUnsafe(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    const prev = row - stride;
    let sumSub = 0;
    let sumUp = 0;
    for (let i = 0; i < stride; i++) {
      const x = pixels[row + i]!;
      const s = (x - (i >= bpp ? pixels[row + i - bpp]! : 0)) & 0xff;
      const u = (x - (y > 0 ? pixels[prev + i]! : 0)) & 0xff;
      sumSub += s < 128 ? s : 256 - s;
      sumUp += u < 128 ? u : 256 - u;
    }
    const o = y * (stride + 1);
    if (sumUp < sumSub) {
      out[o] = 2;
      for (let i = 0; i < stride; i++) out[o + 1 + i] = (pixels[row + i]! - (y > 0 ? pixels[prev + i]! : 0)) & 0xff;
    } else {
      out[o] = 1;
      for (let i = 0; i < stride; i++) out[o + 1 + i] = (pixels[row + i]! - (i >= bpp ? pixels[row + i - bpp]! : 0)) & 0xff;
    }
  }
  return out;
}

/** Encodes 8-bit RGBA (or RGB) pixels, row-major, as a PNG file. */
export function encodePng(pixels: Uint8Array, width: number, height: number, opts: PngOptions = {}): Buffer {
  const channels = opts.channels ?? 4;
  if (pixels.length !== width * height * channels) throw new Error(`encodePng: expected ${width * height * channels} bytes, got ${pixels.length}`);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 4 ? 6 : 2; // colour type RGBA / RGB
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  const idat = deflateSync(filterRows(pixels, width, height, channels), { level: opts.level ?? 4 });
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

const emptyCache = new Map<number, Buffer>();

/** A fully transparent RGBA tile (cached per size). */
export function emptyPng(size: number): Buffer {
  let png = emptyCache.get(size);
  if (!png) {
    png = encodePng(new Uint8Array(size * size * 4), size, size, { level: 9 });
    emptyCache.set(size, png);
  }
  return png;
}
