/**
 * GeoJSON Polygon/MultiPolygon text (as the store keeps it) straight to GeoPackage binary, its
 * envelope and its area, without building the nested JavaScript arrays JSON.parse would: the
 * export's hot loop. Numbers of at most 15 digits and no exponent take the exact fast path
 * (integer mantissa / power of ten, both exact doubles, one correctly rounded division: the same
 * double JSON.parse gives); anything else goes through Number() on the substring; any text that
 * is not the expected shape falls back to JSON.parse. The output is byte-identical to
 * `writeGpkgGeometry` and the area to `areaHa` (tested).
 */
import type { AreaGeometry } from '../../common/geo/geojson';
import { envelopeOf, writeGpkgGeometry } from '../interchange/gpkg-binary';
import { areaHa } from './export-fields';

export interface GpkgGeometry {
  blob: Buffer;
  /** The text held a MultiPolygon (a Polygon layer cannot take it). */
  multi: boolean;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  areaHa: number;
}

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
const R = 6371008.8;

let xs = new Float64Array(4096);
let ys = new Float64Array(4096);
let ringLen = new Int32Array(256); // positions per ring
let polyRings = new Int32Array(64); // rings per polygon

const grow = <T extends Float64Array | Int32Array>(a: T, need: number): T => {
  if (need < a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(need + 1, a.length * 2));
  b.set(a);
  return b;
};

class Shape extends Error {}

/** Parses the coordinates into xs/ys/ringLen/polyRings; returns [positions, rings, polygons]. */
function scan(text: string, multi: boolean): [number, number, number] {
  let i = text.indexOf('"coordinates"');
  if (i < 0) throw new Shape();
  i = text.indexOf('[', i);
  if (i < 0) throw new Shape();
  const posDepth = multi ? 4 : 3;
  let depth = 0, n = 0, rings = 0, polys = 0, inPos = 0;
  const len = text.length;
  for (; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 /* [ */) {
      depth++;
      if (depth === posDepth) inPos = 0;
      else if (depth === posDepth - 1) {
        ringLen = grow(ringLen, rings);
        ringLen[rings] = 0;
      } else if (depth === posDepth - 2) {
        polyRings = grow(polyRings, polys);
        polyRings[polys] = 0;
      } else if (depth > posDepth) throw new Shape();
    } else if (c === 93 /* ] */) {
      if (depth === posDepth) {
        if (inPos < 2) throw new Shape();
        n++;
        ringLen[rings]!++;
      } else if (depth === posDepth - 1) {
        polyRings[polys]!++;
        rings++;
      } else if (depth === posDepth - 2) polys++;
      depth--;
      if (depth === 0) return [n, rings, polys];
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      if (depth !== posDepth) throw new Shape();
      const start = i;
      let neg = false;
      if (c === 45) {
        neg = true;
        i++;
      }
      let m = 0, digits = 0, frac = 0, slow = false, d = text.charCodeAt(i);
      while (d >= 48 && d <= 57) {
        m = m * 10 + (d - 48);
        digits++;
        d = text.charCodeAt(++i);
      }
      if (d === 46 /* . */) {
        d = text.charCodeAt(++i);
        while (d >= 48 && d <= 57) {
          m = m * 10 + (d - 48);
          digits++;
          frac++;
          d = text.charCodeAt(++i);
        }
      }
      if (d === 101 || d === 69 /* e E */) {
        slow = true;
        d = text.charCodeAt(++i);
        if (d === 43 || d === 45) d = text.charCodeAt(++i);
        while (d >= 48 && d <= 57) d = text.charCodeAt(++i);
      }
      if (digits === 0) throw new Shape();
      const v = slow || digits > 15 ? Number(text.slice(start, i)) : neg ? -(m / POW10[frac]!) : m / POW10[frac]!;
      if (inPos === 0) {
        xs = grow(xs, n);
        xs[n] = v;
      } else if (inPos === 1) {
        ys = grow(ys, n);
        ys[n] = v;
      }
      inPos++;
      i--;
    } else if (c !== 44 && c !== 32 && c !== 10 && c !== 13 && c !== 9) throw new Shape();
  }
  throw new Shape();
}

function fallback(text: string, multi: boolean): GpkgGeometry {
  const g = JSON.parse(text) as AreaGeometry;
  const polys = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as number[][][][];
  const env = envelopeOf(polys);
  return { blob: writeGpkgGeometry(polys, multi, 4326, env), multi: g.type === 'MultiPolygon', ...env, areaHa: areaHa(g) };
}

/** `multi`: write a MultiPolygon (the layer's type); the text itself may be either type. */
export function geojsonToGpkg(text: string, multi: boolean): GpkgGeometry {
  const t = text.indexOf('"type"');
  const isMulti = t >= 0 && text.startsWith('"MultiPolygon"', text.indexOf('"', text.indexOf(':', t)));
  if (t < 0 || (!isMulti && !text.startsWith('"Polygon"', text.indexOf('"', text.indexOf(':', t))))) return fallback(text, multi);
  if (isMulti && !multi) return fallback(text, multi);
  let n: number, rings: number, polys: number;
  try {
    [n, rings, polys] = scan(text, isMulti);
  } catch (e) {
    if (e instanceof Shape) return fallback(text, multi);
    throw e;
  }
  if (n === 0 || polys === 0 || Array.prototype.some.call(ringLen.subarray(0, rings), (c: number) => c === 0)) return fallback(text, multi);
  // The blob: 40-byte header with the xy envelope, then WKB (as writeGpkgGeometry/writeWkb).
  const size = 40 + (multi ? 9 : 0) + polys * 9 + rings * 4 + n * 16;
  const buf = Buffer.allocUnsafe(size);
  const dv = new DataView(buf.buffer, buf.byteOffset, size);
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let k = 0; k < n; k++) {
    const x = xs[k]!, y = ys[k]!;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  buf[0] = 0x47;
  buf[1] = 0x50;
  buf[2] = 0;
  buf[3] = 0b0000_0011;
  buf.writeInt32LE(4326, 4);
  buf.writeDoubleLE(minX, 8);
  buf.writeDoubleLE(maxX, 16);
  buf.writeDoubleLE(minY, 24);
  buf.writeDoubleLE(maxY, 32);
  let o = 40;
  if (multi) {
    buf[o] = 1;
    buf.writeUInt32LE(6, o + 1);
    buf.writeUInt32LE(polys, o + 5);
    o += 9;
  }
  let r = 0, p = 0, area = 0;
  for (let q = 0; q < polys; q++) {
    buf[o] = 1;
    buf.writeUInt32LE(3, o + 1);
    buf.writeUInt32LE(polyRings[q]!, o + 5);
    o += 9;
    const lat0 = (ys[p]! * Math.PI) / 180;
    const kx = (Math.PI / 180) * R * Math.cos(lat0), ky = (Math.PI / 180) * R;
    for (let ri = 0; ri < polyRings[q]!; ri++, r++) {
      const m = ringLen[r]!;
      dv.setUint32(o, m, true);
      o += 4;
      let a = 0;
      for (let k = 0, j = m - 1; k < m; j = k++) {
        a += (xs[p + j]! - xs[p + k]!) * kx * (ys[p + j]! + ys[p + k]!) * ky;
        dv.setFloat64(o, xs[p + k]!, true);
        dv.setFloat64(o + 8, ys[p + k]!, true);
        o += 16;
      }
      area += (ri === 0 ? 1 : -1) * Math.abs(a / 2);
      p += m;
    }
  }
  return { blob: buf, multi: isMulti, minX, minY, maxX, maxY, areaHa: Math.round(area / 100) / 100 };
}
