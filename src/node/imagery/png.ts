/**
 * A small, fast PNG encoder (8-bit RGBA or RGB) on node:zlib. Each row gets filter 1 (Sub) or
 * 2 (Up), whichever has the smaller sum of absolute residuals (libpng's heuristic, restricted to
 * the two cheap filters); deflate runs at a fast level, since tiles are made on demand.
 */
import { constants, crc32, deflate, deflateSync } from 'node:zlib';

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
  /** zlib strategy (default Z_DEFAULT_STRATEGY). */
  strategy?: number;
  /** 'adaptive' (default): Sub or Up per row, whichever is smaller; 'up': Up everywhere (3-5x faster, ~2% larger on imagery). */
  filter?: 'adaptive' | 'up';
}

/** Filter 2 (Up) on every row (the first row has nothing above: its bytes as they are). */
export function filterRowsUp(pixels: Uint8Array, width: number, height: number, bpp: number): Buffer {
  const stride = width * bpp;
  const out = Buffer.allocUnsafe(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    const o = y * (stride + 1) + 1;
    out[o - 1] = 2;
    if (y === 0) for (let i = 0; i < stride; i++) out[o + i] = pixels[i]!;
    else for (let i = 0; i < stride; i++) out[o + i] = (pixels[row + i]! - pixels[row - stride + i]!) & 0xff;
  }
  return out;
}

/** Applies filter 1 or 2 to every row; returns the filtered scanlines (one type byte a row). */
export function filterRows(pixels: Uint8Array, width: number, height: number, bpp: number): Buffer {
  const stride = width * bpp;
  const out = Buffer.allocUnsafe(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    const prev = row - stride;
    const o = y * (stride + 1) + 1;
    let sumSub = 0;
    let sumUp = 0;
    // Sub: the first pixel has no left neighbour (its residual is itself).
    for (let i = 0; i < bpp; i++) {
      const x = pixels[row + i]!;
      sumSub += x < 128 ? x : 256 - x;
      const u = y > 0 ? (x - pixels[prev + i]!) & 0xff : x;
      sumUp += u < 128 ? u : 256 - u;
    }
    if (y > 0) {
      for (let i = bpp; i < stride; i++) {
        const x = pixels[row + i]!;
        const s = (x - pixels[row + i - bpp]!) & 0xff;
        const u = (x - pixels[prev + i]!) & 0xff;
        sumSub += s < 128 ? s : 256 - s;
        sumUp += u < 128 ? u : 256 - u;
      }
    } else {
      for (let i = bpp; i < stride; i++) {
        const x = pixels[row + i]!;
        const s = (x - pixels[row + i - bpp]!) & 0xff;
        sumSub += s < 128 ? s : 256 - s;
        sumUp += x < 128 ? x : 256 - x;
      }
    }
    if (sumUp < sumSub) {
      out[o - 1] = 2;
      if (y > 0) for (let i = 0; i < stride; i++) out[o + i] = (pixels[row + i]! - pixels[prev + i]!) & 0xff;
      else for (let i = 0; i < stride; i++) out[o + i] = pixels[row + i]!;
    } else {
      out[o - 1] = 1;
      for (let i = 0; i < bpp; i++) out[o + i] = pixels[row + i]!;
      for (let i = bpp; i < stride; i++) out[o + i] = (pixels[row + i]! - pixels[row + i - bpp]!) & 0xff;
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
  const filtered = (opts.filter === 'up' ? filterRowsUp : filterRows)(pixels, width, height, channels);
  const idat = deflateSync(filtered, { level: opts.level ?? 4, strategy: opts.strategy ?? constants.Z_DEFAULT_STRATEGY });
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

function pngHeader(width: number, height: number, channels: 3 | 4): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 4 ? 6 : 2; // colour type RGBA / RGB
  return chunk('IHDR', ihdr);
}

/** RGB pixels when every pixel of the RGBA is opaque, else null. */
function opaqueRgb(rgba: Uint8Array): Uint8Array | null {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return null;
  const rgb = new Uint8Array((rgba.length / 4) * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    rgb[j] = rgba[i]!;
    rgb[j + 1] = rgba[i + 1]!;
    rgb[j + 2] = rgba[i + 2]!;
  }
  return rgb;
}

const TILE_ZLIB = { level: 1, strategy: constants.Z_RLE };

/**
 * A map tile: RGB when every pixel is opaque (a quarter less to filter and compress), else RGBA;
 * the Up filter on every row, and zlib level 1 with run-length matching only (Z_RLE): on imagery
 * as small as adaptive filters + level 6 within a few %, and 3-5x faster (measured on NICFI-like
 * quads and PlanetScope chips); very small on transparent areas. The deflate runs on libuv's
 * thread pool. `encodeTilePngSync` gives the same bytes.
 */
export function encodeTilePng(rgba: Uint8Array, width: number, height: number): Promise<Buffer> {
  const rgb = opaqueRgb(rgba);
  const channels = rgb ? 3 : 4;
  const filtered = filterRowsUp(rgb ?? rgba, width, height, channels);
  return new Promise((resolve, reject) => {
    deflate(filtered, { ...TILE_ZLIB, chunkSize: Math.max(64 * 1024, filtered.length + 1024) }, (err, idat) => {
      if (err) reject(err);
      else resolve(Buffer.concat([SIGNATURE, pngHeader(width, height, channels), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]));
    });
  });
}

export function encodeTilePngSync(rgba: Uint8Array, width: number, height: number): Buffer {
  const rgb = opaqueRgb(rgba);
  return rgb ? encodePng(rgb, width, height, { ...TILE_ZLIB, filter: 'up', channels: 3 }) : encodePng(rgba, width, height, { ...TILE_ZLIB, filter: 'up' });
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
