/**
 * A tiny PNG decoder for screenshots (8-bit RGB / RGBA / grey, non-interlaced, all five row
 * filters), so pixel checks need no image library.
 */
import { inflateSync } from 'node:zlib';

export interface Image {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel, rows top to bottom. */
  data: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function decodePng(buf: Buffer): Image {
  if (!buf.subarray(0, 8).equals(SIGNATURE)) throw new Error('decodePng: not a PNG');
  let off = 8;
  let width = 0;
  let height = 0;
  let colorType = -1;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const body = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const depth = body[8];
      colorType = body[9]!;
      if (depth !== 8 || body[12] !== 0) throw new Error(`decodePng: unsupported depth ${depth} / interlace ${body[12]}`);
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    off += 12 + len;
  }
  const channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[colorType];
  if (!channels) throw new Error(`decodePng: unsupported colour type ${colorType}`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(width * height * 4);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const cur = new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? cur[i - channels]! : 0;
      const b = prev[i]!;
      const c = i >= channels ? prev[i - channels]! : 0;
      let v = line[i]!;
      switch (filter) {
        case 0:
          break;
        case 1:
          v += a;
          break;
        case 2:
          v += b;
          break;
        case 3:
          v += (a + b) >> 1;
          break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          throw new Error(`decodePng: bad filter ${filter} on row ${y}`);
      }
      cur[i] = v & 0xff;
    }
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      const s = x * channels;
      if (channels >= 3) {
        out[o] = cur[s]!;
        out[o + 1] = cur[s + 1]!;
        out[o + 2] = cur[s + 2]!;
        out[o + 3] = channels === 4 ? cur[s + 3]! : 255;
      } else {
        out[o] = out[o + 1] = out[o + 2] = cur[s]!;
        out[o + 3] = channels === 2 ? cur[s + 1]! : 255;
      }
    }
    prev = cur;
  }
  return { width, height, data: out };
}

export function pixel(img: Image, x: number, y: number): [number, number, number] {
  const xi = Math.min(img.width - 1, Math.max(0, Math.round(x)));
  const yi = Math.min(img.height - 1, Math.max(0, Math.round(y)));
  const o = (yi * img.width + xi) * 4;
  return [img.data[o]!, img.data[o + 1]!, img.data[o + 2]!];
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Distinct colours in a region, quantised to 5 bits a channel, ignoring one background colour. */
export function distinctColours(img: Image, r: Rect, background?: [number, number, number], step = 2): number {
  const seen = new Set<number>();
  for (let y = Math.ceil(r.y); y < r.y + r.height; y += step) {
    for (let x = Math.ceil(r.x); x < r.x + r.width; x += step) {
      const [cr, cg, cb] = pixel(img, x, y);
      if (background && Math.abs(cr - background[0]) + Math.abs(cg - background[1]) + Math.abs(cb - background[2]) < 6) continue;
      seen.add(((cr >> 3) << 10) | ((cg >> 3) << 5) | (cb >> 3));
    }
  }
  return seen.size;
}

/** Mean absolute per-channel difference between two same-size images over a region. */
export function meanDifference(a: Image, b: Image, r: Rect, step = 2): number {
  let sum = 0;
  let n = 0;
  for (let y = Math.ceil(r.y); y < r.y + r.height; y += step) {
    for (let x = Math.ceil(r.x); x < r.x + r.width; x += step) {
      const p = pixel(a, x, y);
      const q = pixel(b, x, y);
      sum += Math.abs(p[0] - q[0]) + Math.abs(p[1] - q[1]) + Math.abs(p[2] - q[2]);
      n += 3;
    }
  }
  return n ? sum / n : 0;
}
