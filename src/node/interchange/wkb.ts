/**
 * Well-Known Binary (ISO, as GeoPackage stores it; EWKB Z/M flags accepted too). Reads Polygon,
 * MultiPolygon and GeometryCollections of them, dropping Z and M; other types come back as a
 * reason to skip. Writes 2-D little-endian Polygon / MultiPolygon.
 */
import type { RawGeometry } from './collect';
import type { RingPts } from './repair';

const NAMES: Record<number, string> = {
  1: 'Point', 2: 'LineString', 3: 'Polygon', 4: 'MultiPoint', 5: 'MultiLineString', 6: 'MultiPolygon',
  7: 'GeometryCollection', 8: 'CircularString', 9: 'CompoundCurve', 10: 'CurvePolygon', 11: 'MultiCurve',
  12: 'MultiSurface', 13: 'Curve', 14: 'Surface', 15: 'PolyhedralSurface', 16: 'TIN', 17: 'Triangle',
};
const CURVES = new Set([8, 9, 10, 11, 12, 13, 14]);

export function wkbTypeName(code: number): string {
  return NAMES[code] ?? `WKB type ${code}`;
}

class Reader {
  constructor(private readonly buf: Uint8Array, public pos: number, private readonly view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)) {}
  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new Error(`WKB truncated at byte ${this.pos}`);
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }
  u32(le: boolean): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, le);
    this.pos += 4;
    return v;
  }
  f64(le: boolean): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, le);
    this.pos += 8;
    return v;
  }
}

interface Header {
  le: boolean;
  base: number;
  dims: number;
}

function header(r: Reader): Header {
  const order = r.u8();
  if (order > 1) throw new Error(`bad WKB byte order ${order} at byte ${r.pos - 1}`);
  const le = order === 1;
  const raw = r.u32(le);
  let hasZ = (raw & 0x80000000) !== 0;
  let hasM = (raw & 0x40000000) !== 0;
  const t = raw & 0x0fffffff;
  const base = t % 1000;
  const iso = Math.floor(t / 1000);
  if (iso === 1 || iso === 3) hasZ = true;
  if (iso === 2 || iso === 3) hasM = true;
  if (iso > 3) throw new Error(`bad WKB geometry type ${raw}`);
  return { le, base, dims: 2 + (hasZ ? 1 : 0) + (hasM ? 1 : 0) };
}

function readCount(r: Reader, le: boolean, bytesEach: number): number {
  const n = r.u32(le);
  r.need(n * bytesEach); // before allocating anything for a lying count
  return n;
}

function readPolygon(r: Reader, h: Header): RingPts[] {
  const nRings = readCount(r, h.le, 4);
  const rings: RingPts[] = [];
  for (let i = 0; i < nRings; i++) {
    const nPts = readCount(r, h.le, 8 * h.dims);
    const ring: RingPts = new Array(nPts);
    for (let j = 0; j < nPts; j++) {
      const x = r.f64(h.le);
      const y = r.f64(h.le);
      for (let k = 2; k < h.dims; k++) r.f64(h.le);
      ring[j] = [x, y];
    }
    rings.push(ring);
  }
  return rings;
}

interface Parts {
  polygons: RingPts[][];
  others: string[];
}

function readInto(r: Reader, out: Parts, depth: number): { base: number } {
  const h = header(r);
  if (h.base === 3) {
    const p = readPolygon(r, h);
    if (p.length) out.polygons.push(p);
  } else if (h.base === 6 || h.base === 7) {
    const n = readCount(r, h.le, 5);
    if (depth > 8) throw new Error('GeometryCollection nested too deeply');
    for (let i = 0; i < n; i++) {
      const sub = readInto(r, out, depth + 1);
      if (h.base === 6 && sub.base !== 3) throw new Error(`MultiPolygon member of type ${wkbTypeName(sub.base)}`);
    }
  } else if (CURVES.has(h.base)) {
    throw new CurveError(wkbTypeName(h.base));
  } else {
    out.others.push(wkbTypeName(h.base));
    skipGeometry(r, h);
  }
  return { base: h.base };
}

class CurveError extends Error {}

/** Moves past a non-area geometry (inside a GeometryCollection) without keeping it. */
function skipGeometry(r: Reader, h: Header): void {
  const ptBytes = 8 * h.dims;
  if (h.base === 1) {
    r.need(ptBytes);
    r.pos += ptBytes;
  } else if (h.base === 2) r.pos += readCount(r, h.le, ptBytes) * ptBytes;
  else if (h.base === 17) readPolygon(r, h);
  else if (h.base === 4 || h.base === 5 || h.base === 15 || h.base === 16) {
    const n = readCount(r, h.le, 5);
    for (let i = 0; i < n; i++) readInto(r, { polygons: [], others: [] }, 9);
  } else throw new Error(`unsupported ${wkbTypeName(h.base)}`);
}

/** Decodes WKB at `offset` into polygons in the stored CRS, or a reason to skip. */
export function readWkb(buf: Uint8Array, offset = 0): RawGeometry {
  const r = new Reader(buf, offset);
  let base: number;
  const parts: Parts = { polygons: [], others: [] };
  try {
    const save = r.pos;
    const h = header(r);
    base = h.base;
    r.pos = save;
    readInto(r, parts, 0);
  } catch (e) {
    if (e instanceof CurveError) return { skip: `curve geometry (${e.message}) is not supported; convert it to polygons first (e.g. ogr2ogr -nlt CONVERT_TO_LINEAR)` };
    return { skip: `corrupt geometry: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (base !== 3 && base !== 6 && base !== 7) return { skip: `${wkbTypeName(base)} is not an area (only polygons are imported)` };
  if (parts.polygons.length === 0) {
    if (parts.others.length) return { skip: `GeometryCollection holds no polygons (${[...new Set(parts.others)].join(', ')})` };
    return { skip: `empty ${wkbTypeName(base)}` };
  }
  const notes = parts.others.length ? [`dropped ${parts.others.length} non-area member${parts.others.length > 1 ? 's' : ''} (${[...new Set(parts.others)].join(', ')})`] : undefined;
  const out: RawGeometry = { multi: base !== 3, polygons: parts.polygons };
  if (notes) out.notes = notes;
  return out;
}

/** The base geometry type code at `offset` (1..17), or null when unreadable. */
export function peekWkbType(buf: Uint8Array, offset = 0): number | null {
  try {
    return header(new Reader(buf, offset)).base;
  } catch {
    return null;
  }
}

/** 2-D little-endian WKB of a Polygon (one part, not forced multi) or MultiPolygon. */
export function writeWkb(polygons: number[][][][], multi: boolean): Buffer {
  let size = multi ? 9 : 0;
  for (const rings of polygons) {
    size += 9;
    for (const ring of rings) size += 4 + 16 * ring.length;
  }
  const buf = Buffer.allocUnsafe(size);
  let o = 0;
  const polygon = (rings: number[][][]) => {
    buf.writeUInt8(1, o);
    buf.writeUInt32LE(3, o + 1);
    buf.writeUInt32LE(rings.length, o + 5);
    o += 9;
    for (const ring of rings) {
      buf.writeUInt32LE(ring.length, o);
      o += 4;
      for (const p of ring) {
        buf.writeDoubleLE(p[0]!, o);
        buf.writeDoubleLE(p[1]!, o + 8);
        o += 16;
      }
    }
  };
  if (multi) {
    buf.writeUInt8(1, 0);
    buf.writeUInt32LE(6, 1);
    buf.writeUInt32LE(polygons.length, 5);
    o = 9;
    for (const rings of polygons) polygon(rings);
  } else polygon(polygons[0]!);
  return buf;
}
