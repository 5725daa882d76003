/**
 * GeoPackage geometry blobs (StandardGeoPackageBinary, spec 1.3 section 2.1.3):
 *   'G' 'P' version flags srs_id(int32) envelope(0/4/6/8 doubles) WKB
 * flags: bit0 byte order of header (1 = little endian), bits1-3 envelope kind
 * (0 none, 1 xy, 2 xyz, 3 xym, 4 xyzm), bit4 empty, bit5 ExtendedGeoPackageBinary.
 */
import type { RawGeometry } from './collect';
import { peekWkbType, readWkb, writeWkb } from './wkb';

const ENVELOPE_DOUBLES = [0, 4, 6, 6, 8];

export interface GpkgHeader {
  srsId: number;
  empty: boolean;
  extended: boolean;
  /** Byte offset of the WKB. */
  wkbOffset: number;
}

export function parseGpkgHeader(blob: Uint8Array): GpkgHeader | string {
  if (blob.length < 8) return 'geometry blob shorter than its header';
  if (blob[0] !== 0x47 || blob[1] !== 0x50) return 'not a GeoPackage geometry blob (no "GP" magic)';
  const flags = blob[3]!;
  const envKind = (flags >> 1) & 7;
  if (envKind > 4) return `invalid envelope indicator ${envKind} in geometry header`;
  const le = (flags & 1) === 1;
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const wkbOffset = 8 + 8 * ENVELOPE_DOUBLES[envKind]!;
  if (blob.length < wkbOffset) return 'geometry blob truncated inside its envelope';
  return { srsId: view.getInt32(4, le), empty: ((flags >> 4) & 1) === 1, extended: ((flags >> 5) & 1) === 1, wkbOffset };
}

/** Decodes a GeoPackage geometry blob (or, leniently, a bare WKB blob). */
export function readGpkgGeometry(blob: Uint8Array): RawGeometry {
  if (blob.length > 0 && (blob[0] === 0 || blob[0] === 1)) return readWkb(blob, 0); // plain WKB (non-conformant writers)
  const h = parseGpkgHeader(blob);
  if (typeof h === 'string') return { skip: h };
  if (h.extended) return { skip: 'ExtendedGeoPackageBinary geometry (vendor extension) is not supported' };
  if (h.empty || blob.length === h.wkbOffset) return { skip: 'empty geometry' };
  return readWkb(blob, h.wkbOffset);
}

/** The WKB base type of a blob, without decoding it (for picking a default layer). */
export function peekGpkgType(blob: Uint8Array): number | null {
  const h = parseGpkgHeader(blob);
  if (typeof h === 'string') return blob.length > 0 && blob[0]! <= 1 ? peekWkbType(blob, 0) : null;
  if (h.empty) return null;
  return peekWkbType(blob, h.wkbOffset);
}

export interface Envelope {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export function envelopeOf(polygons: number[][][][]): Envelope {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const rings of polygons) {
    for (const ring of rings) {
      for (const p of ring) {
        const x = p[0]!, y = p[1]!;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
  }
  return { minX, minY, maxX, maxY };
}

/** Little-endian StandardGeoPackageBinary with an xy envelope around 2-D WKB. */
export function writeGpkgGeometry(polygons: number[][][][], multi: boolean, srsId: number, env: Envelope): Buffer {
  const wkb = writeWkb(polygons, multi);
  const head = Buffer.allocUnsafe(40);
  head[0] = 0x47;
  head[1] = 0x50;
  head[2] = 0; // version 1
  head[3] = 0b0000_0011; // little endian, envelope [minx, maxx, miny, maxy]
  head.writeInt32LE(srsId, 4);
  head.writeDoubleLE(env.minX, 8);
  head.writeDoubleLE(env.maxX, 16);
  head.writeDoubleLE(env.minY, 24);
  head.writeDoubleLE(env.maxY, 32);
  return Buffer.concat([head, wkb], 40 + wkb.length);
}
