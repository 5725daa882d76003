/**
 * ESRI shapefile: .shp polygons (Polygon, PolygonZ, PolygonM; Z and M dropped) with rings sorted
 * into exteriors and holes by orientation (shapefile exteriors are clockwise) and containment,
 * .dbf attributes decoded with the .cpg encoding (numbers, strings, dates, logicals), .prj CRS.
 */
import { Collector, type RawGeometry } from './collect';
import { signedArea2, type RingPts } from './repair';
import { CrsError, crsFromEpsg, crsFromWkt, type ResolvedCrs } from './reproject';
import { badInput, errorMessage, type ReadResult } from './types';

export interface ShapefileParts {
  name: string;
  shp: Buffer;
  dbf?: Buffer;
  prj?: string;
  cpg?: string;
}

const POLYGON_TYPES = new Set([5, 15, 25]);
const SHAPE_NAMES: Record<number, string> = { 1: 'Point', 3: 'PolyLine', 8: 'MultiPoint', 11: 'PointZ', 13: 'PolyLineZ', 18: 'MultiPointZ', 21: 'PointM', 23: 'PolyLineM', 28: 'MultiPointM', 31: 'MultiPatch' };

export function shapeTypeOf(shp: Buffer): number {
  return shp.length >= 36 ? shp.readInt32LE(32) : -1;
}

function pointInRing(x: number, y: number, ring: RingPts): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i]!, b = ring[j]!;
    if (a[1] > y !== b[1] > y && x < ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside;
}

/** Does `outer` contain `inner`? Votes over inner's first vertices that are not shared with outer. */
function contains(outer: RingPts, inner: RingPts): boolean {
  const shared = new Set(outer.map((p) => `${p[0]},${p[1]}`));
  let yes = 0, no = 0;
  for (const p of inner) {
    if (shared.has(`${p[0]},${p[1]}`)) continue;
    if (pointInRing(p[0], p[1], outer)) yes++;
    else no++;
    if (yes + no >= 3) break;
  }
  return yes > no;
}

/** Groups shapefile rings into polygons: clockwise = exterior, counter-clockwise = hole. */
export function assembleRings(rings: RingPts[]): RingPts[][] {
  const areas = rings.map((r) => signedArea2(r));
  let outerIdx = rings.map((_, i) => i).filter((i) => areas[i]! <= 0);
  if (outerIdx.length === 0) {
    // Orientation ignored by the writer: exteriors are the rings inside an even number of others.
    outerIdx = rings.map((_, i) => i).filter((i) => rings.filter((o, j) => j !== i && contains(o, rings[i]!)).length % 2 === 0);
  }
  const outers = new Set(outerIdx);
  const polys = new Map<number, RingPts[]>(outerIdx.map((i) => [i, [rings[i]!]]));
  const orphans: RingPts[][] = [];
  rings.forEach((hole, i) => {
    if (outers.has(i)) return;
    let best = -1;
    for (const o of outerIdx) {
      if (contains(rings[o]!, hole) && (best < 0 || Math.abs(areas[o]!) < Math.abs(areas[best]!))) best = o;
    }
    if (best >= 0) polys.get(best)!.push(hole);
    else orphans.push([hole]); // a "hole" outside every exterior is an exterior drawn the wrong way round
  });
  return [...polys.values(), ...orphans];
}

function readShape(shp: Buffer, pos: number, len: number): RawGeometry | null {
  const type = shp.readInt32LE(pos);
  if (type === 0) return null;
  if (!POLYGON_TYPES.has(type)) return { skip: `${SHAPE_NAMES[type] ?? `shape type ${type}`} is not an area (only polygons are imported)` };
  if (len < 44) return { skip: 'corrupt polygon record (too short)' };
  const numParts = shp.readInt32LE(pos + 36);
  const numPoints = shp.readInt32LE(pos + 40);
  const ptsAt = pos + 44 + 4 * numParts;
  if (numParts < 0 || numPoints < 0 || ptsAt + 16 * numPoints > pos + len) return { skip: 'corrupt polygon record (counts exceed the record)' };
  const rings: RingPts[] = [];
  for (let k = 0; k < numParts; k++) {
    const start = shp.readInt32LE(pos + 44 + 4 * k);
    const end = k + 1 < numParts ? shp.readInt32LE(pos + 48 + 4 * k) : numPoints;
    if (start < 0 || end > numPoints || start > end) return { skip: 'corrupt polygon record (bad part index)' };
    const ring: RingPts = [];
    for (let p = start; p < end; p++) ring.push([shp.readDoubleLE(ptsAt + 16 * p), shp.readDoubleLE(ptsAt + 16 * p + 8)]);
    rings.push(ring);
  }
  if (!rings.length) return { skip: 'empty polygon' };
  const polygons = assembleRings(rings);
  return { multi: polygons.length > 1, polygons };
}

function decoderFor(cpg: string | undefined, ldid: number): (b: Buffer) => string {
  const label = (cpg ?? '').trim().toUpperCase();
  const map: Record<string, string> = { UTF8: 'utf-8', 'UTF-8': 'utf-8', '65001': 'utf-8', '1252': 'windows-1252', CP1252: 'windows-1252', ANSI_1252: 'windows-1252', '88591': 'iso-8859-1', '8859_1': 'iso-8859-1', 'ISO-8859-1': 'iso-8859-1', ISO88591: 'iso-8859-1', LATIN1: 'iso-8859-1' };
  let enc = map[label] ?? (label ? (/^\d{3,4}$/.test(label) ? `windows-${label}` : label.toLowerCase()) : '');
  if (!enc && (ldid === 0x57 || ldid === 0x03)) enc = 'windows-1252';
  if (enc) {
    try {
      const d = new TextDecoder(enc);
      return (b) => d.decode(b);
    } catch {
      /* unknown label: fall through */
    }
  }
  // No usable declaration: UTF-8 when the bytes are valid UTF-8, else Latin-1.
  const strict = new TextDecoder('utf-8', { fatal: true });
  return (b) => {
    try {
      return strict.decode(b);
    } catch {
      return b.toString('latin1');
    }
  };
}

interface DbfField {
  name: string;
  type: string;
  offset: number;
  length: number;
}

class Dbf {
  readonly count: number;
  private readonly fields: DbfField[] = [];
  private readonly headerLen: number;
  private readonly recordLen: number;
  private readonly decode: (b: Buffer) => string;

  constructor(private readonly buf: Buffer, cpg: string | undefined) {
    if (buf.length < 32) throw new Error('.dbf is truncated (no header)');
    this.count = buf.readUInt32LE(4);
    this.headerLen = buf.readUInt16LE(8);
    this.recordLen = buf.readUInt16LE(10);
    this.decode = decoderFor(cpg, buf[29]!);
    let offset = 1;
    for (let p = 32; p + 32 <= this.headerLen && buf[p] !== 0x0d; p += 32) {
      const raw = buf.subarray(p, p + 11);
      const nul = raw.indexOf(0);
      const f = { name: this.decode(raw.subarray(0, nul < 0 ? 11 : nul)).trim(), type: String.fromCharCode(buf[p + 11]!), offset, length: buf[p + 16]! };
      this.fields.push(f);
      offset += f.length;
    }
    const have = Math.floor(Math.max(0, buf.length - this.headerLen) / Math.max(1, this.recordLen));
    if (have < this.count) this.count = have; // truncated .dbf: the shapes past it get no attributes
  }

  deleted(i: number): boolean {
    return this.buf[this.headerLen + i * this.recordLen] === 0x2a;
  }

  record(i: number): Record<string, unknown> {
    const base = this.headerLen + i * this.recordLen;
    const out: Record<string, unknown> = {};
    for (const f of this.fields) {
      const b = this.buf.subarray(base + f.offset, base + f.offset + f.length);
      out[f.name] = this.value(f, b);
    }
    return out;
  }

  private value(f: DbfField, b: Buffer): unknown {
    switch (f.type) {
      case 'C': {
        const s = this.decode(b).replace(/\0+$/, '').trimEnd();
        return s === '' ? null : s;
      }
      case 'N':
      case 'F': {
        const s = b.toString('latin1').trim();
        if (!s || s.startsWith('*')) return null;
        const n = Number(s);
        return Number.isFinite(n) ? n : null;
      }
      case 'D': {
        const s = b.toString('latin1').trim();
        return /^\d{8}$/.test(s) && s !== '00000000' ? `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}` : null;
      }
      case 'L': {
        const c = b.toString('latin1').trim();
        return /^[TtYy]$/.test(c) ? true : /^[FfNn]$/.test(c) ? false : null;
      }
      case 'I':
      case '+':
        return b.length >= 4 ? b.readInt32LE(0) : null;
      case 'O':
      case 'B':
        return b.length >= 8 ? b.readDoubleLE(0) : null;
      case '@': {
        if (b.length < 8) return null;
        const day = b.readInt32BE(0), ms = b.readInt32BE(4);
        return day ? new Date((day - 2440588) * 86400000 + ms).toISOString() : null;
      }
      default:
        return null; // memo / binary fields live in a .dbt we do not read
    }
  }
}

function resolveCrs(parts: ShapefileParts, shp: Buffer, display: string): ResolvedCrs {
  if (parts.prj && parts.prj.trim()) {
    try {
      return crsFromWkt(parts.prj.trim());
    } catch (e) {
      if (e instanceof CrsError) throw badInput(display, `.prj: ${e.message}`);
      throw e;
    }
  }
  const [minX, minY, maxX, maxY] = [36, 44, 52, 60].map((o) => shp.readDoubleLE(o));
  if (Math.max(Math.abs(minX!), Math.abs(maxX!)) > 180 || Math.max(Math.abs(minY!), Math.abs(maxY!)) > 90) {
    throw badInput(display, `shapefile has no .prj and its coordinates are not lon/lat (bbox ${minX}, ${minY}, ${maxX}, ${maxY})`);
  }
  return { ...crsFromEpsg(4326)!, label: 'EPSG:4326 (no .prj; assumed)' };
}

export function readShapefile(parts: ShapefileParts, display: string): Omit<ReadResult, 'format'> {
  const shp = parts.shp;
  if (shp.length < 100 || shp.readInt32BE(0) !== 9994) throw badInput(display, `${parts.name}.shp is not a shapefile (bad header)`);
  const declared = shp.readInt32BE(24) * 2;
  if (declared > shp.length) throw badInput(display, `${parts.name}.shp is truncated: its header says ${declared} bytes, the file has ${shp.length}`);
  const crs = resolveCrs(parts, shp, display);
  let dbf: Dbf | null = null;
  try {
    dbf = parts.dbf ? new Dbf(parts.dbf, parts.cpg) : null;
  } catch (e) {
    throw badInput(display, `${parts.name}.dbf: ${errorMessage(e)}`);
  }
  const out = new Collector(crs.label, crs.transform, false);
  let pos = 100;
  let index = 0;
  const end = Math.min(declared, shp.length);
  while (pos + 8 <= end) {
    const len = shp.readInt32BE(pos + 4) * 2;
    if (len < 4 || pos + 8 + len > end) {
      throw badInput(display, `${parts.name}.shp is truncated or corrupt at record ${index} (byte ${pos})`);
    }
    const i = index++;
    if (dbf && i < dbf.count && dbf.deleted(i)) out.skip(i, null, 'record is marked deleted in the .dbf');
    else {
      const props = dbf && i < dbf.count ? dbf.record(i) : {};
      out.add(i, null, readShape(shp, pos + 8, len) ?? { skip: 'no geometry (null shape)' }, props);
    }
    pos += 8 + len;
  }
  return { layer: parts.name, sourceCrs: crs.label, features: out.features, skipped: out.skipped };
}
